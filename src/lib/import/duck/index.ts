/**
 * Import any file into a DuckDB table, through DuckDB's own CSV reader where it can read the file
 * exactly as the JavaScript importer would (prepare.ts), otherwise through the JavaScript importer
 * (xlsx, .dat, JSON, Parquet, irregular text, mappings with per-client values). The report says which
 * (`report.reader`) and is otherwise the same either way.
 */
import type { Connector } from '../../engine/connector';
import { applyMapping } from '../apply';
import { loadRows } from '../load';
import type { Mapping } from '../mapping';
import { readTable } from '../read';
import { suggestMapping } from '../suggest';
import type { RawTable } from '../types';
import { UseJavaScript } from './dict';
import { prepareDelimited, type PreparedCsv } from './prepare';
import { importPreparedCsv, importRawSource, type EngineImport, type Wanted } from './run';
import type { RawSource } from './source';

export { prepareDelimited, type PreparedCsv, HEAD_ROWS } from './prepare';
export { importPreparedCsv, type EngineImport, type ItemAnswers, type ImportWarnings, type Wanted } from './run';
export type { TextStorage } from './categories';
export { parquetSource, type RawSource } from './source';
export { UseJavaScript } from './dict';
export { duckdbNote, javascriptNote } from './notes';
import { duckdbNote, javascriptNote } from './notes';

/**
 * Read `bytes` (named `fileName`), map with `opts.mapping` (or the suggested mapping) and put the
 * accepted rows into `opts.table`. Throws ImportError when the file cannot be read at all.
 * `opts.items` (ItemAnswers) and `opts.texts` (TextStorage) apply on DuckDB's path; the JavaScript path
 * keeps the answers and stores text. `opts.warnings` (ImportWarnings) applies on both: 'none' gives a
 * report without warnings.
 */
export async function importWithEngine(
	conn: Connector,
	bytes: Uint8Array,
	fileName: string,
	opts: { table: string; mapping?: Mapping; sheet?: string } & Wanted
): Promise<EngineImport & { raw?: RawTable }> {
	const prepared = prepareDelimited(bytes, fileName);
	let reason: string;
	if (prepared.ok) {
		const mapping = opts.mapping ?? suggestMapping(prepared.csv.head);
		try {
			const out = await importPreparedCsv(conn, prepared.csv, mapping, opts.table, undefined, opts);
			out.report.reader = { path: 'duckdb', note: duckdbNote(prepared.csv) };
			return out;
		} catch (e) {
			if (!(e instanceof UseJavaScript)) throw e;
			reason = e.message;
		}
	} else reason = prepared.reason;
	const raw = await readTable(bytes, fileName, { sheet: opts.sheet ?? opts.mapping?.format?.sheet });
	const outcome = applyMapping(raw, opts.mapping ?? suggestMapping(raw));
	await loadRows(conn, opts.table, outcome);
	if (opts.warnings === 'none') outcome.report.warnings = [];
	outcome.report.reader = { path: 'javascript', note: javascriptNote(reason) };
	return { report: outcome.report, extraColumns: outcome.extraColumns, mapping: outcome.mapping, unknownLabels: outcome.unknownLabels, table: opts.table, raw };
}

/** Import a file DuckDB reads by path (a Parquet file on native DuckDB: `parquetSource`) into `table`. */
export async function importSource(conn: Connector, source: RawSource, opts: { table: string; mapping?: Mapping } & Wanted): Promise<EngineImport> {
	const out = await importRawSource(conn, source, opts.mapping ?? suggestMapping(source.head), opts.table, opts);
	out.report.reader = { path: 'duckdb', note: `read by DuckDB's ${source.format === 'parquet' ? 'Parquet' : 'CSV'} reader and checked in SQL` };
	return out;
}
