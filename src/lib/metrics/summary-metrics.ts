/**
 * The summary path of the metrics that read more than the client-series summary: each returns the
 * statement it ran and the same rows (same columns, same order) the score-row statement of its
 * metric returns, so the metric finishes both alike. See summaries.ts for when this path applies.
 * (Counts and attrition build both paths from one shared statement in counts.ts and attrition.ts.)
 */
import type { Connector } from '../engine/connector';
import { sql, type Sql } from '../engine/sql';
import type { Settings } from './definitions';
import { responds } from './source';
import { clientSeriesCtes, cubeCountsSql, cubeRollupSql, distributions, locfCountsSql, type ScoreCount } from './summary-read';
import type { SummaryScope } from './summaries';
import type { DerivedTable } from './source';

/**
 * The cube's score counts for `scope` (cubeCountsSql): from the cube summed over the scope's columns
 * when the connector keeps such a table with the data (built on the first view over those columns,
 * then shared by every view over them), else from the cube itself.
 */
async function cubeCounts(conn: Connector, scope: SummaryScope, phases?: string[]): Promise<{ sql: Sql; derived: DerivedTable[] }> {
	if (!scope.dims || scope.cells || !conn.materialize) return { sql: cubeCountsSql(scope, phases), derived: [] };
	const rollup = cubeRollupSql({ ...scope, dims: scope.dims });
	const table = await conn.materialize(rollup, true);
	return { sql: cubeCountsSql(scope, phases, table), derived: [{ table, sql: rollup, holds: "the score counts summed over the view's filter and group columns, built once per dataset and columns" }] };
}

/** Trajectory rows (observed cases, or LOCF) before the CI: n, mean, SD, quartiles, min, max. */
export async function summaryTrajectories(conn: Connector, scope: SummaryScope, s: Settings, locf: boolean) {
	const { sql: q, derived } = locf ? { sql: locfCountsSql(scope, s), derived: [] } : await cubeCounts(conn, scope);
	return { sql: q, derived, rows: distributions(await conn.query<ScoreCount>(q)) };
}

/** End-of-series responders (the durability definition: the series end, also under a follow-up-week end point), from `cs`. */
const respondersCte = (s: Settings) => sql`resp AS (SELECT * FROM cs WHERE eos_score IS NOT NULL AND ${responds(s, sql`eos_score`, sql`baseline`)})`;

/**
 * Durability per follow-up week: everyone's n, mean and SD from the cube, the responders and those
 * still responding from the responders' follow-up lists. Everyone's counts are the follow-up rows of
 * the observed-case trajectories' statement (every instrument and phase; the same text, so a page
 * asking for both runs it once); under LOCF the trajectories read other counts, so the statement
 * then asks for this one's follow-up weeks only.
 */
export async function summaryDurability(conn: Connector, scope: SummaryScope, s: Settings) {
	const { sql: everyone, derived } = s.locf ? await cubeCounts(conn, scope, ['followup']) : await cubeCounts(conn, { ...scope, instrumentWhere: sql`TRUE`, instruments: null });
	const wanted = (r: ScoreCount) => r.phase === 'followup' && (!scope.instruments || scope.instruments.includes(r.instrument));
	const responders = sql`${clientSeriesCtes(scope, s, { fu: true })},
${respondersCte(s)},
f AS (SELECT instrument, grp, baseline, unnest(fu) AS f FROM resp)
SELECT instrument, grp AS "group", f.w AS week, count(*)::INTEGER AS responders_n,
  count(*) FILTER (WHERE ${responds(s, sql`f.score`, sql`baseline`)})::INTEGER AS still_responding_n
FROM f GROUP BY instrument, grp, f.w`;
	const [counted, resp] = await Promise.all([conn.query<ScoreCount>(everyone), conn.query<{ instrument: string; group: string; week: number; responders_n: number; still_responding_n: number }>(responders)]);
	const key = (r: { instrument: string; group: string; week: number | null }) => `${r.instrument}\u0001${r.group}\u0001${r.week}`;
	const byKey = new Map(resp.map((r) => [key(r), r]));
	const rows = distributions(counted.filter(wanted)).map((d) => {
		const r = byKey.get(key(d));
		return { instrument: d.instrument, group: d.group, week: d.week as number, n: d.n, mean: d.mean, sd: d.sd, responders_n: r?.responders_n ?? 0, still_responding_n: r?.still_responding_n ?? 0 };
	});
	return { sql: everyone, also: [responders], derived, rows };
}

/**
 * Responders with follow-up, counted per weeks to loss of response (or censoring) and whether it
 * was lost: the Kaplan–Meier input as (time, event, count), expanded by the caller.
 */
export async function summaryLossOfResponse(conn: Connector, scope: SummaryScope, s: Settings) {
	const q = sql`${clientSeriesCtes(scope, s, { fu: true })},
${respondersCte(s)},
r AS (
  SELECT instrument, grp, list_filter(fu, lambda x: NOT ${responds(s, sql`x.score`, sql`baseline`)}) AS lost, last_week FROM resp WHERE fu IS NOT NULL
)
SELECT instrument, grp AS "group", coalesce(list_min(list_transform(lost, lambda x: x.w)), last_week) AS time, len(lost) > 0 AS event, count(*)::INTEGER AS n
FROM r GROUP BY ALL
ORDER BY instrument, "group", time, event`;
	const counted = await conn.query<{ instrument: string; group: string; time: number; event: boolean; n: number }>(q);
	const rows: { instrument: string; group: string; time: number; event: boolean }[] = [];
	for (const { n, ...r } of counted) for (let i = 0; i < n; i++) rows.push(r);
	return { sql: q, rows };
}
