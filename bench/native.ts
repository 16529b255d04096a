/**
 * Native DuckDB (`@duckdb/node-api`, pinned exactly to 1.5.5-r.5: newer releases ship native
 * bindings for fewer platforms here and break `npm ci`) behind the app's `Connector` interface,
 * so the benchmark can run the very SQL texts the browser ran on the same rows and report a
 * wasm / native ratio. Native DuckDB is v1.5.5, the browser's v1.4.3: the ratio is engine build +
 * wasm overhead together, which is what a user feels.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { decodeRows, ident, lit, OFFLINE_SETTINGS, type Connector, type Row } from '../src/lib/engine/connector';
import { CANONICAL_SQL_TYPES } from '../src/lib/model/schema';

/** A `Connector` over one native in-memory DuckDB database. */
export class NativeConnector implements Connector {
	private constructor(private conn: DuckDBConnection) {}

	/** Open an in-memory database; `threads` defaults to DuckDB's own choice (all cores). */
	static async open(threads?: number): Promise<NativeConnector> {
		const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
		const c = new NativeConnector(await instance.connect());
		await c.exec(OFFLINE_SETTINGS);
		return c;
	}

	async query<T extends object = Row>(sql: string): Promise<T[]> {
		const reader = await this.conn.runAndReadAll(sql);
		const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
		return decodeRows<T>({ toArray: () => rows.map((r) => ({ toJSON: () => ({ ...r }) })) });
	}

	async exec(sql: string): Promise<void> {
		await this.conn.run(sql);
	}

	registerFile(): Promise<void> {
		return Promise.reject(new Error('native bench connector reads files by path'));
	}

	async dropFile(): Promise<void> {}

	insertArrowIPC(): Promise<void> {
		return Promise.reject(new Error('native bench connector loads CSV by path (no arrow extension offline)'));
	}

	/**
	 * Create `table` from the canonical CSV at `path` with the canonical column types (the same
	 * types the browser's Arrow IPC carries) and point the view `scores` at it, as the app does.
	 */
	async loadCanonicalCsv(path: string, table: string, header: string[]): Promise<void> {
		const columns = header.map((c) => `${lit(c)}: ${lit(CANONICAL_SQL_TYPES[c] ?? 'VARCHAR')}`).join(', ');
		await this.exec(`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(path)}, header = true, columns = {${columns}})`);
		await this.exec(`CREATE OR REPLACE VIEW scores AS SELECT * FROM ${ident(table)}`);
	}
}
