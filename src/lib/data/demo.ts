/**
 * The built-in demo cohort: a synthetic, seeded dataset (scripts/demo-data.ts) shipped with the app
 * and served from its own origin. Loaded with DuckDB's CSV reader and declared column types
 * (trusted, generated files; user files go through the importer instead): the outcome scores, the
 * session-level scores (CADSS, MEQ-30, EBI) and the dosing-session records.
 */
import demoUrl from '../../../data/demo-cohort.csv?url';
import acuteUrl from '../../../data/demo-acute.csv?url';
import sessionsUrl from '../../../data/demo-sessions.csv?url';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../model/schema';
import { SESSION_COLUMNS, SESSION_SQL_TYPES } from '../model/sessions';
import { ident as identText, lit, type Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';

export const DEMO_ID = 'demo';
export const DEMO_NAME = 'Demo cohort (synthetic)';

const TYPES: Record<string, Sql> = { VARCHAR: sql`VARCHAR`, INTEGER: sql`INTEGER`, DOUBLE: sql`DOUBLE`, BOOLEAN: sql`BOOLEAN`, TINYINT: sql`TINYINT` };
const casts = (columns: readonly string[], types: Record<string, string>) => join(columns.map((c) => sql`CAST(${ident(c)} AS ${TYPES[types[c]]}) AS ${ident(c)}`));

async function fetchBytes(url: string): Promise<Uint8Array> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`demo dataset could not be fetched (${res.status})`);
	return new Uint8Array(await res.arrayBuffer());
}

/** Fetch the demo CSVs and create `table` (all scores) and `<table>__sessions` (session records). */
export async function loadDemo(conn: Connector, table: string): Promise<{ sessionsTable: string }> {
	const [scores, acute, sessions] = await Promise.all([fetchBytes(demoUrl), fetchBytes(acuteUrl), fetchBytes(sessionsUrl)]);
	await conn.registerFile('demo-cohort.csv', scores);
	const columns = CANONICAL_COLUMNS.map((c) => `${lit(c)}: ${lit(CANONICAL_SQL_TYPES[c])}`).join(', ');
	await conn.exec(
		`CREATE OR REPLACE TABLE ${identText(table)} AS SELECT * FROM read_csv('demo-cohort.csv', header = true, columns = {${columns}})`
	);
	await conn.dropFile('demo-cohort.csv');
	await conn.registerFile('demo-acute.csv', acute);
	await conn.exec(sql`INSERT INTO ${ident(table)} SELECT ${casts(CANONICAL_COLUMNS, CANONICAL_SQL_TYPES)} FROM read_csv('demo-acute.csv', header = true, all_varchar = true)`);
	await conn.dropFile('demo-acute.csv');
	const sessionsTable = `${table}__sessions`;
	await conn.registerFile('demo-sessions.csv', sessions);
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(sessionsTable)} AS SELECT ${casts(SESSION_COLUMNS, SESSION_SQL_TYPES)} FROM read_csv('demo-sessions.csv', header = true, all_varchar = true)`);
	await conn.dropFile('demo-sessions.csv');
	return { sessionsTable };
}
