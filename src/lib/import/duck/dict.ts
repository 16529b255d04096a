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

/**
 * Distinct non-null texts of each of `columns` (cell column names by source index) in one query, as
 * read (untrimmed; markers kept).
 * `values`: columns whose text is one to one with a stored value (an integer column of a Parquet
 * file; source.ts `integer`), given as that value: the distinct values are made text, not every cell.
 * Refuses more than `cap` distinct values in one column: past that a dictionary is no longer small.
 */
export async function distinctTexts(conn: Connector, from: Sql, columns: Map<number, Sql>, cap = 200_000, values = new Map<number, Sql>()): Promise<Map<number, string[]>> {
	const out = new Map<number, string[]>([...columns.keys()].map((i) => [i, []]));
	if (columns.size === 0) return out;
	const parts = [...columns].map(([i, c]) => {
		const v = values.get(i);
		return v
			? sql`(SELECT ${i} AS i, CAST(k AS VARCHAR) AS k FROM (SELECT DISTINCT ${v} AS k FROM ${from} WHERE ${v} IS NOT NULL LIMIT ${cap + 1}))`
			: sql`(SELECT DISTINCT ${i} AS i, ${c} AS k FROM ${from} WHERE ${c} IS NOT NULL LIMIT ${cap + 1})`;
	});
	const rows = await conn.query<{ i: number; k: string }>(join(parts, sql` UNION ALL `));
	for (const r of rows) out.get(r.i)!.push(r.k);
	for (const v of out.values()) if (v.length > cap) throw new UseJavaScript(`more than ${cap} distinct values in one column`);
	return out;
}

/**
 * The distinct texts of `columns` (cell column names by source index) that `cellText` would change:
 * trim, or read as missing (`missing` markers). Such texts are rare (a padded id, an "NA"), so SQL
 * only lists candidates among the distinct texts (first or last character not printable ASCII, which
 * every whitespace character is not; or a marker) and JavaScript decides each once. Per column: each
 * such text and what it reads as.
 */
export async function textFixes(conn: Connector, from: Sql, columns: Map<number, Sql>, missing: Set<string>): Promise<Map<number, [string, string | null][]>> {
	const out = new Map<number, [string, string | null][]>([...columns.keys()].map((i) => [i, []]));
	if (columns.size === 0) return out;
	const markers = list([...missing]);
	const parts = [...columns].map(
		([i, c]) => sql`(SELECT ${i} AS i, k FROM (SELECT DISTINCT ${c} AS k FROM ${from} WHERE ${c} IS NOT NULL)
			WHERE NOT regexp_full_match(k, '(?s)[!-~](.*[!-~])?') OR k IN (${markers}))`
	);
	for (const r of await conn.query<{ i: number; k: string }>(join(parts, sql` UNION ALL `))) {
		const t = cellText(r.k, missing);
		if (t !== r.k) out.get(r.i)!.push([r.k, t]);
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
