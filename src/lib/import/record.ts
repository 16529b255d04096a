/**
 * One measure of one source row → a canonical score row or a rejection (line, column, reason).
 * The checks are written out by hand so every rejection names the source column; the zod schema then
 * runs on the built row as the boundary guard for anything the hand checks missed.
 */
import { INSTRUMENTS, type InstrumentDefinition, type InstrumentId } from '../instruments/definitions';
import { parseItem, totalFromItems } from '../instruments/scoring';
import type { Phase, Route } from '../model/schema';
import type { Measure, TimeMeaning, TimepointValue } from './mapping';
import { normaliseRoute } from './routes';
import { col, readValue, resolveSource, sourceColumn, type Ctx, type Resolved } from './sources';
import type { Cell } from './types';
import { cellNumber, cellText, memo, normaliseInstrument as instrumentOf, normalisePhase as phaseOf, parseDateDays, parseTimepoint, type Timepoint } from './values';

const normaliseInstrument = memo(instrumentOf);
const normalisePhase = memo(phaseOf);
const normaliseRouteMemo = memo(normaliseRoute);

export interface ResolvedMeasure {
	instrument: Resolved;
	timepoint: {
		idx: number;
		column: string;
		means: TimeMeaning;
		labels: Map<string, TimepointValue>;
		instanceIdx: number | null;
		/** visit_order: each source row's place among its client-series' visits (0 = first), from `prepareVisitOrder`. */
		order: WeakMap<Cell[], number>;
	} | null;
	phase: Resolved;
	session: Resolved;
	week: Resolved;
	score: { idx: number; column: string } | null;
	items: ({ idx: number; column: string } | null)[];
	prorated: number | null;
	complete: number | null;
	/** Columns whose emptiness decides whether the measure is present in a row. */
	valueIdx: number[];
}

/** Resolve a measure's columns once, before the row loop. */
export function resolveMeasure(ctx: Ctx, m: Measure): ResolvedMeasure {
	const score = m.score ? { idx: col(ctx, m.score), column: m.score } : null;
	const items = (m.items ?? []).map((c) => (c ? { idx: col(ctx, c), column: c } : null));
	const tp = m.timepoint
		? {
				idx: col(ctx, m.timepoint.column),
				column: m.timepoint.column,
				means: m.timepoint.means ?? 'session',
				order: new WeakMap<Cell[], number>(),
				labels: new Map(Object.entries(m.timepoint.labels ?? {}).map(([k, v]) => [k.trim(), v])),
				instanceIdx: m.timepoint.instance_column ? col(ctx, m.timepoint.instance_column) : null
			}
		: null;
	return {
		instrument: resolveSource(ctx, m.instrument, null),
		timepoint: tp,
		phase: resolveSource(ctx, m.phase, null),
		session: resolveSource(ctx, m.session, null),
		week: resolveSource(ctx, m.week, null),
		score,
		items,
		prorated: m.prorated ? col(ctx, m.prorated) : null,
		complete: m.complete ? col(ctx, m.complete) : null,
		valueIdx: [...(score ? [score.idx] : []), ...items.filter((i) => i !== null).map((i) => i!.idx)]
	};
}

/** True when the row has a total or any item answer for this measure. */
export function hasValue(m: ResolvedMeasure, row: Cell[], ctx: Ctx): boolean {
	for (const i of m.valueIdx) if (cellText(row[i], ctx.missing) !== null) return true;
	return false;
}

export type Built =
	| { ok: true; row: Record<string, unknown>; instrument: InstrumentId; note?: string; incomplete?: boolean }
	| { ok: false; column: string | null; reason: string; unknown?: { column: string; value: string } };

const fail = (column: string | null, reason: string, unknown?: { column: string; value: string }): Built => ({ ok: false, column, reason, unknown });

