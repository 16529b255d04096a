/**
 * The connector: the only way the rest of the app talks to DuckDB.
 *
 * Two implementations share this contract: `browser.ts` (duckdb-wasm in a same-origin worker) and
 * `node.ts` (duckdb-wasm's Node build, for tests and the CLI). Both run the same engine version, so
 * SQL tested in Node is the SQL the browser runs. Results are plain rows of numbers, strings,
 * booleans and nulls: Arrow never leaves the engine module.
 *
 * Statements are `Sql` only, built with the `sql` template (`./sql`): values travel as bound
 * parameters and names through `ident()`, so no value ever becomes SQL text. There is no string
 * overload (tests/unit/no-string-sql.test.ts keeps it that way).
 */

import { ident, sql, type Sql } from './sql';

export type Value = number | string | boolean | null;
export type Row = Record<string, Value>;

export interface Connector {
	/** Run `q` and return its rows as plain objects (BigInt/Decimal already numbers). */
	query<T extends object = Row>(q: Sql): Promise<T[]>;
	/** Run statements that return nothing useful (DDL, INSERT, SET). */
	exec(q: Sql): Promise<void>;
	/** Make `bytes` readable by SQL under the file name `name` (e.g. for read_csv). */
	registerFile(name: string, bytes: Uint8Array): Promise<void>;
	/**
	 * Optional: make `blob` (a user's File, or bytes handed over as a Blob) readable by SQL under `name`
	 * without copying it into the engine's memory: the engine reads the slices a query needs, when it
	 * needs them. The browser engine has it (its wasm memory is a fixed 4 GiB, which a 1 GB CSV copied
	 * whole would mostly fill); engines without it are given the bytes (`registerFile`).
	 */
	registerBlob?(name: string, blob: Blob): Promise<void>;
	/** Forget a registered file, releasing its memory. */
	dropFile(name: string): Promise<void>;
	/**
	 * Append (or create) table `table` from an Arrow IPC stream, in slices of rows (arrow-slices.ts).
	 * The caller's buffer stays usable (never handed to a worker); a table it creates is dropped again
	 * when a later slice fails.
	 */
	insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void>;
	/**
	 * Optional: store the result of `sql` (which reads only loaded data) as a temporary table and
	 * return its name; the same `sql` returns the same table until the data change. Lets several
	 * metrics of one page share an expensive intermediate (the client-series summary) instead of
	 * each recomputing it. Connectors without it get the intermediate inlined as a CTE. `keep`: the
	 * table derives from the data alone, not from a view of them (a summary table summed further), so
	 * it outlasts the views' results (forgetResults) and is dropped only when the data change.
	 */
	materialize?(q: Sql, keep?: boolean): Promise<string>;
	/**
	 * Optional: the current bytes of a registered file that SQL has written to (e.g. a database file
	 * ATTACHed and filled). Used to keep datasets as DuckDB database files (src/lib/data/keep.ts).
	 */
	readFile?(name: string): Promise<Uint8Array>;
	/**
	 * Optional: close the prepared statements kept for reuse (prepared.ts). DuckDB keeps with a prepared
	 * statement what its last run built (hash tables, a common table expression's rows): after the first
	 * view's statements on 10M score rows, 1.8 GB of the 3.1 GiB a tab's DuckDB may use (Node build of
	 * duckdb-wasm). The summaries' build needs that room (metrics/summaries.ts).
	 */
	releaseStatements?(): void;
}

/** What `decodeRows` reads of an Arrow table: its column names and its record batches' columns. */
export interface ArrowColumns {
	schema: { fields: readonly { name: string }[] };
	batches: readonly { numRows: number; getChildAt(i: number): Iterable<unknown> | null }[];
}

/**
 * Turn an Arrow table into plain rows. The single place where engine values become JS values:
 * BigInt → number, Date → epoch ms. Read column by column (each column's values in one pass of its
 * iterator) and then assembled into rows: the same values as reading it row by row through Arrow's
 * row proxies (`toArray()`, `toJSON()`), at a fraction of the cost on large results (issue 11).
 */
