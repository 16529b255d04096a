/**
 * The mapping's value sources as SQL: each source becomes a few typed expressions, computed by the
 * JavaScript importer's own functions once per distinct cell text (see dict.ts) and joined back.
 * A constant source becomes bound parameters; a column source a dictionary join.
 */
import { INSTRUMENTS, type InstrumentId } from '../../instruments/definitions';
import type { Connector, Value } from '../../engine/connector';
import { ident, join, list, sql, type Sql } from '../../engine/sql';
import type { TimeMeaning, TimepointValue } from '../mapping';
import { readTime, routeOf } from '../record';
import type { Ctx, Resolved } from '../sources';
import { cellNumber, cellText, memo, normaliseInstrument, normalisePhase } from '../values';
import { createDictionary, UseJavaScript, type DictType } from './dict';

const TYPE: Record<DictType, Sql> = { text: sql`VARCHAR`, double: sql`DOUBLE`, int: sql`INTEGER`, bool: sql`BOOLEAN` };

/**
 * Where the cells are and the dictionary being built for this import. A looked-up column is kept as
 * read (untrimmed, missing markers and all): the dictionary cleans each distinct text once, as
 * `cellText` does, so no per-cell trim or marker test runs in SQL. A plain column (the client id, a
 * text attribute) is used as text directly, cleaned beforehand (run.ts).
 */
export interface Cells {
	conn: Connector;
	/** The relation of the cells: the reader's own relation, or a table of it with cleaned columns (run.ts). */
	from: Sql;
	dict: Dictionaries;
	/** A looked-up column's cell as read. */
	raw: (idx: number) => Sql;
	/** A looked-up column's cell as a DOUBLE when the source stores it as a number (source.ts `numeric`), else null. */
	number?: (idx: number) => Sql | null;
	/** A looked-up column's cell as stored, when `number` gives one: its text (`CAST … AS VARCHAR`) is the cell as read. */
	stored?: (idx: number) => Sql | null;
	/** A plain column's cell as `cellText` reads it (trimmed; null when missing). */
	text: (idx: number) => Sql;
}
/**
 * A source as SQL: join clauses to add to the FROM, columns to compute on the cells relation before
 * it is read (`cols`, each `… AS name`), and an expression per output field.
 */
export interface Lookup {
	joins: Sql[];
	cols?: Sql[];
	get(field: string): Sql;
	/**
	 * A column looked up by a CASE (no join): each entry's value of `field` (`entries`), and SQL that
	 * picks `values[j]` for a row of entry j (`pick`; NULL for an empty cell), by the entry's number in
	 * `cols`, so an expression that depends on the lookup per row need not repeat it (items.ts).
	 */
	entries?: (field: string) => Value[];
	pick?: (values: Sql[]) => Sql;
}

export type Spec = Record<string, DictType>;

/** Up to this many distinct texts a column is looked up by a CASE on the cell (see Dictionaries.add), above it by a join. */
export const CASE_MAX = 256;

/** A typed literal (a bound parameter with a cast). */
export function literal(v: Value, type: DictType): Sql {
	return sql`CAST(${v} AS ${TYPE[type]})`;
}

/**
 * Every lookup of one import in one table (one Arrow insert, not one per column): rows carry the
 * lookup's number, the raw cell text `k`, an optional second key `x`, and the lookup's fields. Field
 * names mean the same type in every lookup.
 */
export class Dictionaries {
	private columns: Record<string, { type: DictType; values: Value[] }> = {
		dict: { type: 'int', values: [] },
		k: { type: 'text', values: [] },
		kn: { type: 'double', values: [] },
		x: { type: 'text', values: [] }
	};
	private count = 0;
	private size = 0;
	private cleaned = new Map<number, (string | null)[]>();

	/**
	 * `distinct`: each looked-up column's distinct non-null raw cell texts (fetched in one query up
	 * front); `missing`: the markers that make a cell missing.
	 */
	constructor(
		readonly name: string,
		private distinct: Map<number, string[]>,
		private missing: Set<string>
	) {}

