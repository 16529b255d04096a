/**
 * Each client-series' subgroup attributes and mean dose, for the client-series of a comparison
 * (subgroups.ts). Attributes are per client-series (any_value: constant within one); dose = the
 * mean over the series' score rows of the instrument.
 *
 * Where the dataset's summaries keep every attribute asked for, a series' attributes are its summary
 * cell's, and the comparison's client-series rows (`clientSummary`) already carry each series' cell and
 * mean dose (`series_cell`, `series_dose`): only the cohorts' cells are read here (`cellAttributesSql`,
 * a few hundred rows), and no per-series row. Otherwise the score rows are grouped per client-series
 * (`seriesAttributesSql`). At 5M score rows the dose's pass over the score rows was the largest statement
 * of /compare (1.6–2.0 s in duckdb-wasm's Node build, 2026-12-06); a per-series read of the summaries'
 * client-series after it, ~140 ms at 1M.
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
}

/** The attributes (and `__route`, when the dose is asked for) of each of the scope's cells, keyed `series_cell`; null when the summaries do not keep them all. */
export function cellAttributesSql(o: { attrs: string[]; hasDose: boolean; scope: SummaryScope | null }): Sql | null {
	const S = o.scope?.summaries;
	const needed = [...o.attrs, ...(o.hasDose ? ['route'] : [])];
	if (!S || !o.scope?.cells || !needed.every((c) => S.attributes.includes(c))) return null;
	const cols = [...o.attrs.map((c) => sql`, CAST(k.${ident(c)} AS VARCHAR) AS ${ident(c)}`), ...(o.hasDose ? [sql`, CAST(k.route AS VARCHAR) AS __route`] : [])];
	return sql`SELECT k.cell AS series_cell${join(cols, sql``)} FROM ${ident(S.cells)} k WHERE k.cell IN (SELECT cell FROM ${o.scope.cells})`;
}

/** One row per client-series of the instrument (those of `cohortSeries` when given), from the score rows. */
export function seriesAttributesSql(o: SeriesAttributes): Sql {
	const select = [
		sql`client_id, series`,
		...o.attrs.map((c) => sql`any_value(CAST(${ident(c)} AS VARCHAR)) AS ${ident(c)}`),
		...(o.hasDose ? [sql`avg(dose_mg) AS __dose`, sql`any_value(CAST(route AS VARCHAR)) AS __route`] : [])
	];
	const inCohorts = o.cohortSeries ? sql` AND (client_id, series) IN (${o.cohortSeries})` : sql``;
	// The rows with a score, as the summaries' client-series (summaries.ts) are made of.
	return sql`SELECT ${join(select)} FROM ${ident(o.table)} WHERE instrument = ${o.instrument} AND score IS NOT NULL${inCohorts} GROUP BY client_id, series`;
}
