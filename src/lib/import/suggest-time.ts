/**
 * The time side of `suggestMapping`: wide families whose column names end in a time (`Reaction.0 …
 * Reaction.9` from R's reshape, `score_w0`, `mood_baseline`), and in long files the column that says
 * when (by name, a small 0–n integer column, or visit dates with repeat visits). A time-like column is
 * never offered as the score.
 */
import type { RawTable } from './types';
import { DEFAULT_MISSING, cellNumber, cellText, normaliseInstrument, parseDateDays } from './values';
import type { InstrumentId } from '../instruments/definitions';
import type { TimeMeaning } from './mapping';

const TIME_SUFFIX = /^(.+?)[._ ]((?:w|wk|week|m|mo|month|d|day|t|v|visit|s|session)?_?\d+|baseline|bl|pre|post|screening)$/i;
const BASELINE_TOKEN = /^((w|wk|week|m|mo|month|d|day|t|v|visit|s|session)?_?0|baseline|bl|pre|screening)$/i;
const UNIT_OF: Record<string, string> = { w: 'week', wk: 'week', week: 'week', m: 'month', mo: 'month', month: 'month', d: 'day', day: 'day', s: 'dosing session', session: 'dosing session' };
const NOT_A_FAMILY = /^(item|q|question|v|var|x|col|column)$/i;

export interface TimedColumn {
	column: string;
	/** 0 for the baseline, else the number in the name (post = one after the largest). */
	session: number;
}

export interface WideFamily {
	stem: string;
	instrument: InstrumentId | null;
	columns: TimedColumn[];
	unit?: string;
}

/**
 * Column families `<stem><sep><time>` with at least two members, one of them a baseline (0, w0,
 * baseline, pre, …) — so item columns (q1 … q9) are not taken for time points.
 */
export function wideFamilies(cols: string[], used: Set<string>): WideFamily[] {
	const byStem = new Map<string, { column: string; token: string }[]>();
	for (const c of cols) {
		if (used.has(c)) continue;
		const m = TIME_SUFFIX.exec(c.trim());
		if (!m || NOT_A_FAMILY.test(m[1])) continue;
		const list = byStem.get(m[1]) ?? [];
		list.push({ column: c, token: m[2].toLowerCase() });
		byStem.set(m[1], list);
	}
	const out: WideFamily[] = [];
	for (const [stem, members] of byStem) {
		if (members.length < 2 || !members.some((x) => BASELINE_TOKEN.test(x.token))) continue;
		const units = new Set(members.map((x) => /^[a-z]+/.exec(x.token)?.[0]).filter((u): u is string => !!u && u in UNIT_OF).map((u) => UNIT_OF[u]));
		const numbers = members.map((x) => (BASELINE_TOKEN.test(x.token) ? 0 : Number(/\d+/.exec(x.token)?.[0] ?? NaN)));
		const max = Math.max(0, ...numbers.filter(Number.isFinite));
		const columns = members.map((x, i) => ({ column: x.column, session: Number.isFinite(numbers[i]) ? numbers[i] : max + 1 })).sort((a, b) => a.session - b.session);
		if (new Set(columns.map((c) => c.session)).size !== columns.length) continue;
		out.push({ stem, instrument: normaliseInstrument(stem.replace(/[^a-z0-9]/gi, '')), columns, ...(units.size === 1 ? { unit: [...units][0] } : {}) });
	}
	return out;
}

/** The time unit a column's name gives ("Days" → day), if any. */
export function unitFromName(column: string): string | undefined {
	const key = column.toLowerCase().replace(/[^a-z]/g, '');
	if (/^(days?|day_?number|study_?day)$/.test(key)) return 'day';
	if (/^(weeks?|wk)$/.test(key)) return 'week';
	if (/^(months?|mo)$/.test(key)) return 'month';
	if (/^(sessions?|infusions?|doses?|dosing)/.test(key)) return 'dosing session';
	return undefined;
}

/** Whole numbers from 0 with few distinct values, repeated within clients: a time index, not a score. */
export function isTimeLike(raw: RawTable, ci: number, clientIdx: number): boolean {
	const missing = new Set(DEFAULT_MISSING);
	const values = new Set<number>();
	const perClient = new Map<string, Set<number>>();
	const limit = Math.min(raw.rows.length, 5000);
	for (let r = 0; r < limit; r++) {
		const n = cellNumber(raw.rows[r][ci], missing, false);
		if (n === null) continue;
		if (Number.isNaN(n) || !Number.isInteger(n) || n < 0) return false;
		values.add(n);
		const client = cellText(raw.rows[r][clientIdx], missing) ?? '';
		perClient.set(client, (perClient.get(client) ?? new Set()).add(n));
	}
	if (values.size < 2 || values.size > 30 || Math.min(...values) > 1) return false;
	// Within a client the values differ (one row per time point); a score can repeat, a time index does not.
	const repeated = [...perClient.values()].filter((s) => s.size > 1).length;
	return repeated >= perClient.size / 2;
}

/** True when the column holds dates and some client has rows on more than one date (repeat visits). */
export function isVisitDate(raw: RawTable, ci: number, clientIdx: number): boolean {
	const missing = new Set(DEFAULT_MISSING);
	const dates = new Map<string, Set<number>>();
	let seen = 0;
	for (let r = 0; r < Math.min(raw.rows.length, 5000); r++) {
		const t = cellText(raw.rows[r][ci], missing);
		if (t === null) continue;
		const d = parseDateDays(t);
		if (d === null) return false;
		seen++;
		const client = cellText(raw.rows[r][clientIdx], missing) ?? '';
		dates.set(client, (dates.get(client) ?? new Set()).add(d));
	}
	return seen > 0 && [...dates.values()].some((s) => s.size > 1);
}

/** A suggested time column for a long file and what its values mean. */
export interface TimeGuess {
	column: string;
	means?: TimeMeaning;
	unit?: string;
}
