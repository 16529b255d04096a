/**
 * Kept datasets as DuckDB database files (store format 2, see store.ts): written from a loaded
 * table once, attached read-only on every later start. Attaching reads only the file's header and
 * catalog; rows are read from the file's blocks when a query needs them, so a reload inserts nothing.
 *
 * Why a registered buffer and not DuckDB's own `opfs://` paths (duckdb-wasm 1.32.0 has them): an
 * `opfs://` file is held through an exclusive sync access handle, so a second tab could not open a
 * dataset the first one has attached; and the store checks the whole file's SHA-256 before DuckDB
 * sees it, which needs the bytes anyway. The file of a 1M-row dataset is ~16 MB (Arrow IPC: 135 MB).
 */
import type { Connector } from '../engine/connector';
import { fileName, ident, sql, type Sql } from '../engine/sql';

/** The score table of a kept database file. */
const KEPT_TABLE = 'scores';
/** The dataset's dosing-session records (model/sessions.ts), when it has any: a second table of the same file. */
const KEPT_SESSIONS = 'sessions';
let files = 0;

export interface DatabaseFile {
	bytes: Uint8Array;
	/** DuckDB library version that wrote the file (recorded in the kept meta). */
	engine: string;
}

/**
 * Write table `table` into a new DuckDB database file (table `scores`, rows in the table's order;
 * with `sessionsTable`, its dosing-session records as table `sessions`) and return its bytes. `template` is an empty database file (`empty.duckdb`, made by
 * duckdb-wasm 1.32.0 / DuckDB v1.4.3 with `ATTACH 'empty.duckdb'; DETACH`): duckdb-wasm's browser
 * file system cannot create a new database file (an empty registered buffer is "not a valid DuckDB
 * database file"), but it writes into a registered valid one. Run on the engine itself, not through the result cache: ATTACH /
 * DETACH must not clear the cached results and derived tables of the page being drawn.
 */
export async function writeDatabaseFile(conn: Connector, table: string, template: Uint8Array, sessionsTable?: string): Promise<DatabaseFile> {
	const tables = [{ name: KEPT_TABLE, rows: ident(table) }];
	if (sessionsTable) tables.push({ name: KEPT_SESSIONS, rows: ident(sessionsTable) });
	return writeTablesFile(conn, tables, template);
}

/**
 * Write each of `tables` (its name in the file, and the relation whose rows it gets, in their order)
 * into a new DuckDB database file made from `template` (see writeDatabaseFile), and return its bytes.
 */
export async function writeTablesFile(conn: Connector, tables: { name: string; rows: Sql }[], template: Uint8Array): Promise<DatabaseFile> {
	if (!conn.readFile) throw new Error('this engine cannot write database files');
	const alias = `keep_out_${++files}`;
	const file = `${alias}.duckdb`;
	await conn.registerFile(file, template.slice());
	await conn.registerFile(`${file}.wal`, new Uint8Array(0)); // in memory too (Node's engine would put it on disk)
	try {
		await conn.exec(sql`ATTACH ${fileName(file)} AS ${ident(alias)}`);
		try {
			for (const t of tables) await conn.exec(sql`CREATE TABLE ${ident(alias)}.${ident(t.name)} AS SELECT * FROM ${t.rows}`);
		} finally {
			// Closing the database checkpoints it: everything in the write-ahead log moves into the file.
			await conn.exec(sql`DETACH ${ident(alias)}`);
		}
		const bytes = await conn.readFile(file);
		const [{ v }] = await conn.query<{ v: string }>(sql`SELECT library_version AS v FROM pragma_version()`);
		return { bytes, engine: v };
	} finally {
		await conn.dropFile(file).catch(() => {});
		await conn.dropFile(`${file}.wal`).catch(() => {});
	}
}

/**
 * Run `use` with database file `bytes` attached read-only (under an app-generated name, passed to `use`
 * as a relation prefix and as the name `duckdb_tables()` lists it by); detached and released afterwards, whatever `use` did.
 */
export async function withAttachedFile<T>(conn: Connector, bytes: Uint8Array, use: (db: Sql, alias: string) => Promise<T>): Promise<T> {
	const alias = `read_in_${++files}`;
	const file = `${alias}.duckdb`;
	await conn.registerFile(file, bytes);
	try {
		await conn.exec(sql`ATTACH ${fileName(file)} AS ${ident(alias)} (READ_ONLY)`);
		return await use(ident(alias), alias);
	} finally {
		await conn.exec(sql`DETACH DATABASE IF EXISTS ${ident(alias)}`).catch(() => {});
		await conn.dropFile(file).catch(() => {});
	}
}

/**
 * Attach a kept database file read-only as `alias` (an app-generated name); its rows are then
 * `keptTable(alias)`. DuckDB checks the file's header and, as it reads them, each block's checksum;
 * a file it cannot read throws here and nothing stays registered.
 */
export async function attachDatabaseFile(conn: Connector, alias: string, bytes: Uint8Array): Promise<void> {
	const file = `${alias}.duckdb`;
	await conn.registerFile(file, bytes);
	try {
		await conn.exec(sql`ATTACH ${fileName(file)} AS ${ident(alias)} (READ_ONLY)`);
		await conn.query(sql`SELECT count(*) FROM ${keptTable(alias)}`); // the table is there and readable
	} catch (e) {
		await conn.exec(sql`DETACH DATABASE IF EXISTS ${ident(alias)}`).catch(() => {});
		await conn.dropFile(file).catch(() => {});
		throw e;
	}
}

/** Detach a kept database file and release its bytes. */
export async function detachDatabaseFile(conn: Connector, alias: string): Promise<void> {
	await conn.exec(sql`DETACH DATABASE IF EXISTS ${ident(alias)}`);
	await conn.dropFile(`${alias}.duckdb`).catch(() => {});
}

/** The rows of an attached kept file, as a relation for SQL. */
export const keptTable = (alias: string): Sql => sql`${ident(alias)}.${ident(KEPT_TABLE)}`;

/** The session records of an attached kept file, as a relation for SQL (see keptSessionsIn). */
export const keptSessions = (alias: string): Sql => sql`${ident(alias)}.${ident(KEPT_SESSIONS)}`;

/** Whether the attached kept file holds session records (files kept before they existed do not). */
export async function keptSessionsIn(conn: Connector, alias: string): Promise<boolean> {
	const [{ n }] = await conn.query<{ n: number }>(
		sql`SELECT count(*)::INT AS n FROM duckdb_tables() WHERE database_name = ${alias} AND table_name = ${KEPT_SESSIONS}`
	);
	return n > 0;
}
