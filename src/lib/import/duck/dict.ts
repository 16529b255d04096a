/**
 * Value dictionaries: the set-based import keeps the JavaScript importer's value semantics exactly by
 * running the same JavaScript functions (labels, instrument/phase/route names, `Number()` on a cell,
 * item parsing) once per *distinct* cell text, and joining the answers back in SQL. A million-row
 * file has a few dozen distinct scores, routes and item answers; the per-row work is all SQL.
 */
import { Bool, Float64, Int32, Table, tableToIPC, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import type { Connector, Value } from '../../engine/connector';
import { ident, join, sql, type Sql } from '../../engine/sql';

export type DictType = 'text' | 'double' | 'int' | 'bool';
const ARROW: Record<DictType, () => DataType> = { text: () => new Utf8(), double: () => new Float64(), int: () => new Int32(), bool: () => new Bool() };

/** Thrown when a value falls outside what the set-based path models; the import then runs in JavaScript. */
export class UseJavaScript extends Error {
	constructor(reason: string) {
		super(reason);
		this.name = 'UseJavaScript';
	}
}

/**
 * Distinct non-null texts of each of `columns` (cell column names by source index) in one query.
 * Refuses more than `cap` distinct values in one column: past that a dictionary is no longer small.
 */
export async function distinctTexts(conn: Connector, table: string, columns: Map<number, Sql>, cap = 200_000): Promise<Map<number, string[]>> {
	const out = new Map<number, string[]>([...columns.keys()].map((i) => [i, []]));
	if (columns.size === 0) return out;
	const parts = [...columns].map(([i, c]) => sql`(SELECT DISTINCT ${i} AS i, ${c} AS k FROM ${ident(table)} WHERE ${c} IS NOT NULL LIMIT ${cap + 1})`);
	const rows = await conn.query<{ i: number; k: string }>(join(parts, sql` UNION ALL `));
	for (const r of rows) out.get(r.i)!.push(r.k);
	for (const v of out.values()) if (v.length > cap) throw new UseJavaScript(`more than ${cap} distinct values in one column`);
	return out;
}

/**
 * Create table `name` with the given typed columns (equal lengths) through Arrow. One all-null row is
 * added so an empty dictionary still makes a table (a NULL key never matches a join).
 */
export async function createDictionary(conn: Connector, name: string, columns: Record<string, { type: DictType; values: Value[] }>): Promise<void> {
	const entries = Object.entries(columns);
	const table = new Table(Object.fromEntries(entries.map(([n, c]) => [n, vectorFromArray([...c.values, null], ARROW[c.type]())])));
	await conn.exec(sql`DROP TABLE IF EXISTS ${ident(name)}`);
	await conn.insertArrowIPC(name, tableToIPC(table, 'stream'), true);
}
