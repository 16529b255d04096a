/**
 * The mapping as the page's controls see it, and the edits they make. Pure functions over `Mapping`
 * so the JSON view, the saved file and the controls never disagree.
 *
 * Two layouts: *long* (a time column — or a phase column — says when each row is; every measure reads
 * it) and *wide* (each measure is a column with a fixed time point). Each measure is a score column
 * with a questionnaire (a constant, or a column holding it). A session-record mapping (sessions.ts)
 * names a column per measured field.
 */
import type { Cell } from './types';
import type { Mapping, Measure, TimeMeaning, ValueSource } from './mapping';
import type { SessionMapping } from './sessions';

export type Layout = 'long' | 'wide';

/**
 * Long when any measure reads its time from a column, or when no measure has a time at all (every
 * row a baseline: the time column was set to none); wide when the measures carry fixed time points.
 */
export function layoutOf(m: Mapping): Layout {
	if (m.measures.some((x) => x.timepoint || (x.phase && 'column' in x.phase))) return 'long';
	const fixed = m.measures.some((x) => x.session || x.week || (x.phase && 'value' in x.phase && x.phase.value !== 'baseline'));
	return fixed ? 'wide' : 'long';
}

/** The shared time column of a long mapping and what its values mean. */
export function timeOf(m: Mapping): { column: string | null; means: TimeMeaning; phase: string | null; week: string | null } {
	const first = m.measures[0];
	if (first.timepoint) return { column: first.timepoint.column, means: first.timepoint.means ?? 'session', phase: null, week: null };
	const col = (s?: ValueSource) => (s && 'column' in s ? s.column : null);
	return { column: col(first.session), means: 'session', phase: col(first.phase), week: col(first.week) };
}

type TimeSource = Pick<Measure, 'timepoint' | 'phase' | 'session' | 'week'>;

function withTime(x: Measure, t: TimeSource): Measure {
	const { timepoint: _t, phase: _p, session: _s, week: _w, ...rest } = x;
	return { ...rest, ...t };
}

/**
 * Set the time of every measure: a time column with a meaning; or, with a phase column, the phase
 * from it and the session / follow-up week numbers from their columns; or none (every row a baseline).
 */
export function setTime(m: Mapping, t: { column: string | null; means: TimeMeaning; phase?: string | null; week?: string | null }): Mapping {
	let source: TimeSource;
	if (t.phase) source = { phase: { column: t.phase }, ...(t.column ? { session: { column: t.column } } : {}), ...(t.week ? { week: { column: t.week } } : {}) };
	else if (t.column) source = { timepoint: { column: t.column, ...(t.means !== 'session' ? { means: t.means } : {}) } };
	else source = { phase: { value: 'baseline' } };
	const first = m.measures[0];
	const labels = t.column && !t.phase && first.timepoint?.column === t.column ? first.timepoint.labels : undefined;
	if (labels && source.timepoint) source.timepoint.labels = labels;
	return { ...m, measures: m.measures.map((x) => withTime(x, source)) };
}

/** The wide time point of a measure (fixed phase and number). */
export function fixedTime(x: Measure): { phase: string; n: number | null } {
	const v = (s?: ValueSource) => (s && 'value' in s ? s.value : null);
	const phase = String(v(x.phase) ?? 'baseline');
	const n = phase === 'followup' ? v(x.week) : v(x.session);
	return { phase, n: n === null ? null : Number(n) };
}

export function setFixedTime(m: Mapping, i: number, phase: string, n: number | null): Mapping {
	const t: TimeSource =
		phase === 'baseline'
			? { phase: { value: 'baseline' }, session: { value: 0 } }
			: phase === 'followup'
				? { phase: { value: 'followup' }, week: { value: n ?? 1 } }
				: { phase: { value: 'session' }, session: { value: Math.max(1, Math.round(n ?? 1)) } };
	return setMeasure(m, i, withTime(m.measures[i], t));
}

export function setMeasure(m: Mapping, i: number, x: Measure): Mapping {
	return { ...m, shape: m.shape === 'canonical' ? 'long' : m.shape, measures: m.measures.map((y, k) => (k === i ? x : y)) };
}

/** The same questionnaire for every measure. */
export function setInstrumentAll(m: Mapping, src: ValueSource): Mapping {
	return { ...m, measures: m.measures.map((x) => ({ ...x, instrument: src })) };
}