	/** Column `idx`'s distinct raw texts and, in the same order, each as `cellText` reads it. */
	private keys(idx: number): { raw: string[]; clean: (string | null)[] } {
		const raw = this.distinct.get(idx);
		if (!raw) throw new Error(`column ${idx} was not prepared for lookups`);
		let clean = this.cleaned.get(idx);
		if (!clean) this.cleaned.set(idx, (clean = raw.map((t) => cellText(t, this.missing))));
		return { raw, clean };
	}

	/**
	 * Column `idx`'s distinct texts as numbers (same order) when it is stored as numbers and every text
	 * reads back as the number it is the text of (so a join on the number matches the rows a join on the
	 * text would): finite, not -0 (equal to 0), no two texts the same number (two integers past 2^53 can
	 * be; both sides round an integer to the same double). Else null.
	 */
	numbers(cells: Cells, idx: number): { cell: Sql; keys: number[] } | null {
		const cell = cells.number?.(idx);
		if (!cell) return null;
		const keys = this.keys(idx).raw.map(Number);
		const exact = keys.every((v) => Number.isFinite(v) && !Object.is(v, -0));
		return exact && new Set(keys).size === keys.length ? { cell, keys } : null;
	}

	/**
	 * Look column `idx` up through `f`, called with each distinct cell text as `cellText` reads it
	 * (× each `extra` value); `f(null)` is inlined for empty cells.
	 */
	add(cells: Cells, idx: number, spec: Spec, f: (text: string | null, extra: string | null) => Record<string, Value | undefined>, extra?: { values: string[]; sql: Sql }): Lookup {
		const id = this.count++;
		const { raw, clean } = this.keys(idx);
		for (const [field, type] of Object.entries(spec)) {
			const have = this.columns[field];
			if (have && have.type !== type) throw new Error(`dictionary field ${field} used with two types`);
			if (!have) this.columns[field] = { type, values: new Array(this.size).fill(null) };
		}
		// A column stored as numbers joins on the number: no cell of it is made text (at 50M rows the
		// texts and the joins on them were most of the import).
		const num = this.numbers(cells, idx);
		raw.forEach((k, j) => {
			for (const x of extra ? extra.values : [null]) {
				const out = f(clean[j], x);
				for (const [field, c] of Object.entries(this.columns))
					c.values.push(field === 'dict' ? id : field === 'k' ? k : field === 'kn' ? (num ? num.keys[j] : null) : field === 'x' ? x : field in spec ? (out[field] ?? null) : null);
				this.size++;
			}
		});
		const alias = ident(`d${id}`);
		const cell = num ? num.cell : cells.raw(idx);
		const nullOut = extra ? null : f(null, null);
		const first = this.size - raw.length;
		// (An infinite number, a total of "1e999", is no parameter: such a column is joined.)
		const bindable = () => Object.keys(spec).every((name) => this.columns[name].values.slice(first).every((v) => typeof v !== 'number' || Number.isFinite(v)));
		if (nullOut && raw.length <= CASE_MAX && bindable()) {
			// A few texts: the entry's position by a CASE and each field from a list of bound values, no join.
			// The measure's SELECT is then a projection of the reader, which keeps the rows in source order
			// (DuckDB guarantees it for SELECT and WHERE, not for joins), so the accepted rows need no sort (run.ts).
			const at = ident(`i${id}`);
			const keys = num ? num.keys : raw;
			const col = sql`${(num && slots(cell, num.keys)) ?? sql`CASE ${cell} ${join(keys.map((k, j) => sql`WHEN ${literal(k, num ? 'double' : 'text')} THEN ${literal(j + 1, 'int')}`), sql` `)} END`} AS ${at}`;
			const last = this.size;
			const entries = (name: string) => this.columns[name].values.slice(first, last);
			const pick = (values: Sql[]) => sql`[${join(values)}][c.${at}]`;
			const field = (name: string) => pick(entries(name).map((v) => literal(v, spec[name])));
			return {
				joins: [],
				cols: raw.length ? [col] : [],
				...(raw.length ? { entries, pick } : {}),
				get: (name) => (raw.length ? sql`CASE WHEN ${cell} IS NULL THEN ${literal(nullOut[name] ?? null, spec[name])} ELSE ${field(name)} END` : literal(nullOut[name] ?? null, spec[name]))
			};
		}
		const on = extra ? sql` AND ${alias}.x = ${extra.sql}` : sql``;
		return {
			joins: [sql`LEFT JOIN ${ident(this.name)} ${alias} ON ${alias}.dict = ${id} AND ${alias}.${num ? sql`kn` : sql`k`} = ${cell}${on}`],
			get: (field) => (nullOut ? sql`CASE WHEN ${cell} IS NULL THEN ${literal(nullOut[field] ?? null, spec[field])} ELSE ${alias}.${ident(field)} END` : sql`${alias}.${ident(field)}`)
		};
	}

