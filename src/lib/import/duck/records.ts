/**
 * One measure of every source row → a record with its canonical values or a rejection code, as one
 * SQL SELECT (the set-based twin of `record.ts` + the row loop of `apply.ts`). The rejection is the
 * first failing rule in the JavaScript importer's order; `CODES` names the column each code blames.
 * Reasons are assembled from texts the JavaScript functions formatted (numbers as JavaScript prints
 * them), so the report reads the same whichever path made it.
 */
import { INSTRUMENTS, INSTRUMENT_IDS, MAX_ITEMS, type InstrumentId } from '../../instruments/definitions';
import { ident, join, sql, type Sql } from '../../engine/sql';
import { own, type ResolvedAttribute } from '../attributes';
import type { ResolvedMeasure } from '../record';
import type { Ctx, Resolved } from '../sources';
import { sourceColumn } from '../sources';
import { createDictionary, UseJavaScript } from './dict';
import * as L from './lookups';
import { itemValue } from './items';

/** What each rejection code blames: a function of the measure (null column = the report's null). */
export const CODES: Record<number, (m: ResolvedMeasure, client: string, route: Resolved, series: Resolved, k: number | null) => string | null> = {
	1: (_m, client) => client,
	2: (m) => sourceColumn(m.instrument),
	3: (m) => sourceColumn(m.instrument),
	4: (m) => m.timepoint?.column ?? sourceColumn(m.phase),
	5: (m) => m.timepoint?.column ?? sourceColumn(m.session),
	6: (m) => m.timepoint?.column ?? sourceColumn(m.week),
	7: (m) => m.timepoint?.column ?? sourceColumn(m.session),
	8: (m) => m.timepoint?.column ?? sourceColumn(m.week),
	9: (m) => m.timepoint?.column ?? sourceColumn(m.session),
	10: (m) => m.timepoint?.column ?? sourceColumn(m.session),
	11: (m) => m.timepoint?.column ?? sourceColumn(m.session),
	12: (m) => m.timepoint?.column ?? sourceColumn(m.week),
	13: (m) => m.timepoint?.column ?? sourceColumn(m.week),
	14: (m) => m.timepoint?.column ?? null,
	15: (m, _c, _r, _s, k) => m.items[k ?? 0]?.column ?? null,
	16: (m) => m.score?.column ?? null,
	17: (m) => m.score?.column ?? null,
	18: (m) => m.items.find((i) => i !== null)?.column ?? null,
	19: (m) => m.score?.column ?? null,
	20: (_m, _c, route) => sourceColumn(route),
	21: (_m, _c, _r, series) => sourceColumn(series)
};

/** Instrument definitions as a table (the warnings join it by instrument: run.ts). */
export async function createDefinitions(conn: L.Cells['conn'], name: string): Promise<void> {
	const defs = INSTRUMENT_IDS.map((id) => L.definition(id));
	const columns = Object.entries(L.definitionSpec).map(([field, type]) => [field, { type, values: defs.map((d) => d[field as keyof typeof L.definitionSpec]) }]);
	await createDictionary(conn, name, { id: { type: 'text', values: [...INSTRUMENT_IDS] }, ...Object.fromEntries(columns) });
}

export interface Shared {
	cells: L.Cells;
	ctx: Ctx;
	client: Sql;
	route: L.Lookup;
	series: L.Lookup;
	attrs: { a: ResolvedAttribute; look: L.Lookup; type: 'text' | 'double' | 'int' }[];
}

/** Lookups every measure shares: route, series and the attributes. */
export function sharedLookups(cells: L.Cells, ctx: Ctx, clientIdx: number, route: Resolved, series: Resolved, attrs: ResolvedAttribute[]): Shared {
	const out: Shared['attrs'] = [];
	for (const a of attrs) {
		if (a.start || a.byClient) throw new UseJavaScript('per-client attributes');
		const type = a.target === 'dose_mg' ? 'double' : a.target === 'planned_sessions' ? 'int' : 'text';
		if (isPlain(a)) {
			out.push({ a, look: { joins: [], get: () => cells.text(a.idx) }, type });
			continue;
		}
		const field = ATTRIBUTE_FIELD[type];
		const look = cells.dict.add(cells, a.idx, { [field]: type }, (t) => {
			const row: (string | null)[] = [];
			row[a.idx] = t;
			const v = own(a, row, ctx, '');
			if (typeof v === 'number' && (!Number.isFinite(v) || (type === 'int' && Math.abs(v) > 2 ** 31 - 1))) throw new UseJavaScript('an attribute number out of range');
			return { [field]: type === 'text' && v !== null ? String(v) : v };
		});
		out.push({ a, look: { joins: look.joins, cols: look.cols, get: () => look.get(field) }, type });
	}
	return {
		cells,
		ctx,
		client: cells.text(clientIdx),
		route: L.lookupSource(cells, route, L.routeSpec, L.route),
		series: L.lookupSource(cells, series, L.seriesSpec, L.series(ctx.missing)),
		attrs: out
	};
}

