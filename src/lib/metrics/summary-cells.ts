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
 *
 * Attrition's counts (attrition.ts) read these; with a set planned length per instrument (a setting)
 * the planned end moves off the series' own plan and attrition reads `cs` instead.
 */
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';

/** Build the per-cell count tables of summaries whose `cube` and `cs` tables exist. */
export async function buildCellCounts(conn: Connector, t: { cube: string; cs: string; tpcounts: string; ends: string }): Promise<void> {
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(t.tpcounts)} AS
SELECT cell, tp, sum(n)::INTEGER AS clients, coalesce(sum(n) FILTER (WHERE with_baseline), 0)::INTEGER AS with_baseline
FROM ${ident(t.cube)} GROUP BY cell, tp ORDER BY cell, tp`);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(t.ends)} AS
SELECT cell, instrument, baseline IS NOT NULL AS with_baseline, plan IS NULL AS no_plan, CASE WHEN plan IS NULL THEN last_session END AS last_session,
  count(last_score)::INTEGER AS ended, count(plan_score)::INTEGER AS reached, max(plan) AS plan_max
FROM ${ident(t.cs)} GROUP BY ALL ORDER BY cell, instrument`);
}
