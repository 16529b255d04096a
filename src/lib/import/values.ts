/**
 * Cell-level helpers shared by the mapping and the suggester: missing values, numbers with decimal
 * commas, instrument and phase names, timepoint labels, ages and dates. All pure and allocation-light.
 */
import { INSTRUMENTS, INSTRUMENT_IDS, type InstrumentId } from '../instruments/definitions';
import type { Phase } from '../model/schema';
import type { Cell } from './types';

/**
 * Remember a label normaliser's answers: files repeat a handful of labels millions of times, and the
 * normalisers lower-case and run regular expressions. Capped so a column of free text cannot grow it.
 */
export function memo<T>(fn: (label: string) => T, cap = 10_000): (label: string) => T {
	const cache = new Map<string, T>();
	return (label) => {
		const hit = cache.get(label);
		if (hit !== undefined || cache.has(label)) return hit as T;
		const v = fn(label);
		if (cache.size < cap) cache.set(label, v);
		return v;
	};
}

/** Cell texts that mean "missing" in every file (SPSS/Excel/R/SAS conventions). */
export const DEFAULT_MISSING = ['', 'NA', 'N/A', 'n/a', 'NaN', '.', 'null', 'NULL', '#NULL!', '#N/A', '#N/A!', '[not completed]'];

/** Cell as trimmed text, or null when it is one of the `missing` markers. */
export function cellText(c: Cell | undefined, missing: Set<string>): string | null {
	if (c === null || c === undefined) return null;
	if (typeof c === 'number') return Number.isFinite(c) ? String(c) : null;
	const t = c.trim();
	return missing.has(t) ? null : t;
}

/**
 * Number in a cell: null when missing, NaN when present but not a number. Accepts `1,5` as 1.5 when
 * `decimalComma` (semicolon/tab files, or when the mapping says so).
 */
export function cellNumber(c: Cell | undefined, missing: Set<string>, decimalComma: boolean): number | null {
	if (c === null || c === undefined) return null;
	if (typeof c === 'number') return Number.isFinite(c) ? c : null;
	const t = c.trim();
	if (missing.has(t)) return null;
	if (decimalComma && t.indexOf(',') !== -1 && /^[+-]?\d*,\d+$/.test(t)) return Number(t.replace(',', '.'));
	return t === '' ? null : Number(t);
}

const INSTRUMENT_ALIASES: Record<string, InstrumentId> = {
	bdi: 'bdi2', bdi2: 'bdi2', bdiii: 'bdi2', beck: 'bdi2',
	phq: 'phq9', phq9: 'phq9',
	gad: 'gad7', gad7: 'gad7',
	hamd: 'hamd17', hamd17: 'hamd17', hdrs: 'hamd17', hdrs17: 'hamd17', hrsd: 'hamd17', hrsd17: 'hamd17',
	hama: 'hama', hars: 'hama',
	madrs: 'madrs',
	qids: 'qids16', qidssr: 'qids16', qidssr16: 'qids16', qids16: 'qids16',
	cadss: 'cadss', cadss23: 'cadss', cadss6: 'cadss6',
	meq: 'meq30', meq30: 'meq30',
	ebi: 'ebi'
};

/** Instrument id for a label ("PHQ-9", "BDI-II", "HAM-D", "hdrs") or null. */
export function normaliseInstrument(label: string): InstrumentId | null {
	const key = label.toLowerCase().replace(/[^a-z0-9]+/g, '');
	if ((INSTRUMENT_IDS as readonly string[]).includes(key)) return key as InstrumentId;
	const alias = INSTRUMENT_ALIASES[key];
	if (alias) return alias;
	for (const id of INSTRUMENT_IDS) if (INSTRUMENTS[id].shortName.toLowerCase().replace(/[^a-z0-9]+/g, '') === key) return id;
	return null;
}

/** Phase for a label ("baseline", "Pre", "dosing", "follow-up") or null. */
export function normalisePhase(label: string): Phase | null {
	const key = label.toLowerCase().replace(/[^a-z]+/g, '');
	if (['baseline', 'pre', 'screening', 'intake', 'bl'].includes(key)) return 'baseline';
	if (['session', 'sessions', 'dosing', 'dose', 'treatment', 'infusion', 'tx'].includes(key)) return 'session';
	if (['followup', 'fu', 'post', 'maintenance'].includes(key)) return 'followup';
	return null;
}

export interface Timepoint {
	phase: Phase;
	session: number | null;
	week: number | null;
}

/**
 * Timepoint from a label such as a REDCap event (`baseline_arm_1`, `session_3_arm_1`,
 * `week_4_followup_arm_1`) or a bare number (0 → baseline, n → session n). Null when not understood.
 */
export function parseTimepoint(label: string): Timepoint | null {
	const key = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/_?arm_\d+$/, '').replace(/^_|_$/g, '');
	if (/^\d+$/.test(key)) {
		const n = Number(key);
		return n === 0 ? { phase: 'baseline', session: 0, week: null } : { phase: 'session', session: n, week: null };
	}
	if (/^(baseline|screening|pre|intake|bl|t0)(_|$)/.test(key)) return { phase: 'baseline', session: 0, week: null };
	const follow = /follow|(^|_)fu(_|$)/.test(key);
	const week = /(?:week|wk|w)_?(\d+(?:\.\d+)?)/.exec(key);
	if (follow && week) return { phase: 'followup', session: null, week: Number(week[1]) };
	const session = /(?:session|infusion|dose|dosing|treatment|tx|visit|s)_?(\d+)/.exec(key);
	if (session && !follow) {
		const n = Number(session[1]);
		return n === 0 ? { phase: 'baseline', session: 0, week: null } : { phase: 'session', session: n, week: null };
	}
	return null;
}

/** HIPAA Safe Harbor: ages over 89 collapse into one category. Bands of ten years from 18. */
export function ageBand(age: number): string {
	if (age >= 90) return '90+';
	if (age < 18) return '<18';
	if (age < 30) return '18–29';
	const lo = Math.floor(age / 10) * 10;
	return `${lo}–${lo + 9}`;
}

/** Exact age as text, except over 89 → "90+". */
export function ageCap(age: number): string {
	return age >= 90 ? '90+' : String(age);
}

/** Days since 1970 (UTC) of an ISO (YYYY-MM-DD[…]) or US (MM/DD/YYYY) date, or null when not a date. */
export function parseDateDays(text: string): number | null {
	let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
	let y: number, mo: number, d: number;
	if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text))) [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
	else return null;
	if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
	return Math.round(Date.UTC(y, mo - 1, d) / 86_400_000);
}
