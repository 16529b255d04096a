/**
 * Writing datasets into the browser's storage as DuckDB database files (keep.ts), on the engine
 * itself rather than through the result cache: a newly added dataset, and a kept one opened from an
 * older format or schema (open-kept.ts), rewritten in the background so the next start attaches it.
 */
import emptyDatabaseUrl from './empty.duckdb?url';
import type { Connector } from '../engine/connector';
import { SCHEMA_VERSION } from '../model/upgrade';
import type { DatasetInfo } from './datasets';
import { writeDatabaseFile } from './keep';
import type { Described } from './describe';
import { STORE_VERSION, type DatasetStore, type NewMeta, type StoredMeta } from './store';

export class Keeper {
	private emptyDatabase: Promise<Uint8Array> | null = null;

	constructor(private env: () => { engine: Connector | null; store: DatasetStore | null }) {}

	/** An empty DuckDB database file to write kept datasets into (fetched once; again after a failure). */
	template(): Promise<Uint8Array> {
		this.emptyDatabase ??= fetch(emptyDatabaseUrl).then(async (r) => {
			if (!r.ok) throw new Error(`empty database file could not be fetched (${r.status})`);
			return new Uint8Array(await r.arrayBuffer());
		});
		this.emptyDatabase.catch(() => (this.emptyDatabase = null));
		return this.emptyDatabase;
	}

	/**
	 * Keep loaded table `table` (and its session records, `sessionsTable`) in the browser as a DuckDB
	 * database file, with `described`, its counts as the app worked them out when it listed the
	 * dataset (saved so a reload need not count again). Never throws: when keeping fails (no
	 * storage, quota), the dataset still serves this session and `error` says why.
	 */
	async keep(meta: NewMeta, table: string, described: Described, sessionsTable?: string): Promise<{ stored?: StoredMeta; error?: string }> {
		const { engine, store } = this.env();
		if (!store) return { error: 'this browser offers no private file storage, so the dataset lasts until the page is closed' };
		try {
			const file = await writeDatabaseFile(engine!, table, await this.template(), sessionsTable);
			return { stored: await store.save({ ...meta, schema: SCHEMA_VERSION, described }, file.bytes, STORE_VERSION, file.engine) };
		} catch (e) {
			return { error: e instanceof Error ? e.message : String(e) };
		}
	}

	/**
	 * Rewrite a kept dataset opened from format 1 (Arrow) or an older schema as a current DuckDB
	 * database file, so the next start attaches it as it is, with `described`, the counts its opening
	 * worked out. A failure changes nothing: it opens as before, and is migrated on a later start.
	 */
	async migrate(ds: DatasetInfo, described: Described): Promise<void> {
		const { engine, store } = this.env();
		if (!store || !engine || !ds.stored) return;
		try {
			const file = await writeDatabaseFile(engine, ds.table, await this.template(), ds.sessionsTable);
			ds.stored = await store.migrate({ ...ds.stored, schema: SCHEMA_VERSION, described }, file.bytes, file.engine);
		} catch {
			/* kept as it was; tried again next start */
		}
	}
}
