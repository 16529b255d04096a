/**
 * Accepted rows → a DuckDB table, through the same Arrow IPC stream the app keeps (`toArrowIPC`,
 * explicit column types matching `createTableSql`). The rows go into a staging table that replaces
 * the target only once complete, so a failed load leaves the previously loaded data untouched.
 */
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';
import { toArrowIPC } from './arrow';
import type { ImportOutcome } from './types';

/**
 * Create `table` (canonical columns + `outcome.extraColumns` as VARCHAR) and fill it with the accepted
 * rows. Replaces an existing table of that name only when every row went in.
 */
export async function loadRows(conn: Connector, table: string, outcome: ImportOutcome): Promise<void> {
	const staging = `${table}__staging`;
	await conn.exec(sql`DROP TABLE IF EXISTS ${ident(staging)}`);
	try {
		await conn.insertArrowIPC(staging, toArrowIPC(outcome), true);
		await conn.exec(sql`DROP TABLE IF EXISTS ${ident(table)}; ALTER TABLE ${ident(staging)} RENAME TO ${ident(table)}`);
	} catch (e) {
		await conn.exec(sql`DROP TABLE IF EXISTS ${ident(staging)}`).catch(() => {});
		throw e;
	}
}
