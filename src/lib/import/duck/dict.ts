/**
 * Value dictionaries: the set-based import keeps the JavaScript importer's value semantics exactly by
 * running the same JavaScript functions (labels, instrument/phase/route names, `Number()` on a cell,
 * item parsing) once per *distinct* cell text, and joining the answers back in SQL. A million-row
 * file has a few dozen distinct scores, routes and item answers; the per-row work is all SQL.
 */
import { Bool, Float64, Int32, makeData, makeVector, Table, tableToIPC, Utf8 } from 'apache-arrow';
import type { Connector, Value } from '../../engine/connector';
import { ident, join, list, sql, type Sql } from '../../engine/sql';
import { cellText } from '../values';

export type DictType = 'text' | 'double' | 'int' | 'bool';

/** Thrown when a value falls outside what the set-based path models; the import then runs in JavaScript. */
export class UseJavaScript extends Error {
	constructor(reason: string) {
		super(reason);
		this.name = 'UseJavaScript';
	}
}

/** A column's stored value (`o<i>` of a Parquet source) and whether it is a double (see `readTexts`). */
export interface StoredValue {
	stored: Sql;
	double: boolean;
}

/** What one read of the records gives (see `readTexts`). */
export interface Texts {
	/** Records the reader returned, the header and blank ones included. */
	n: number;
	/** Each looked-up column's distinct non-null texts, as read (untrimmed; markers kept). */
	distinct: Map<number, string[]>;
	/** Each plain column's distinct texts that `cellText` changes (trims, or reads as missing), with what it reads them as. */
	fixes: Map<number, [string, string | null][]>;
}

/**
 * The texts the import needs before its main statement, from `reader` (a relation with `ord`): the
 * record count, the distinct texts of the looked-up columns (`looked`, cell columns by source index)
 * and the plain columns' (`plain`) texts that need cleaning, among the records `keep` selects. A
 * delimited file is read once for all of them (every read parses the whole file; at 1M rows of the
 * benchmark's CSV one read for 44 columns took 3.9 s of CPU in duckdb-wasm's Node build, a DISTINCT
 * per column 33 s); a `columnar` source (Parquet) is read a column at a time, as its reader reads
 * only the columns asked for (and one read for all columns held more memory: 5M rows of native
 * DuckDB, peak RSS 1.46 → 1.58 GB). There `values` names looked-up columns stored as numbers (source.ts
 * `numeric`), given as the stored value: the distinct values are made text, not every cell (at 50M rows
 * of Parquet on native DuckDB the score column's distinct texts took 1.9 s made from every cell).
 *
 * Texts to clean are rare (a padded id, an "NA"), so SQL lists only candidates among the distinct
 * texts (first or last character not printable ASCII, which every whitespace character is not; or
 * a marker) and JavaScript decides each once. Refuses more than `cap` distinct values in a
 * looked-up column: past that a dictionary is no longer small.
 */
export async function readTexts(conn: Connector, reader: Sql, keep: Sql, looked: Map<number, Sql>, plain: Map<number, Sql>, missing: Set<string>, columnar = false, values = new Map<number, StoredValue>(), cap = 200_000): Promise<Texts> {
	const candidate = (k: Sql) => sql`NOT regexp_full_match(${k}, '(?s)[!-~](.*[!-~])?')${missing.size ? sql` OR ${k} IN (${list([...missing])})` : sql``}`;
	const aggs: Sql[] = [sql`count(*)::INTEGER AS n`];
	const rows: Sql[] = [];
	let j = 0;
	for (const [cols, fix] of [[looked, false], [plain, true]] as const)
		for (const [i, c] of cols) {
			if (columnar) {
				// A looked-up column with `values` (a number column of a Parquet file): its distinct values made text.
				const v = fix ? undefined : values.get(i);
				// A double's text is one to one with its value but for zero and NaN (-0.0 and 0.0 are one value
				// to DISTINCT, with two texts; so are NaN and -NaN): those alone are made text per row, in `z`.
				// An integer's is one to one (the test is left out there: isnan would make every value a double).
				const z = v?.double ? sql`CASE WHEN ${v.stored} = 0 OR isnan(${v.stored}) THEN CAST(${v.stored} AS VARCHAR) END` : sql`NULL::VARCHAR`;
				const distinct = v
					? sql`SELECT DISTINCT ${v.stored} AS v, ${z} AS z FROM ${reader} WHERE ${v.stored} IS NOT NULL AND ${keep}`
					: sql`SELECT DISTINCT ${c} AS k FROM ${reader} WHERE ${c} IS NOT NULL AND ${keep}`;
				const k = v ? sql`coalesce(z, CAST(v AS VARCHAR))` : sql`CAST(k AS VARCHAR)`;
				rows.push(sql`(SELECT ${i}::INTEGER, ${fix}, ${k}, NULL FROM (${distinct}) ${fix ? sql`WHERE ${candidate(sql`k`)}` : sql`LIMIT ${cap + 1}`})`);
				continue;
			}
			const name = ident(`t${j++}`);
			// NULL is kept (one entry, dropped below): a test per column and row cost more than the list's one entry.
			const all = sql`list(DISTINCT ${c}) FILTER (WHERE kap_keep)`;
			aggs.push(fix ? sql`list_filter(${all}, k -> ${candidate(sql`k`)}) AS ${name}` : sql`${all}[1:${cap + 2}] AS ${name}`);
			rows.push(sql`SELECT ${i}::INTEGER, ${fix}, unnest(${name}), NULL FROM s`);
		}
	const counted = sql`SELECT NULL::INTEGER AS i, NULL::BOOLEAN AS fix, NULL::VARCHAR AS k, n FROM s`;
	const out: Texts = { n: 0, distinct: new Map([...looked.keys()].map((i) => [i, []])), fixes: new Map([...plain.keys()].map((i) => [i, []])) };
	const got = await conn.query<{ i: number | null; fix: boolean | null; k: string; n: number | null }>(
		sql`WITH s AS MATERIALIZED (SELECT ${join(aggs)} FROM ${columnar ? reader : sql`(SELECT *, ${keep} AS kap_keep FROM ${reader})`}) ${join([counted, ...rows], sql` UNION ALL `)}`
	);
	for (const r of got) {
		if (r.i === null) out.n = r.n!;
		else if (r.k === null) continue;
		else if (!r.fix) out.distinct.get(r.i)!.push(r.k);
		else {
			const t = cellText(r.k, missing);
			if (t !== r.k) out.fixes.get(r.i)!.push([r.k, t]);
		}
	}
	for (const v of out.distinct.values()) if (v.length > cap) throw new UseJavaScript(`more than ${cap} distinct values in one column`);
	return out;
}

