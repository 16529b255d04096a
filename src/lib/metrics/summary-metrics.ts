/**
 * The summary path of the metrics that read more than the client-series summary: each returns the
 * statement it ran and the same rows (same columns, same order) the score-row statement of its
 * metric returns, so the metric finishes both alike. See summaries.ts for when this path applies.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import type { Settings } from './definitions';
import { responds } from './source';
import { clientSeriesCtes, cellsCte, cubeCountsSql, distributions, groupCodesCte, locfCountsSql, type ScoreCount } from './summary-read';
import type { SummaryScope } from './summaries';

const ALL = '(all)';

/** Trajectory rows (observed cases, or LOCF) before the CI: n, mean, SD, quartiles, min, max. */
export async function summaryTrajectories(conn: Connector, scope: SummaryScope, s: Settings, locf: boolean) {
	const q = locf ? locfCountsSql(scope, s) : cubeCountsSql(scope);
	return { sql: q, rows: distributions(await conn.query<ScoreCount>(q)) };
}

/** Cohort counts: clients and client-series with a score, per instrument and over all of them. */
export async function summaryCounts(conn: Connector, scope: SummaryScope) {
	const q = sql`WITH ${cellsCte(scope)},
c AS (SELECT instrument, client_no, series FROM ${ident(scope.summaries.cs)} JOIN sum_k USING (cell) WHERE ${scope.instrumentWhere})
SELECT coalesce(instrument, ${ALL}) AS instrument,
  count(DISTINCT client_no)::INTEGER AS clients,
  count(DISTINCT (client_no, series))::INTEGER AS series,
  count(DISTINCT (client_no, series)) FILTER (WHERE series = 1)::INTEGER AS first_series,
  count(DISTINCT (client_no, series)) FILTER (WHERE series > 1)::INTEGER AS booster_series
FROM c
GROUP BY GROUPING SETS ((instrument), ())
ORDER BY grouping(instrument) DESC, 1`;
	return { sql: q, rows: await conn.query<{ instrument: string; clients: number; series: number; first_series: number; booster_series: number }>(q) };
}

/** Attrition counts per step (before shares): the cube's counts per timepoint, end and completed from `cs`. */
export async function summaryAttrition(conn: Connector, scope: SummaryScope, s: Settings, groupOrder: Sql) {
	const S = scope.summaries;
	const q = sql`${clientSeriesCtes(scope, s, { planned: true })},
${groupCodesCte()},
sum_agg AS (
  SELECT gid, tp, sum(n)::INTEGER AS clients, coalesce(sum(n) FILTER (WHERE with_baseline), 0)::INTEGER AS with_baseline
  FROM ${ident(S.cube)} JOIN sum_kg USING (cell)
  WHERE tp IN (SELECT tp FROM ${ident(S.timepoints)} WHERE ${scope.instrumentWhere})
  GROUP BY gid, tp
),
counts AS (
  SELECT t.instrument, sum_g.grp, t.phase, t.session, t.week, sum_agg.clients, sum_agg.with_baseline
  FROM sum_agg JOIN sum_g USING (gid) JOIN ${ident(S.timepoints)} t USING (tp)
  UNION ALL
  SELECT instrument, grp, 'end', NULL, NULL, count(*) FILTER (WHERE last_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE last_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
  UNION ALL
  SELECT instrument, grp, 'completed', max(planned_session), NULL, count(*) FILTER (WHERE planned_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE planned_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
)
SELECT instrument, grp AS "group", phase, session, week, clients, with_baseline FROM counts
ORDER BY instrument, ${groupOrder}, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 WHEN 'end' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END, session, week`;
	type Row = { instrument: string; group: string; phase: 'baseline' | 'session' | 'end' | 'completed' | 'followup'; session: number | null; week: number | null; clients: number; with_baseline: number };
	return { sql: q, rows: await conn.query<Row>(q) };
}

/** End-of-series responders (the durability definition), from `cs`. */
const RESPONDERS = sql`resp AS (SELECT * FROM cs WHERE end_score IS NOT NULL AND ${responds(sql`end_score`, sql`baseline`)})`;

/**
 * Durability per follow-up week: everyone's n, mean and SD from the cube, the responders and those
 * still responding from the responders' follow-up lists.
 */
export async function summaryDurability(conn: Connector, scope: SummaryScope, s: Settings) {
	const everyone = cubeCountsSql(scope, ['followup']);
	const responders = sql`${clientSeriesCtes(scope, s, { fu: true })},
${RESPONDERS},
f AS (SELECT instrument, grp, baseline, unnest(fu) AS f FROM resp)
SELECT instrument, grp AS "group", f.w AS week, count(*)::INTEGER AS responders_n,
  count(*) FILTER (WHERE ${responds(sql`f.score`, sql`baseline`)})::INTEGER AS still_responding_n
FROM f GROUP BY instrument, grp, f.w`;
	const [all, resp] = await Promise.all([conn.query<ScoreCount>(everyone), conn.query<{ instrument: string; group: string; week: number; responders_n: number; still_responding_n: number }>(responders)]);
	const key = (r: { instrument: string; group: string; week: number | null }) => `${r.instrument}\u0001${r.group}\u0001${r.week}`;
	const byKey = new Map(resp.map((r) => [key(r), r]));
	const rows = distributions(all).map((d) => {
		const r = byKey.get(key(d));
		return { instrument: d.instrument, group: d.group, week: d.week as number, n: d.n, mean: d.mean, sd: d.sd, responders_n: r?.responders_n ?? 0, still_responding_n: r?.still_responding_n ?? 0 };
	});
	return { sql: everyone, also: [responders], rows };
}

/**
 * Responders with follow-up, counted per weeks to loss of response (or censoring) and whether it
 * was lost: the Kaplan–Meier input as (time, event, count), expanded by the caller.
 */
export async function summaryLossOfResponse(conn: Connector, scope: SummaryScope, s: Settings) {
	const q = sql`${clientSeriesCtes(scope, s, { fu: true })},
${RESPONDERS},
r AS (
  SELECT instrument, grp, list_filter(fu, lambda x: NOT ${responds(sql`x.score`, sql`baseline`)}) AS lost, last_week FROM resp WHERE fu IS NOT NULL
)
SELECT instrument, grp AS "group", coalesce(list_min(list_transform(lost, lambda x: x.w)), last_week) AS time, len(lost) > 0 AS event, count(*)::INTEGER AS n
FROM r GROUP BY ALL
ORDER BY instrument, "group", time, event`;
	const counted = await conn.query<{ instrument: string; group: string; time: number; event: boolean; n: number }>(q);
	const rows: { instrument: string; group: string; time: number; event: boolean }[] = [];
	for (const { n, ...r } of counted) for (let i = 0; i < n; i++) rows.push(r);
	return { sql: q, rows };
}
