/**
 * `suggestMapping`: a first mapping guessed from column names and values, for the user to adjust.
 * Recognises the canonical long format (exactly right), REDCap exports (record_id + event), wide files
 * whose columns name an instrument and a timepoint (`bdi.pre`, `bdi.2m`, `BDI1.total`, `BDI1.5`,
 * `phq9_3`), and long files with instrument/score/timepoint-like columns. Never throws.
 */
import { INSTRUMENTS, MAX_ITEMS, type InstrumentId } from '../instruments/definitions';
import { KNOWN_ATTRIBUTES } from '../model/schema';
import { detectIdentifiers, snake } from './deid';
import type { Attribute, Mapping, Measure, ValueSource } from './mapping';
import type { RawTable } from './types';
import { DEFAULT_MISSING, cellNumber, cellText, normaliseInstrument } from './values';
import { isTimeLike, isVisitDate, unitFromName, wideFamilies, type TimeGuess, type WideFamily } from './suggest-time';

export const CLIENT_NAMES = ['client_id', 'client', 'patient_id', 'patient', 'subject_id', 'subject', 'participant_id', 'participant', 'record_id', 'study_id', 'pid', 'id', 'rownames', 'case'];
const SHORT_TIMED = /^(bdi|phq|gad|hamd|hdrs|hrsd|madrs|hama)[._]?(\d+)[._](\d+|total|tot|sum|score)$/;
const INSTR_PREFIX = /^(bdi_?ii|bdi2|bdi|phq_?9|phq|gad_?7|gad|ham_?d(?:_?17)?|hdrs|hrsd|madrs|ham_?a|hars)(.*)$/;

/** Suggest a mapping for `raw` (see the module comment for what is recognised). */
export function suggestMapping(raw: RawTable): Mapping {
	const cols = raw.columns;
	const keys = cols.map(snake);
	const find = (names: string[]) => {
		for (const n of names) {
			const i = keys.indexOf(n);
			if (i !== -1) return cols[i];
		}
		return undefined;
	};
	const used = new Set<string>();
	const use = (c: string | undefined) => (c ? (used.add(c), c) : undefined);
	const client = use(find(CLIENT_NAMES)) ?? use(cols[0])!;
	const seriesCol = use(find(['series', 'course', 'series_number']));
	const routeCol = use(find(['route', 'route_of_administration', 'administration', 'modality']));
	// REDCap checkbox fields (route___1 …): the codes' meanings are project-defined, so the codes are
	// offered as labels; they show up as unknown route labels for the user to map.
	const boxes = cols.filter((c) => /^route___\w+$/i.test(c));
	const route: ValueSource = routeCol
		? { column: routeCol }
		: boxes.length
			? { checkboxes: Object.fromEntries(boxes.map((c) => [use(c)!, c.slice(c.indexOf('___') + 3)])), by_client: true }
			: { value: 'other' };
	let shape: Mapping['shape'];
	let measures: Measure[];
	let families: WideFamily[] = [];
	let timeUnit: string | undefined;

	const isCanonical = ['client_id', 'instrument', 'phase'].every((c) => cols.includes(c)) && (cols.includes('score') || cols.includes('item_1'));
	if (isCanonical) {
		shape = 'canonical';
		const items = Array.from({ length: MAX_ITEMS }, (_, k) => (cols.includes(`item_${k + 1}`) ? `item_${k + 1}` : null));
		while (items.length && items[items.length - 1] === null) items.pop();
		measures = [
			{
				instrument: { column: use('instrument')! },
				phase: { column: use('phase')! },
				...(cols.includes('session') ? { session: { column: use('session')! } } : {}),
				...(cols.includes('week') ? { week: { column: use('week')! } } : {}),
				...(cols.includes('score') ? { score: use('score') } : {}),
				...(items.length ? { items: items.map((c) => use(c ?? undefined) ?? null) } : {}),
				...(cols.includes('prorated') ? { prorated: use('prorated') } : {})
			}
		];
	} else {
		const groups = instrumentColumns(cols);
		const event = find(['redcap_event_name']);
		if (event && groups.size > 0) {
			shape = 'redcap';
			use(event);
			const instance = use(find(['redcap_repeat_instance']));
			use(find(['redcap_repeat_instrument']));
			measures = [...groups].map(([instrument, byTime]) => {
				const g = [...byTime.values()][0];
				return {
					instrument: { value: instrument },
					timepoint: { column: event, ...(instance ? { instance_column: instance } : {}) },
					...measureColumns(g, use),
					...completeColumn(cols, instrument, use)
				};
			});
		} else if (groups.size > 0 && [...groups.values()].some((m) => m.size > 1 || !m.has(''))) {
			shape = [...groups.values()].some((m) => [...m.values()].some((g) => g.items.size > 0)) ? 'items' : 'wide';
			measures = [];
			for (const [instrument, byTime] of groups) {
				const times = [...byTime.keys()];
				const baseline = times.find((t) => /^(pre|baseline|bl|t0|0|screening)$/.test(t)) ?? (times.every((t) => /^\d+$/.test(t)) ? times.map(Number).sort((a, b) => a - b)[0].toString() : undefined);
				const ordered = times.sort((a, b) => timeValue(a) - timeValue(b));
				let index = 0;
				for (const t of ordered) {
					const isBase = t === baseline;
					const m = /^(\d+)(m|mo|month|months)$/.exec(t);
					const session = isBase ? 0 : m ? Number(m[1]) : ++index;
					measures.push({ instrument: { value: instrument }, phase: { value: isBase ? 'baseline' : 'session' }, session: { value: session }, ...measureColumns(byTime.get(t)!, use) });
				}
			}
		} else if ((families = wideFamilies(cols, used)).length > 0) {
			// `Reaction.0 … Reaction.9`, `score_w0 …`: one measure per column; an unknown stem leaves the
			// questionnaire for the user to choose (the report says so).
			shape = 'wide';
			timeUnit = families[0].unit;
			measures = families.flatMap((f) =>
				f.columns.map((c) => ({ instrument: { value: f.instrument }, phase: { value: c.session === 0 ? 'baseline' : 'session' }, session: { value: c.session }, score: use(c.column) }))
			);
		} else {
			shape = 'long';
			const clientIdx = cols.indexOf(client);
			const instCol = use(find(['instrument', 'measure', 'questionnaire', 'scale', 'test', 'assessment']));
			// Several questionnaire totals in one row (PHQ9 Total, GAD7 Total): a measure each.
			const totals = instCol ? [] : [...groups].map(([instrument, m]) => [instrument, use(m.get('')?.total)] as const).filter(([, c]) => c);
			const time = longTime(raw, cols, keys, used, clientIdx);
			if (time) use(time.column);
			timeUnit = time?.unit;
			const timeSource = time ? { timepoint: { column: time.column, ...(time.means ? { means: time.means } : {}) } } : { phase: { value: 'baseline' } };
			if (totals.length > 0) measures = totals.map(([instrument, c]) => ({ instrument: { value: instrument }, ...timeSource, score: use(c) }));
			else {
				const scoreCol =
					use(find(['score', 'total', 'total_score', 'value', 'result'])) ??
					use(cols.find((c, i) => !used.has(c) && !isTimeLike(raw, i, clientIdx) && numericColumn(raw, i)) ?? cols.find((c) => !used.has(c)));
				measures = [{ instrument: instCol ? { column: instCol } : { value: null }, ...timeSource, ...(scoreCol ? { score: scoreCol } : {}) }];
			}
		}
	}

	const flagged = new Map(detectIdentifiers(raw).map((f) => [f.column, f.reason]));
	const attributes = suggestAttributes(raw, used, flagged);
	return {
		version: 1,
		shape,
		...(raw.sheet ? { format: { sheet: raw.sheet } } : {}),
		...(timeUnit ? { time_unit: timeUnit } : {}),
		client_id: client,
		...(seriesCol ? { series: { column: seriesCol } } : {}),
		route,
		measures,
		...(attributes.length ? { attributes } : {})
	};
}

