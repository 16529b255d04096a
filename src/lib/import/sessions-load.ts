/**
 * Session records → a DuckDB table through an Arrow IPC stream with the explicit column types of
 * model/sessions.ts (the same bytes a kept dataset stores). Staging table first, so a failed load
 * leaves an existing table untouched.
 */
import { Field, Float64, Int32, Schema, Table, Utf8, makeData, RecordBatch, Struct, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';
import { SESSION_COLUMNS, SESSION_SQL_TYPES, type SessionRow } from '../model/sessions';

const arrowType = (t: string): DataType => (t === 'INTEGER' ? new Int32() : t === 'DOUBLE' ? new Float64() : new Utf8());

/** One IPC stream with every session row (an empty table when none). */
export function sessionsToArrowIPC(rows: SessionRow[]): Uint8Array {
	const fields = SESSION_COLUMNS.map((c) => new Field(c, arrowType(SESSION_SQL_TYPES[c]), true));
	const schema = new Schema(fields);
	const children = fields.map((f) => vectorFromArray(rows.map((r) => (r[f.name] ?? null) as never), f.type).data[0]);
	const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
	return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream');
}

/** Create `table` holding `rows`; replaces an existing table only when every row went in. */
export async function loadSessions(conn: Connector, table: string, rows: SessionRow[]): Promise<void> {
	await loadSessionIPC(conn, table, sessionsToArrowIPC(rows));
}

/** Same, from IPC bytes (a kept dataset). */
export async function loadSessionIPC(conn: Connector, table: string, ipc: Uint8Array): Promise<void> {
	const staging = `${table}__staging`;
	await conn.exec(sql`DROP TABLE IF EXISTS ${ident(staging)}`);
	try {
		await conn.insertArrowIPC(staging, ipc, true);
		await conn.exec(sql`DROP TABLE IF EXISTS ${ident(table)}`);
		await conn.exec(sql`ALTER TABLE ${ident(staging)} RENAME TO ${ident(table)}`);
	} catch (e) {
		await conn.exec(sql`DROP TABLE IF EXISTS ${ident(staging)}`).catch(() => {});
		throw e;
	}
}
