/**
 * Application data state, shared by every page: the engine, the datasets (the built-in demo plus
 * those the user imported and the browser keeps), which one is active, and a version number that
 * changes whenever the active data change (charts re-query on it).
 *
 * The active dataset is always exposed to SQL as the view `scores`; metrics never name dataset
 * tables. Kept datasets are opened only when first activated: a DuckDB database file (store format
 * 2) is attached as it is; an Arrow file kept by an older release (format 1) is inserted as before
 * and then rewritten as a database file in the background (keep.ts).
 */
import emptyDatabaseUrl from './empty.duckdb?url';
import { CachingConnector } from './cached';
import { chartsSettled } from './drawn';
import { DEMO_ID, DEMO_NAME, fetchDemo, loadDemo } from './demo';
import type { DemoFiles } from './demo-table';
import { keepSummaries, restoreKeptSummaries } from './kept-summaries';
import { attachDatabaseFile, detachDatabaseFile, keptSessions, keptSessionsIn, keptTable, writeDatabaseFile } from './keep';
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { describe, describeSessions } from './describe';
import { browserStore, STORE_VERSION, type DatasetStore, type NewMeta, type StoredMeta } from './store';
import { buildSummaries, dropSummaries, useSummaries, type Summaries } from '../metrics/summaries';
import { createDatasetViews, outcomeScores } from '../metrics/views';
import { SCHEMA_VERSION, upgradeScoresTable } from '../model/upgrade';
import { createTableSql } from '../model/schema';
import { loadSessionIPC } from '../import/sessions-load';
import { startMark } from '../engine/marks';
import { sessionLinks, type SessionLinks } from '../metrics/session-links';

export interface DatasetInfo {
	id: string;
	name: string;
	table: string;
	/** Rows of its table, every instrument (outcome, safety and experience scales). */
	rows: number;
	/** Rows of outcome instruments (what the `scores` view holds); known once the dataset is loaded. */
	scores?: number;
	clients: number;
	instruments: string[];
	importedAt: string;
	builtin: boolean;
	/** Present for datasets the browser keeps. */
	stored?: StoredMeta;
	/** Set when a kept dataset could not be loaded. */
	problem?: string;
	/** Set while a kept database file is attached: its database name (app-generated). */
	attached?: string;
	/** DuckDB table of the dataset's dosing-session records, when it has any (in memory). */
	sessionsTable?: string;
	/** Set when the attached kept file holds the dataset's session records (its table `sessions`). */
	attachedSessions?: boolean;
	/** Dosing-session records of the dataset; known once it is loaded. */
	sessionRecords?: number;
}

/** The rows of a dataset as a SQL relation: its table, or the table of its attached database file. */
const relation = (ds: DatasetInfo): Sql => (ds.attached ? keptTable(ds.attached) : ident(ds.table));
/** The dataset's session records as a SQL relation, or null when it has none. */
const sessionsRelation = (ds: DatasetInfo): Sql | null =>
	ds.attached && ds.attachedSessions ? keptSessions(ds.attached) : ds.sessionsTable ? ident(ds.sessionsTable) : null;
let attachments = 0;