const ATTRIBUTE_FIELD = { text: 'vt', double: 'vd', int: 'vi' } as const;

/** A plain text attribute is its cell text; labels, transforms and numbers go through `own`. */
export function isPlain(a: ResolvedAttribute): boolean {
	return !a.labels && !a.spec.transform && a.target !== 'dose_mg' && a.target !== 'planned_sessions';
}

/** Source columns whose cell texts go through a dictionary (kept as read; see `Cells`). */
export function lookedUpColumns(route: Resolved, series: Resolved, measures: ResolvedMeasure[], attrs: ResolvedAttribute[]): Set<number> {
	const out = new Set<number>();
	for (const s of [series, route, ...measures.flatMap((m) => [m.instrument, m.phase, m.session, m.week])]) if (s.kind === 'col') out.add(s.idx);
	for (const m of measures) for (const i of [m.timepoint?.idx, m.score?.idx, ...m.items.map((x) => x?.idx), m.prorated]) if (i != null) out.add(i);
	for (const a of attrs) if (!isPlain(a)) out.add(a.idx);
	return out;
}

/** Source columns used as text (cleaned before use; see `Cells`): the client id, REDCap's complete flag, plain attributes. */
export function plainColumns(clientIdx: number, measures: ResolvedMeasure[], attrs: ResolvedAttribute[]): Set<number> {
	const out = new Set<number>([clientIdx]);
	for (const m of measures) if (m.complete !== null) out.add(m.complete);
	for (const a of attrs) if (isPlain(a)) out.add(a.idx);
	return out;
}

const NULL_TEXT = sql`CAST(NULL AS VARCHAR)`;

/** A column source's text after its labels (what readValue gives). */
function labelled(src: Resolved, t: string): string | null {
	return src.kind === 'col' && src.labels?.has(t) ? src.labels.get(t)! : t;
}

/**
 * SELECT of measure `mi`: one row per source row with a value for it, with `code`/`reason` when
 * rejected. `joined`: it joins a dictionary (a column of many distinct texts), so its rows may come
 * out of source order; without, it is a projection and filter of the reader, which keep the order.
 */
