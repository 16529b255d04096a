/**
 * One client's course: finding a client, every administration on a shared time axis, the item
 * changes of a series, and the suicidal-thoughts item per administration, for a clinical-review
 * prompt. The per series × instrument markers (response, remission, reliable change) drawn on that
 * course: client-markers.ts.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql } from '../engine/sql';
import { bandFor, INSTRUMENTS, isInstrumentId, MAX_ITEMS, type InstrumentId } from '../instruments/definitions';
import type { Definition, SettingsInput } from './definitions';
import { perInstrumentCase, type MetricResult } from './source';

/** Where one client's data comes from; the active dataset's `scores` view by default. */
export interface ClientOptions {
	table?: string;
	settings?: SettingsInput;
	/** Band set per instrument (default: the instrument's default set). */
	bandSets?: Partial<Record<InstrumentId, string>>;
}

/** What a client view shows that is not an outcome definition: the axis and the item-9 prompt. */
export const CLIENT_DEFINITIONS = {
	course: {
		id: 'client.course.observed@1',
		name: 'Client course',
		text: 'Every observed administration of the client, in series order. Within a series: baseline, dosing sessions S1…Sn one step apart, then follow-up weeks after the last dosing session spaced by doubling time (W1, W2, W4, W8 one step apart; W12 0.58 of a step after W8). A later series (booster) starts after a gap.'
	},
	suicideItem: {
		id: 'flag.suicide-item.endorsed@1',
		name: 'Suicidal-thoughts item endorsed',
		text: 'An administration is marked for clinical review when the instrument’s suicidal-thoughts item (BDI-II item 9, PHQ-9 item 9) is answered above 0. This is a prompt to review the client’s answers, not a suicide screen or a risk assessment.'
	}
} satisfies Record<string, Definition>;

// ---------------------------------------------------------------------------------------------
// Search

/** One search suggestion: a client id, the routes they were treated by, and their series count. */
export interface ClientSuggestion {
	client_id: string;
	/** Routes over all series, comma-separated, alphabetical. */
	routes: string;
	/** Number of series (> 1 means at least one booster series). */
	series: number;
}

/**
 * Clients whose id contains `text` (case-insensitive), ids starting with it first, then by id;
 * at most `limit`. Empty `text` lists the first `limit` ids. `text` is only ever a bound parameter.
 */
export async function clientSearch(conn: Connector, text: string, limit = 10, opts: { table?: string } = {}): Promise<MetricResult<ClientSuggestion>> {
	const needle = text.trim().toLowerCase();
	const n = Math.max(1, Math.min(100, Math.floor(limit) || 1));
	const q = sql`SELECT client_id, string_agg(DISTINCT route, ',' ORDER BY route) AS routes, count(DISTINCT series)::INTEGER AS series
FROM ${ident(opts.table ?? 'scores')}
WHERE contains(lower(client_id), ${needle})
GROUP BY client_id
ORDER BY NOT starts_with(lower(client_id), ${needle}), client_id
LIMIT ${n}`;
	return { rows: await conn.query<ClientSuggestion>(q), sql: q };
}

// ---------------------------------------------------------------------------------------------
// Course

/** One administration of one instrument, placed on the client's time axis. */
export interface CourseRow {
	client_id: string;
	series: number;
	route: string;
	instrument: string;
	phase: 'baseline' | 'session' | 'followup';
	/** 0 at baseline, the dosing session, null at follow-up. */
	session: number | null;
	/** Weeks after the last dosing session; follow-up only. */
	week: number | null;
	score: number | null;
	prorated: boolean;
	dose_mg: number | null;
	/** Position on the shared time axis (see `CLIENT_DEFINITIONS.course`). */
	x: number;
	/** Tick label: BL, S1…Sn, W1… */
	label: string;
	/** Severity band of the total in the chosen band set; null without a total. */
	band: string | null;
	/** Item answers 1..(instrument's item count). */
	items: (number | null)[];
	/** Items answered, out of `items.length` (the "n" of a single administration). */
	answered: number;
	/** The instrument's suicidal-thoughts item number, or null when it has none. */
	suicide_item: number | null;
	/** Answer to that item (null when unanswered or none). */
	suicide_value: number | null;
	/** True when the suicidal-thoughts item is answered above 0. */
	flagged: boolean;
}

/** A tick of the client's time axis. */
export interface AxisTick {
	x: number;
	label: string;
	series: number;
}

/** The client's time axis: ticks and where each later (booster) series begins. */
export interface CourseAxis {
	ticks: AxisTick[];
	separators: { x: number; series: number; label: string }[];
	min: number;
	max: number;
}

/** Gap between series, in axis steps. */
const SERIES_GAP = 1.5;

/** Follow-up offset after the last dosing session: 1 + log2(week) from week 1; linear below. */
export function followupOffset(week: number): number {
	return week >= 1 ? 1 + Math.log2(week) : 0.5 + week / 2;
}

/** Tick label for an administration. */
function tickLabel(phase: string, session: number | null, week: number | null): string {
	if (phase === 'baseline') return 'BL';
	if (phase === 'session') return `S${session}`;
	return `W${week}`;
}

/**
 * Place administrations on one axis shared by all instruments (so charts of different
 * instruments line up): per series, baseline at 0, session k at k, follow-up week w at
 * lastSession + followupOffset(w); each series starts SERIES_GAP steps after the previous one.
 * Mutates and returns `rows` with `x` and `label` set, and the axis.
 */
