/**
 * The Node engine: the same duckdb-wasm build the browser runs, through its synchronous Node
 * bindings. Used by vitest and by the command line. Never imported by browser code.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { COMPRESSED_STORAGE, decodeRows, OFFLINE_SETTINGS, type Connector, type Row } from './connector';
import { ident, sql, type Sql } from './sql';
import { PreparedCache } from './prepared';
import { insertInSlices } from './arrow-slices';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Blocking = any;

/** Open a fresh in-memory database and return its connector. Each call is an independent database. */
export async function openNodeEngine(): Promise<NodeConnector> {
	const duckdb: Blocking = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
	const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
	const db = await duckdb.createDuckDB(
		{
			mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs') }
		},
		new duckdb.VoidLogger(),
		duckdb.NODE_RUNTIME
	);
	await db.instantiate(() => {});
	db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
	const conn = db.connect();
	conn.query(OFFLINE_SETTINGS.text);
	conn.query(COMPRESSED_STORAGE.text);
	return new NodeConnector(db, conn);
}

export class NodeConnector implements Connector {
	constructor(
		private db: Blocking,
		private conn: Blocking
	) {}

	/** Statements with parameters, prepared once per text and kept, as the browser's engine does (prepared.ts). */
	private readonly prepared = new PreparedCache((text) => this.conn.prepare(text));

	/** Close the kept prepared statements (prepared.ts): what their last runs left is freed. */
	releaseStatements(): void {
		this.prepared.clear();
	}

	async query<T extends object = Row>(q: Sql): Promise<T[]> {
		return decodeRows<T>(await this.run(q));
	}

	async exec(q: Sql): Promise<void> {
		await this.run(q);
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
			async (part, first) => this.conn.insertArrowFromIPCStream(part, { name: table, create: first }),
			() => this.exec(sql`DROP TABLE IF EXISTS ${ident(table)}`)
		);
	}

	close(): void {
		this.prepared.clear();
		this.conn.close();
	}
}