export function measureSelect(s: Shared, m: ResolvedMeasure, mi: number): { select: Sql; joined: boolean } {
	const { cells, ctx } = s;
	if (m.timepoint?.instanceIdx != null) throw new UseJavaScript('timepoints from a repeat instance');
	const joins: Sql[] = [];
	const cols: Sql[] = [];
	const use = (l: L.Lookup) => {
		joins.push(...l.joins);
		cols.push(...(l.cols ?? []));
		return l;
	};
	const inst = use(L.lookupSource(cells, m.instrument, L.instrumentSpec, L.instrument));
	use(s.route);
	use(s.series);
	const id = inst.get('id');
	const f: Record<string, Sql> = {};
	if (m.timepoint) {
		const tp = use(cells.dict.add(cells, m.timepoint.idx, L.timepointSpec, L.timepoint(m.timepoint.labels, m.timepoint.means, ctx)));
		Object.assign(f, {
			phase: tp.get('phase'), session: tp.get('session'), sfmt: tp.get('sfmt'), week: tp.get('week'), wfmt: tp.get('wfmt'),
			tp_err: tp.get('err'), tp_label: tp.get('label'),
			phase_txt: NULL_TEXT, sess_txt: NULL_TEXT, week_txt: NULL_TEXT, sess_nan: sql`FALSE`, week_nan: sql`FALSE`
		});
	} else {
		const ph = use(L.lookupSource(cells, m.phase, L.phaseSpec, L.phase));
		const se = use(L.lookupSource(cells, m.session, L.numberSpec, L.number(ctx.missing, ctx.decimalComma, 'int32')));
		const we = use(L.lookupSource(cells, m.week, L.numberSpec, L.number(ctx.missing, ctx.decimalComma, 'finite')));
		// a baseline without a session is session 0
		const base = sql`${se.get('num')} IS NULL AND NOT ${se.get('nan')} AND ${ph.get('phase')} = 'baseline'`;
		Object.assign(f, {
			phase: ph.get('phase'), session: sql`CASE WHEN ${base} THEN 0 ELSE ${se.get('num')} END`, sfmt: sql`CASE WHEN ${base} THEN '0' ELSE ${se.get('fmt')} END`,
			week: we.get('num'), wfmt: we.get('fmt'), tp_err: NULL_TEXT, tp_label: NULL_TEXT,
			phase_txt: ph.get('txt'), sess_txt: se.get('txt'), week_txt: we.get('txt'), sess_nan: se.get('nan'), week_nan: we.get('nan')
		});
	}

	// Items: value (null when missing or beyond the instrument) and the first rejection in item order.
	if (m.items.some((i) => i !== null) && instrumentIds(cells, m.instrument).some((id) => INSTRUMENTS[id].scoring.rule !== 'sum' && INSTRUMENTS[id].scoring.rule !== 'mean'))
		throw new UseJavaScript('item scoring by the highest item of each group (QIDS-SR16)');
	const presentIds = [...new Set(instrumentIds(cells, m.instrument))];
	// Each item as one expression (NaN = rejected; see L.itemValue), summed and checked a level up.
	const items: { k: number; idx: number; v: Sql }[] = [];
	for (let k = 0; k < m.items.length; k++) {
		const it = m.items[k];
		// A column with no answer in the whole file (an export's empty item columns) gives every record a
		// missing answer: nothing to read, check or sum, as if the mapping had left it out (run.ts reads none of it).
		if (!it || !cells.dict.anyValue(it.idx)) continue;
		items.push({ k, idx: it.idx, v: itemValue(cells, it.idx, k, inst, presentIds, joins) });
	}
	const score = m.score ? use(cells.dict.add(cells, m.score.idx, L.numberSpec, L.number(ctx.missing, ctx.decimalComma, 'any'))) : null;
	const prorated = m.prorated !== null ? use(cells.dict.add(cells, m.prorated, { p: 'bool' }, (t) => ({ p: /^(true|1|yes|t)$/i.test(t ?? '') }))) : null;
	for (const a of s.attrs) use(a.look);

	const valueCells = [...(m.score ? [m.score.idx] : []), ...items.map((i) => i.idx)];
	Object.assign(f, {
		client_id: s.client, instrument: id, inst_txt: inst.get('txt'),
		score_t: score ? score.get('txt') : NULL_TEXT,
		score_num: score ? score.get('num') : sql`CAST(NULL AS DOUBLE)`,
		score_nan: score ? score.get('nan') : sql`FALSE`,
		score_fmt: score ? score.get('fmt') : NULL_TEXT,
		prorated_col: prorated ? prorated.get('p') : sql`FALSE`,
		incomplete: m.complete !== null ? sql`coalesce(${cells.text(m.complete)} = '0', FALSE)` : sql`FALSE`,
		route: s.route.get('route'), route_txt: s.route.get('txt'),
		series: s.series.get('snum'), series_ok: s.series.get('ok'), series_txt: s.series.get('txt'),
		...Object.fromEntries(Object.keys(L.definitionSpec).map((d) => [d, inst.get(d)]))
	});
	for (let k = 0; k < MAX_ITEMS; k++) f[`item_${k + 1}`] = items.find((i) => i.k === k)?.v ?? sql`CAST(NULL AS DOUBLE)`;
	s.attrs.forEach((a, j) => (f[`a_${j}`] = a.look.get('v')));
	// The item cells as read, for wording a rejected item (dropped before the records are written): a cell stored as
	// a number is carried as stored and made text only for a rejected item (below), not for every row.
	items.forEach((i) => (f[`item_raw_${i.k}`] = cells.stored?.(i.idx) ?? cells.raw(i.idx)));

	const fields = join(Object.entries(f).map(([name, e]) => sql`${e} AS ${ident(name)}`));
	const hasValue = valueCells.length ? join(valueCells.map((i) => cells.dict.present(cells, i)), sql` OR `) : sql`FALSE`;
	const from = cols.length ? sql`(SELECT c.*, ${join(cols)} FROM ${cells.from} c)` : cells.from;
	const stage1 = sql`SELECT c.ord, ${mi} AS mi, ${fields} FROM ${from} c ${join(joins, sql` `)} WHERE ${hasValue}`;
	const v = (i: { k: number }) => sql`b.${ident(`item_${i.k + 1}`)}`;
	// The first rejected item is looked for only in records with one: a NaN (a rejection) makes the sum
	// NaN, so the item-by-item search runs for those few records, not for every record.
	const itemFields = items.length
		? sql`CASE WHEN isnan(b.item_sum) THEN CASE ${join(items.map((i) => sql`WHEN isnan(${v(i)}) THEN ${i.k}`), sql` `)} END END AS item_err_k,
			CASE WHEN isnan(b.item_sum) THEN CASE ${join(items.map((i) => sql`WHEN isnan(${v(i)}) THEN CAST(b.${ident(`item_raw_${i.k}`)} AS VARCHAR)`), sql` `)} END END AS item_err_raw,
			${join(items.map((i) => sql`(${v(i)} IS NOT NULL)::INTEGER`), sql` + `)} AS answered`
		: sql`CAST(NULL AS INTEGER) AS item_err_k, ${NULL_TEXT} AS item_err_raw, 0 AS answered`;
	const itemSum = items.length ? join(items.map((i) => sql`coalesce(${v(i)}, 0)`), sql` + `) : sql`0`;
	const rawItems = items.length ? sql` EXCLUDE (${join(items.map((i) => ident(`item_raw_${i.k}`)))})` : sql``;
	const stage1b = sql`SELECT b.*${rawItems}, ${itemFields} FROM (SELECT b.*, ${itemSum} AS item_sum FROM (${stage1}) b) b`;
	// totalFromItems for the `sum` and `mean` rules (max-within-groups goes to JavaScript, above).
	const stage2 = sql`SELECT b.*,
		CASE WHEN b.answered = 0 OR b.n_items - b.answered > b.max_missing THEN NULL
		     WHEN b.rule = 'mean' THEN b.item_sum::DOUBLE / b.answered
		     WHEN b.answered = b.n_items THEN b.item_sum
		     ELSE floor(b.item_sum::DOUBLE / b.answered * b.n_items + 0.5) END AS item_total
		FROM (${stage1b}) b`;
	// The records keep what the target table and the later statements read and no more (run.ts):
	// writing their columns costs more than computing them (1M rows of the benchmark's CSV, duckdb-wasm Node, the same statement in one run:
	// its code alone 2.2 s of CPU, every column written 6.1 s; without the texts that only word a
	// rejection, NULL for accepted records, 5.0 s; without the instrument definitions too, 4.4 s).
	// A rejection is worded here, for the rejected records alone, into `reason` and `label`; the score
	// and proration are the canonical ones; the instrument's definition comes with its lookup and is
	// joined again by instrument where a warning needs it (run.ts).
	// The item answers are kept for accepted records alone, as the table's type (TINYINT, which the
	// accepted rows are cast to anyway): held as DOUBLE until the statement commits (DuckDB compresses a
	// table's rows only then), the answers were about 240 MB of the wasm heap at 1M rows.
	const answers = Array.from({ length: MAX_ITEMS }, (_, k) => ident(`item_${k + 1}`)).map((c) => sql`CASE WHEN q.code IS NULL THEN CAST(q.${c} AS TINYINT) END AS ${c}`);
	const worded = sql`CASE WHEN q.code IS NOT NULL THEN ${REASON} END AS reason, ${LABEL} AS label,
		CASE WHEN q.item_total IS NOT NULL THEN q.answered < q.n_items ELSE q.prorated_col END AS prorated`;
	const select = sql`SELECT q.* EXCLUDE (${join(WORK_ONLY.map((c) => ident(c)))}) REPLACE (${join(answers)}), ${worded} FROM (SELECT r.*, ${CODE} AS code FROM (${stage2}) r) q`;
	return { select, joined: joins.length > 0 };
}