interface Group {
	total?: string;
	items: Map<number, string>;
}

/** Columns that name an instrument: instrument → time token ('' when none) → total and item columns. */
function instrumentColumns(cols: string[]): Map<InstrumentId, Map<string, Group>> {
	const out = new Map<InstrumentId, Map<string, Group>>();
	// "BDI2.1" is ambiguous: BDI-II item 1, or BDI at time 2, item 1? When a family's columns carry
	// several different leading numbers (BDI1.*, BDI2.*, BDI3.*), the number is a time; when always the
	// same (phq9_1 … phq9_9), it is part of the instrument's name.
	const leading = new Map<string, Set<string>>();
	for (const c of cols) {
		const p = SHORT_TIMED.exec(c.toLowerCase());
		if (p) leading.set(p[1], (leading.get(p[1]) ?? new Set()).add(p[2]));
	}
	for (const c of cols) {
		const key = c.toLowerCase().replace(/[^a-z0-9.]+/g, '_');
		const short = SHORT_TIMED.exec(key);
		const m = short && (leading.get(short[1])?.size ?? 0) > 1 ? [key, short[1], key.slice(short[1].length)] : INSTR_PREFIX.exec(key.replace(/\./g, '_'));
		if (!m) continue;
		const instrument = normaliseInstrument(m[1].replace(/_/g, ''));
		if (!instrument) continue;
		// The remainder in the original punctuation: "1.total", ".pre", "_3", ".2m".
		const rest = key.slice(key.length - m[2].length).replace(/^[._]/, '');
		let time = '';
		let item: number | null = null;
		let p: RegExpExecArray | null;
		if (rest === '' || /^(total|tot|sum|score)$/.test(rest)) time = '';
		else if ((p = /^(\d+)[._](total|tot|sum|score)$/.exec(rest))) time = p[1];
		else if ((p = /^(\d+)\.(\d+)$/.exec(rest))) [time, item] = [p[1], Number(p[2])];
		else if ((p = /^(\d+)$/.exec(rest)) && Number(p[1]) <= INSTRUMENTS[instrument].items) item = Number(p[1]);
		else if ((p = /^(pre|baseline|bl|t0|screening|post|\d+(m|mo|month|months|w|wk|week))$/.exec(rest))) time = p[1];
		else if ((p = /^(total|score)[._]?(\d+|pre|post|baseline)$/.exec(rest))) time = p[2];
		else continue;
		if (!out.has(instrument)) out.set(instrument, new Map());
		const byTime = out.get(instrument)!;
		if (!byTime.has(time)) byTime.set(time, { items: new Map() });
		const g = byTime.get(time)!;
		if (item === null) g.total ??= c;
		else if (item >= 1 && item <= INSTRUMENTS[instrument].items) g.items.set(item, c);
	}
	return out;
}

