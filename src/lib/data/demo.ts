/**
 * The built-in demo cohort: synthetic, seeded datasets (scripts/demo-data.ts) shipped with the app
 * and served from its own origin; the tables are made by demo-table.ts.
 */
import demoUrl from '../../../data/demo-cohort.csv?url';
import acuteUrl from '../../../data/demo-acute.csv?url';
import sessionsUrl from '../../../data/demo-sessions.csv?url';
import type { Connector } from '../engine/connector';
import { startMark } from '../engine/marks';
import { createDemoTables, type DemoFiles } from './demo-table';

export const DEMO_ID = 'demo';
export const DEMO_NAME = 'Demo cohort (synthetic)';
/**
 * The names the demo's files are served under (content-hashed; scores, acute scores, session records):
 * the prebuilt first view records those it was computed from, and is used only for these.
 */
export const DEMO_ASSETS = [demoUrl, acuteUrl, sessionsUrl].map((u) => u.split('/').pop()!);

async function fetchBytes(url: string): Promise<Uint8Array> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`demo dataset could not be fetched (${res.status})`);
	return new Uint8Array(await res.arrayBuffer());
}

/** The demo's CSV files, fetched. */
export async function fetchDemo(): Promise<DemoFiles> {
	const [scores, acute, sessions] = await Promise.all([fetchBytes(demoUrl), fetchBytes(acuteUrl), fetchBytes(sessionsUrl)]);
	startMark('demo-fetched');
	return { scores, acute, sessions };
}

/** Create `table` (all scores) and `<table>__sessions` (session records) from the demo CSVs (`files`: fetched already). */
export async function loadDemo(conn: Connector, table: string, files: Promise<DemoFiles> = fetchDemo()): Promise<{ sessionsTable: string }> {
	const made = await createDemoTables(conn, table, await files);
	startMark('demo-loaded');
	return made;
}
