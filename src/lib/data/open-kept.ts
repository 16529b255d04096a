/**
 * Opening a dataset the browser keeps, the first time it is activated: a DuckDB database file (store
 * format 2) is attached as it is; one kept before the current schema is copied into memory and
 * brought up to date there (the attached file is read-only); an Arrow file kept by an older release
 * (format 1) is inserted and brought up to date. Either of the last two is then rewritten as a
 * current database file in the background (app.svelte.ts `migrate`, keep.ts).
 */
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';
import { SCHEMA_VERSION, upgradeScoresTable } from '../model/upgrade';
import type { DatasetInfo } from './datasets';
import { savedDescription, type Described } from './describe';
import { attachDatabaseFile, detachDatabaseFile, keptSessions, keptSessionsIn, keptTable } from './keep';
import type { DatasetStore } from './store';

let attachments = 0;

/**
 * Load kept dataset `ds` into the engine (setting where its rows are). `migrate`: it should be
 * rewritten; `described`: the counts saved with a file attached as it is (checked by its checksum when
 * it was read), null when the dataset must be counted (brought up to date here, or kept before counts
 * were saved).
 */
export async function openKept(conn: Connector, store: DatasetStore, ds: DatasetInfo): Promise<{ migrate: boolean; described: Described | null }> {
	const stored = ds.stored!;
	if (stored.version !== 2) {
		await conn.insertArrowIPC(ds.table, await store.load(stored), true);
		// Kept before the current schema (e.g. 21 item columns): add what is missing.
		await upgradeScoresTable(conn, ds.table);
		return { migrate: true, described: null };
	}
	const alias = `kept_${++attachments}`;
	await attachDatabaseFile(conn, alias, await store.load(stored)).catch((e) => {
		throw new Error(`stored dataset ${ds.id} could not be opened by the database (${e instanceof Error ? e.message : e}); delete it and import the file again`);
	});
	// Whether the file holds session records: its saved counts say (they have `sessions` exactly when
	// it was written with them, keeping.ts); only a file kept before they were saved is asked, a
	// catalog query that took ~180 ms of a 1M reload in the browser (2026-12-05).
	const saved = savedDescription(stored.described);
	const withSessions = saved ? saved.sessions !== undefined : await keptSessionsIn(conn, alias);
	if ((stored.schema ?? 1) >= SCHEMA_VERSION) {
		ds.attached = alias;
		ds.attachedSessions = withSessions;
		return { migrate: false, described: saved };
	}
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(ds.table)} AS SELECT * FROM ${keptTable(alias)}`);
	if (withSessions) {
		ds.sessionsTable = `${ds.table}__sessions`;
		await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(ds.sessionsTable)} AS SELECT * FROM ${keptSessions(alias)}`);
	}
	await detachDatabaseFile(conn, alias);
	await upgradeScoresTable(conn, ds.table);
	return { migrate: true, described: null };
}
