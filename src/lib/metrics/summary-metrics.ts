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
import { cellwise, everyCell, keptTable, sumOverCells } from './summary-cellwise';

/**
 * The cube's score counts for `scope` (cubeCountsSql): from the cube summed over the scope's columns
 * when the connector keeps such a table with the data (built on the first view over those columns,
 * then shared by every view over them), else from the cube itself.
 */
async function cubeCounts(conn: Connector, scope: SummaryScope, phases?: string[]): Promise<{ sql: Sql; derived: DerivedTable[] }> {
	if (!scope.dims || scope.cells || !conn.materialize) return { sql: cubeCountsSql(scope, phases), derived: [] };
	const rollup = cubeRollupSql({ ...scope, dims: scope.dims });
	const table = await keptTable(conn, scope.summaries, rollup);
	return { sql: cubeCountsSql(scope, phases, table), derived: [{ table, sql: rollup, holds: "the score counts summed over the view's filter and group columns, built once per dataset and columns" }] };
}

/** Trajectory rows (observed cases, or LOCF) before the CI: n, mean, SD, quartiles, min, max. */
export async function summaryTrajectories(conn: Connector, scope: SummaryScope, s: Settings, locf: boolean) {
	const { sql: q, derived } = locf ? { sql: locfCountsSql(scope, s), derived: [] } : await cubeCounts(conn, scope);
	return { sql: q, derived, rows: distributions(await conn.query<ScoreCount>(q)) };
}

/** End-of-series responders (the durability definition: the series end, also under a follow-up-week end point), from `cs`. */
const respondersCte = (s: Settings) => sql`resp AS (SELECT * FROM cs WHERE eos_score IS NOT NULL AND ${responds(s, sql`eos_score`, sql`baseline`)})`;

/** A row of `respondersFollowUpSql`: `part` 'week' (t = week, a = responders, b = still responding) or 'loss' (t = time, a = how many, `event`). */
interface FollowUpRow {
	part: 'week' | 'loss';
	instrument: string;
	group: string;
	t: number;
	a: number;
	b: number | null;
	event: boolean | null;
}

/**
 * The end-of-series responders' follow-up, for durability and for time to loss of response in one
 * statement (the same text for both, so the page's result cache runs it once): per follow-up week the
 * responders with a score and those still responding (`part` 'week'), and per weeks to loss of
 * response (or censoring at the last follow-up week) and whether it was lost, how many responders
 * (`part` 'loss'). The two shared the client-series and responders; as two statements they cost
 * 13.5 + 25.7 ms CPU, as one 19.2 (100k score rows, duckdb-wasm's Node build, least of 9, load ~7).
 */
export function respondersFollowUpSql(scope: SummaryScope, s: Settings): Sql {
	return sql`${clientSeriesCtes(scope, s, { fu: true })},
${respondersCte(s)},
f AS (SELECT instrument, grp, baseline, unnest(fu) AS f FROM resp),
weeks AS (
  SELECT instrument, grp, f.w AS t, count(*)::INTEGER AS a,
    count(*) FILTER (WHERE ${responds(s, sql`f.score`, sql`baseline`)})::INTEGER AS b
  FROM f GROUP BY instrument, grp, f.w
),
r AS (
  SELECT instrument, grp, list_filter(fu, lambda x: NOT ${responds(s, sql`x.score`, sql`baseline`)}) AS lost, last_week FROM resp WHERE fu IS NOT NULL
),
loss AS (
  SELECT instrument, grp, coalesce(list_min(list_transform(lost, lambda x: x.w)), last_week) AS t, len(lost) > 0 AS event, count(*)::INTEGER AS a
  FROM r GROUP BY ALL
)
SELECT 'week' AS part, instrument, grp AS "group", t, a, b, NULL::BOOLEAN AS event FROM weeks
UNION ALL
SELECT 'loss', instrument, grp, t, a, NULL, event FROM loss
ORDER BY part, instrument, "group", t, event`;
}

/**
 * The responders' follow-up (respondersFollowUpSql) for `scope`: summed from its per-cell counts, kept
 * with the data, where that gives the same counts (summary-cellwise.ts), else over the client-series.
 */
async function respondersFollowUp(conn: Connector, scope: SummaryScope, s: Settings): Promise<{ sql: Sql; derived: DerivedTable[] }> {
	if (!cellwise(conn, scope, s)) return { sql: respondersFollowUpSql(scope, s), derived: [] };
	return sumOverCells(conn, scope, respondersFollowUpSql(everyCell(scope.summaries), s), {
		cellCol: 'group',
		keys: ['part', 'instrument', 't', 'event'],
		sums: ['a', 'b'],
		order: sql`part, instrument, "group", t, event`
	});
}

/**
 * Durability per follow-up week: everyone's n, mean and SD from the cube, the responders and those
 * still responding from the responders' follow-up lists (respondersFollowUpSql). Everyone's counts are
 * the follow-up rows of the observed-case trajectories' statement (every instrument and phase; the
 * same text, so a page asking for both runs it once); under LOCF the trajectories read other counts,
 * so the statement then asks for this one's follow-up weeks only.
 */
export async function summaryDurability(conn: Connector, scope: SummaryScope, s: Settings) {
	const { sql: everyone, derived } = s.locf ? await cubeCounts(conn, scope, ['followup']) : await cubeCounts(conn, { ...scope, instrumentWhere: sql`TRUE`, instruments: null });
	const wanted = (r: ScoreCount) => r.phase === 'followup' && (!scope.instruments || scope.instruments.includes(r.instrument));
	const { sql: responders, derived: kept } = await respondersFollowUp(conn, scope, s);
	const [counted, resp] = await Promise.all([conn.query<ScoreCount>(everyone), conn.query<FollowUpRow>(responders)]);
	const key = (r: { instrument: string; group: string }, week: number | null) => `${r.instrument}\u0001${r.group}\u0001${week}`;
	const byKey = new Map(resp.filter((r) => r.part === 'week').map((r) => [key(r, r.t), r]));
	const rows = distributions(counted.filter(wanted)).map((d) => {
		const r = byKey.get(key(d, d.week));
		return { instrument: d.instrument, group: d.group, week: d.week as number, n: d.n, mean: d.mean, sd: d.sd, responders_n: r?.a ?? 0, still_responding_n: r?.b ?? 0 };
	});
	return { sql: everyone, also: [responders], derived: [...derived, ...kept], rows };
}

/**
 * Responders with follow-up, counted per weeks to loss of response (or censoring) and whether it
 * was lost (respondersFollowUpSql): the Kaplan–Meier input as (time, event, count). Kept counted
 * (the estimators take counts): one entry per responder, built and sorted on the page's main
 * thread, was 20–35 ms per 20 000 responders.
 */
export async function summaryLossOfResponse(conn: Connector, scope: SummaryScope, s: Settings) {
	const { sql: q, derived } = await respondersFollowUp(conn, scope, s);
	const counted = (await conn.query<FollowUpRow>(q)).filter((r) => r.part === 'loss');
	const rows = counted.map(({ instrument, group, t, event, a }) => ({ instrument, group, time: t, event: event as boolean, count: a }));
	return { sql: q, derived, rows };
}
