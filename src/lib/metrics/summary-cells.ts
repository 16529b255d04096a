/**
 * Counts per cell, summed at build time from the summaries' `cube` and `cs` (summaries.ts), so that a
 * metric made only of counts sums a few thousand rows per filter change instead of grouping one row
 * per client-series (Mosaic's pre-aggregation one step further: the filters and the grouping are
 * evaluated on cells, so anything additive over client-series can be summed per cell once).
 *
 * - `tpcounts`: client-series observed per cell × timepoint, and of them those with a baseline
 *   (the cube without its score).
 * - `ends`: client-series per cell × instrument × (has a baseline) × (has no plan of its own, and then
 *   its last dosing session): how many have a dosing-session score (`ended`) and, of those
 *   with a plan, how many have a score at it (`reached`), and the largest plan. A series without a
 *   plan of its own ends at the largest session seen in its instrument × group, which depends on the
 *   filters: its last session is kept, so the reader can tell whether it got there.
 * - `clients`: clients and client-series per cell for the cohort counts (`clientsPerCellSql`).
 * - `patterns`: client-series per cell by the questionnaires they are scored on (`s`), have a
 *   baseline on (`b`) and reach their own planned last session on (`p`), as bit masks (bit = the
 *   questionnaire's place in name order, `instrumentBits`): completion per client-series
 *   (completion.ts). Only client-series whose rows all lie in one cell and all have a plan of their
 *   own are counted here; the others' `cs` rows are kept as they are in `mixed` (their planned end
 *   and their cell depend on the filters), so a dataset with plans has none.
 *
 * Attrition and completion read these; with a set planned length per instrument (a setting) the
 * planned end moves off the series' own plan and they read `cs` instead.
 */
import { summaryTable, type Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { ALL_GROUPS } from './source';

/**
 * Build the per-cell count tables of summaries whose `cube` and `cs` tables exist; `patterns` and
 * `clients` only with `forApp` (summaries.ts KnownRows.reportOnly: no section of `report` reads them).
 */
export async function buildCellCounts(conn: Pick<Connector, 'exec'>, t: { cube: string; cs: string; tpcounts: string; ends: string; patterns: string; mixed: string; clients: string }, forApp = true): Promise<void> {
	await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.tpcounts)} AS
SELECT cell, tp, sum(n)::INTEGER AS clients, coalesce(sum(n) FILTER (WHERE with_baseline), 0)::INTEGER AS with_baseline
FROM ${ident(t.cube)} GROUP BY cell, tp ORDER BY cell, tp`);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.ends)} AS
SELECT cell, instrument, baseline IS NOT NULL AS with_baseline, plan IS NULL AS no_plan, CASE WHEN plan IS NULL THEN last_session END AS last_session,
  count(last_score)::INTEGER AS ended, count(plan_score)::INTEGER AS reached, max(plan) AS plan_max
FROM ${ident(t.cs)} GROUP BY ALL ORDER BY cell, instrument`);
	const cs = ident(t.cs);
	const single = sql`SELECT client_no, series FROM ${cs} GROUP BY client_no, series HAVING count(DISTINCT cell) = 1 AND bool_and(plan IS NOT NULL)`;
	if (forApp) await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.patterns)} AS
WITH ${instrumentBits(cs)},
per_series AS (
  SELECT any_value(cell) AS cell, ${seriesMasks(sql`plan_score`)}
  FROM ${cs} JOIN bits USING (instrument) SEMI JOIN (${single}) USING (client_no, series)
  GROUP BY client_no, series
)
SELECT cell, b, p, s, count(*)::INTEGER AS n FROM per_series GROUP BY ALL ORDER BY ALL`);
	if (forApp) await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.clients)} AS ${clientsPerCellSql(cs)}`);
	// Without the score lists: completion reads none (`sess` only under a set planned length, which reads `cs`).
	await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.mixed)} AS
