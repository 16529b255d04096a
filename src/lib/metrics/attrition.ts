/**
 * Attrition: how many client-series are still observed at each step of a series and after it.
 * Counts are of client-series with an observed (non-null) score there.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { DEFINITIONS, type Settings } from './definitions';
import { GROUP_ORDER, prepare, summarySource, type MetricOptions, type MetricResult, type Prepared } from './source';
import { cellsCte, clientSeriesCtes, groupSeenMax, setsPlannedLength, timepointsWhere } from './summary-read';
import type { SummaryScope } from './summaries';

export interface AttritionRow {
	instrument: string;
	group: string;
	/** baseline | session | end (any dosing-session score) | completed (score at the planned last session) | followup */
	phase: 'baseline' | 'session' | 'end' | 'completed' | 'followup';
	/** Dosing session; for `completed` the planned last session (the longest when series plan differently). */
	session: number | null;
	week: number | null;
	/** Client-series observed here (with or without a baseline score). */
	clients: number;
	/** Of `clients`, those with a baseline score: the numerator of `share`. */
	with_baseline: number;
	/**
	 * with_baseline / client-series at baseline in the same group (null when none at baseline). Only
	 * series with a baseline count, so the share is a proportion of the baseline cohort and never
	 * exceeds 1 (series seen at a session without a baseline are in `clients`, not here).
	 */
	share: number | null;
	definition: string;
}

/**
 * Client-series observed at baseline, at each dosing session, at end of series, having completed
 * the planned series (share completing = the `completed` row's share), and at each follow-up week.
 */
