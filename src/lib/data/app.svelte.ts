/**
 * Application data state, shared by every page: the engine, the datasets (the built-in demo plus
 * those the user imported and the browser keeps), which one is active, and a version number that
 * changes whenever the active data change (charts re-query on it).
 *
 * The active dataset is always exposed to SQL as the view `scores`; metrics never name dataset
 * tables. Kept datasets are opened only when first activated: a DuckDB database file (store format
 * 2) is attached as it is; an Arrow file kept by an older release (format 1) is inserted as before
 * and then rewritten as a database file in the background (open-kept.ts, keeping.ts).
 *
 * Beside it: what a dataset is and where its rows are (datasets.ts), adding a second file to a
 * dataset (add-to-dataset.ts), each dataset's summaries, built or restored once (dataset-summaries.ts),
 * and which dataset was last active (active-choice.ts).
 */
import { CachingConnector } from './cached';
import { DEMO_ID, DEMO_NAME, fetchDemo, loadDemo } from './demo';
import type { DemoFiles } from './demo-table';
import { detachDatabaseFile } from './keep';
import { Keeper } from './keeping';
import { choosesDemo, readActive, writeActive } from './active-choice';
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';
import { describeDataset, type Described } from './describe';
import { browserStore, STORE_VERSION, type DatasetStore, type NewMeta, type StoredMeta } from './store';
import { useSummaries } from '../metrics/summaries';
import { createDatasetViews, createFixedTables } from '../metrics/views';
import { SCHEMA_VERSION } from '../model/upgrade';
import { createTableSql } from '../model/schema';
import { startMark } from '../engine/marks';
import type { SessionLinks } from '../metrics/session-links';
import { fromMeta, relation, sessionsRelation, tableOf, type DatasetInfo } from './datasets';
import { linksWith, linkTables, linkTarget, type Staged } from './add-to-dataset';
import { openKept, ReadAhead } from './open-kept';
import { DatasetSummaries, type SummaryTiming } from './dataset-summaries';
import { engineMayStart } from './first-paint';
import { chartsSettled } from './drawn';

export type { DatasetInfo } from './datasets';
export { startsWithDemo } from './active-choice';

type Status = 'idle' | 'starting' | 'ready' | 'error';

class AppState {
	status = $state<Status>('idle');
	message = $state('');
	error = $state<string | null>(null);
	datasets = $state<DatasetInfo[]>([]);
	activeId = $state<string | null>(null);
	/** Problems found in the browser's storage at start (shown on the Data page). */
	storageProblems = $state<{ id: string; reason: string; discarded: boolean }[]>([]);
	/** Bumped whenever the `scores` view changes. */
	version = $state(0);
	conn: CachingConnector | null = null;
	/** The engine itself, without the result cache (for writing database files). */
	private engine: Connector | null = null;
	store: DatasetStore | null = null;
	/** Migrations of format-1 datasets running in the background (awaited by tests and the benchmark). */
	migrations: Promise<void>[] = [];
	/** Writes datasets into the browser's storage (keeping.ts). */
	private keeper = new Keeper(() => ({ engine: this.engine, store: this.store }));
	private loaded = new Set<string>();
	/** Each loaded dataset's summaries, had once when it is first activated (dataset-summaries.ts). */
	private summaries = new DatasetSummaries(() => ({ conn: this.conn, engine: this.engine, store: this.store, template: () => this.keeper.template() }));
	private starting: Promise<CachingConnector> | null = null;
	/** The views' fixed tables (metrics/views.ts), made once for the engine as it starts. */
	private fixedTables: Promise<void> | undefined;
	/** The demo's files, fetched while the engine starts when the demo is shown first (used once). */
	private demoFiles: Promise<DemoFiles> | null = null;
	/** The kept dataset last active: its file, read from storage and checked while the engine starts. */
	private readAhead = new ReadAhead();

	get active(): DatasetInfo | undefined {
		return this.datasets.find((d) => d.id === this.activeId);
	}

	/** Start the engine and restore the datasets once; every page awaits this. */
	ready(): Promise<CachingConnector> {
		this.starting ??= this.start().catch((e) => {
			this.status = 'error';
			this.error = e instanceof Error ? e.message : String(e);
			this.starting = null;
			throw e;
		});
		return this.starting;
	}

