/**
 * What the app says about a dataset's table: its rows, outcome scores, clients and instruments (and
 * of its session records: how many, of how many clients). The app describes each dataset it opens
 * (app.svelte.ts; a kept one from the counts saved when it was kept) and the build describes the demo for its prebuilt first view
 * (src/routes/prebuilt-compute.ts), so both print the same figures. Relative imports: the build step
 * runs this file outside Vite.
 */
import { z } from 'zod';
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

/**
 * A dataset's counts with those of its session records: what the app shows of it. Worked out when a
 * dataset is kept and saved in its description (store.ts `described`), so a reload shows them without
 * scanning every row again (a full scan of the attached file at 1M rows).
 */
export const Described = z.object({
	rows: z.number().int().nonnegative(),
	scores: z.number().int().nonnegative(),
	clients: z.number().int().nonnegative(),
	instruments: z.array(z.string()),
	sessions: z.object({ rows: z.number().int().nonnegative(), clients: z.number().int().nonnegative() }).optional()
});
export type Described = z.infer<typeof Described>;

/** Counts of a dataset's rows and (when it has them) of its session records, by scanning them. */
export async function describeDataset(conn: Connector, rows: Sql, sessions: Sql | null): Promise<Described> {
	const counts = await describe(conn, rows);
	return sessions ? { ...counts, sessions: await describeSessions(conn, sessions) } : counts;
}

/** The counts saved with a kept dataset, or null when none were saved (kept before they were) or they do not parse. */
export function savedDescription(saved: unknown): Described | null {
	const r = Described.safeParse(saved);
	return r.success ? r.data : null;
}