export function decodeRows<T extends object = Row>(table: ArrowColumns): T[] {
	const names = table.schema.fields.map((f) => f.name);
	const out: T[] = [];
	for (const batch of table.batches) {
		const columns = names.map((_, j) => {
			const values: Value[] = [];
			for (const v of batch.getChildAt(j) ?? []) values.push(plainValue(v));
			return values;
		});
		for (let i = 0; i < batch.numRows; i++) {
			const row: Row = {};
			for (let j = 0; j < names.length; j++) row[names[j]] = columns[j][i] ?? null;
			out.push(row as T);
		}
	}
	return out;
}

/** A row from another engine (native DuckDB's JS objects) with its values made plain, as `decodeRows` makes them. */
export function plainRow<T extends object = Row>(r: Record<string, unknown>): T {
	const row: Row = {};
	for (const k in r) row[k] = plainValue(r[k]);
	return row as T;
}

function plainValue(v: unknown): Value {
	if (v === null || v === undefined) return null;
	if (typeof v === 'bigint') return Number(v);
	if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
	if (v instanceof Date) return v.getTime();
	return String(v);
}

/** Statements run right after opening any database: never fetch extensions (offline, and it hangs in Node). */
export const OFFLINE_SETTINGS = sql`SET autoload_known_extensions = false; SET autoinstall_known_extensions = false`;

/**
 * The schema of a dataset's summary tables (metrics/summaries.ts): small tables read by every click.
 * Each engine places it at open (COMPRESSED_STORAGE, SUMMARY_STORAGE) and puts it on its search path.
 */
const SUMMARY_SCHEMA = 'kap_summaries';

/** Summary table `name` as it is created, replaced or dropped; the metrics read it by its bare name (the search path finds it). */
export function summaryTable(name: string): Sql {
	return sql`${ident(SUMMARY_SCHEMA)}.${ident(name)}`;
}

/**
 * Statements run right after OFFLINE_SETTINGS by the in-memory engines (the browser's, and its Node
 * build the tests run on): the score rows are stored compressed and the summaries are not. Every table
 * is created in an attached in-memory database with compression, made the default. Why: DuckDB
 * compresses a database file's tables but not those of a plain in-memory database, and a tab's wasm
 * memory is a fixed 4 GiB (DuckDB may use 3.1 GiB of it). The benchmark's 1M score rows took 327 MB
 * uncompressed and 40 MB compressed; at 10M the uncompressed table left too little for the summaries
 * and the views' queries ("failed to allocate"). But compressing costs CPU on every write, and the
 * summaries are written whole (built, or copied back from the kept file) and read by every click: their
 * schema is in the plain in-memory database (`memory`, the engine's own), second on the search path.
 * Uncompressed they take room (Node build: about 200 MB at 5M score rows, 360 MB at 10M, where the
 * wasm heap peaked at 1.9 of its 4 GiB through insert, build and copy back).
 * Temporary tables stay in the temp catalog. The command line's database is a file (SUMMARY_STORAGE).
 * `USE` and the search path hold for one connection: a second connection to the same database runs this
 * too (it attaches only once) or it would not see the app's tables (the benchmark's replay, data/bench.ts).
 * The search path is fixed text: DuckDB takes it as one string, not as identifiers.
 */
const DATA_CATALOG = 'kap_data';
export const COMPRESSED_STORAGE = sql`ATTACH IF NOT EXISTS ':memory:' AS ${ident(DATA_CATALOG)} (COMPRESS); USE ${ident(DATA_CATALOG)};
CREATE SCHEMA IF NOT EXISTS ${ident('memory')}.${ident(SUMMARY_SCHEMA)}; SET search_path = 'kap_data.main,memory.kap_summaries'`;

/**
 * The summaries' schema on native DuckDB: in its one database, as before. The command line's is a file,
 * whose tables are compressed anyway and can spill to disk (the summaries of 50M score rows are not small).
 */
export const SUMMARY_STORAGE = sql`CREATE SCHEMA IF NOT EXISTS ${ident(SUMMARY_SCHEMA)}; SET search_path = 'main,kap_summaries'`;
