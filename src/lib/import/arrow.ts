/**
 * Accepted rows → one Arrow IPC stream (record batches of 100k rows) with explicit column types
 * matching `createTableSql`. Pure: runs in the import worker, so the main thread only hands bytes
 * to DuckDB, and the same bytes are what the browser keeps across reloads.
 */
import { Bool, Float64, Int32, Int8, RecordBatch, Table, Utf8, makeData, Struct, Field, Schema, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../model/schema';
import type { ImportOutcome } from './types';

const BATCH = 100_000;

function arrowType(sqlType: string): DataType {
	switch (sqlType) {
		case 'INTEGER':
			return new Int32();
		case 'TINYINT':
			return new Int8();
		case 'DOUBLE':
			return new Float64();
		case 'BOOLEAN':
			return new Bool();
		default:
			return new Utf8();
	}
}

/** The columns (canonical + extra) and Arrow types of an outcome's table. */
export function arrowColumns(extraColumns: string[]): { name: string; type: DataType }[] {
	return [...CANONICAL_COLUMNS, ...extraColumns].map((name) => ({ name, type: arrowType(CANONICAL_SQL_TYPES[name] ?? 'VARCHAR') }));
}

/** One IPC stream holding every accepted row of `outcome` (an empty table when none). */
export function toArrowIPC(outcome: Pick<ImportOutcome, 'rows' | 'extraColumns'>): Uint8Array {
	const cols = arrowColumns(outcome.extraColumns);
	const schema = new Schema(cols.map((c) => new Field(c.name, c.type, true)));
	const rows = outcome.rows;
	const batches: RecordBatch[] = [];
	for (let start = 0; start < rows.length || (start === 0 && batches.length === 0); start += BATCH) {
		const end = Math.min(rows.length, start + BATCH);
		const children = cols.map((c, k) => {
			const extra = k >= CANONICAL_COLUMNS.length;
			const values = new Array(end - start);
			for (let i = start; i < end; i++) {
				const v = (rows[i] as Record<string, unknown>)[c.name];
				values[i - start] = v === undefined ? null : extra && v !== null ? String(v) : v;
			}
			return vectorFromArray(values, c.type).data[0];
		});
		const data = makeData({ type: new Struct(schema.fields), length: end - start, nullCount: 0, children });
		batches.push(new RecordBatch(schema, data));
		if (end >= rows.length) break;
	}
	return tableToIPC(new Table(schema, batches), 'stream');
}
