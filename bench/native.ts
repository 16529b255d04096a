/**
 * Native DuckDB (`@duckdb/node-api`, pinned exactly to 1.5.5-r.5: newer releases ship native
 * bindings for fewer platforms here and break `npm ci`) behind the app's `Connector` interface,
 * so the benchmark can run the very SQL texts the browser ran on the same rows and report a
 * wasm / native ratio. Native DuckDB is v1.5.5, the browser's v1.4.3: the ratio is engine build +
 * wasm overhead together, which is what a user feels.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { decodeRows, OFFLINE_SETTINGS, type Connector, type Row, type Value } from '../src/lib/engine/connector';
import { ident, sql, type Sql, type Statement } from '../src/lib/engine/sql';
import { readCsvTyped } from '../src/lib/data/demo-table';
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

	query<T extends object = Row>(q: Sql): Promise<T[]> {
		return this.replay<T>(q);
	}

	async exec(q: Sql): Promise<void> {
		await this.conn.run(q.text, q.params.length ? (q.params as Value[]) : undefined);
	}

	/** Run a statement the browser logged (text and bound values, see `__kapBench.sqlLog`) and return its rows. */
	async replay<T extends object = Row>(s: Statement): Promise<T[]> {
		const reader = await this.conn.runAndReadAll(s.text, s.params.length ? (s.params as Value[]) : undefined);
		const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
		return decodeRows<T>({ toArray: () => rows.map((r) => ({ toJSON: () => ({ ...r }) })) });
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
		await this.exec(sql`CREATE OR REPLACE TABLE ${ident(table)} AS ${readCsvTyped(path, header, CANONICAL_SQL_TYPES)}`);
		await this.exec(sql`CREATE OR REPLACE VIEW scores AS SELECT * FROM ${ident(table)}`);
	}
}
