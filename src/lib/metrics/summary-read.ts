/**
 * Statements over a dataset's summaries (see summaries.ts) that stand in for the score-row
 * statements of the metrics: the client-series CTEs (`cs`, same columns as `summaryCtes`' `cs`),
 * score counts per timepoint from the cube, and the exact distribution figures finished from them.
 */
import { ident, join, sql, type Sql } from '../engine/sql';
import { endWeek, type Settings } from './definitions';
import { endColumns, perInstrumentCase } from './source';
import type { SummaryScope } from './summaries';

/** `sum_k`: the cells the filters keep, with their group label. */
export function cellsCte(scope: SummaryScope): Sql {
	return sql`sum_k AS (SELECT cell, ${scope.groupExpr} AS grp FROM ${scope.cells ?? ident(scope.summaries.cells)} WHERE ${scope.cellWhere})`;
}

/**
 * The largest dosing session seen per instrument × group of the cells `sum_k` keeps (after
 * `cellsCte`): the planned end of a series without a plan of its own (`seen_max`).
 */
export function groupSeenMax(scope: SummaryScope): Sql {
	return sql`SELECT instrument, grp, max(seen_max) AS seen_max FROM ${ident(scope.summaries.cellmax)} JOIN sum_k USING (cell) WHERE ${scope.instrumentWhere} GROUP BY instrument, grp`;
}

/** What a client-series statement needs beyond baseline and end: the planned end, the score lists. */
export interface CsNeeds {
	/** planned_session / planned_score (always computed when the end rule is `planned`). */
	planned?: boolean;
	sess?: boolean;
	fu?: boolean;
	/** A table of `cs`'s columns (or some of them) to read instead of `cs`: a part of its client-series. */
	from?: string;
	/** own_plan: the planned end set for the instrument or the series' own plan (no fallback to the group's). */
	ownPlan?: boolean;
	/**
	 * series_cell, series_dose: the series' summary cell and mean dose (`cs.cell`, `cs.dose`), for a reader
	 * that takes the series' attributes from its cell (subgroups.ts). Named apart from `cell` and `dose`:
	 * a card may join the cohorts' client-series to other tables by all their columns.
	 */
	cellDose?: boolean;
}

/** True when a setting fixes an instrument's planned length: the planned end then moves off the series' own plan. */
export function setsPlannedLength(s: Settings): boolean {
	return Object.values(s.plannedSessions).some((v) => v !== undefined);
}

/**
 * `WITH sum_k …, cs AS (…)`: the client-series summary under the filters, grouping and settings, read
 * from the `cs` table instead of the score rows. The planned end follows `summaryCtes` exactly: the
 * instrument's set planned length, else the series' own plan, else the largest session seen in the
 * instrument × group (from `cellmax`); the score there comes from the series' list of session
 * scores when a set length moves it off the series' own plan. Columns not needed are NULL.
 */
export function clientSeriesCtes(scope: SummaryScope, s: Settings, needs: CsNeeds = {}): Sql {
	const S = scope.summaries;
	const fixedPlan = setsPlannedLength(s);
	const planned = needs.planned || s.end === 'planned';
	// The score lists are carried only where read (they are the widest columns).
	const carried = [...(needs.sess || (planned && fixedPlan) ? [sql`c.sess`] : []), ...(needs.fu ? [sql`c.fu`] : [])];
	const fixed = perInstrumentCase((id) => (s.plannedSessions[id] !== undefined ? sql`CAST(${s.plannedSessions[id]!} AS INTEGER)` : null), sql`NULL`);
	const ownPlanScore = perInstrumentCase(
		(id) =>
			s.plannedSessions[id] !== undefined
				? sql`list_max(list_transform(list_filter(c.sess, lambda x: x.s = ${s.plannedSessions[id]!}), lambda x: x.score))`
				: null,
		sql`c.plan_score`
	);
	const k = endWeek(s.end);
	// The week-k score from the series' follow-up list (the row path: max(score) at week k).
	const weekScore = k === null ? sql`NULL::DOUBLE` : sql`list_max(list_transform(list_filter(c.fu, lambda x: x.w = ${k}), lambda x: x.score))`;
	const plannedCols = planned
		? sql`coalesce(coalesce(${fixed}, c.plan), p.seen_max) AS planned_session,
    CASE WHEN coalesce(${fixed}, c.plan) IS NOT NULL THEN ${ownPlanScore} WHEN c.last_session = p.seen_max THEN c.last_score END AS planned_score`
		: sql`NULL::INTEGER AS planned_session, NULL::DOUBLE AS planned_score`;
	const plannedJoin = planned
		? sql`LEFT JOIN (
    ${groupSeenMax(scope)}
  ) p USING (instrument, grp)`
		: sql``;
	return sql`WITH ${cellsCte(scope)},
cs1 AS (
  SELECT instrument, grp, c.client_no, c.client_id, c.series, c.baseline, c.last_score, c.last_session, c.last_week, ${weekScore} AS week_score,${carried.length ? sql` ${join(carried)},` : sql``}${needs.ownPlan ? sql` coalesce(${fixed}, c.plan) AS own_plan,` : sql``}${needs.cellDose ? sql` c.cell AS series_cell, c.dose AS series_dose,` : sql``}
    ${plannedCols}
  FROM ${ident(needs.from ?? S.cs)} c JOIN sum_k USING (cell) ${plannedJoin}
  WHERE ${scope.instrumentWhere}
),
cs AS (
  SELECT *, ${endColumns(s)} FROM cs1
)`;
}

