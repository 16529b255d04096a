/**
 * A first session mapping guessed from column names, for a file of dosing-session records whose
 * columns are not the canonical ones (`Patient`, `Visit`, `SBP before`, `BP systolic peak`,
 * `SpO2 lowest`, `Dose (mg)`, `Nausea` …); the page shows it in the mapping controls for the user to
 * check. The rules are data (FIELD_RULES): a column matches a rule when each of the rule's word groups
 * has one of its words among the column's words, and none of the rule's `not` words is there. Rules
 * are tried in order, so the specific ones (blood pressure at a time point) come before the loose ones.
 */
import { SESSION_FIELDS } from '../model/sessions';
import { snake } from './deid';
import { BP_TIMES, splitBloodPressure, type SessionMapping } from './sessions';
import { CLIENT_NAMES } from './suggest';
import type { RawTable } from './types';

interface Rule {
	field: string;
	all: string[][];
	not?: string[];
}

const SYSTOLIC = ['sbp', 'systolic', 'sys', 'sysbp'];
const DIASTOLIC = ['dbp', 'diastolic', 'dia', 'diabp'];
const PRE = ['pre', 'before', 'baseline', 'predose', 'prior', 'start', 'bl', 'initial', 'admission', 'arrival'];
const END = ['end', 'discharge', 'final', 'exit', 'departure', 'leave', 'leaving', 'dc'];
const PEAK = ['peak', 'max', 'maximum', 'highest', 'post', 'postdose', 'after', 'top'];
const SPO2 = ['spo2', 'o2', 'sao2', 'sat', 'sats', 'saturation', 'oxygen', 'oximetry'];
const MINIMUM = ['min', 'lowest', 'minimum', 'nadir', 'low'];
const HEART = ['hr', 'heart', 'pulse', 'heartrate'];
const NUMBER = ['number', 'no', 'nr', 'num', 'n', 'index', 'count'];

/** Session number, then measured fields, in the order they are tried. */
const SESSION_RULES: string[][][] = [
	[['session', 'sessions', 'sess', 'visit', 'treatment', 'tx', 'infusion', 'dosing']],
	[['dose', 'dosing'], NUMBER]
];
/** The words naming time point `t` of a vital sign, and the words of the other time points. */
function timeWords(t: (typeof BP_TIMES)[number]): { when: string[]; other: string[] } {
	return { when: t === 'pre' ? PRE : t === 'end' ? END : PEAK, other: t === 'pre' ? [...PEAK, ...END] : t === 'end' ? PRE : [...PRE, ...END] };
}
/** A blood-pressure column holding both values ("120/80"): named BP (or blood pressure) with a time word, not systolic or diastolic. */
const BP_WORDS = ['bp', 'blood', 'pressure', 'nibp', 'rr'];

const FIELD_RULES: Rule[] = [
	...BP_TIMES.flatMap((t): Rule[] => {
		const { when, other } = timeWords(t);
		return [
			{ field: `sbp_${t}`, all: [SYSTOLIC, when], not: other },
			{ field: `dbp_${t}`, all: [DIASTOLIC, when], not: other },
			{ field: `hr_${t}`, all: [HEART, when], not: [...other, ...SPO2, 'ox'] }
		].filter((r) => SESSION_FIELDS.some((f) => f.name === r.field));
	}),
	{ field: 'spo2_min', all: [SPO2, MINIMUM] },
	{ field: 'spo2_min', all: [SPO2], not: [...PRE, ...END] },
	{ field: 'spo2_min', all: [['pulse'], ['ox', 'oximetry']] },
	{ field: 'sedation', all: [['sedation', 'sedated', 'moaa', 'moaas']] },
	{ field: 'minutes_to_ready', all: [['ready', 'readiness', 'recovery']] },
	{ field: 'minutes_to_ready', all: [['minutes', 'mins', 'min', 'time'], ['discharge', 'dc', 'leave', 'leaving']] },
	{ field: 'dose_mg', all: [['dose', 'dosage', 'mg', 'milligrams']], not: NUMBER },
	{ field: 'nausea', all: [['nausea', 'nauseous', 'nauseated']] },
	{ field: 'vomiting', all: [['vomiting', 'vomit', 'vomited', 'emesis']] },
	{ field: 'headache', all: [['headache', 'headaches']] },
	{ field: 'dizziness', all: [['dizziness', 'dizzy', 'vertigo', 'lightheaded', 'lightheadedness']] },
	{ field: 'anxiety', all: [['anxiety', 'anxious']] },
	{ field: 'serious_ae', all: [['sae', 'saes', 'serious']] }
];
const SERIES_NAMES = ['series', 'course', 'series_number', 'treatment_course'];
const ROUTE_NAMES = ['route', 'route_of_administration', 'administration', 'modality'];