/** Build the score part of a canonical row (client, series, route and attributes are set by the caller). */
export function buildScore(m: ResolvedMeasure, row: Cell[], ctx: Ctx, client: string): Built {
	const instText = readValue(m.instrument, row, ctx, client);
	const instCol = sourceColumn(m.instrument);
	if (instText === null) return fail(instCol, 'unknown instrument: none given');
	const instrument = normaliseInstrument(instText);
	if (!instrument) return fail(instCol, `unknown instrument: "${instText}"`, instCol ? { column: instCol, value: instText } : undefined);
	const def = INSTRUMENTS[instrument];

	const tp = timepoint(m, row, ctx, client);
	if ('reason' in tp) return tp;
	const out: Record<string, unknown> = { instrument, phase: tp.phase, session: tp.session, week: tp.week };

	// Items: parse each against the instrument; the total is formed under its proration rule.
	let itemTotal: { total: number | null; prorated: boolean; missing: number } | null = null;
	if (m.items.length > 0) {
		const values: (number | null)[] = [];
		let any = false;
		for (let k = 0; k < m.items.length; k++) {
			const it = m.items[k];
			const rawItem = it ? row[it.idx] : null;
			const text = it ? cellText(rawItem, ctx.missing) : null;
			if (k >= def.items) {
				if (text !== null) return fail(it!.column, `item out of range: item ${k + 1} given but ${def.shortName} has ${def.items} items`);
				continue;
			}
			const p = parseItem(def, k + 1, text);
			if (!p.ok) return fail(it!.column, `${/not a number/.test(p.reason) ? 'non-numeric value' : 'item out of range'}: ${p.reason}`);
			values.push(p.value);
			out[`item_${k + 1}`] = p.value;
			if (p.value !== null) any = true;
		}
		while (values.length < def.items) values.push(null);
		if (any) itemTotal = totalFromItems(instrument, values);
	}

	const scoreValue = m.score ? cellNumber(row[m.score.idx], ctx.missing, ctx.decimalComma) : null;
	if (scoreValue !== null && Number.isNaN(scoreValue))
		return fail(m.score!.column, `non-numeric value: total "${cellText(row[m.score!.idx], ctx.missing)}" is not a number`);
	if (scoreValue !== null && (scoreValue < def.totalMin || scoreValue > def.totalMax))
		return fail(m.score!.column, `total out of range: ${scoreValue} is outside ${def.totalMin}–${def.totalMax} for ${def.shortName}`);

	let note: string | undefined;
	if (itemTotal && itemTotal.total !== null) {
		out.score = itemTotal.total;
		out.prorated = itemTotal.prorated;
		if (scoreValue !== null && scoreValue !== itemTotal.total)
			note = `${def.shortName} items ${itemTotal.prorated ? 'prorate' : 'sum'} to ${itemTotal.total} but the total column says ${scoreValue}; the items are used`;
	} else if (scoreValue !== null) {
		out.score = scoreValue;
		out.prorated = m.prorated !== null ? /^(true|1|yes|t)$/i.test(cellText(row[m.prorated], ctx.missing) ?? '') : false;
	} else if (itemTotal) {
		const firstItem = m.items.find((i) => i !== null)!;
		return fail(firstItem.column, tooManyMissing(def, itemTotal.missing));
	} else return fail(m.score?.column ?? null, 'no score: the row has no total and no item answers');

	const incomplete = m.complete !== null && cellText(row[m.complete], ctx.missing) === '0';
	return { ok: true, row: out, instrument, note, incomplete };
}

function tooManyMissing(def: InstrumentDefinition, missing: number): string {
	return `too many missing items: ${missing} of ${def.items} ${def.shortName} items missing (at most ${def.proration.maxMissing} can be prorated)`;
}

