/**
 * The native engine: DuckDB's own build for Node (`@duckdb/node-api`, pinned exactly to 1.5.5-r.5:
 * newer releases ship native bindings for fewer platforms here and break `npm ci`), behind the same
 * `Connector` as the wasm engines, for the command line on data larger than a browser tab holds.
 * Its parquet and json extensions are statically linked (nothing is fetched; autoload is off as
 * everywhere), so it reads CSV, Parquet and JSON files by path itself. It uses every core.
 * Never imported by browser code.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOUBLE, DuckDBInstance, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { tableFromIPC, Type, type DataType } from 'apache-arrow';
import { plainRow, OFFLINE_SETTINGS, SUMMARY_STORAGE, type Connector, type Row, type Value } from './connector';
import { ident, join, sql, type Sql } from './sql';

export class NativeConnector implements Connector {
	private constructor(
		private conn: DuckDBConnection,
		/** This connector's own directory: `files/` (registered files), `spill/` (DuckDB's temp files). */
		private home: string
	) {}

	private get filesDir(): string {
		return path.join(this.home, 'files');
	}

	/**
	 * Open a database; `threads` defaults to DuckDB's own choice (all cores). With `memoryLimit`
	 * (DuckDB's syntax, '4GB') DuckDB spills what does not fit to a temporary directory. With `onDisk`
	 * the database is a file in the connector's directory rather than in memory: DuckDB compresses the
	 * tables it writes there and an in-memory database's tables it does not, so a registry of tens of
	 * millions of rows takes a fraction of the memory and temporary disk (5M rows through `report`:
	 * peak RSS 4.3 → 1.8 GB, temporary files 1.5 → 0.3 GB, for about a sixth more CPU). Registered
	 * files, the database file and spill live in that directory, removed on close.
	 */
	static async open(options: { threads?: number; memoryLimit?: string; onDisk?: boolean } = {}): Promise<NativeConnector> {
		const config: Record<string, string> = {};
		if (options.threads) config.threads = String(options.threads);
		const home = await mkdtemp(path.join(tmpdir(), 'kap-outcomes-duckdb-'));
		await mkdir(path.join(home, 'files'));
		// A registered file's bare name resolves here, as it does in duckdb-wasm's virtual file system.
		config.file_search_path = path.join(home, 'files');
		if (options.memoryLimit) {
			config.memory_limit = options.memoryLimit;
			config.temp_directory = path.join(home, 'spill');
		}
		const instance = await DuckDBInstance.create(options.onDisk ? path.join(home, 'work.duckdb') : ':memory:', config);
		const c = new NativeConnector(await instance.connect(), home);
		await c.exec(OFFLINE_SETTINGS);
		// A Parquet file's footer is parsed once, not at every read: the import reads the file in several
		// statements, and its distinct-texts statement (a read per column) spent 3.4 s of 50M rows' 11.8 s
		// planning (2.8 s of it gone with the cache, 2026-12-07). DuckDB checks the file is unchanged (test).
		// The parquet extension is statically linked: LOAD fetches nothing.
		await c.exec(sql`LOAD parquet; SET parquet_metadata_cache = true`);
		await c.exec(SUMMARY_STORAGE);
		return c;
	}

	async query<T extends object = Row>(q: Sql): Promise<T[]> {
		const reader = await this.conn.runAndReadAll(q.text, ...bound(q.params));
		const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
		return rows.map((r) => plainRow<T>(r));
	}

	async exec(q: Sql): Promise<void> {
		await this.conn.run(q.text, ...bound(q.params));
	}

	/**
	 * Make `bytes` readable by DuckDB's readers under the bare `name` (the importer's
	 * `read_csv('<name>')`), as duckdb-wasm's registered files are: written into this connector's
	 * files directory, which is DuckDB's file search path. `name` is a file name, never a path.
	 */
	async registerFile(name: string, bytes: Uint8Array): Promise<void> {
		await writeFile(this.registeredPath(name), bytes);
	}

	async dropFile(name: string): Promise<void> {
		await rm(this.registeredPath(name), { force: true });
	}

	private registeredPath(name: string): string {
		if (!name || name !== path.basename(name) || name === '.' || name === '..' || name.includes('\0')) throw new Error(`not a file name: ${JSON.stringify(name)}`);
		return path.join(this.filesDir, name);
	}

	/**
	 * Append an Arrow IPC stream to `table` (creating it with the stream's column types when
	 * `create`). Native DuckDB has no Arrow reader without fetching an extension, so the rows go
	 * through DuckDB's appender; this path serves files read in JavaScript (xlsx, `.dat`), which
	 * are small. Large files are read by DuckDB itself (read_csv / read_parquet / read_json).
	 */
	async insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
		const t = tableFromIPC(ipc);
		const fields = t.schema.fields;
		if (create) {
			const cols = fields.map((f) => sql`${ident(f.name)} ${columnType(f.type)}`);
			await this.exec(sql`CREATE OR REPLACE TABLE ${ident(table)} (${join(cols)})`);
		}
		const appender = await this.conn.createAppender(table);
		const vectors = fields.map((_, i) => t.getChildAt(i)!);
		for (let r = 0; r < t.numRows; r++) {
			for (let c = 0; c < fields.length; c++) append(appender, fields[c].type, vectors[c].get(r));
			appender.endRow();
		}
		appender.closeSync();
	}

	close(): void {
		this.conn.closeSync();
		rmSync(this.home, { recursive: true, force: true });
	}
}

/**
 * Values and types to bind. A null is bound as a VARCHAR NULL: node-api cannot infer a type for an
 * untyped null ("Cannot create values of type ANY"), and DuckDB casts a VARCHAR NULL to whatever the
 * statement needs, as the wasm engine does. A whole number past 2^53 is bound as the DOUBLE it is:
 * node-api infers BIGINT for a whole number and refuses one beyond its range (1e20). Other values keep
 * node-api's inference.
 */
function bound(params: readonly Value[]): [Value[] | undefined, DuckDBType[] | undefined] {
	if (!params.length) return [undefined, undefined];
	const types = params.map((p) => (p === null ? VARCHAR : typeof p === 'number' && Number.isInteger(p) && !Number.isSafeInteger(p) ? DOUBLE : undefined));
	return [params as Value[], types.some(Boolean) ? (types as DuckDBType[]) : undefined];
}

/** DuckDB column type for an Arrow type (the canonical model uses only these). */
function columnType(t: DataType): Sql {
	switch (t.typeId) {
		case Type.Int:
			return (t as unknown as { bitWidth: number }).bitWidth > 32 ? sql`BIGINT` : sql`INTEGER`;
		case Type.Float:
			return sql`DOUBLE`;
		case Type.Bool:
			return sql`BOOLEAN`;
		default:
			return sql`VARCHAR`;
	}
}

function append(a: DuckDBAppender, t: DataType, v: unknown): void {
	if (v === null || v === undefined) return a.appendNull();
	switch (t.typeId) {
		case Type.Int:
			return (t as unknown as { bitWidth: number }).bitWidth > 32 ? a.appendBigInt(BigInt(v as number | bigint)) : a.appendInteger(Number(v));
		case Type.Float:
			return a.appendDouble(Number(v));
		case Type.Bool:
			return a.appendBoolean(Boolean(v));
		default:
			return a.appendVarchar(String(v));
	}
}