/** The words of a column name: `BP systolic peak` → bp, systolic, peak; `sbpPre` → sbp, pre (and sbppre). */
export function columnWords(name: string): Set<string> {
	const plain = name.toLowerCase().split(/[^a-z0-9]+/);
	return new Set([...snake(name).split('_'), ...plain].filter(Boolean));
}

const matches = (words: Set<string>, all: string[][], not: string[] = []) => all.every((g) => g.some((w) => words.has(w))) && !not.some((w) => words.has(w));

export interface SessionSuggestion {
	mapping: SessionMapping;
	/** The file looks like session records: a client and a session column and mostly session fields. */
	likely: boolean;
}

/**
 * The session mapping the column names suggest (always one, so the user can map any file as session
 * records), and whether the file looks like session records at all.
 */
export function suggestSessionFields(raw: RawTable): SessionSuggestion {
	const cols = raw.columns;
	const words = cols.map(columnWords);
	const used = new Set<number>();
	const take = (i: number) => (i === -1 ? undefined : (used.add(i), cols[i]));
	const exact = (names: string[]) => take(cols.findIndex((c, i) => !used.has(i) && names.includes(snake(c))));
	const client = exact(CLIENT_NAMES);
	const series = exact(SERIES_NAMES);
	const route = exact(ROUTE_NAMES);
	let session: string | undefined;
	for (const all of SESSION_RULES) session ??= take(cols.findIndex((_, i) => !used.has(i) && matches(words[i], all, ['date', 'time', 'minutes', 'mg'])));
	// "120/80" columns first: most of their first values split into systolic and diastolic
	const bloodPressure: NonNullable<SessionMapping['blood_pressure']> = {};
	const splits = (i: number) => {
		const texts = raw.rows.slice(0, 50).map((r) => r[i]).filter((c): c is string => typeof c === 'string' && c.trim() !== '');
		return texts.length > 0 && texts.filter((c) => splitBloodPressure(c, false)).length >= 0.8 * texts.length;
	};
	for (const t of BP_TIMES) {
		const { when, other } = timeWords(t);
		const c = take(cols.findIndex((_, i) => !used.has(i) && matches(words[i], [BP_WORDS, when], [...SYSTOLIC, ...DIASTOLIC, ...other]) && splits(i)));
		if (c) bloodPressure[t] = c;
	}
	const fields: Record<string, string> = {};
	for (const r of FIELD_RULES) {
		if (fields[r.field]) continue;
		const c = take(cols.findIndex((_, i) => !used.has(i) && matches(words[i], r.all, r.not)));
		if (c) fields[r.field] = c;
	}
	const measured = [...Object.keys(fields), ...Object.keys(bloodPressure).flatMap((t) => [`sbp_${t}`, `dbp_${t}`])];
	const others = cols.length - [client, series, route, session].filter(Boolean).length + Object.keys(bloodPressure).length;
	const scoreFile = cols.some((c) => ['instrument', 'score', 'questionnaire'].includes(snake(c)));
	const likely = !!client && !!session && !scoreFile && measured.some((f) => f !== 'dose_mg') && measured.length >= 2 && measured.length * 2 >= others;
	const fallback = (skip: (string | undefined)[]) => cols.find((c) => !skip.includes(c)) ?? cols[0];
	const clientCol = client ?? cols[0];
	return {
		likely,
		mapping: {
			version: 1,
			kind: 'sessions',
			client_id: clientCol,
			session: session ?? fallback([clientCol, series, route]),
			...(series ? { series: { column: series } } : {}),
			...(route ? { route: { column: route } } : {}),
			fields,
			...(Object.keys(bloodPressure).length ? { blood_pressure: bloodPressure } : {})
		}
	};
}
