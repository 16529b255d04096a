/**
 * Each client-series' subgroup attributes and mean dose, for the client-series of a comparison
 * (subgroups.ts). Attributes are per client-series (any_value: constant within one); dose = the
 * mean over the series' rows of the instrument. Where the dataset's summaries keep every attribute
 * asked for, they come from the cohorts' cells and only the dose from the score rows (it is not
 * summarised), which reads four of their columns instead of nine.
 */
import { ident, join, sql, type Sql } from '../engine/sql';
import type { SummaryScope } from './summaries';

export interface SeriesAttributes {
	table: string;
	instrument: string;
	/** Attribute columns, read as text. */
	attrs: string[];
	/** Whether the table has `dose_mg` (then `__dose` and the route, `__route`, are read too). */
	hasDose: boolean;
	/** The client-series to look up (`client_id, series`), when known; all of the instrument's otherwise. */
	cohortSeries: Sql | null;
	/** The summaries' scope of the comparison (its cells the cohorts'), when they answer it. */
	scope: SummaryScope | null;
}

export function seriesAttributesSql(o: SeriesAttributes): Sql {
	const S = o.scope?.summaries;
	const needed = [...o.attrs, ...(o.hasDose ? ['route'] : [])];
	const dose = (series: Sql) =>
		sql`SELECT client_id, series, avg(dose_mg) AS __dose FROM ${ident(o.table)} WHERE instrument = ${o.instrument} AND (client_id, series) IN (${series}) GROUP BY client_id, series`;
	if (!S || !o.scope?.cells || !needed.every((c) => S.attributes.includes(c))) {
		const select = [
			sql`client_id, series`,
			...o.attrs.map((c) => sql`any_value(CAST(${ident(c)} AS VARCHAR)) AS ${ident(c)}`),
			...(o.hasDose ? [sql`avg(dose_mg) AS __dose`, sql`any_value(CAST(route AS VARCHAR)) AS __route`] : [])
		];
		const inCohorts = o.cohortSeries ? sql` AND (client_id, series) IN (${o.cohortSeries})` : sql``;
		return sql`SELECT ${join(select)} FROM ${ident(o.table)} WHERE instrument = ${o.instrument}${inCohorts} GROUP BY client_id, series`;
	}
	const cols = [...o.attrs.map((c) => sql`, CAST(k.${ident(c)} AS VARCHAR) AS ${ident(c)}`), ...(o.hasDose ? [sql`, CAST(k.route AS VARCHAR) AS __route`] : [])];
	const a = sql`a AS (
  SELECT c.client_id, c.series${join(cols, sql``)}
  FROM ${ident(S.cs)} c JOIN ${ident(S.cells)} k USING (cell)
  WHERE c.instrument = ${o.instrument} AND c.cell IN (SELECT cell FROM ${o.scope.cells})
)`;
	return o.hasDose
		? sql`WITH ${a}\nSELECT a.*, d.__dose FROM a LEFT JOIN (${dose(sql`SELECT client_id, series FROM a`)}) d USING (client_id, series)`
		: sql`WITH ${a}\nSELECT * FROM a`;
}
