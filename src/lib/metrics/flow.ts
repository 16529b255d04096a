/**
 * Flow of client-series through a series and its follow-up (RECORD / CONSORT-style): how many
 * start with a baseline, reach each dosing session, have an end-of-series score, complete the
 * planned series and are seen at each follow-up week, with how many leave at each step and why.
 * Built from the client-series summary (`cs`, as `clientSummary` reads it), so its counts are the
 * denominators the rates use. Steps are nested ("reached session s" = a score at s or later), so a
 * series seen at S3 after missing S2 counts as having reached S2: the flow shows dropout, not
 * missed visits.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import type { Definition, Settings } from './definitions';
import { prepare, summarySource, type ClientSummaryRow, type DerivedTable, type MetricOptions, type MetricResult, type Prepared } from './source';
import type { Summaries, SummaryScope } from './summaries';
import { cellwise, everyCell, keptTable } from './summary-cellwise';
import { cellsCte, clientSeriesCtes, groupSeenMax } from './summary-read';

export const FLOW_DEFINITION: Definition = {
	id: 'flow.nested.observed@1',
	name: 'Flow of client-series',
	text: 'Client-series with a baseline score; of them, those with an end-of-series score (any dosing-session score under the last-observed end rule); those that reached each dosing session (a score there or later); those that completed the planned series (a score at or after the planned last session); and those seen at each follow-up week or later. Each step states how many left since the step before and why.'
};

export interface FlowStep {
	instrument: string;
	group: string;
	/** baseline | end | session | completed | followup */
	step: 'baseline' | 'end' | 'session' | 'completed' | 'followup';
	session: number | null;
	week: number | null;
	label: string;
	/** Client-series at this step. */
	n: number;
	/** Client-series that left since `from` (the step this one is counted from). */
	left: number;
	/** Why they left (empty at the first step). */
	reason: string;
	/** Index of the step this one is counted from (null for the first). */
	from: number | null;
	definition: string;
}

/**
 * Client-series of one instrument × group that share everything the flow looks at, and how many
 * there are (`n`): the flow is counted from these, not from one row per client-series.
 */
export interface FlowCount {
	instrument: string;
	group: string;
	with_baseline: boolean;
	/** Has an end-of-series score. */
	ended: boolean;
	last_session: number | null;
	last_week: number | null;
	/** Has a planned last session and a dosing-session score at or after it. */
	completed: boolean;
	/** Largest planned last session among them. */
	planned_max: number | null;
	n: number;
}

/** The flow steps of one instrument × group from its client-series summary rows (one per client-series). */
export function flowSteps(rows: ClientSummaryRow[], instrument: string, group: string, endRule: 'last' | 'planned' = 'last'): FlowStep[] {
	const counts = rows.map((r) => ({
		instrument: r.instrument, group: r.group, with_baseline: r.baseline !== null, ended: r.end_score !== null, last_session: r.last_session, last_week: r.last_week,
		completed: r.planned_session !== null && r.last_session !== null && r.last_session >= r.planned_session, planned_max: r.planned_session, n: 1
	}));
	return flowStepsFromCounts(counts, instrument, group, endRule);
}

/** The flow steps of one instrument × group from the client-series counted by what the flow looks at. */
export function flowStepsFromCounts(rows: FlowCount[], instrument: string, group: string, endRule: 'last' | 'planned' = 'last'): FlowStep[] {
	const mine = rows.filter((r) => r.instrument === instrument && r.group === group && r.with_baseline);
	const count = (xs: FlowCount[]) => xs.reduce((a, r) => a + r.n, 0);
	const out: FlowStep[] = [];
	const push = (s: Omit<FlowStep, 'instrument' | 'group' | 'definition' | 'left'>) => {
		const prev = s.from === null ? null : out[s.from];
		out.push({ ...s, instrument, group, left: prev ? prev.n - s.n : 0, definition: FLOW_DEFINITION.id });
		return out.length - 1;
	};
	const start = push({ step: 'baseline', session: null, week: null, label: 'With a baseline score', n: count(mine), reason: '', from: null });
	const endIdx = push({
		step: 'end', session: null, week: null, label: 'With an end-of-series score (analysed)', n: count(mine.filter((r) => r.ended)),
		reason: endRule === 'last' ? 'no dosing-session score' : 'no score at the planned last session', from: start
	});
	const maxSession = Math.max(0, ...mine.map((r) => Math.max(r.last_session ?? 0, r.planned_max ?? 0)));
	// Under the last-observed end rule "reached session 1" is the end-of-series step: start after it.
	let prev = endRule === 'last' ? endIdx : start;
	for (let s = endRule === 'last' ? 2 : 1; s <= maxSession; s++) {
		const n = count(mine.filter((r) => (r.last_session ?? 0) >= s));
		prev = push({ step: 'session', session: s, week: null, label: `Reached session ${s}`, n, reason: s === 1 ? 'no dosing-session score' : `last seen at session ${s - 1}`, from: prev });
	}
	const seen = mine.filter((r) => r.last_session !== null);
	const completed = count(seen.filter((r) => r.completed));
	const seenIdx = endRule === 'last' ? endIdx : push({ step: 'session', session: null, week: null, label: 'With any dosing-session score', n: count(seen), reason: 'no dosing-session score', from: start });
	push({ step: 'completed', session: null, week: null, label: 'Completed the planned series', n: completed, reason: 'stopped before the planned session', from: seenIdx });
	const weeks = [...new Set(mine.map((r) => r.last_week).filter((w): w is number => w !== null))].sort((a, b) => a - b);
	let wPrev = seenIdx;
	for (const w of weeks) {
		const n = count(seen.filter((r) => (r.last_week ?? -Infinity) >= w));
		wPrev = push({ step: 'followup', session: null, week: w, label: `Seen at follow-up week ${w} or later`, n, reason: `not seen at week ${w} or later`, from: wPrev });
	}
	return out;
}