/**
 * The cube summed over the `cells` columns the scope reads (`scope.dims`: its filters and grouping),
 * timepoint and score: a table of those columns, `tp`, `score` and `n`. The cube has a row per cell
 * (every combination of every attribute) and so nearly one per score row's timepoint and score
 * (442k rows for 1M score rows); summed over the two or three columns a view reads it is a few
 * thousand, and it serves every view over those columns (kept with the data: `materialize(…, true)`).
 */
export function cubeRollupSql(scope: SummaryScope & { dims: string[] }): Sql {
	const S = scope.summaries;
	const dims = scope.dims.map((d) => sql`${ident(d)}, `);
	return sql`SELECT ${join(dims, sql``)}tp, score, sum(n)::INTEGER AS n FROM ${ident(S.cube)} JOIN ${ident(S.cells)} USING (cell) GROUP BY ALL`;
}

/**
 * Score counts per instrument × group × timepoint × score from the cube: summed over integer keys
 * (group number, timepoint code, score), then decoded and ordered on the few rows left. From the
 * cube summed over the scope's columns instead when one is given (`rollup`, a table of `cubeRollupSql`):
 * the same counts, since the filters and the grouping read only those columns.
 */
export function cubeCountsSql(scope: SummaryScope, phases?: string[], rollup?: string): Sql {
	const S = scope.summaries;
	const phaseWhere = phases?.length ? sql`phase IN (${join(phases.map((p) => sql`${p}`))})` : null;
	const summed = rollup
		? sql`WITH sum_agg AS (
  SELECT ${scope.groupExpr} AS grp, tp, score, sum(n) AS n FROM ${ident(rollup)}
  WHERE ${scope.cellWhere} AND ${timepointsWhere(scope, phaseWhere)}
  GROUP BY ALL
)`
		: sql`WITH ${cellsCte(scope)},
${groupCodesCte()},
sum_gagg AS (
  SELECT gid, tp, score, sum(n) AS n FROM ${ident(S.cube)} JOIN sum_kg USING (cell)
  WHERE ${timepointsWhere(scope, phaseWhere)}
  GROUP BY gid, tp, score
),
sum_agg AS (SELECT grp, tp, score, n FROM sum_gagg JOIN sum_g USING (gid))`;
	return sql`${summed}
SELECT t.instrument, sum_agg.grp AS "group", t.phase, t.session, t.week, ${packed(sql`sum_agg.score`, sql`sum_agg.n`)}
FROM sum_agg JOIN ${ident(S.timepoints)} t USING (tp)
GROUP BY t.tp, t.instrument, sum_agg.grp, t.phase, t.session, t.week
ORDER BY t.instrument, "group", CASE t.phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END, t.session, t.week`;
}

/**
 * The condition on `tp` that keeps the timepoints of the scope's instruments (and `also`, a condition
 * over `timepoints`' columns): `TRUE` when nothing restricts them, since the semi-join on the
 * timepoints cost 5-20 % of the cube's statement for nothing (every timepoint is kept).
 */
export function timepointsWhere(scope: SummaryScope, also: Sql | null = null): Sql {
	if (!scope.instruments && !also) return sql`TRUE`;
	return sql`tp IN (SELECT tp FROM ${ident(scope.summaries.timepoints)} WHERE ${scope.instrumentWhere} AND ${also ?? sql`TRUE`})`;
}

/**
 * A timepoint's (score, count) pairs as one text `score count,score count,…` in score order:
 * one row per timepoint crosses from the engine instead of one per score (row decoding is the
 * costly part of a small result).
 */
function packed(score: Sql, n: Sql): Sql {
	return sql`string_agg(CAST(${score} AS VARCHAR) || ' ' || CAST(${n} AS VARCHAR), ',' ORDER BY ${score}) AS counts`;
}

/** `sum_g` (group label → number) and `sum_kg` (cell → group number), after `sum_k`: the whole cube is grouped by integers. */
function groupCodesCte(): Sql {
	return sql`sum_g AS (SELECT grp, row_number() OVER ()::INTEGER AS gid FROM (SELECT DISTINCT grp FROM sum_k)),
sum_kg AS (SELECT cell, gid FROM sum_k JOIN sum_g USING (grp))`;
}