	/** Column `idx`'s distinct raw texts and each as `cellText` reads it (same order). */
	distinctOf(idx: number): { raw: string[]; clean: (string | null)[] } {
		return this.keys(idx);
	}

	/** Whether some cell of column `idx` holds a value (a text `cellText` does not read as missing). */
	anyValue(idx: number): boolean {
		return this.keys(idx).clean.some((t) => t !== null);
	}

	/** The distinct texts of a looked-up column, as `cellText` reads them (missing ones left out). */
	texts(idx: number): string[] {
		if (!this.distinct.has(idx)) return [];
		return [...new Set(this.keys(idx).clean.filter((t) => t !== null))];
	}

	/** SQL: the looked-up cell holds a value (is not empty, blank or a missing marker). */
	present(cells: Cells, idx: number): Sql {
		const { raw, clean } = this.keys(idx);
		const num = this.numbers(cells, idx);
		if (num) {
			const missing = num.keys.filter((_, j) => clean[j] === null);
			return missing.length ? sql`(${num.cell} IS NOT NULL AND ${num.cell} NOT IN (${list(missing)}))` : sql`${num.cell} IS NOT NULL`;
		}
		const missing = raw.filter((_, j) => clean[j] === null);
		return missing.length ? sql`(${cells.raw(idx)} IS NOT NULL AND ${cells.raw(idx)} NOT IN (${list(missing)}))` : sql`${cells.raw(idx)} IS NOT NULL`;
	}

	/** Write the table (call once, after every lookup was added). */
	async create(conn: Connector): Promise<void> {
		await createDictionary(conn, this.name, this.columns);
	}
}

/**
 * The entry number (1-based, in the order of `keys`) of a number cell whose keys are whole numbers
 * of a short range, by its place in a list of the range's slots instead of a CASE that compares the
 * cell with every key in turn (a column of totals has dozens: at 5M rows of Parquet on native DuckDB
 * the CASEs of the entry numbers took 2.7 s of CPU, mostly the totals'). Null when the keys are not such.
 */
function slots(cell: Sql, keys: number[]): Sql | null {
	if (keys.length < 8 || !keys.every(Number.isInteger)) return null;
	const lo = Math.min(...keys);
	const hi = Math.max(...keys);
	if (hi - lo >= 4096 || Math.abs(lo) > 2 ** 30 || Math.abs(hi) > 2 ** 30) return null;
	const at: (number | null)[] = new Array(hi - lo + 1).fill(null);
	keys.forEach((k, j) => (at[k - lo] = j + 1));
	// A cell off the range, or not whole (which would round to a slot), is no key: NULL, as the CASE gives.
	return sql`CASE WHEN ${cell} BETWEEN ${literal(lo, 'double')} AND ${literal(hi, 'double')} AND ${cell} = floor(${cell})
		THEN [${join(at.map((v) => literal(v, 'int')))}][CAST(${cell} AS INTEGER) - ${literal(lo - 1, 'int')}] END`;
}

/** A mapping source (constant or column with labels) through `f` applied to its labelled text. */
export function lookupSource(cells: Cells, src: Resolved, spec: Spec, f: (text: string | null) => Record<string, Value | undefined>): Lookup {
	if (src.kind === 'const') {
		const out = f(src.value);
		return { joins: [], get: (field) => literal(out[field] ?? null, spec[field]) };
	}
	if (src.kind === 'box' || src.byClient) throw new UseJavaScript('per-client values');
	const labels = src.labels;
	const labelled = (t: string | null) => (t === null || !labels ? t : labels.has(t) ? labels.get(t)! : t);
	return cells.dict.add(cells, src.idx, spec, (t) => f(labelled(t)));
}

const instrumentOf = memo(normaliseInstrument);
const phaseOf = memo(normalisePhase);

export const text = (t: string | null) => ({ txt: t });