/** Columns of a measure's SELECT that only its code, reason and proration read: not written. */
const WORK_ONLY = [
	...['inst_txt', 'sfmt', 'wfmt', 'tp_err', 'tp_label', 'phase_txt', 'sess_txt', 'week_txt', 'score_t', 'score_fmt', 'route_txt', 'series_txt'],
	...['sess_nan', 'week_nan', 'score_nan', 'series_ok', 'prorated_col', 'item_sum', 'answered'],
	...Object.keys(L.definitionSpec)
];

/** The instruments a measure's rows can name (known ones only). */
function instrumentIds(cells: L.Cells, src: Resolved): InstrumentId[] {
	const ids = src.kind === 'const' ? [L.instrument(src.value).id] : src.kind === 'col' ? cells.dict.texts(src.idx).map((t) => L.instrument(labelled(src, t)).id) : [];
	return ids.filter((id): id is InstrumentId => id !== null);
}

/** The code of a rejected item answer (its reason is worded in JavaScript from the cell: run.ts). */
export const ITEM_CODE = 15;

/** The first failing rule, in the order `apply.ts` and `record.ts` check them (see CODES). */
const CODE = sql`CASE
	WHEN r.client_id IS NULL THEN 1
	WHEN r.inst_txt IS NULL THEN 2
	WHEN r.instrument IS NULL THEN 3
	WHEN r.tp_err IS NOT NULL THEN 14
	WHEN r.phase IS NULL THEN 4
	WHEN r.sess_nan THEN 5
	WHEN r.week_nan THEN 6
	WHEN r.session < 0 THEN 7
	WHEN r.week < 0 THEN 8
	WHEN r.session IS NOT NULL AND NOT (isfinite(r.session) AND r.session = trunc(r.session)) THEN 9
	WHEN r.phase = 'baseline' AND r.session IS NOT NULL AND r.session <> 0 THEN 10
	WHEN r.phase = 'session' AND (r.session IS NULL OR r.session < 1) THEN 11
	WHEN r.phase = 'followup' AND r.week IS NULL THEN 12
	WHEN r.phase <> 'followup' AND r.week IS NOT NULL THEN 13
	WHEN r.item_err_k IS NOT NULL THEN 15
	WHEN r.score_nan THEN 16
	WHEN r.score_num < r.tmin OR r.score_num > r.tmax THEN 17
	WHEN r.item_total IS NULL AND r.score_num IS NULL AND r.answered > 0 THEN 18
	WHEN r.item_total IS NULL AND r.score_num IS NULL THEN 19
	WHEN r.route IS NULL THEN 20
	WHEN NOT r.series_ok THEN 21
END`;

