/**
 * What the app says about a dataset's table: its rows, outcome scores, clients and instruments (and
 * of its session records: how many, of how many clients). The app describes each dataset it opens
 * (app.svelte.ts) and the build describes the demo for its prebuilt first view
 * (src/routes/prebuilt-compute.ts), so both print the same figures. Relative imports: the build step
 * runs this file outside Vite.
 */
import type { Connector } from '../engine/connector';
import { list, sql, type Sql } from '../engine/sql';
import { OUTCOME_IDS } from '../instruments/definitions';

export interface DatasetCounts {
	/** Rows of its table, every instrument (outcome, safety and experience scales). */
	rows: number;
	/** Rows of outcome instruments (what the `scores` view holds). */
	scores: number;
	clients: number;
	/** Every instrument of its table, in name order. */
	instruments: string[];
}

/** Row, outcome-score, client and instrument counts of a canonical table (or an attached file's table). */
export async function describe(conn: Connector, rows: Sql): Promise<DatasetCounts> {
	const [row] = await conn.query<{ rows: number; scores: number; clients: number; instruments: string }>(
		sql`SELECT count(*)::INT AS rows, (count(*) FILTER (WHERE instrument IN (${list(OUTCOME_IDS)})))::INT AS scores,
		        count(DISTINCT client_id)::INT AS clients, string_agg(DISTINCT instrument, ',' ORDER BY instrument) AS instruments
		   FROM ${rows}`
	);
	return { rows: row.rows, scores: row.scores, clients: row.clients, instruments: row.instruments ? row.instruments.split(',') : [] };
}

/** Record and client counts of a dataset's dosing-session records. */
export async function describeSessions(conn: Connector, rows: Sql): Promise<{ rows: number; clients: number }> {
	const [row] = await conn.query<{ rows: number; clients: number }>(sql`SELECT count(*)::INT AS rows, count(DISTINCT client_id)::INT AS clients FROM ${rows}`);
	return row;
}
