/**
 * Opening a dataset the browser keeps, the first time it is activated: a DuckDB database file (store
 * format 2) is attached as it is; one kept before the current schema is copied into memory and
 * brought up to date there (the attached file is read-only); an Arrow file kept by an older release
 * (format 1) is inserted and brought up to date. Either of the last two is then rewritten as a
 * current database file in the background (app.svelte.ts `migrate`, keep.ts). `ReadAhead` reads the file of
 * the dataset the app will open while its engine starts.
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
 * Load kept dataset `ds` into the engine (setting where its rows are). `read`: its data file when the
 * caller already has it from `store.load` (read and checked while the engine started), else it is
 * read here. `migrate`: it should be rewritten; `described`: the counts saved with a file attached as
 * it is (checked by its checksum when it was read), null when the dataset must be counted (brought up
 * to date here, or kept before counts were saved).
 */
export async function openKept(conn: Connector, store: DatasetStore, ds: DatasetInfo, read?: Uint8Array): Promise<{ migrate: boolean; described: Described | null }> {
	const stored = ds.stored!;
	const bytes = read ?? (await store.load(stored));
	if (stored.version !== 2) {
		await conn.insertArrowIPC(ds.table, bytes, true);
		// Kept before the current schema (e.g. 21 item columns): add what is missing.
		await upgradeScoresTable(conn, ds.table);
		return { migrate: true, described: null };
	}
	const alias = `kept_${++attachments}`;
	await attachDatabaseFile(conn, alias, bytes).catch((e) => {
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

/**
 * A kept dataset's data file read from storage and checked ahead of its first activation, while the
 * engine starts (in a 1M reload that read and check took 200–370 ms after the engine was ready,
 * 2026-12-05). Taken once; a failed read is reported by the activation that takes it.
 */
export class ReadAhead {
	private pending: { id: string; bytes: Promise<Uint8Array | null> } | null = null;

	/** Read dataset `id`'s file once `listed` (the kept datasets) says it is there and undamaged. */
	start(store: DatasetStore, listed: Promise<DatasetInfo[]>, id: string): void {
		const bytes = listed.then((list) => {
			const stored = list.find((d) => d.id === id && !d.problem)?.stored;
			return stored ? store.load(stored) : null;
		});
		bytes.catch(() => {}); // reported by `take`
		this.pending = { id, bytes };
	}

	/** Dataset `id`'s file if it was read ahead (once; it throws what the read threw), else undefined. */
	async take(id: string): Promise<Uint8Array | undefined> {
		const read = this.pending?.id === id ? this.pending.bytes : null;
		if (read) this.pending = null;
		return (await read) ?? undefined;
	}
}