	private async start(): Promise<CachingConnector> {
		this.status = 'starting';
		this.message = 'Starting the in-browser database…';
		await engineMayStart(); // after the demo's prebuilt view is painted, on a first visit
		const wanted = readActive();
		const keptFirst = choosesDemo(wanted) ? null : wanted; // read once: the demo's fetch and the read-ahead agree
		if (!keptFirst) {
			// fetched while the engine starts rather than after it (a failure is reported when they are loaded)
			this.demoFiles = fetchDemo();
			this.demoFiles.catch(() => {});
		}
		// The kept datasets are listed, and the one last active is read and checked, while the engine
		// starts: in a 1M reload that read and check was 200–370 ms after the engine was ready (2026-12-05).
		const kept = this.restoreKept();
		if (keptFirst && this.store) this.readAhead.start(this.store, kept, keptFirst); // restoreKept sets the store before its first await
		const { getEngine } = await import('../engine/browser');
		this.engine = await getEngine();
		this.conn = new CachingConnector(this.engine);
		// The views' fixed tables, made by the engine's worker while the active dataset's file is handed
		// to it (awaited by createDatasetViews, which reports a failure).
		this.fixedTables = createFixedTables(this.conn);
		this.fixedTables.catch(() => {});
		const demo: DatasetInfo = { id: DEMO_ID, name: DEMO_NAME, table: `ds_${DEMO_ID}`, rows: 0, clients: 0, instruments: [], importedAt: '', builtin: true };
		this.datasets = [demo, ...(await kept)];
		const first = this.datasets.find((d) => d.id === wanted && !d.problem) ?? demo;
		this.message = first.builtin ? 'Loading the demo cohort…' : `Loading ${first.name}…`;
		try {
			await this.activate(first.id);
		} catch (e) {
			if (first.builtin) throw e;
			await this.activate(DEMO_ID); // a damaged kept dataset must not keep the app from starting
		}
		this.status = 'ready';
		this.message = '';
		startMark('app-ready');
		return this.conn;
	}

	private async restoreKept(): Promise<DatasetInfo[]> {
		this.store = browserStore();
		if (!this.store) return [];
		try {
			const { datasets, problems } = await this.store.list();
			this.storageProblems = problems;
			return datasets.map((m) => fromMeta(m));
		} catch (e) {
			this.storageProblems = [{ id: '—', reason: `the browser's storage could not be read (${e instanceof Error ? e.message : e})`, discarded: false }];
			return [];
		}
	}

	/** Make dataset `id` the one every page shows, loading it into DuckDB first if needed. */
	async activate(id: string): Promise<void> {
		const ds = this.datasets.find((d) => d.id === id);
		if (!ds || !this.conn) return;
		let migrate = false;
		let described: Described | null = null;
		if (!this.loaded.has(id)) {
			// A kept file attached as it is comes with its saved counts (open-kept.ts); anything else is counted.
			let saved: Described | null = null;
			try {
				if (ds.builtin) {
					const files = this.demoFiles ?? undefined;
					this.demoFiles = null;
					ds.sessionsTable = (await loadDemo(this.conn, ds.table, files)).sessionsTable;
				} else ({ migrate, described: saved } = await openKept(this.conn, this.store!, ds, await this.readAhead.take(id)));
			} catch (e) {
				ds.problem = e instanceof Error ? e.message : String(e);
				throw e;
			}
			this.loaded.add(id);
			described = saved ?? (await describeDataset(this.conn, relation(ds), sessionsRelation(ds)));
			const { sessions, ...counts } = described;
			Object.assign(ds, counts);
			if (sessions && sessionsRelation(ds)) {
				ds.sessionRecords = sessions.rows;
				// A dataset of session records alone: its clients are those of the records.
				if (ds.rows === 0) ds.clients = sessions.clients;
			}
		}
		await createDatasetViews(this.conn, relation(ds), sessionsRelation(ds), this.fixedTables);
		// The first view reads the rows while the dataset's summaries are built (once, in the
		// background, and kept for later activations); every query after that reads them. The figures
		// already drawn are not asked for again when they arrive (no version bump): both paths give the
		// same numbers (tests/unit/metrics-summaries.test.ts), so a second round of the page's queries
		// on the one engine worker would only delay the next interaction.
		useSummaries(this.conn, 'scores', this.summaries.current(id));
		this.activeId = id;
		writeActive(id);
		this.version++;
		this.summaries.whenSettled(ds, () => this.loaded.has(id), (s) => {
			if (this.activeId === id && this.conn) useSummaries(this.conn, 'scores', s);
		});
		if (migrate && described) this.migrations.push(this.keeper.migrate(ds, described));
	}

	/** How dataset `id`'s summaries came to be (for the benchmark); null until they exist. */
	summaryTiming(id: string): SummaryTiming | null {
		return this.summaries.timing(id);
	}

