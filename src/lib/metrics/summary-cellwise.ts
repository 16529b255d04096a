/**
 * Counts over client-series summed per cell once, then per filter state (Mosaic's pre-aggregation one
 * step further than summary-cells.ts, for counts that depend on the definitions): a metric made only of
 * counts per instrument × group × … is computed over every cell with the cell number as its group, into
 * a table kept with the data (`materialize(…, true)`: one per statement, so per definitions), and each
 * filter state sums that table's rows of the cells it keeps per group. A cell's client-series all share
 * one group, so the sums are the counts the statement gives over the filtered client-series.
 *
 * Why: a click re-read the 151k client-series rows (1M score rows) once per such figure, and
 * evaluating the definitions' conditions on every row cost 15-40 ms per statement in duckdb-wasm; the
 * per-cell table has a few thousand rows per instrument.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, statementKey, type Sql } from '../engine/sql';
import type { Settings } from './definitions';
import { cellsCte } from './summary-read';
import type { Summaries, SummaryScope } from './summaries';
import type { DerivedTable } from './source';

/**
 * Whether a statement over `clientSeriesCtes(scope, s)` can be summed from its per-cell counts: the
 * scope is the dataset's cells (not a comparison's cohorts), the connector keeps tables, and the
 * definitions do not end a series at its planned session, whose fallback (the largest session seen in
 * the instrument × group) depends on the grouping.
 */
export function cellwise(conn: Connector, scope: SummaryScope, s: Settings): boolean {
	return !scope.cells && !!conn.materialize && s.end !== 'planned';
}

/** Every cell and instrument of `summaries`, grouped by cell number: the kept statement's scope. */
export function everyCell(summaries: Summaries): SummaryScope {
	return { summaries, cellWhere: sql`TRUE`, groupExpr: sql`cell`, instrumentWhere: sql`TRUE`, instruments: null };
}

/**
 * The table kept for statement `q`: one of the tables built with the summaries for the default
 * definitions (summary-defaults.ts) when it holds `q`'s result, else one made now and kept with the
 * data (`materialize(q, true)`; a refresh forgets those, not the summaries' own).
 */
export async function keptTable(conn: Connector, summaries: Summaries, q: Sql): Promise<string> {
	const key = statementKey(q);
	return summaries.prebuilt.find((t) => t.key === key)?.table ?? conn.materialize!(q, true);
}

/**
 * `perCell` (a statement whose column `cellCol` holds the cell number) kept with the data, and the
 * statement summing its `sums` columns per `keys` and the scope's group (`"group"`) over the cells
 * `scope` keeps, restricted to its instruments, in `order`.
 */
export async function sumOverCells(
	conn: Connector,
	scope: SummaryScope,
	perCell: Sql,
	o: { cellCol: string; keys: string[]; sums: string[]; grouping?: (keys: Sql, grp: Sql) => Sql; groupCol?: Sql; order: Sql }
): Promise<{ sql: Sql; derived: DerivedTable[] }> {
	const table = await keptTable(conn, scope.summaries, perCell);
	const keys = o.keys.map((k) => sql`k.${ident(k)}`);
	const sums = o.sums.map((c) => sql`sum(k.${ident(c)})::INTEGER AS ${ident(c)}`);
	const grouped = o.grouping ? o.grouping(join(keys), sql`sum_k.grp`) : sql`GROUP BY ${join([...keys, sql`sum_k.grp`])}`;
	const q = sql`WITH ${cellsCte(scope)}
SELECT * FROM (
  SELECT ${join([...keys, sql`${o.groupCol ?? sql`sum_k.grp`} AS "group"`, ...sums])}
  FROM ${ident(table)} k JOIN sum_k ON sum_k.cell = k.${ident(o.cellCol)}
  WHERE ${scope.instrumentWhere}
  ${grouped}
)
ORDER BY ${o.order}`;
	return { sql: q, derived: [{ table, sql: perCell, holds: 'the counts per cell under these definitions, built once per dataset and definitions and summed per view' }] };
}