/**
 * Flow per instrument × group (group `all` without a grouping). The client-series summary is
 * counted in SQL by what the flow looks at (a few hundred rows), not sent as one row per
 * client-series: at a network's size that was tens of thousands of rows to decode on the page.
 */
export async function flow(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<FlowStep>> {
	const p = await prepare(conn, opts);
	const { q, derived } = p.summary && cellwise(conn, p.summary, p.settings) ? await flowOverCells(conn, p.summary, p.settings) : await flowOverSeries(conn, p);
	const counted = await conn.query<FlowCount>(q);
	const keys = [...new Map(counted.map((r) => [`${r.instrument}\u0001${r.group}`, [r.instrument, r.group] as const])).values()];
	// The flow runs to the end of the series (a follow-up-week end point is one of its later steps).
	const endRule = opts.settings?.end === 'planned' ? 'planned' : 'last';
	const rows = keys.flatMap(([i, g]) => flowStepsFromCounts(counted, i, g, endRule));
	return { rows, sql: q, derived, definition: FLOW_DEFINITION, path: p.path };
}

/** The flow's counts (`FlowCount` rows) over the client-series summary `cs`. */
async function flowOverSeries(conn: Connector, p: Prepared): Promise<{ q: Sql; derived: DerivedTable[] }> {
	const src = await summarySource(conn, p, { planned: true });
	const q = sql`${src.ctes}
SELECT instrument, grp AS "group", baseline IS NOT NULL AS with_baseline, end_score IS NOT NULL AS ended, last_session, last_week,
  coalesce(planned_session IS NOT NULL AND last_session >= planned_session, FALSE) AS completed, max(planned_session) AS planned_max, count(*)::INTEGER AS n
FROM cs GROUP BY ALL ORDER BY instrument, "group"`;
	return { q, derived: src.derived };
}

/**
 * The flow's counts per instrument × cell of `summaries`: the client-series of a cell counted by what
 * the flow looks at, except that a series without a planned end of its own (`no_plan`) keeps its last
 * session only: its planned end is the largest session seen in the view's instrument × group, so
 * whether it completed is decided per view (`flowOverCells`).
 */
export function flowPerCell(summaries: Summaries, s: Settings): Sql {
	return sql`${clientSeriesCtes(everyCell(summaries), s, { ownPlan: true })}
SELECT instrument, grp AS cell, baseline IS NOT NULL AS with_baseline, end_score IS NOT NULL AS ended, last_session, last_week,
  own_plan IS NULL AS no_plan, coalesce(last_session >= own_plan, FALSE) AS own_completed, max(own_plan) AS plan_max, count(*)::INTEGER AS n
FROM cs GROUP BY ALL`;
}

/**
 * The flow's counts summed from `flowPerCell`'s table (kept with the data) over the cells the view
 * keeps: the same rows as `flowOverSeries`, the planned end of a series without one of its own being
 * the largest session seen in the instrument × group (`cellmax`), as `clientSeriesCtes` has it; when
 * the build left no client-series in `mixed` (then every series has a plan of its own) there is no
 * such series and that join is left out. At 1M score rows the table has ~55k rows where `cs` has 151k.
 */
async function flowOverCells(conn: Connector, scope: SummaryScope, s: Settings): Promise<{ q: Sql; derived: DerivedTable[] }> {
	const perCell = flowPerCell(scope.summaries, s);
	const table = await keptTable(conn, scope.summaries, perCell);
	const planned =
		scope.summaries.rows.mixed === 0
			? sql`k AS (
  SELECT instrument, grp, with_baseline, ended, last_session, last_week, own_completed AS completed, plan_max AS planned, n
  FROM ${ident(table)} JOIN sum_k USING (cell)
  WHERE ${scope.instrumentWhere}
)`
			: sql`p AS (
  ${groupSeenMax(scope)}
),
k AS (
  SELECT instrument, grp, with_baseline, ended, last_session, last_week,
    CASE WHEN no_plan THEN coalesce(last_session >= p.seen_max, FALSE) ELSE own_completed END AS completed,
    CASE WHEN no_plan THEN p.seen_max ELSE plan_max END AS planned, n
  FROM ${ident(table)} JOIN sum_k USING (cell) LEFT JOIN p USING (instrument, grp)
  WHERE ${scope.instrumentWhere}
)`;
	const q = sql`WITH ${cellsCte(scope)},
${planned}
SELECT instrument, grp AS "group", with_baseline, ended, last_session, last_week, completed, max(planned) AS planned_max, sum(n)::INTEGER AS n
FROM k GROUP BY ALL ORDER BY instrument, "group"`;
	return { q, derived: [{ table, sql: perCell, holds: 'the flow counted per cell under these definitions, kept with the data and summed per view' }] };
}
