/**
 * What the set-based import (run.ts) reads: the file's records as one relation of text cells, and
 * how the report names a record's line. A delimited file is read by DuckDB's CSV reader from bytes
 * registered with the engine (Node), or in the browser from a Blob the engine reads in slices; on native DuckDB (the command line) a Parquet file
 * is read by path through its statically linked parquet reader, so a registry larger than a browser
 * tab never becomes JavaScript rows.
 */
import type { Connector } from '../../engine/connector';
import { ident, join, sql, type Sql } from '../../engine/sql';
import type { RawTable } from '../types';
import { HEAD_ROWS, RECORD_STEP, type PreparedCsv } from './prepare';
import { UseJavaScript } from './dict';

export interface RawSource {
	/** First data rows as the JavaScript reader would read them (mapping suggestion, identifier check). */
	head: RawTable;
	/** Its reader reads only the columns a statement asks for (Parquet): the import then reads it a column at a time where it can (dict.ts readTexts). */
	columnar?: boolean;
	/** Columns of every record. */
	width: number;
	format: string;
	/** Records the relation returns (a header record and blank records included). */
	records: number;
	/** Whether record 0 is the header (dropped before mapping). */
	header: boolean;
	/** Each column's distinct non-empty texts among the data records, when the byte scan collected them (prepare.ts); null past its cap. */
	texts?: (string[] | null)[];
	/** Records with no text at all, dropped as the JavaScript reader drops them. */
	blank: number[];
	/** The line (or row number) the report gives record `ord`. */
	lineOf(ord: number): number;
	/**
	 * Columns stored as numbers (a typed Parquet column): their text `c<i>` is DuckDB's text of the
	 * number `n<i>`, also in the relation, and so is the stored value `o<i>`. The dictionaries join on
	 * the number (see Dictionaries.add); the distinct texts are made from the distinct stored values
	 * (dict.ts readTexts).
	 */
	numeric?: Set<number>;
	/** Of `numeric`, the DOUBLE columns (a double's zero and NaN have two texts each: dict.ts readTexts). */
	doubles?: Set<number>;
	/**
	 * Make the records readable under `name`: relations of `ord` (0-based) then VARCHAR columns `c0` …
	 * `c<width - 1>` (and `n<i>`, `o<i>` for `numeric`), each a slice of consecutive records, in order;
	 * together every record. More than one for a large delimited file (csvSource).
	 */
	open(conn: Connector, name: string): Promise<Sql[]>;
	/** Release what `open` registered. */
	close(conn: Connector, name: string): Promise<void>;
}

/**
 * Records per slice of a large file (a multiple of prepare.ts's RECORD_STEP; 1M-record files are one
 * slice). The import writes its table a slice per statement (run.ts): DuckDB compresses a table's rows
 * when their statement commits and holds them uncompressed until then, so one statement over a 10M-row
 * file ran out of a tab's wasm memory.
 */
export const SLICE_RECORDS = 64 * RECORD_STEP;

/**
 * A prepared delimited file, read by `read_csv` from its registered bytes: one file per slice of
 * `sliceRecords` records (rounded down to a multiple of `csv.step`), cut where a record starts.
 */
export function csvSource(csv: PreparedCsv, sliceRecords = SLICE_RECORDS): RawSource {
	const per = Math.max(1, Math.floor(sliceRecords / csv.step)) * csv.step;
	// [first record, first byte] of each slice; the last slice runs to the end of the bytes.
	const cuts: [number, number][] = [];
	for (let r = 0; r < csv.lines.length; r += per) cuts.push([r, csv.starts[r / csv.step]]);
	const size = csv.bytes instanceof Blob ? csv.bytes.size : csv.bytes.length;
	const file = (name: string, k: number) => (cuts.length === 1 ? `${name}.csv` : `${name}_${k}.csv`);
	return {
		head: csv.head,
		width: csv.width,
		format: csv.format,
		records: csv.lines.length,
		header: csv.header,
		blank: csv.blank,
		texts: csv.texts,
		lineOf: (ord) => csv.lines[ord],
		async open(conn, name) {
			// Every column named and typed: no sniffing pass over the file (the line scan knows its width,
			// and a record of another width is an error in strict mode).
			const columns = join(Array.from({ length: csv.width }, (_, i) => sql`${ident(`c${i}`)}: 'VARCHAR'`));
			const out: Sql[] = [];
			for (const [k, [record, from]] of cuts.entries()) {
				const to = k + 1 < cuts.length ? cuts[k + 1][1] : size;
				await registerBody(conn, file(name, k), cuts.length === 1 ? csv.bytes : part(csv.bytes, from, to));
				const reader = sql`read_csv(${file(name, k)}, delim = ${csv.delimiter}, quote = '"', escape = '"', header = false, skip = 0, auto_detect = false, columns = {${columns}}, strict_mode = true, null_padding = false)`;
				out.push(sql`(SELECT ordinality - 1${record ? sql` + ${record}::BIGINT` : sql``} AS ord, * EXCLUDE (ordinality) FROM ${reader} WITH ORDINALITY)`);
			}
			return out;
		},
		close: async (conn, name) => {
			for (let k = 0; k < cuts.length; k++) await conn.dropFile(file(name, k)).catch(() => {});
		}
	};
}