SELECT cell, instrument, client_no, client_id, series, baseline, last_score, last_session, plan, plan_score, last_week
FROM ${cs} ANTI JOIN (${single}) USING (client_no, series)`);
}

/**
 * The cohort counts' table (counts.ts): distinct clients are not additive over cells, but a client whose
 * client-series (of an instrument, or of any) all lie in one cell is counted in that cell (`kind` 'n',
 * `clients`). The others are counted by the set of cells they lie in (`kind` 'client', one row per cell
 * of the set, `sig` numbering the sets, `clients` how many clients have that set): a filter state counts
 * a client when any of its cells is kept, so clients with the same set are counted together. Likewise a
 * client-series whose rows lie in several cells (an attribute differs between its questionnaires), by
 * its set of cells (`kind` 'pair', `series_n` …). Client-series per instrument are additive ('n',
 * `series_n`, …); the `(all)` rows count (client, series) pairs. At 1M score rows 26,190 clients of an
 * instrument lie in several cells, in 5,343 sets: a filter state sums those sets instead of counting
 * distinct clients over 54,078 rows, the largest part of the statement at 5M.
 */
function clientsPerCellSql(cs: Sql): Sql {
	const all = sql`CAST(${ALL_GROUPS} AS VARCHAR)`;
	const counted = sql`count(*)::INTEGER AS series_n, count(*) FILTER (WHERE series = 1)::INTEGER AS first_n, count(*) FILTER (WHERE series > 1)::INTEGER AS booster_n`;
	const zeros = sql`0 AS series_n, 0 AS first_n, 0 AS booster_n`;
	const cellSet = (cell: Sql) => sql`list_sort(list_distinct(list(${cell}))) AS cells`;
	return sql`WITH c AS (SELECT cell, instrument, client_no, series FROM ${cs}),
ci AS (SELECT instrument, client_no, min(cell) AS cell, min(cell) = max(cell) AS solo FROM c GROUP BY instrument, client_no),
ca AS (SELECT client_no, min(cell) AS cell, min(cell) = max(cell) AS solo FROM c GROUP BY client_no),
pa AS (SELECT client_no, series, min(cell) AS cell, min(cell) = max(cell) AS solo FROM c GROUP BY client_no, series),
spread AS (
  SELECT instrument, ${cellSet(sql`cell`)} FROM (
    SELECT c.instrument, c.client_no, c.cell FROM c JOIN ci USING (instrument, client_no) WHERE NOT ci.solo
    UNION ALL SELECT ${all}, c.client_no, c.cell FROM c JOIN ca USING (client_no) WHERE NOT ca.solo
  ) GROUP BY instrument, client_no
),
split AS (SELECT series, ${cellSet(sql`c.cell`)} FROM c JOIN pa USING (client_no, series) WHERE NOT pa.solo GROUP BY client_no, series),
sets AS (
  SELECT 'client' AS kind, instrument, cells, count(*)::INTEGER AS clients, ${zeros} FROM spread GROUP BY instrument, cells
  UNION ALL SELECT 'pair', ${all}, cells, 0, ${counted} FROM split GROUP BY cells
),
numbered AS (SELECT *, row_number() OVER (ORDER BY kind, instrument, cells)::INTEGER AS sig FROM sets)
SELECT * FROM (
  SELECT 'n' AS kind, cell, instrument, NULL::INTEGER AS sig, 0 AS clients, ${counted} FROM c GROUP BY cell, instrument
  UNION ALL SELECT 'n', cell, instrument, NULL, count(*)::INTEGER, ${zeros} FROM ci WHERE solo GROUP BY cell, instrument
  UNION ALL SELECT 'n', cell, ${all}, NULL, count(*)::INTEGER, ${zeros} FROM ca WHERE solo GROUP BY cell
  UNION ALL SELECT 'n', cell, ${all}, NULL, 0, ${counted} FROM pa WHERE solo GROUP BY cell
  UNION ALL SELECT kind, unnest(cells) AS cell, instrument, sig, clients, series_n, first_n, booster_n FROM numbered
) ORDER BY cell, kind`;
}

/** `bits AS (…)`: each questionnaire of `relation` (a table with an `instrument` column) numbered in name order from 0. */
export function instrumentBits(relation: Sql): Sql {
	return sql`bits AS (SELECT instrument, (row_number() OVER (ORDER BY instrument) - 1)::INTEGER AS bit FROM (SELECT DISTINCT instrument FROM ${relation}))`;
}

/**
 * A client-series' questionnaires as bit masks (after `instrumentBits`, grouped per client-series): `s`
 * scored, `b` with a baseline, `p` with a score at the planned last session (column `reached`).
 * Grouping by three integers instead of building three sorted strings per client-series cost a
 * third of the CPU at 1M rows. (Up to 63 questionnaires: a BIGINT.)
 */
export function seriesMasks(reached: Sql): Sql {
	return sql`coalesce(bit_or(1::BIGINT << bit) FILTER (WHERE baseline IS NOT NULL), 0) AS b,
    coalesce(bit_or(1::BIGINT << bit) FILTER (WHERE ${reached} IS NOT NULL), 0) AS p,
    bit_or(1::BIGINT << bit) AS s`;
}