/** What the import checks a record against, by instrument: ranges, item counts and proration rules are data, not SQL. */
export const definitionSpec = { n_items: 'int', max_missing: 'int', tmin: 'double', tmax: 'double', short: 'text', range: 'text', jump: 'double', rule: 'text' } as const satisfies Spec;
export function definition(id: InstrumentId): Record<keyof typeof definitionSpec, Value> {
	const d = INSTRUMENTS[id];
	return {
		n_items: d.items, max_missing: d.proration.maxMissing, tmin: d.totalMin, tmax: d.totalMax, short: d.shortName,
		range: `${d.totalMin}–${d.totalMax} for ${d.shortName}`, jump: d.totalMax - d.totalMin, rule: d.scoring.rule
	};
}

/** Instrument id (null when unknown), the text it came from, and its definition (null fields when unknown). */
export const instrumentSpec: Spec = { txt: 'text', id: 'text', ...definitionSpec };
export const instrument = (t: string | null) => {
	const id = t === null ? null : instrumentOf(t);
	return { txt: t, id, ...(id === null ? {} : definition(id)) };
};

export const phaseSpec: Spec = { txt: 'text', phase: 'text' };
export const phase = (t: string | null) => ({ txt: t, phase: t === null ? null : phaseOf(t) });

export const routeSpec: Spec = { txt: 'text', route: 'text' };
export const route = (t: string | null) => ({ txt: t, route: routeOf(t) });

/** A number as `cellNumber` reads it: value, NaN flag and JavaScript's own formatting of it. */
export const numberSpec: Spec = { txt: 'text', num: 'double', nan: 'bool', fmt: 'text' };
export function number(missing: Set<string>, decimalComma: boolean, mode: 'any' | 'finite' | 'int32') {
	return (t: string | null) => {
		const n = t === null ? null : cellNumber(t, missing, decimalComma);
		const nan = n !== null && Number.isNaN(n);
		if (n !== null && !nan) {
			if (mode === 'finite' && !Number.isFinite(n)) throw new UseJavaScript('an infinite number');
			if (mode === 'int32' && Number.isInteger(n) && Math.abs(n) > 2 ** 31 - 1) throw new UseJavaScript('a whole number beyond 32 bits');
		}
		return { txt: t, num: n === null || nan ? null : n, nan, fmt: n === null ? null : String(n) };
	};
}

/** Series: the labelled text (default "1") and whether it is a whole number ≥ 1. */
export const seriesSpec: Spec = { txt: 'text', snum: 'int', ok: 'bool' };
export function series(missing: Set<string>) {
	return (t: string | null) => {
		const txt = t ?? '1';
		const s = cellNumber(txt, missing, false);
		const ok = s !== null && Number.isInteger(s) && s >= 1;
		if (ok && s > 2 ** 31 - 1) throw new UseJavaScript('a series number beyond 32 bits');
		return { txt, snum: ok ? s : null, ok };
	};
}

/** A timepoint column: phase, session, week, or the reason it is not understood (and its text, for the page to map). */
export const timepointSpec: Spec = { phase: 'text', session: 'double', week: 'double', sfmt: 'text', wfmt: 'text', err: 'text', label: 'text' };
export function timepoint(labels: Map<string, TimepointValue>, means: TimeMeaning, ctx: Ctx) {
	if (means === 'visit_order') throw new UseJavaScript('visit-order time columns');
	return (t: string | null) => {
		if (t === null) return { err: 'unknown timepoint: none given' };
		const label = labels.get(t);
		const p = label ? { phase: label.phase, session: label.session ?? (label.phase === 'baseline' ? 0 : null), week: label.week ?? null } : readTime(means, t, undefined, ctx);
		if (!p) return { err: `unknown timepoint: "${t}"`, label: t };
		if (label && (label.session_from_instance || label.week_from_instance)) throw new UseJavaScript('timepoints from a repeat instance');
		if (p.session !== null && Math.abs(p.session) > 2 ** 31 - 1) throw new UseJavaScript('a session number beyond 32 bits');
		if (p.week !== null && !Number.isFinite(p.week)) throw new UseJavaScript('an infinite week');
		return { phase: p.phase, session: p.session, week: p.week, sfmt: p.session === null ? null : String(p.session), wfmt: p.week === null ? null : String(p.week) };
	};
}