	/**
	 * Add an imported dataset: load it into DuckDB, keep it in the browser (when possible), make it
	 * active. If loading fails, nothing changes; if only keeping fails, the dataset stays for this
	 * session and the error says it was not kept.
	 */
	async addImported(meta: NewMeta, ipc: Uint8Array): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = tableOf(meta.id);
		// The engine leaves the caller's buffer usable (a retry after a failure): see insertArrowIPC.
		await conn.insertArrowIPC(table, ipc, true);
		this.loaded.add(meta.id);
		const described = await describeDataset(conn, ident(table), null);
		const { stored, error } = await this.keep(meta, table, described);
		const info: DatasetInfo = { ...fromMeta({ ...meta, bytes: 0, sha256: '', version: STORE_VERSION, schema: SCHEMA_VERSION }), stored, ...described };
		this.datasets = [...this.datasets, info];
		await this.activate(meta.id);
		return { kept: !!stored, error };
	}

	/**
	 * Add an import whose accepted rows are already in the engine, in table `staging` (the DuckDB
	 * import path): the table becomes the dataset's by renaming, so the first view needs no copy,
	 * and is kept in the browser right after it is shown.
	 */
	async addImportedTable(meta: NewMeta, staging: string): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = tableOf(meta.id);
		await conn.exec(sql`ALTER TABLE ${ident(staging)} RENAME TO ${ident(table)}`);
		return this.register(meta, table);
	}

	/**
	 * Add a file of dosing-session records alone (no scores) as a dataset: an empty scores table and
	 * the records in `<table>__sessions`, then active (/safety reads its records), and kept in the
	 * browser as one database file holding both tables (keep.ts), so it opens again after a reload.
	 */
	async addImportedSessions(meta: NewMeta, ipc: Uint8Array): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = tableOf(meta.id);
		// an empty canonical table by SQL: Arrow's builders compile code (eval), which the page's CSP forbids
		await conn.exec(createTableSql(table));
		// Apache Arrow is loaded here, not in the scripts every page preloads before its first render (the
		// engine brings it too once it starts; docs/performance-history.md has what this did and did not move).
		const { loadSessionIPC } = await import('../import/sessions-load');
		await loadSessionIPC(conn, `${table}__sessions`, ipc.slice());
		return this.register(meta, table, `${table}__sessions`);
	}

	/** The loaded active dataset a second file can be added to, or null (add-to-dataset.ts). */
	linkTarget(adding: 'scores' | 'sessions'): DatasetInfo | null {
		return linkTarget(this.active, !!this.active && this.loaded.has(this.active.id), adding);
	}

	/** How the staged rows of a second file (scores or session records) link to dataset `baseId`'s other part. */
	async linksWith(baseId: string, staged: Staged): Promise<SessionLinks> {
		return linksWith(this.conn, this.datasets.find((d) => d.id === baseId), staged);
	}

	/**
	 * Add a dataset made of dataset `baseId` and a second file's accepted rows staged in the engine
	 * (add-to-dataset.ts: a failure leaves the base and the staged rows as they were), then active and
	 * kept like any other. The base dataset stays as it is.
	 */
	async addLinked(meta: NewMeta, baseId: string, staged: Staged): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = tableOf(meta.id);
		const sessionsTable = await linkTables(conn, this.datasets.find((d) => d.id === baseId), this.loaded.has(baseId), table, staged);
		return this.register(meta, table, sessionsTable);
	}

	/** List, activate and keep a dataset whose tables are loaded (`table`, and its session records). */
	private async register(meta: NewMeta, table: string, sessionsTable?: string): Promise<{ kept: boolean; error?: string }> {
		const conn = this.conn!;
		this.loaded.add(meta.id);
		const described = await describeDataset(conn, ident(table), sessionsTable ? ident(sessionsTable) : null);
		const { sessions: records, ...counts } = described;
		const info: DatasetInfo = {
			...fromMeta({ ...meta, bytes: 0, sha256: '', version: STORE_VERSION, schema: SCHEMA_VERSION }), stored: undefined, ...counts,
			// a dataset of session records alone: its clients are those of the records
			...(records ? { sessionsTable, sessionRecords: records.rows, clients: counts.rows ? counts.clients : records.clients } : {})
		};
		this.datasets = [...this.datasets, info];
		await this.activate(meta.id);
		// Keeping writes the whole table out on the one engine worker: like the summaries, it waits for
		// the page's first charts, whose queries would otherwise queue behind it.
		await chartsSettled();
		const { stored, error } = await this.keep(meta, table, described, sessionsTable);
		const ds = this.datasets.find((d) => d.id === meta.id);
		if (ds && stored) {
			ds.stored = stored;
			void this.summaries.keepBeside(ds); // built before it was kept, they were not kept beside it
		}
		return { kept: !!stored, error };
	}

	/** Keep loaded table `table` (and its session records) in the browser with its counts; never throws (keeping.ts). */
	keep(meta: NewMeta, table: string, described: Described, sessionsTable?: string): Promise<{ stored?: StoredMeta; error?: string }> {
		return this.keeper.keep(meta, table, described, sessionsTable);
	}

	/** Delete a dataset from DuckDB and from the browser's storage. The demo cannot be deleted. */
	async remove(id: string): Promise<void> {
		const ds = this.datasets.find((d) => d.id === id);
		if (!ds || ds.builtin || !this.conn) return;
		if (this.activeId === id) await this.activate(DEMO_ID);
		if (ds.attached) await detachDatabaseFile(this.conn, ds.attached);
		else await this.conn.exec(sql`DROP TABLE IF EXISTS ${ident(ds.table)}`);
		if (ds.sessionsTable) await this.conn.exec(sql`DROP TABLE IF EXISTS ${ident(ds.sessionsTable)}`);
		ds.attached = undefined;
		await this.summaries.forget(this.conn, ds);
		this.loaded.delete(id);
		await this.store?.remove(id);
		this.datasets = this.datasets.filter((d) => d.id !== id);
	}
}

export const app = new AppState();
