/**
 * The demo cohort's tables from its CSV bytes (shared by the browser, which fetches the files, and
 * the build step that computes the demo's first view in Node: src/routes/prebuilt.server.ts). Loaded with
 * DuckDB's CSV reader and declared column types (trusted, generated files; user files go through
 * the importer instead): the outcome scores, the session-level scores (CADSS, MEQ-30, EBI) and the
 * dosing-session records.
 */
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../model/schema';
import { SESSION_COLUMNS, SESSION_SQL_TYPES } from '../model/sessions';
import type { Connector } from '../engine/connector';
import { ident, join, sql, sqlType, type Sql, type SqlArg } from '../engine/sql';

/**
 * `SELECT` of `columns` from the CSV `file` (a registered name or a path, bound as a parameter), each
 * cast to its type in `types` (VARCHAR when absent). The file is read as text and cast in SQL because
 * read_csv's `columns = {…}` takes only literal text, and nothing from a file header becomes SQL text.
 * Only for files the project writes (src/lib/demo/csv.ts: commas, no quoting needed, a header), so
 * the dialect is stated and the sniffer reads a small sample instead of detecting it from up to 20,480
 * rows (the demo's three tables, duckdb-wasm's Node build: 355–382 → 251–287 ms warm; cold the engine's
 * warm-up dominates, 703 → 686 ms). The rows read are the same, checked row for row on the three files.
 */
export function readCsvTyped(file: SqlArg, columns: readonly string[], types: Record<string, string>): Sql {
	const casts = join(columns.map((c) => sql`CAST(${ident(c)} AS ${sqlType(types[c] ?? 'VARCHAR')}) AS ${ident(c)}`));
	return sql`SELECT ${casts} FROM read_csv(${file}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', sample_size = 64)`;
}

export interface DemoFiles {
	scores: Uint8Array;
	acute: Uint8Array;
	sessions: Uint8Array;
}

/** Create `table` (all scores) and `<table>__sessions` (session records) from the demo CSVs. */
export async function createDemoTables(conn: Connector, table: string, files: DemoFiles): Promise<{ sessionsTable: string }> {
	await conn.registerFile('demo-cohort.csv', files.scores);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(table)} AS ${readCsvTyped('demo-cohort.csv', CANONICAL_COLUMNS, CANONICAL_SQL_TYPES)}`);
	await conn.dropFile('demo-cohort.csv');
	await conn.registerFile('demo-acute.csv', files.acute);
	await conn.exec(sql`INSERT INTO ${ident(table)} ${readCsvTyped('demo-acute.csv', CANONICAL_COLUMNS, CANONICAL_SQL_TYPES)}`);
	await conn.dropFile('demo-acute.csv');
	const sessionsTable = `${table}__sessions`;
	await conn.registerFile('demo-sessions.csv', files.sessions);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(sessionsTable)} AS ${readCsvTyped('demo-sessions.csv', SESSION_COLUMNS, SESSION_SQL_TYPES)}`);
	await conn.dropFile('demo-sessions.csv');
	return { sessionsTable };
}