/** Phase, session and week of the row, checked for the phase/index rules of the canonical schema. */
function timepoint(m: ResolvedMeasure, row: Cell[], ctx: Ctx, client: string): Timepoint | { ok: false; column: string | null; reason: string; unknown?: { column: string; value: string } } {
	let tp: Timepoint;
	let phaseCol: string | null, sessionCol: string | null, weekCol: string | null;
	if (m.timepoint) {
		const t = m.timepoint;
		phaseCol = sessionCol = weekCol = t.column;
		const text = cellText(row[t.idx], ctx.missing);
		if (text === null) return { ok: false, column: t.column, reason: 'unknown timepoint: none given' };
		const label = t.labels.get(text);
		const parsed: Timepoint | null = label
			? { phase: label.phase, session: label.session ?? (label.phase === 'baseline' ? 0 : null), week: label.week ?? null }
			: readTime(t.means, text, t.order.get(row), ctx);
		if (!parsed) return { ok: false, column: t.column, reason: `unknown timepoint: "${text}"`, unknown: { column: t.column, value: text } };
		if (label && (label.session_from_instance || label.week_from_instance) && t.instanceIdx !== null) {
			const n = cellNumber(row[t.instanceIdx], ctx.missing, false);
			if (n === null || Number.isNaN(n)) return { ok: false, column: t.column, reason: `non-numeric value: repeat instance "${cellText(row[t.instanceIdx], ctx.missing) ?? ''}"` };
			if (label.session_from_instance) parsed.session = n;
			if (label.week_from_instance) parsed.week = label.week_from_instance.start + label.week_from_instance.step * n;
		}
		tp = parsed;
	} else {
		phaseCol = sourceColumn(m.phase);
		sessionCol = sourceColumn(m.session);
		weekCol = sourceColumn(m.week);
		const phaseText = readValue(m.phase, row, ctx, client);
		const phase: Phase | null = phaseText === null ? null : normalisePhase(phaseText);
		if (phase === null)
			return { ok: false, column: phaseCol, reason: `unknown phase: "${phaseText ?? ''}"`, unknown: phaseCol && phaseText ? { column: phaseCol, value: phaseText } : undefined };
		const session = num(readValue(m.session, row, ctx, client), ctx);
		const week = num(readValue(m.week, row, ctx, client), ctx);
		tp = { phase, session: session ?? (phase === 'baseline' ? 0 : null), week };
		if (Number.isNaN(tp.session)) return { ok: false, column: sessionCol, reason: `non-numeric value: session "${readValue(m.session, row, ctx, client)}"` };
		if (Number.isNaN(tp.week)) return { ok: false, column: weekCol, reason: `non-numeric value: week "${readValue(m.week, row, ctx, client)}"` };
	}
	if (tp.session !== null && tp.session < 0) return { ok: false, column: sessionCol, reason: `negative session: ${tp.session}` };
	if (tp.week !== null && tp.week < 0) return { ok: false, column: weekCol, reason: `negative week: ${tp.week}` };
	if (tp.session !== null && !Number.isInteger(tp.session)) return { ok: false, column: sessionCol, reason: `non-numeric value: session ${tp.session} is not a whole number` };
	if (tp.phase === 'baseline' && tp.session !== null && tp.session !== 0)
		return { ok: false, column: sessionCol, reason: `phase/index mismatch: baseline must have session 0, not ${tp.session}` };
	if (tp.phase === 'session' && (tp.session === null || tp.session < 1))
		return { ok: false, column: sessionCol, reason: `phase/index mismatch: a dosing-session row needs session ≥ 1` };
	if (tp.phase === 'followup' && tp.week === null)
		return { ok: false, column: weekCol, reason: 'phase/index mismatch: a follow-up row needs a week' };
	if (tp.phase !== 'followup' && tp.week !== null)
		return { ok: false, column: weekCol, reason: `phase/index mismatch: only follow-up rows have a week (this is ${tp.phase})` };
	return tp;
}

/** A time value read as the mapping says it is meant (see TIME_MEANINGS). */
export function readTime(means: TimeMeaning, text: string, order: number | undefined, ctx: Ctx): Timepoint | null {
	if (means === 'visit_order') return order === undefined ? null : order === 0 ? { phase: 'baseline', session: 0, week: null } : { phase: 'session', session: order, week: null };
	if (means === 'followup_week') {
		const n = cellNumber(text, ctx.missing, ctx.decimalComma);
		if (n === null || Number.isNaN(n)) return parseTimepoint(text);
		return n === 0 ? { phase: 'baseline', session: 0, week: null } : { phase: 'followup', session: null, week: n };
	}
	return parseTimepoint(text);
}

/** Sort key of a visit value: a date's day number, else the number, else the text. */
function visitKey(text: string, ctx: Ctx): number | string {
	const d = parseDateDays(text);
	if (d !== null) return d;
	const n = cellNumber(text, ctx.missing, ctx.decimalComma);
	return n !== null && !Number.isNaN(n) ? n : text;
}

/**
 * One pass for `visit_order` time columns: number each client-series' distinct visit values in order
 * (0 = the first), so repeat visits become baseline, session 1, 2, … instead of duplicates.
 */
export function prepareVisitOrder(measures: ResolvedMeasure[], rows: Cell[][], ctx: Ctx, clientKey: (row: Cell[]) => string | null): void {
	for (const m of measures) {
		const t = m.timepoint;
		if (!t || t.means !== 'visit_order') continue;
		const byClient = new Map<string, Map<string, number | string>>();
		for (const row of rows) {
			const key = clientKey(row);
			const text = cellText(row[t.idx], ctx.missing);
			if (key === null || text === null) continue;
			if (!byClient.has(key)) byClient.set(key, new Map());
			byClient.get(key)!.set(text, visitKey(text, ctx));
		}
		const rank = new Map<string, Map<string, number>>();
		for (const [key, values] of byClient) {
			const sorted = [...values].sort(([, a], [, b]) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1));
			rank.set(key, new Map(sorted.map(([text], i) => [text, i])));
		}
		for (const row of rows) {
			const key = clientKey(row);
			const text = cellText(row[t.idx], ctx.missing);
			const r = key === null || text === null ? undefined : rank.get(key)?.get(text);
			if (r !== undefined) t.order.set(row, r);
		}
	}
}

function num(text: string | null, ctx: Ctx): number | null {
	return text === null ? null : cellNumber(text, ctx.missing, ctx.decimalComma);
}

/** Canonical route for a raw label (after the mapping's own labels), or null. */
export function routeOf(text: string | null): Route | null {
	return text === null ? null : normaliseRouteMemo(text);
}
