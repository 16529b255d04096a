/**
 * Application data state, shared by every page: the engine, the loaded datasets, which one is
 * active, and a version number that changes whenever the active data changes (charts re-query on it).
 *
 * The active dataset is always exposed to SQL as the view `scores`; metrics never name dataset tables.
 */
import { CachingConnector } from './cached';
import { DEMO_ID, DEMO_NAME, loadDemo } from './demo';
import { ident } from '../engine/connector';

export interface DatasetInfo {
	id: string;
	name: string;
	table: string;
	rows: number;
	clients: number;
	instruments: string[];
	importedAt: string;
	builtin: boolean;
}

type Status = 'idle' | 'starting' | 'ready' | 'error';

class AppState {
	status = $state<Status>('idle');
	message = $state('');
	error = $state<string | null>(null);
	datasets = $state<DatasetInfo[]>([]);
	activeId = $state<string | null>(null);
	/** Bumped whenever the `scores` view changes. */
	version = $state(0);
	conn: CachingConnector | null = null;
	private starting: Promise<CachingConnector> | null = null;

	get active(): DatasetInfo | undefined {
		return this.datasets.find((d) => d.id === this.activeId);
	}

	/** Start the engine and load the datasets once; every page awaits this. */
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
		const conn = new CachingConnector(await getEngine());
		this.conn = conn;
		this.message = 'Loading the demo cohort…';
		const table = `ds_${DEMO_ID}`;
		await loadDemo(conn, table);
		this.datasets = [{ ...(await describe(conn, table)), id: DEMO_ID, name: DEMO_NAME, builtin: true, importedAt: '' }];
		await this.activate(DEMO_ID);
		this.status = 'ready';
		this.message = '';
		return conn;
	}

	/** Make dataset `id` the one every page shows. */
	async activate(id: string): Promise<void> {
		const ds = this.datasets.find((d) => d.id === id);
		if (!ds || !this.conn) return;
		await this.conn.exec(`CREATE OR REPLACE VIEW scores AS SELECT * FROM ${ident(ds.table)}`);
		this.activeId = id;
		this.version++;
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