/** One timepoint's score counts, as the cube returns them: `score count` pairs in score order. */
export interface ScoreCount {
	instrument: string;
	group: string;
	phase: string;
	session: number | null;
	week: number | null;
	counts: string;
}

/** n, mean, SD, quartiles, min, max of one distribution: what `AGG` computes in SQL from the rows. */
export interface Distribution {
	n: number;
	mean: number;
	sd: number | null;
	median: number;
	q1: number;
	q3: number;
	min: number;
	max: number;
}

/**
 * Sample SD from n, Σx and Σx². For whole-number scores the sums are exact, so (nΣx² − (Σx)²) is
 * an exact integer and the SD is correctly rounded whatever order the scores came in; the row path
 * uses the same formula on the same sums (stddev_samp's streaming update is order-dependent in the
 * last bits).
 */
export function sdFromSums(n: number, s1: number, s2: number): number | null {
	if (n < 2) return null;
	const num = n * s2 - s1 * s1;
	return Math.sqrt(Math.max(0, num) / (n * (n - 1)));
}

/** DuckDB's `quantile_cont`: linear interpolation between the order statistics around (n − 1)·q. */
function quantileFromCounts(scores: number[], cum: number[], n: number, q: number): number {
	const at = (k: number) => {
		// smallest score whose cumulative count exceeds index k (0-based)
		let lo = 0;
		let hi = cum.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (cum[mid] > k) hi = mid;
			else lo = mid + 1;
		}
		return scores[lo];
	};
	const rn = (n - 1) * q;
	const frn = Math.floor(rn);
	const crn = Math.ceil(rn);
	const lo = at(frn);
	if (frn === crn) return lo;
	const hi = at(crn);
	return lo + (rn - frn) * (hi - lo);
}

/** The distribution behind sorted (score, count) pairs. */
export function distribution(scores: number[], counts: number[]): Distribution {
	let n = 0;
	let s1 = 0;
	let s2 = 0;
	const cum: number[] = [];
	for (let i = 0; i < scores.length; i++) {
		n += counts[i];
		s1 += scores[i] * counts[i];
		s2 += scores[i] * scores[i] * counts[i];
		cum.push(n);
	}
	return {
		n,
		mean: s1 / n,
		sd: sdFromSums(n, s1, s2),
		median: quantileFromCounts(scores, cum, n, 0.5),
		q1: quantileFromCounts(scores, cum, n, 0.25),
		q3: quantileFromCounts(scores, cum, n, 0.75),
		min: scores[0],
		max: scores[scores.length - 1]
	};
}

/** Timepoint rows (distribution figures) from the packed score counts, in the rows' order. */
export function distributions(rows: ScoreCount[]): (Omit<ScoreCount, 'counts'> & Distribution)[] {
	return rows.map(({ counts, ...r }) => {
		const scores: number[] = [];
		const ns: number[] = [];
		for (const pair of counts.split(',')) {
			const [x, n] = pair.split(' ');
			scores.push(Number(x));
			ns.push(Number(n));
		}
		return { ...r, ...distribution(scores, ns) };
	});
}

/**
 * LOCF score counts from the client-series lists: sessions 0 … planned per series, each the
 * latest score at or before it (the baseline at 0), then counted per score like the cube.
 */
export function locfCountsSql(scope: SummaryScope, s: Settings): Sql {
	return sql`${clientSeriesCtes(scope, s, { sess: true, planned: true })},
grid AS (
  SELECT instrument, grp, baseline, sess, unnest(range(0, planned_session + 1)) AS g FROM cs WHERE planned_session IS NOT NULL
),
filled AS (
  SELECT instrument, grp, g AS session,
    coalesce(list_last(list_filter(sess, lambda x: x.s <= g)).score, baseline) AS score
  FROM grid
)
SELECT instrument, "group", phase, session, week, ${packed(sql`score`, sql`n`)} FROM (
  SELECT instrument, grp AS "group", CASE WHEN session = 0 THEN 'baseline' ELSE 'session' END AS phase, session, NULL::DOUBLE AS week, score, count(*)::INTEGER AS n
  FROM filled WHERE score IS NOT NULL
  GROUP BY ALL
  UNION ALL
  SELECT t.instrument, sum_k.grp, t.phase, t.session, t.week, c.score, sum(c.n)::INTEGER
  FROM ${ident(scope.summaries.cube)} c JOIN sum_k USING (cell) JOIN ${ident(scope.summaries.timepoints)} t USING (tp)
  WHERE t.phase = 'followup' AND ${timepointsWhere(scope)}
  GROUP BY ALL
)
GROUP BY instrument, "group", phase, session, week
ORDER BY instrument, "group", CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END, session, week`;
}