export function layoutCourse<R extends { series: number; phase: string; session: number | null; week: number | null; x?: number; label?: string }>(rows: R[]): { rows: (R & { x: number; label: string })[]; axis: CourseAxis } {
	const series = [...new Set(rows.map((r) => r.series))].sort((a, b) => a - b);
	const ticks = new Map<string, AxisTick>();
	const separators: CourseAxis['separators'] = [];
	let start = 0;
	let prevEnd: number | null = null;
	for (const s of series) {
		const mine = rows.filter((r) => r.series === s);
		const lastSession = Math.max(0, ...mine.filter((r) => r.phase === 'session').map((r) => r.session ?? 0));
		if (prevEnd !== null) {
			start = prevEnd + SERIES_GAP;
			separators.push({ x: prevEnd + SERIES_GAP / 2, series: s, label: `Booster series ${s}` });
		}
		let end = start;
		for (const r of mine) {
			const local = r.phase === 'baseline' ? 0 : r.phase === 'session' ? (r.session ?? 0) : lastSession + followupOffset(r.week ?? 0);
			r.x = start + local;
			r.label = tickLabel(r.phase, r.session, r.week);
			end = Math.max(end, r.x);
			ticks.set(`${s}:${r.x}`, { x: r.x, label: r.label, series: s });
		}
		prevEnd = end;
	}
	const all = [...ticks.values()].sort((a, b) => a.x - b.x);
	return {
		rows: rows as (R & { x: number; label: string })[],
		axis: { ticks: all, separators, min: all[0]?.x ?? 0, max: all[all.length - 1]?.x ?? 1 }
	};
}

const ITEM_COLS = Array.from({ length: MAX_ITEMS }, (_, i) => `item_${i + 1}`);

/**
 * Every administration of `clientId` (rows without a total included: their items may still
 * matter), ordered by series, instrument and time, with axis position, severity band, items and
 * the suicidal-thoughts item. `axis` describes the time axis for the charts.
 */
export async function clientCourse(conn: Connector, clientId: string, opts: ClientOptions = {}): Promise<MetricResult<CourseRow> & { axis: CourseAxis }> {
	const suicideCol = perInstrumentCase((id) => (INSTRUMENTS[id].suicideItem ? ident(`item_${INSTRUMENTS[id].suicideItem}`) : null));
	const suicideNo = perInstrumentCase((id) => (INSTRUMENTS[id].suicideItem ? sql`${INSTRUMENTS[id].suicideItem!}` : null));
	const q = sql`SELECT client_id, series, route, instrument, phase,
  CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
  CASE WHEN phase = 'followup' THEN week END AS week,
  score, coalesce(prorated, FALSE) AS prorated, dose_mg,
  ${suicideNo} AS suicide_item, ${suicideCol}::INTEGER AS suicide_value,
  ${join(ITEM_COLS.map((c) => ident(c)))}
FROM ${ident(opts.table ?? 'scores')}
WHERE client_id = ${clientId}
ORDER BY series, instrument, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END, session, week`;
	type Raw = Omit<CourseRow, 'x' | 'label' | 'band' | 'items' | 'answered' | 'flagged'> & Record<string, number | null>;
	const raw = await conn.query<Raw>(q);
	const rows = raw.map((r) => {
		const def = isInstrumentId(r.instrument) ? INSTRUMENTS[r.instrument] : null;
		const items = Array.from({ length: def?.items ?? 0 }, (_, i) => (r[`item_${i + 1}`] as number | null) ?? null);
		const out: CourseRow = {
			client_id: r.client_id, series: r.series, route: r.route, instrument: r.instrument, phase: r.phase,
			session: r.session, week: r.week, score: r.score, prorated: !!r.prorated, dose_mg: r.dose_mg ?? null,
			x: 0, label: '',
			band: def && r.score !== null ? (bandFor(def, r.score, opts.bandSets?.[def.id]) ?? null) : null,
			items,
			answered: items.filter((v) => v !== null).length,
			suicide_item: r.suicide_item ?? null,
			suicide_value: r.suicide_value ?? null,
			flagged: (r.suicide_value ?? 0) > 0
		};
		return out;
	});
	const { axis } = layoutCourse(rows);
	return { rows, sql: q, axis, definition: [CLIENT_DEFINITIONS.course, CLIENT_DEFINITIONS.suicideItem] };
}

// ---------------------------------------------------------------------------------------------
// Item change

/** Change of one item over one series: baseline answer, end-of-series answer and the difference. */
export interface ItemChangeRow {
	series: number;
	item: number;
	baseline: number | null;
	end: number | null;
	/** end − baseline; null when either is missing. */
	change: number | null;
}

/**
 * Per series and item of `instrument`: baseline answer → answer at the last dosing session with
 * that instrument (the end-of-series administration of the "last observed" rule). Pure function of
 * course rows, so the heatmap's change column and its table come from one place.
 */
export function itemChanges(rows: CourseRow[], instrument: string): ItemChangeRow[] {
	const out: ItemChangeRow[] = [];
	const mine = rows.filter((r) => r.instrument === instrument);
	for (const s of [...new Set(mine.map((r) => r.series))].sort((a, b) => a - b)) {
		const series = mine.filter((r) => r.series === s);
		const base = series.find((r) => r.phase === 'baseline');
		const sessions = series.filter((r) => r.phase === 'session' && r.score !== null);
		const end = sessions.reduce<CourseRow | undefined>((a, r) => (!a || (r.session ?? 0) > (a.session ?? 0) ? r : a), undefined);
		const n = Math.max(base?.items.length ?? 0, end?.items.length ?? 0);
		for (let i = 0; i < n; i++) {
			const b = base?.items[i] ?? null;
			const e = end?.items[i] ?? null;
			out.push({ series: s, item: i + 1, baseline: b, end: e, change: b !== null && e !== null ? e - b : null });
		}
	}
	return out;
}