function measureColumns(g: Group, use: (c: string | undefined) => string | undefined): Pick<Measure, 'score' | 'items'> {
	const max = Math.max(0, ...g.items.keys());
	const items = Array.from({ length: max }, (_, k) => use(g.items.get(k + 1)) ?? null);
	return { ...(g.total ? { score: use(g.total) } : {}), ...(items.length ? { items } : {}) };
}

function completeColumn(cols: string[], instrument: InstrumentId, use: (c: string | undefined) => string | undefined): Pick<Measure, 'complete'> {
	const c = cols.find((x) => x.endsWith('_complete') && normaliseInstrument(x.slice(0, -'_complete'.length)) === instrument);
	return c ? { complete: use(c) } : {};
}

/** The long file's time column: by name, else a 0–n integer column, else visit dates (repeat visits). */
function longTime(raw: RawTable, cols: string[], keys: string[], used: Set<string>, clientIdx: number): TimeGuess | undefined {
	const names = ['timepoint', 'time_point', 'visit', 'visit_date', 'date', 'week', 'weeks', 'session', 'time', 'event', 'wave', 'occasion', 'day', 'days', 'month', 'months'];
	for (const n of names) {
		const i = keys.indexOf(n);
		if (i !== -1 && !used.has(cols[i])) return isVisitDate(raw, i, clientIdx) ? { column: cols[i], means: 'visit_order' } : { column: cols[i], unit: unitFromName(cols[i]) };
	}
	const d = cols.findIndex((c, k) => !used.has(c) && k !== clientIdx && isVisitDate(raw, k, clientIdx));
	if (d !== -1) return { column: cols[d], means: 'visit_order' };
	const i = cols.findIndex((c, k) => !used.has(c) && k !== clientIdx && isTimeLike(raw, k, clientIdx));
	return i !== -1 ? { column: cols[i], unit: unitFromName(cols[i]) } : undefined;
}

function numericColumn(raw: RawTable, ci: number): boolean {
	const missing = new Set(DEFAULT_MISSING);
	let numbers = 0;
	for (let r = 0; r < Math.min(raw.rows.length, 200); r++) {
		const n = cellNumber(raw.rows[r][ci], missing, false);
		if (n !== null && Number.isNaN(n)) return false;
		if (n !== null) numbers++;
	}
	return numbers > 0;
}

function timeValue(t: string): number {
	if (/^(pre|baseline|bl|t0|screening)$/.test(t)) return -1;
	if (t === 'post') return 1e6;
	const n = parseFloat(t);
	return Number.isFinite(n) ? n : 1e5;
}

/** Unused, non-identifying columns with few distinct values become attributes; age → age band. */
function suggestAttributes(raw: RawTable, used: Set<string>, flagged: Map<string, string>): Attribute[] {
	const missing = new Set(DEFAULT_MISSING);
	const out: Attribute[] = [];
	raw.columns.forEach((c, ci) => {
		const key = snake(c);
		// Repeated-measure columns of other questionnaires (SHAPS1.3, WHO2.total) are not client attributes.
		if (used.has(c) || /___\d+$/.test(c) || /^redcap_|_complete$|_timestamp$|\d_(\d+|total\w*|rater)$/.test(key) || INSTR_PREFIX.test(key)) return;
		if (/^(age|age_years|alter)$/.test(key)) return void out.push({ column: c, as: 'age_band', transform: 'age_band' });
		const reason = flagged.get(c);
		if (reason) {
			if (/exact date/.test(reason)) out.push({ column: c, as: `${key}_day`, transform: 'relative_days' });
			return;
		}
		const distinct = new Set<string>();
		for (let r = 0; r < Math.min(raw.rows.length, 5000) && distinct.size <= 20; r++) {
			const t = cellText(raw.rows[r][ci], missing);
			if (t !== null) distinct.add(t);
		}
		if (distinct.size === 0 || distinct.size > 20) return;
		const known = (KNOWN_ATTRIBUTES as readonly string[]).includes(key) ? key : key === 'gender' ? 'sex' : key === 'clinic' ? 'site' : key;
		out.push({ column: c, as: known });
	});
	return out.slice(0, 20);
}
