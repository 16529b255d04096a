/**
 * Schema versions of the canonical score table. A kept dataset records the version it was written
 * with (StoredMeta.schema; absent = 1) and is brought up to date when it is opened, so datasets kept
 * before a change keep working:
 *   1  item_1 … item_21
 *   2  item_1 … item_30 (CADSS has 23 items, MEQ-30 30); instrument kinds; dosing-session records
 * Upgrading only adds the missing canonical columns, empty; no value changes.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from './schema';

export const SCHEMA_VERSION = 2;

const TYPES: Record<string, Sql> = { VARCHAR: sql`VARCHAR`, INTEGER: sql`INTEGER`, DOUBLE: sql`DOUBLE`, BOOLEAN: sql`BOOLEAN`, TINYINT: sql`TINYINT` };

/** Add the canonical columns `table` lacks; returns their names. */
export async function upgradeScoresTable(conn: Connector, table: string): Promise<string[]> {
	const have = new Set((await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${ident(table)}`)).map((r) => r.column_name));
	const missing = CANONICAL_COLUMNS.filter((c) => !have.has(c));
	for (const c of missing) await conn.exec(sql`ALTER TABLE ${ident(table)} ADD COLUMN ${ident(c)} ${TYPES[CANONICAL_SQL_TYPES[c]]}`);
	return missing;
}