/** The questionnaire all measures share, or null when they differ. */
export function commonInstrument(m: Mapping): ValueSource | null {
	const keys = new Set(m.measures.map((x) => JSON.stringify(x.instrument)));
	return keys.size === 1 ? m.measures[0].instrument : null;
}

/** Another score column: same questionnaire and time source as the last measure (wide: the next session). */
export function addMeasure(m: Mapping, score: string): Mapping {
	const last = m.measures[m.measures.length - 1];
	const { items: _i, prorated: _p, complete: _c, ...base } = last;
	let x: Measure = { ...base, score };
	if (layoutOf(m) === 'wide') {
		const next = Math.max(0, ...m.measures.map((y) => (fixedTime(y).phase === 'session' || fixedTime(y).phase === 'baseline' ? (fixedTime(y).n ?? 0) : 0))) + 1;
		x = withTime(x, { phase: { value: 'session' }, session: { value: next } });
	}
	return { ...m, measures: [...m.measures, x] };
}

export function removeMeasure(m: Mapping, i: number): Mapping {
	return m.measures.length <= 1 ? m : { ...m, measures: m.measures.filter((_, k) => k !== i) };
}

/** Columns the measures read (scores, items, time, phase, questionnaire columns). */
export function measureColumns(m: Mapping): Set<string> {
	const out = new Set<string>();
	const src = (s?: ValueSource) => (s && 'column' in s ? out.add(s.column) : undefined);
	for (const x of m.measures) {
		if (x.score) out.add(x.score);
		for (const c of x.items ?? []) if (c) out.add(c);
		if (x.timepoint) out.add(x.timepoint.column);
		[x.instrument, x.phase, x.session, x.week].forEach(src);
	}
	return out;
}

/** "Days — 0, 1, 2, 3, …": a column's name with the first distinct values of the file's first rows. */
export function columnSamples(columns: string[], head: { cells: Cell[] }[], max = 4): Map<string, string> {
	return new Map(
		columns.map((c, i) => {
			const seen: string[] = [];
			for (const r of head) {
				const v = r.cells[i];
				const t = v === null || v === undefined ? '' : String(v).trim();
				if (t !== '' && !seen.includes(t)) seen.push(t.length > 18 ? `${t.slice(0, 17)}…` : t);
				if (seen.length > max) break;
			}
			const more = seen.length > max ? ', …' : '';
			return [c, seen.length ? `${c} — ${seen.slice(0, max).join(', ')}${more}` : `${c} — (empty)`];
		})
	);
}

/** A session-record mapping with `field` read from `column`, or not recorded (null). */
export function setSessionField(m: SessionMapping, field: string, column: string | null): SessionMapping {
	const { [field]: _old, ...rest } = m.fields;
	const time = /^[sd]bp_(pre|peak|end)$/.exec(field)?.[1] as 'pre' | 'peak' | 'end' | undefined;
	// a systolic or diastolic column of its own replaces a "120/80" column of that time point
	const out = column && time ? setSessionBloodPressure(m, time, null) : m;
	return { ...out, fields: column ? { ...rest, [field]: column } : rest };
}

/**
 * A session-record mapping reading blood pressure at time `t` from one "120/80" column (null: not
 * from one column); the systolic and diastolic fields of that time are then no longer mapped separately.
 */
export function setSessionBloodPressure(m: SessionMapping, t: 'pre' | 'peak' | 'end', column: string | null): SessionMapping {
	const { [t]: _old, ...bp } = m.blood_pressure ?? {};
	const next: SessionMapping = { ...m, blood_pressure: column ? { ...bp, [t]: column } : bp };
	if (column) {
		const { [`sbp_${t}`]: _s, [`dbp_${t}`]: _d, ...fields } = m.fields;
		next.fields = fields;
	}
	if (!Object.keys(next.blood_pressure!).length) delete next.blood_pressure;
	return next;
}

/** A session-record mapping with other client, series, route or session-number columns (undefined removes series / route). */
export function setSessionKeys(m: SessionMapping, patch: { client_id?: string; series?: ValueSource; route?: ValueSource; session?: string }): SessionMapping {
	const out: SessionMapping = { ...m, ...patch };
	if ('series' in patch && !patch.series) delete out.series;
	if ('route' in patch && !patch.route) delete out.route;
	return out;
}

/** A session-record mapping with `value` of the route column meaning `route`. */
export function setSessionRouteLabel(m: SessionMapping, value: string, route: string): SessionMapping {
	if (!m.route || !('column' in m.route)) return m;
	return { ...m, route: { ...m.route, labels: { ...(m.route.labels ?? {}), [value]: route } } };
}
