/**
 * Parquet through `hyparquet` (pure JS; duckdb-wasm's parquet reader is an extension that cannot be
 * fetched offline). Dynamic import keeps it out of the main bundle. Uncompressed and Snappy files are
 * read; other codecs would need `hyparquet-compressors`. The line of a row is its row number (1-based).
 */
import { cell } from './json';
import { ImportError, type Cell, type RawTable } from './types';

/** Read every row of the Parquet file in `bytes`. */
export async function readParquet(bytes: Uint8Array): Promise<RawTable> {
	const { parquetMetadata, parquetSchema, parquetReadObjects } = await import('hyparquet');
	const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
	let columns: string[];
	let records: Record<string, unknown>[];
	try {
		const meta = parquetMetadata(buffer);
		columns = parquetSchema(meta).children.map((c) => c.element.name);
		records = (await parquetReadObjects({ file: buffer, metadata: meta })) as Record<string, unknown>[];
	} catch (e) {
		throw new ImportError(`could not read the Parquet file: ${e instanceof Error ? e.message : String(e)}`);
	}
	const rows: Cell[][] = new Array(records.length);
	for (let i = 0; i < records.length; i++) rows[i] = columns.map((c) => cell(records[i][c]));
	return { columns, rows, lines: rows.map((_, i) => i + 1), format: 'parquet', header: true };
}
