/**
 * Application data state, shared by every page: the engine, the datasets (the built-in demo plus
 * those the user imported and the browser keeps), which one is active, and a version number that
 * changes whenever the active data change (charts re-query on it).
 *
 * The active dataset is always exposed to SQL as the view `scores`; metrics never name dataset
 * tables. Kept datasets are loaded into DuckDB only when first activated.
 */
import { CachingConnector } from './cached';
import { DEMO_ID, DEMO_NAME, loadDemo } from './demo';
import { ident } from '../engine/connector';
import { browserStore, type DatasetStore, type StoredMeta } from './store';
import { createDatasetViews } from '../metrics/views';
import { SCHEMA_VERSION, upgradeScoresTable } from '../model/upgrade';

export interface DatasetInfo {
	id: string;
	name: string;
	table: string;
	rows: number;
	clients: number;
	instruments: string[];
	importedAt: string;
	builtin: boolean;
	/** Present for datasets the browser keeps. */
	stored?: StoredMeta;
	/** Set when a kept dataset could not be loaded. */
	problem?: string;
	/** DuckDB table of the dataset's dosing-session records, when it has any. */
	sessionsTable?: string;
}

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
	store: DatasetStore | null = null;
	private loaded = new Set<string>();
	private starting: Promise<CachingConnector> | null = null;

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
		const { getEngine } = await import('../engine/browser');
		this.conn = new CachingConnector(await getEngine());
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
		if (!this.loaded.has(id)) {
			try {
				if (ds.builtin) ds.sessionsTable = (await loadDemo(this.conn, ds.table)).sessionsTable;
				else {
					await this.conn.insertArrowIPC(ds.table, await this.store!.load(ds.stored!), true); // buffer handed over, not reused
					// Kept before the current schema (e.g. 21 item columns): add what is missing.
					await upgradeScoresTable(this.conn, ds.table);
				}
			} catch (e) {
				ds.problem = e instanceof Error ? e.message : String(e);
				throw e;
			}
			this.loaded.add(id);
			Object.assign(ds, await describe(this.conn, ds.table));
		}
		await createDatasetViews(this.conn, ds.table, ds.sessionsTable ?? null);
		this.activeId = id;
		writeActive(id);
		this.version++;
	}

	/**
	 * Add an imported dataset: load it into DuckDB, keep it in the browser (when possible), make it
	 * active. If loading fails, nothing changes; if only keeping fails, the dataset stays for this
	 * session and the error says it was not kept.
	 */
	async addImported(meta: Omit<StoredMeta, 'bytes' | 'sha256' | 'version'>, ipc: Uint8Array): Promise<{ kept: boolean; error?: string }> {
		const conn = await this.ready();
		const table = `ds_${meta.id.replace(/\W/g, '_')}`;
		// DuckDB's worker takes ownership of the buffer it is given (transfer), so it gets a copy:
		// the original is what the store hashes and keeps.
		await conn.insertArrowIPC(table, ipc.slice(), true);
		this.loaded.add(meta.id);
		let stored: StoredMeta | undefined;
		let error: string | undefined;
		if (this.store) {
			try {
				stored = await this.store.save({ ...meta, schema: SCHEMA_VERSION }, ipc);
			} catch (e) {
				error = e instanceof Error ? e.message : String(e);
			}
		} else error = 'this browser offers no private file storage, so the dataset lasts until the page is closed';
		const info: DatasetInfo = { ...fromMeta({ ...meta, bytes: ipc.byteLength, sha256: '', version: 1, schema: SCHEMA_VERSION }), stored, ...(await describe(conn, table)) };
		this.datasets = [...this.datasets, info];
		await this.activate(meta.id);
		return { kept: !!stored, error };
	}

	/** Delete a dataset from DuckDB and from the browser's storage. The demo cannot be deleted. */
	async remove(id: string): Promise<void> {
		const ds = this.datasets.find((d) => d.id === id);
		if (!ds || ds.builtin || !this.conn) return;
		if (this.activeId === id) await this.activate(DEMO_ID);
		await this.conn.exec(`DROP TABLE IF EXISTS ${ident(ds.table)}`);
		this.loaded.delete(id);
		await this.store?.remove(id);
		this.datasets = this.datasets.filter((d) => d.id !== id);
	}
}

function fromMeta(m: StoredMeta): DatasetInfo {
	return {
		id: m.id, name: m.name, table: `ds_${m.id.replace(/\W/g, '_')}`, rows: m.rows, clients: m.clients,
		instruments: m.instruments, importedAt: m.importedAt, builtin: false, stored: m
	};
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

/** Row, client and instrument counts of a canonical table. */
export async function describe(conn: CachingConnector, table: string) {
	const [row] = await conn.query<{ rows: number; clients: number; instruments: string }>(
		`SELECT count(*)::INT AS rows, count(DISTINCT client_id)::INT AS clients,
		        string_agg(DISTINCT instrument, ',' ORDER BY instrument) AS instruments
		   FROM ${ident(table)}`
	);
	return { table, rows: row.rows, clients: row.clients, instruments: row.instruments ? row.instruments.split(',') : [] };
}

export const app = new AppState();