/**
 * `Texts` from the distinct texts the byte scan collected (RawSource `texts`; `records`: the records the
 * reader returns), with no read of the file; null when a column the import reads had more than the
 * scan keeps (readTexts then reads them, and refuses a looked-up column past its cap).
 */
export function scannedTexts(texts: (string[] | null)[], records: number, looked: Iterable<number>, plain: Iterable<number>, missing: Set<string>): Texts | null {
	const out: Texts = { n: records, distinct: new Map(), fixes: new Map() };
	for (const i of looked) {
		const t = texts[i];
		if (!t) return null;
		out.distinct.set(i, t.slice());
	}
	for (const i of plain) {
		const t = texts[i];
		if (!t) return null;
		out.fixes.set(i, t.flatMap((k): [string, string | null][] => {
			const c = cellText(k, missing);
			return c === k ? [] : [[k, c]];
		}));
	}
	return out;
}

/**
 * Create table `name` with the given typed columns (equal lengths) through Arrow. One all-null row is
 * added so an empty dictionary still makes a table (a NULL key never matches a join). The Arrow data
 * are written by hand: apache-arrow's builders compile their null checks with `Function`, which the
 * page's Content-Security-Policy forbids (this runs on the page, not in a worker).
 */
export async function createDictionary(conn: Connector, name: string, columns: Record<string, { type: DictType; values: Value[] }>): Promise<void> {
	const vectors = Object.fromEntries(Object.entries(columns).map(([n, c]) => [n, makeVector(columnData([...c.values, null], c.type) as never)]));
	await conn.exec(sql`DROP TABLE IF EXISTS ${ident(name)}`);
	await conn.insertArrowIPC(name, tableToIPC(new Table(vectors), 'stream'), true);
}

function columnData(values: Value[], type: DictType) {
	const n = values.length;
	const valid = new Uint8Array((n + 7) >> 3);
	let nulls = 0;
	for (let i = 0; i < n; i++) {
		if (values[i] === null || values[i] === undefined) nulls++;
		else valid[i >> 3] |= 1 << (i & 7);
	}
	const nullBitmap = nulls ? valid : undefined;
	if (type === 'text') {
		const enc = new TextEncoder();
		const parts = values.map((v) => (v === null || v === undefined ? new Uint8Array(0) : enc.encode(String(v))));
		const valueOffsets = new Int32Array(n + 1);
		for (let i = 0; i < n; i++) valueOffsets[i + 1] = valueOffsets[i] + parts[i].length;
		const data = new Uint8Array(valueOffsets[n]);
		parts.forEach((p, i) => data.set(p, valueOffsets[i]));
		return makeData({ type: new Utf8(), length: n, nullCount: nulls, valueOffsets, data, nullBitmap });
	}
	if (type === 'bool') {
		const data = new Uint8Array((n + 7) >> 3);
		values.forEach((v, i) => {
			if (v) data[i >> 3] |= 1 << (i & 7);
		});
		return makeData({ type: new Bool(), length: n, nullCount: nulls, data, nullBitmap });
	}
	if (type === 'int') return makeData({ type: new Int32(), length: n, nullCount: nulls, data: Int32Array.from(values, (v) => (typeof v === 'number' ? v : 0)), nullBitmap });
	return makeData({ type: new Float64(), length: n, nullCount: nulls, data: Float64Array.from(values, (v) => (typeof v === 'number' ? v : 0)), nullBitmap });
}