type Status = 'idle' | 'starting' | 'ready' | 'error';
const ACTIVE_KEY = 'kap-outcomes.active-dataset';

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
	private emptyDatabase: Promise<Uint8Array> | null = null;
	private loaded = new Set<string>();
	/** Each loaded dataset's summaries (built once, when it is first activated; null if building failed). */
	private summaries = new Map<string, Promise<Summaries | null>>();
	/** The summaries already built, by dataset id. */
	private built = new Map<string, Summaries | null>();
	/** Datasets whose summaries were copied from the copy kept beside them (kept-summaries.ts). */
	private keptSummaries = new Set<string>();
	private starting: Promise<CachingConnector> | null = null;
	/** The demo's files, fetched while the engine starts when the demo is shown first (used once). */
	private demoFiles: Promise<DemoFiles> | null = null;

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
		if (startsWithDemo()) {
			// fetched while the engine starts rather than after it (a failure is reported when they are loaded)
			this.demoFiles = fetchDemo();
			this.demoFiles.catch(() => {});
		}
		const { getEngine } = await import('../engine/browser');
		this.engine = await getEngine();
		this.conn = new CachingConnector(this.engine);
		const demo: DatasetInfo = { id: DEMO_ID, name: DEMO_NAME, table: `ds_${DEMO_ID}`, rows: 0, clients: 0, instruments: [], importedAt: '', builtin: true };
		this.datasets = [demo, ...(await this.restoreKept())];
		const wanted = readActive();
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
		if (!this.loaded.has(id)) {
			try {
				if (ds.builtin) {
					const files = this.demoFiles ?? undefined;
					this.demoFiles = null;
					ds.sessionsTable = (await loadDemo(this.conn, ds.table, files)).sessionsTable;
				}
				else if (ds.stored!.version === 2) {
					const alias = `kept_${++attachments}`;
					await attachDatabaseFile(this.conn, alias, await this.store!.load(ds.stored!)).catch((e) => {
						throw new Error(`stored dataset ${ds.id} could not be opened by the database (${e instanceof Error ? e.message : e}); delete it and import the file again`);
					});
					const withSessions = await keptSessionsIn(this.conn, alias);
					if ((ds.stored!.schema ?? 1) < SCHEMA_VERSION) {
						// Kept before the current schema: the attached file is read-only, so its rows are copied
						// into memory and brought up to date there (and the file rewritten in the background).
						await this.conn.exec(sql`CREATE OR REPLACE TABLE ${ident(ds.table)} AS SELECT * FROM ${keptTable(alias)}`);
						if (withSessions) {
							ds.sessionsTable = `${ds.table}__sessions`;
							await this.conn.exec(sql`CREATE OR REPLACE TABLE ${ident(ds.sessionsTable)} AS SELECT * FROM ${keptSessions(alias)}`);
						}
						await detachDatabaseFile(this.conn, alias);
						await upgradeScoresTable(this.conn, ds.table);
						migrate = true;
					} else {
						ds.attached = alias;
						ds.attachedSessions = withSessions;
					}
				} else {
					await this.conn.insertArrowIPC(ds.table, await this.store!.load(ds.stored!), true); // buffer handed over, not reused
					// Kept before the current schema (e.g. 21 item columns): add what is missing.
					await upgradeScoresTable(this.conn, ds.table);
					migrate = true;
				}
			} catch (e) {
				ds.problem = e instanceof Error ? e.message : String(e);
				throw e;
			}
			this.loaded.add(id);
			Object.assign(ds, await describe(this.conn, relation(ds)));
			const sessions = sessionsRelation(ds);
			if (sessions) {
				const counted = await describeSessions(this.conn, sessions);
				ds.sessionRecords = counted.rows;
				// A dataset of session records alone: its clients are those of the records.
				if (ds.rows === 0) ds.clients = counted.clients;
			}
		}
		await createDatasetViews(this.conn, relation(ds), sessionsRelation(ds));
		// The first view reads the rows while the dataset's summaries are built (once, in the
		// background, and kept for later activations); every query after that reads them. The figures
		// already drawn are not asked for again when they arrive (no version bump): both paths give the
		// same numbers (tests/unit/metrics-summaries.test.ts), so a second round of the page's queries
		// on the one engine worker would only delay the next interaction.
		useSummaries(this.conn, 'scores', this.built.get(id) ?? null);
		this.activeId = id;
		writeActive(id);
		this.version++;
		// Built once the page's first charts are in (chartsSettled): its statements would otherwise
		// interleave with the first view's queries on the one engine worker and hold them up.
		if (!this.built.has(id))
			void chartsSettled().then(() => (this.loaded.has(id) ? this.summariesOf(ds) : null)).then(async (s) => {
				this.built.set(id, s);
				if (s && this.activeId === id && this.conn) useSummaries(this.conn, 'scores', s);
				// kept beside a kept dataset, so the next start copies them instead of building them
				if (s && !this.keptSummaries.has(id) && ds.stored?.version === 2 && this.store && this.engine) {
					await chartsSettled();
					await keepSummaries(this.engine, this.store, ds.stored, s, await this.template()).catch((e) => console.warn(`summaries of ${ds.name} not kept`, e));
				}
			});
		if (migrate) this.migrations.push(this.migrate(ds));
	}

	/** How dataset `id`'s summaries came to be (for the benchmark); null until they exist. */
	summaryTiming(id: string): { kept: boolean; ms: number } | null {
		const s = this.built.get(id);
		return s ? { kept: this.keptSummaries.has(id), ms: s.buildMs } : null;
	}

	/** An empty DuckDB database file to write kept datasets into (see keep.ts). */
	private template(): Promise<Uint8Array> {
		this.emptyDatabase ??= fetch(emptyDatabaseUrl).then(async (r) => {
			if (!r.ok) throw new Error(`empty database file could not be fetched (${r.status})`);
			return new Uint8Array(await r.arrayBuffer());
		});
		this.emptyDatabase.catch(() => (this.emptyDatabase = null));
		return this.emptyDatabase;
	}

	/**
	 * Rewrite a format-1 (Arrow) kept dataset as a DuckDB database file, so the next start attaches
	 * it instead of inserting it. A failure changes nothing: it stays in format 1, opens as before,
	 * and is migrated on a later start.
	 */
	private async migrate(ds: DatasetInfo): Promise<void> {
		if (!this.store || !this.engine || !ds.stored) return;
		try {
			const file = await writeDatabaseFile(this.engine, ds.table, await this.template(), ds.sessionsTable);
			ds.stored = await this.store.migrate({ ...ds.stored, schema: SCHEMA_VERSION }, file.bytes, file.engine);
		} catch {
			/* kept in format 1; tried again next start */
		}
	}

	/**
	 * The dataset's summaries (metrics/summaries.ts), the first time it is activated: copied from the
	 * copy kept beside a kept dataset, else built. If they cannot be had the metrics read the score
	 * rows, as they would without them.
	 */
	private summariesOf(ds: DatasetInfo): Promise<Summaries | null> {
		let made = this.summaries.get(ds.id);
		if (!made) {
			const conn = this.conn!;
			// A kept dataset's copy kept beside it first (a copy of small tables); else built from the
			// dataset's own rows, not the `scores` view: another dataset may become active meanwhile.
			const kept = ds.attached && ds.stored && this.store ? restoreKeptSummaries(conn, this.store, ds.stored, ds.table) : Promise.resolve(null);
			made = kept
				.then((s) => {
					if (!s) return buildSummaries(conn, ds.table, outcomeScores(relation(ds)));
					this.keptSummaries.add(ds.id);
					return s;
				})
				.catch((e) => {
					console.warn(`summaries of ${ds.name} not built; metrics read the score rows`, e);
					return null;
				});
			this.summaries.set(ds.id, made);
		}
		return made;
	}

	/**
	 * Add an imported dataset: load it into DuckDB, keep it in the browser (when possible), make it
	 * active. If loading fails, nothing changes; if only keeping fails, the dataset stays for this
	 * session and the error says it was not kept.
	 */
	async addImported(meta: NewMeta, ipc: Uint8Array): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = tableOf(meta.id);
		// DuckDB's worker takes ownership of the buffer it is given (transfer), so it gets a copy: the
		// caller's stays usable (a retry after a failure).
		await conn.insertArrowIPC(table, ipc.slice(), true);
		this.loaded.add(meta.id);
		const { stored, error } = await this.keep(meta, table);
		const info: DatasetInfo = { ...fromMeta({ ...meta, bytes: 0, sha256: '', version: STORE_VERSION, schema: SCHEMA_VERSION }), stored, ...(await describe(conn, ident(table))) };
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
		await loadSessionIPC(conn, `${table}__sessions`, ipc.slice());
		return this.register(meta, table, `${table}__sessions`);
	}

	/**
	 * The loaded active dataset a second file can be added to: one of scores without session records
	 * (`adding` 'sessions'), or one of session records without scores (`adding` 'scores'); else null.
	 */
	linkTarget(adding: 'scores' | 'sessions'): DatasetInfo | null {
		const ds = this.active;
		if (!ds || !this.loaded.has(ds.id) || ds.builtin) return null;
		const hasSessions = !!sessionsRelation(ds);
		return adding === 'sessions' ? (ds.rows > 0 && !hasSessions ? ds : null) : ds.rows === 0 && hasSessions ? ds : null;
	}

	/** How the staged rows of a second file (scores or session records) link to dataset `baseId`'s other part. */
	async linksWith(baseId: string, staged: { scores?: string; sessions?: string }): Promise<SessionLinks> {
		const base = this.datasets.find((d) => d.id === baseId);
		const baseSessions = base && sessionsRelation(base);
		if (!base || !this.conn || (!staged.sessions && !baseSessions)) throw new Error('the dataset to add to is not loaded');
		return sessionLinks(this.conn, staged.scores ? ident(staged.scores) : relation(base), staged.sessions ? ident(staged.sessions) : baseSessions!);
	}

	/**
	 * Add a dataset made of dataset `baseId` and a second file's accepted rows staged in the engine
	 * (`staged.sessions`: session records added to a dataset of scores; `staged.scores`: scores added to
	 * one of session records). The base's part is copied first, so a failure leaves the base and the
	 * staged rows as they were; then the staged table is renamed, and the new dataset is made active
	 * and kept like any other. The base dataset stays as it is.
	 */
	async addLinked(meta: NewMeta, baseId: string, staged: { scores?: string; sessions?: string }): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const base = this.datasets.find((d) => d.id === baseId);
		const baseSessions = base && sessionsRelation(base);
		if (!base || !this.loaded.has(baseId) || (!staged.sessions && !baseSessions)) throw new Error('the dataset to add to is not loaded; choose it on this page first');
		const table = tableOf(meta.id);
		const sessionsTable = `${table}__sessions`;
		const copied = staged.scores ? sessionsTable : table;
		try {
			await conn.exec(sql`CREATE TABLE ${ident(copied)} AS SELECT * FROM ${staged.scores ? baseSessions! : relation(base)}`);
			await conn.exec(sql`ALTER TABLE ${ident(staged.scores ?? staged.sessions!)} RENAME TO ${ident(staged.scores ? table : sessionsTable)}`);
		} catch (e) {
			await conn.exec(sql`DROP TABLE IF EXISTS ${ident(copied)}`).catch(() => {});
			throw e;
		}
		return this.register(meta, table, sessionsTable);
	}

	/** List, activate and keep a dataset whose tables are loaded (`table`, and its session records). */
	private async register(meta: NewMeta, table: string, sessionsTable?: string): Promise<{ kept: boolean; error?: string }> {
		const conn = this.conn!;
		this.loaded.add(meta.id);
		const counts = await describe(conn, ident(table));
		const records = sessionsTable ? await describeSessions(conn, ident(sessionsTable)) : null;
		const info: DatasetInfo = {
			...fromMeta({ ...meta, bytes: 0, sha256: '', version: STORE_VERSION, schema: SCHEMA_VERSION }), stored: undefined, ...counts,
			// a dataset of session records alone: its clients are those of the records
			...(records ? { sessionsTable, sessionRecords: records.rows, clients: counts.rows ? counts.clients : records.clients } : {})
		};
		this.datasets = [...this.datasets, info];
		await this.activate(meta.id);
		const { stored, error } = await this.keep(meta, table, sessionsTable);
		const ds = this.datasets.find((d) => d.id === meta.id);
		if (ds && stored) ds.stored = stored;
		return { kept: !!stored, error };
	}

	/**
	 * Keep loaded table `table` (and its session records, `sessionsTable`) in the browser as a DuckDB
	 * database file. Never throws: when keeping fails (no storage, quota), the dataset still serves
	 * this session and `error` says why.
	 */
	async keep(meta: NewMeta, table: string, sessionsTable?: string): Promise<{ stored?: StoredMeta; error?: string }> {
		if (!this.store) return { error: 'this browser offers no private file storage, so the dataset lasts until the page is closed' };
		try {
			const file = await writeDatabaseFile(this.engine!, table, await this.template(), sessionsTable);
			return { stored: await this.store.save({ ...meta, schema: SCHEMA_VERSION }, file.bytes, STORE_VERSION, file.engine) };
		} catch (e) {
			return { error: e instanceof Error ? e.message : String(e) };
		}
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
		if (this.summaries.has(id)) await dropSummaries(this.conn, ds.table);
		this.summaries.delete(id);
		this.built.delete(id);
		this.loaded.delete(id);
		await this.store?.remove(id);
		this.datasets = this.datasets.filter((d) => d.id !== id);
	}
}

/** The DuckDB table of dataset `id` (its session records: `<table>__sessions`). */
const tableOf = (id: string) => `ds_${id.replace(/\W/g, '_')}`;

function fromMeta(m: StoredMeta): DatasetInfo {
	return {
		id: m.id, name: m.name, table: tableOf(m.id), rows: m.rows, clients: m.clients,
		instruments: m.instruments, importedAt: m.importedAt, builtin: false, stored: m
	};
}

/** True when the next start will show the demo (no other dataset was last active in this browser). */
export function startsWithDemo(): boolean {
	const id = readActive();
	return !id || id === DEMO_ID;
}

function readActive(): string | null {
	try {
		return localStorage.getItem(ACTIVE_KEY);
	} catch {
		return null;
	}
}
function writeActive(id: string) {
	try {
		localStorage.setItem(ACTIVE_KEY, id);
	} catch {
		/* private mode: the choice just isn't remembered */
	}
}

export const app = new AppState();