export async function attrition(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<AttritionRow>> {
	const p = await prepare(conn, opts);
	const { sql: q, derived } = p.summary ? fromSummaries(p.summary, p.settings) : await fromRows(conn, p);
	const raw = await conn.query<Omit<AttritionRow, 'share' | 'definition'>>(q);
	const atBaseline = new Map(raw.filter((r) => r.phase === 'baseline').map((r) => [`${r.instrument}\u0001${r.group}`, r.clients]));
	const rows = raw.map((r) => {
		const b = atBaseline.get(`${r.instrument}\u0001${r.group}`);
		return { ...r, share: b ? r.with_baseline / b : null, definition: DEFINITIONS.attrition.id };
	});
	return { rows, sql: q, derived, definition: DEFINITIONS.attrition, path: p.path };
}

/** The attrition counts from the score rows. */
async function fromRows(conn: Connector, p: Prepared) {
	const src = await summarySource(conn, p);
	// Each client-series once per timepoint (a series may have two scores at one), then plain counts:
	// the same numbers as count(DISTINCT (client_id, series)) per timepoint, without a distinct set per
	// group (2.5× faster on 1M rows in native DuckDB).
	const q = sql`${src.ctes},
${countsWith(sql`SELECT b.instrument, b.grp, b.phase, b.session, b.week,
    count(*)::INTEGER AS clients,
    count(*) FILTER (WHERE cs.baseline IS NOT NULL)::INTEGER AS with_baseline
  FROM (SELECT DISTINCT instrument, grp, phase, session, week, client_id, series FROM base) b LEFT JOIN cs USING (instrument, grp, client_id, series)
  GROUP BY b.instrument, b.grp, b.phase, b.session, b.week`)}`;
	return { sql: q, derived: src.derived };
}

/**
 * The same counts from the dataset's summaries: per timepoint from the counts per cell × timepoint,
 * end and completed from the counts per cell × instrument (summary-cells.ts), so a filter change sums
 * a few thousand rows. The planned end is `clientSeriesCtes`': the series' own plan, else the largest
 * session seen in the instrument × group (`p`), which a series without a plan reached when its last
 * session is that one; when the build left no client-series in `mixed` (then every series has a plan
 * of its own and `ends` has no row without one) that fallback is left out. End and completed are summed in
 * one aggregate (`ec`) read twice. A set planned length (a setting) moves the end off the series' own
 * plan: then end and completed are counted from `cs`.
 */
function fromSummaries(scope: SummaryScope, s: Settings) {
	const S = scope.summaries;
	// Grouped by the group's label: numbering the groups first (to group by integers) cost more in
	// planning than it saved on the few thousand rows summed (1M score rows, a route filter: 9.7 -> 6.7 ms).
	const perTimepoint = sql`sum_agg AS (
  SELECT grp, tp, sum(clients)::INTEGER AS clients, sum(with_baseline)::INTEGER AS with_baseline
  FROM ${ident(S.tpcounts)} JOIN sum_k USING (cell)
  WHERE ${timepointsWhere(scope)}
  GROUP BY grp, tp
)`;
	const timepoints = sql`SELECT t.instrument, sum_agg.grp, t.phase, t.session, t.week, sum_agg.clients, sum_agg.with_baseline
  FROM sum_agg JOIN ${ident(S.timepoints)} t USING (tp)`;
	if (setsPlannedLength(s)) return { sql: sql`${clientSeriesCtes(scope, s, { planned: true })},\n${perTimepoint},\n${countsWith(timepoints)}`, derived: [] };
	// At 1M score rows (a route filter, duckdb-wasm's Node build) the statement took 12.3 ms with the
	// fallback's join and a second aggregate, 10.1 without them.
	const ends =
		S.rows.mixed === 0
			? sql`e AS (
  SELECT instrument, grp, with_baseline, ended, plan_max AS planned_session, reached AS completed
  FROM ${ident(S.ends)} JOIN sum_k USING (cell)
  WHERE ${scope.instrumentWhere}
)`
			: sql`p AS (
  ${groupSeenMax(scope)}
),
e AS (
  SELECT instrument, grp, with_baseline, ended, CASE WHEN no_plan THEN p.seen_max ELSE plan_max END AS planned_session,
    CASE WHEN NOT no_plan THEN reached WHEN last_session = p.seen_max THEN ended ELSE 0 END AS completed
  FROM ${ident(S.ends)} JOIN sum_k USING (cell) LEFT JOIN p USING (instrument, grp)
  WHERE ${scope.instrumentWhere}
)`;
	const q = sql`WITH ${cellsCte(scope)},
${ends},
ec AS (
  SELECT instrument, grp, sum(ended)::INTEGER AS ended, coalesce(sum(ended) FILTER (WHERE with_baseline), 0)::INTEGER AS ended_b,
    max(planned_session) AS planned, sum(completed)::INTEGER AS completed, coalesce(sum(completed) FILTER (WHERE with_baseline), 0)::INTEGER AS completed_b
  FROM e GROUP BY instrument, grp
),
${perTimepoint},
counts AS (
  ${timepoints}
  UNION ALL
  SELECT instrument, grp, 'end', NULL, NULL, ended, ended_b FROM ec
  UNION ALL
  SELECT instrument, grp, 'completed', planned, NULL, completed, completed_b FROM ec
)
${ORDERED}`;
	return { sql: q, derived: [] };
}

/**
 * `counts AS (…)` and the ordered result: `perTimepoint` (client-series observed at each baseline,
 * session and follow-up timepoint) and, from the client-series summary `cs`, the end-of-series and
 * completed steps.
 */
function countsWith(perTimepoint: Sql): Sql {
	return sql`counts AS (
  ${perTimepoint}
  UNION ALL
  SELECT instrument, grp, 'end', NULL, NULL, count(*) FILTER (WHERE last_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE last_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
  UNION ALL
  SELECT instrument, grp, 'completed', max(planned_session), NULL, count(*) FILTER (WHERE planned_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE planned_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
)
${ORDERED}`;
}

/** The result of either statement: `counts` in the order of the steps. */
const ORDERED = sql`SELECT instrument, grp AS "group", phase, session, week, clients, with_baseline FROM counts
ORDER BY instrument, ${GROUP_ORDER}, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 WHEN 'end' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END, session, week`;