/** Bytes `from` to `to` of a body: a Blob's slice is a view; bytes are copied (an engine may take the buffer it is given). */
function part(body: Uint8Array | Blob, from: number, to: number): Uint8Array | Blob {
	return body instanceof Blob ? body.slice(from, to) : body.slice(from, to);
}

/** Register a file's body: a Blob by handle where the engine reads one in place, else its bytes. */
async function registerBody(conn: Connector, name: string, body: Uint8Array | Blob): Promise<void> {
	if (!(body instanceof Blob)) return conn.registerFile(name, body);
	if (conn.registerBlob) return conn.registerBlob(name, body);
	return conn.registerFile(name, new Uint8Array(await body.arrayBuffer()));
}

/**
 * A Parquet file read by native DuckDB from `path` (its cells as text, as the JavaScript reader gives
 * them; a row's line is its 1-based row number, as there). Throws UseJavaScript when DuckDB cannot read it.
 */
export async function parquetSource(conn: Connector, path: string): Promise<RawSource> {
	const reader = sql`read_parquet(${path}, file_row_number = true)`;
	let columns: string[];
	let types: string[];
	let records: number;
	try {
		const described = await conn.query<{ column_name: string; column_type: string }>(sql`DESCRIBE SELECT * EXCLUDE (file_row_number) FROM ${reader}`);
		columns = described.map((c) => c.column_name);
		types = described.map((c) => c.column_type);
		[{ records }] = await conn.query<{ records: number }>(sql`SELECT count(*)::BIGINT AS records FROM ${reader}`);
	} catch (e) {
		throw new UseJavaScript(`DuckDB's Parquet reader refused the file (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
	}
	// Positional names: a column of the file may be called anything, `ord` included.
	// Integer and DOUBLE columns. Left out: FLOAT (its text is the float's, which as a double is another
	// number), DECIMAL and HUGEINT (not always a double).
	const numeric = new Set(columns.flatMap((_, i) => (NUMERIC_TYPES.has(types[i]) ? [i] : [])));
	const doubles = new Set([...numeric].filter((i) => types[i] === 'DOUBLE'));
	// A column the import does not read is never cast (DuckDB drops unused columns of a subquery), so
	// the texts of number columns are made only where a statement needs them (see run.ts).
	const relation = sql`(SELECT file_row_number AS ord, ${join(columns.map((c, i) => sql`CAST(${ident(c)} AS VARCHAR) AS ${ident(`c${i}`)}`))}${join(
		[...numeric].map((i) => sql`, CAST(${ident(columns[i])} AS DOUBLE) AS ${ident(`n${i}`)}, ${ident(columns[i])} AS ${ident(`o${i}`)}`),
		sql``
	)} FROM ${reader})`;
	const headRows = await conn.query<Record<string, string | null>>(sql`SELECT * EXCLUDE (ord) FROM ${relation} ORDER BY ord LIMIT ${HEAD_ROWS}`);
	const rows = headRows.map((r) => columns.map((_, i) => r[`c${i}`] ?? null));
	return {
		head: { columns, rows, lines: rows.map((_, i) => i + 1), format: 'parquet', header: true },
		width: columns.length,
		format: 'parquet',
		records: Number(records),
		header: false,
		blank: [],
		lineOf: (ord) => ord + 1,
		columnar: true,
		numeric,
		doubles,
		open: async () => [relation],
		close: async () => {}
	};
}

const NUMERIC_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'DOUBLE']);
