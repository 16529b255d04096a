/**
 * Accepted rows → a DuckDB table through Arrow IPC. Column types are given explicitly (never inferred
 * from values), matching `createTableSql`, so an all-null column or a whole-number DOUBLE keeps its type.
 * The rows go into a staging table that replaces the target only once complete, so a failed load
 * leaves the previously loaded data untouched.
 */
import { Bool, Float64, Int32, Int8, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { ident, type Connector } from '../engine/connector';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES, createTableSql } from '../model/schema';
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

/**
 * Create `table` (canonical columns + `outcome.extraColumns` as VARCHAR) and fill it with the accepted
 * rows. Replaces an existing table of that name only when every batch went in.
 */
export async function loadRows(conn: Connector, table: string, outcome: ImportOutcome): Promise<void> {
	const columns = [...CANONICAL_COLUMNS, ...outcome.extraColumns];
	const types = columns.map((c) => arrowType(CANONICAL_SQL_TYPES[c] ?? 'VARCHAR'));
	const staging = `${table}__staging`;
	await conn.exec(createTableSql(staging, outcome.extraColumns));
	try {
		const rows = outcome.rows;
		for (let start = 0; start < rows.length; start += BATCH) {
			const end = Math.min(rows.length, start + BATCH);
			const vectors: Record<string, Vector> = {};
			columns.forEach((c, k) => {
				const values = new Array(end - start);
				const extra = k >= CANONICAL_COLUMNS.length;
				for (let i = start; i < end; i++) {
					const v = (rows[i] as Record<string, unknown>)[c];
					values[i - start] = v === undefined ? null : extra && v !== null ? String(v) : v;
				}
				vectors[c] = vectorFromArray(values, types[k]);
			});
			await conn.insertArrowIPC(staging, tableToIPC(new Table(vectors), 'stream'), false);
		}
		await conn.exec(`DROP TABLE IF EXISTS ${ident(table)}; ALTER TABLE ${ident(staging)} RENAME TO ${ident(table)}`);
	} catch (e) {
		await conn.exec(`DROP TABLE IF EXISTS ${ident(staging)}`).catch(() => {});
		throw e;
	}
}
