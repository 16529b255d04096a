/**
 * The built-in demo cohort: a synthetic, seeded dataset (scripts/demo-data.ts) shipped with the app
 * and served from its own origin. Loaded with DuckDB's CSV reader and declared column types
 * (trusted, generated file; user files go through the importer instead).
 */
import demoUrl from '../../../data/demo-cohort.csv?url';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../model/schema';
import { ident, lit, type Connector } from '../engine/connector';

export const DEMO_ID = 'demo';
export const DEMO_NAME = 'Demo cohort (synthetic)';

/** Fetch the demo CSV and create table `table` from it. */
export async function loadDemo(conn: Connector, table: string): Promise<void> {
	const res = await fetch(demoUrl);
	if (!res.ok) throw new Error(`demo dataset could not be fetched (${res.status})`);
	const bytes = new Uint8Array(await res.arrayBuffer());
	await conn.registerFile('demo-cohort.csv', bytes);
	const columns = CANONICAL_COLUMNS.map((c) => `${lit(c)}: ${lit(CANONICAL_SQL_TYPES[c])}`).join(', ');
	await conn.exec(
		`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv('demo-cohort.csv', header = true, columns = {${columns}})`
	);
	await conn.dropFile('demo-cohort.csv');
}