/** The reason of a rejected record, worded as record.ts words it (numbers as JavaScript printed them). */
const REASON = sql`CASE code
	WHEN 1 THEN 'missing client id'
	WHEN 2 THEN 'unknown instrument: none given'
	WHEN 3 THEN 'unknown instrument: "' || inst_txt || '"'
	WHEN 14 THEN tp_err
	WHEN 4 THEN 'unknown phase: "' || coalesce(phase_txt, '') || '"'
	WHEN 5 THEN 'non-numeric value: session "' || sess_txt || '"'
	WHEN 6 THEN 'non-numeric value: week "' || week_txt || '"'
	WHEN 7 THEN 'negative session: ' || sfmt
	WHEN 8 THEN 'negative week: ' || wfmt
	WHEN 9 THEN 'non-numeric value: session ' || sfmt || ' is not a whole number'
	WHEN 10 THEN 'phase/index mismatch: baseline must have session 0, not ' || sfmt
	WHEN 11 THEN 'phase/index mismatch: a dosing-session row needs session ≥ 1'
	WHEN 12 THEN 'phase/index mismatch: a follow-up row needs a week'
	WHEN 13 THEN 'phase/index mismatch: only follow-up rows have a week (this is ' || phase || ')'
	WHEN 16 THEN 'non-numeric value: total "' || score_t || '" is not a number'
	WHEN 17 THEN 'total out of range: ' || score_fmt || ' is outside ' || range
	WHEN 18 THEN 'too many missing items: ' || (n_items - answered) || ' of ' || n_items || ' ' || short || ' items missing (at most ' || max_missing || ' can be prorated)'
	WHEN 19 THEN 'no score: the row has no total and no item answers'
	WHEN 20 THEN 'unknown route: "' || coalesce(route_txt, '') || '"'
	WHEN 21 THEN 'non-numeric value: series "' || series_txt || '" is not a whole number ≥ 1'
END`;

/** The label a person may still map, for codes that name one (unknown instrument, phase, timepoint, route). */
const LABEL = sql`CASE code WHEN 3 THEN inst_txt WHEN 4 THEN phase_txt WHEN 14 THEN tp_label WHEN 20 THEN route_txt END`;
