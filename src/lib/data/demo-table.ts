/**
 * The demo cohort's tables from its CSV bytes (shared by the browser, which fetches the files, and
 * the build step that computes the demo's first view in Node: scripts/prebuild-demo.ts). Loaded with
 * DuckDB's CSV reader and declared column types (trusted, generated files; user files go through
 * the importer instead): the outcome scores, the session-level scores (CADSS, MEQ-30, EBI) and the
 * dosing-session records.
 */
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../model/schema';
import { SESSION_COLUMNS, SESSION_SQL_TYPES } from '../model/sessions';
import { ident as identText, lit, type Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';

const TYPES: Record<string, Sql> = { VARCHAR: sql`VARCHAR`, INTEGER: sql`INTEGER`, DOUBLE: sql`DOUBLE`, BOOLEAN: sql`BOOLEAN`, TINYINT: sql`TINYINT` };
const casts = (columns: readonly string[], types: Record<string, string>) => join(columns.map((c) => sql`CAST(${ident(c)} AS ${TYPES[types[c]]}) AS ${ident(c)}`));

export interface DemoFiles {
	scores: Uint8Array;
	acute: Uint8Array;
	sessions: Uint8Array;
}

/** Create `table` (all scores) and `<table>__sessions` (session records) from the demo CSVs. */
export async function createDemoTables(conn: Connector, table: string, files: DemoFiles): Promise<{ sessionsTable: string }> {
	await conn.registerFile('demo-cohort.csv', files.scores);
	const columns = CANONICAL_COLUMNS.map((c) => `${lit(c)}: ${lit(CANONICAL_SQL_TYPES[c])}`).join(', ');
	await conn.exec(
		`CREATE OR REPLACE TABLE ${identText(table)} AS SELECT * FROM read_csv('demo-cohort.csv', header = true, columns = {${columns}})`
	);
	await conn.dropFile('demo-cohort.csv');
	await conn.registerFile('demo-acute.csv', files.acute);
	await conn.exec(sql`INSERT INTO ${ident(table)} SELECT ${casts(CANONICAL_COLUMNS, CANONICAL_SQL_TYPES)} FROM read_csv('demo-acute.csv', header = true, all_varchar = true)`);
	await conn.dropFile('demo-acute.csv');
	const sessionsTable = `${table}__sessions`;
	await conn.registerFile('demo-sessions.csv', files.sessions);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(sessionsTable)} AS SELECT ${casts(SESSION_COLUMNS, SESSION_SQL_TYPES)} FROM read_csv('demo-sessions.csv', header = true, all_varchar = true)`);
	await conn.dropFile('demo-sessions.csv');
	return { sessionsTable };
}
