/**
 * The browser engine: duckdb-wasm in a same-origin Web Worker, started once, lazily.
 *
 * Import this module only from client code (dynamic `import()` inside onMount / effects): it
 * references `Worker` and wasm URLs that do not exist during prerender. All assets come from the
 * app's own origin through Vite `?url` imports; extension autoloading is switched off at open.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { ident, sql, type Sql } from './sql';
import { COMPRESSED_STORAGE, decodeRows, OFFLINE_SETTINGS, type Connector, type Row } from './connector';
import { startMark } from './marks';
import { PreparedCache } from './prepared';
import { insertInSlices } from './arrow-slices';

const BUNDLES: duckdb.DuckDBBundles = {
	mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
	eh: { mainModule: ehWasm, mainWorker: ehWorker }
};

/** Timings of the engine start, for the benchmark and the status line. */
export const engineTimings = { startMs: 0 };

let started: Promise<BrowserConnector> | null = null;

/** The one browser connector. The first call starts the engine; later calls share the same promise. */
export function getEngine(): Promise<BrowserConnector> {
	started ??= start().catch((e) => {
		started = null; // let a later call retry
		throw e;
	});
	return started;
}

async function start(): Promise<BrowserConnector> {
	const t0 = performance.now();
	startMark('engine-begin');
	const bundle = await duckdb.selectBundle(BUNDLES);
	const worker = new Worker(bundle.mainWorker!);
	const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
	await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
	startMark('engine-instantiated'); // wasm fetched and compiled in the worker
	await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
	const conn = await db.connect();
	await conn.query(OFFLINE_SETTINGS.text);
	await conn.query(COMPRESSED_STORAGE.text);
	engineTimings.startMs = performance.now() - t0;
	startMark('engine-ready');
	return new BrowserConnector(db, conn);
}

export class BrowserConnector implements Connector {
	constructor(
		readonly db: duckdb.AsyncDuckDB,
		private conn: duckdb.AsyncDuckDBConnection
	) {}

	async query<T extends object = Row>(q: Sql): Promise<T[]> {
		return decodeRows<T>(await this.run(q));
	}

	async exec(q: Sql): Promise<void> {
		await this.run(q);
	}

	/** Statements with parameters, prepared once per text and kept (prepared.ts). */
	private readonly prepared = new PreparedCache((text) => this.conn.prepare(text));

	/** Close the kept prepared statements (prepared.ts): what their last runs left is freed. */
	releaseStatements(): void {
		this.prepared.clear();
	}

	/** Without parameters the text runs as is (it may hold several statements); with them, as a prepared statement. */
	private async run(q: Sql) {
		const { text, params } = q;
		if (!params.length) return this.conn.query(text);
		return this.prepared.with(text, (stmt) => stmt.query(...params));
	}

	async registerFile(name: string, bytes: Uint8Array): Promise<void> {
		await this.db.registerFileBuffer(name, bytes);
	}

	/** Read lazily by the engine's worker (FileReaderSync on slices), never copied into wasm memory. */
	async registerBlob(name: string, blob: Blob): Promise<void> {
		await this.db.registerFileHandle(name, blob, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
	}

	async dropFile(name: string): Promise<void> {
		await this.db.dropFile(name);
	}

	async readFile(name: string): Promise<Uint8Array> {
		return this.db.copyFileToBuffer(name);
	}

	async insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
		// In slices of rows, each committed before the next (arrow-slices.ts): a stream copied whole
		// into wasm memory did not fit at 10M rows.
		await insertInSlices(
			ipc,
			create,
			// the worker takes the buffer it is given (transfer): the caller's own bytes go as a copy
			(part, first) => this.conn.insertArrowFromIPCStream(part === ipc ? ipc.slice() : part, { name: table, create: first }),
			() => this.exec(sql`DROP TABLE IF EXISTS ${ident(table)}`)
		);
	}

	/** Bytes of DuckDB's heap in use, as reported by the engine. */
	async memoryBytes(): Promise<number> {
		const rows = await this.query<{ b: number }>(sql`SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()`);
		return rows[0]?.b ?? 0;
	}
}
