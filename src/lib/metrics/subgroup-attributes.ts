/**
 * Each client-series' subgroup attributes and mean dose, for the client-series of a comparison
 * (subgroups.ts). Attributes are per client-series (any_value: constant within one); dose = the
 * mean over the series' score rows of the instrument. Where the dataset's summaries keep every
 * attribute asked for, both come from the client-series table (`cs`, which keeps the mean dose) and
 * the cohorts' cells, and no score row is read: at 5M rows the dose's pass over the score rows was
 * the largest statement of /compare (1.6–2.0 s in duckdb-wasm's Node build, 2026-12-06).
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
	if (!S || !o.scope?.cells || !needed.every((c) => S.attributes.includes(c))) {
		const select = [
			sql`client_id, series`,
			...o.attrs.map((c) => sql`any_value(CAST(${ident(c)} AS VARCHAR)) AS ${ident(c)}`),
			...(o.hasDose ? [sql`avg(dose_mg) AS __dose`, sql`any_value(CAST(route AS VARCHAR)) AS __route`] : [])
		];
		const inCohorts = o.cohortSeries ? sql` AND (client_id, series) IN (${o.cohortSeries})` : sql``;
		// The rows with a score, as the summaries' client-series (summaries.ts) are made of.
		return sql`SELECT ${join(select)} FROM ${ident(o.table)} WHERE instrument = ${o.instrument} AND score IS NOT NULL${inCohorts} GROUP BY client_id, series`;
	}
	const cols = [...o.attrs.map((c) => sql`, CAST(k.${ident(c)} AS VARCHAR) AS ${ident(c)}`), ...(o.hasDose ? [sql`, c.dose AS __dose, CAST(k.route AS VARCHAR) AS __route`] : [])];
	return sql`SELECT c.client_id, c.series${join(cols, sql``)}
FROM ${ident(S.cs)} c JOIN ${ident(S.cells)} k USING (cell)
WHERE c.instrument = ${o.instrument} AND c.cell IN (SELECT cell FROM ${o.scope.cells})`;
}
