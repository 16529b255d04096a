/**
 * Flow of client-series through a series and its follow-up (RECORD / CONSORT-style): how many
 * start with a baseline, reach each dosing session, have an end-of-series score, complete the
 * planned series and are seen at each follow-up week, with how many leave at each step and why.
 * Built from the client-series summary (`clientSummary`), so its counts are the denominators the
 * rates use. Steps are nested ("reached session s" = a score at s or later), so a series seen at
 * S3 after missing S2 counts as having reached S2: the flow shows dropout, not missed visits.
 */
import type { Connector } from '../engine/connector';
import type { Definition } from './definitions';
import { clientSummary, type ClientSummaryRow, type MetricOptions, type MetricResult } from './source';

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

/** The flow steps of one instrument × group from its client-series summary rows. */
export function flowSteps(rows: ClientSummaryRow[], instrument: string, group: string, endRule: 'last' | 'planned' = 'last'): FlowStep[] {
	const mine = rows.filter((r) => r.instrument === instrument && r.group === group && r.baseline !== null);
	const out: FlowStep[] = [];
	const push = (s: Omit<FlowStep, 'instrument' | 'group' | 'definition' | 'left'>) => {
		const prev = s.from === null ? null : out[s.from];
		out.push({ ...s, instrument, group, left: prev ? prev.n - s.n : 0, definition: FLOW_DEFINITION.id });
		return out.length - 1;
	};
	const start = push({ step: 'baseline', session: null, week: null, label: 'With a baseline score', n: mine.length, reason: '', from: null });
	const ended = mine.filter((r) => r.end_score !== null);
	const endIdx = push({
		step: 'end', session: null, week: null, label: 'With an end-of-series score (analysed)', n: ended.length,
		reason: endRule === 'last' ? 'no dosing-session score' : 'no score at the planned last session', from: start
	});
	const maxSession = Math.max(0, ...mine.map((r) => Math.max(r.last_session ?? 0, r.planned_session ?? 0)));
	// Under the last-observed end rule "reached session 1" is the end-of-series step: start after it.
	let prev = endRule === 'last' ? endIdx : start;
	for (let s = endRule === 'last' ? 2 : 1; s <= maxSession; s++) {
		const n = mine.filter((r) => (r.last_session ?? 0) >= s).length;
		prev = push({ step: 'session', session: s, week: null, label: `Reached session ${s}`, n, reason: s === 1 ? 'no dosing-session score' : `last seen at session ${s - 1}`, from: prev });
	}
	const seen = mine.filter((r) => r.last_session !== null);
	const completed = seen.filter((r) => r.planned_session !== null && r.last_session! >= r.planned_session);
	const seenIdx = endRule === 'last' ? endIdx : push({ step: 'session', session: null, week: null, label: 'With any dosing-session score', n: seen.length, reason: 'no dosing-session score', from: start });
	push({ step: 'completed', session: null, week: null, label: 'Completed the planned series', n: completed.length, reason: 'stopped before the planned session', from: seenIdx });
	const weeks = [...new Set(mine.map((r) => r.last_week).filter((w): w is number => w !== null))].sort((a, b) => a - b);
	let wPrev = seenIdx;
	for (const w of weeks) {
		const n = seen.filter((r) => (r.last_week ?? -Infinity) >= w).length;
		wPrev = push({ step: 'followup', session: null, week: w, label: `Seen at follow-up week ${w} or later`, n, reason: `not seen at week ${w} or later`, from: wPrev });
	}
	return out;
}

/** Flow per instrument × group (group `all` without a grouping). */
export async function flow(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<FlowStep>> {
	const summary = await clientSummary(conn, opts);
	const keys = [...new Map(summary.rows.map((r) => [`${r.instrument}\u0001${r.group}`, [r.instrument, r.group] as const])).values()];
	// The flow runs to the end of the series (a follow-up-week end point is one of its later steps).
	const endRule = opts.settings?.end === 'planned' ? 'planned' : 'last';
	const rows = keys.flatMap(([i, g]) => flowSteps(summary.rows, i, g, endRule));
	return { rows, sql: summary.sql, derived: summary.derived, definition: FLOW_DEFINITION };
}
