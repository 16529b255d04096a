/**
 * What the `report`, `bundle` and `validate`-like commands share: pick the engine (native DuckDB
 * by default — it uses every core and holds more than a browser tab; `--engine wasm` runs the
 * browser's build for parity checks) and load a file through the app's importer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connector } from '../engine/connector';
import { parseMapping, type Mapping } from '../import/index';
import { importSource, importWithEngine, parquetSource, UseJavaScript, type EngineImport, type RawSource, type Wanted } from '../import/duck/index';
import { ident } from '../engine/sql';
import { buildSummaries, useSummaries } from '../metrics/summaries';
import { outcomeScores } from '../metrics/views';

export type EngineKind = 'native' | 'wasm';
export type CliConnector = Connector & { close(): void };

/**
 * DuckDB's share of memory on the native engine (`KAP_MEMORY_LIMIT` overrides it, in DuckDB's syntax):
 * past it DuckDB spills to a temporary directory, so a registry of tens of millions of rows runs in
 * bounded memory. The JavaScript side adds a few hundred MB. The command line's database is a
 * temporary file (`onDisk`), whose tables DuckDB compresses.
 */
export const NATIVE_MEMORY_LIMIT = '4GB';

export async function openEngine(kind: EngineKind = 'native'): Promise<CliConnector> {
	if (kind === 'wasm') return (await import('../engine/node')).openNodeEngine();
	return (await import('../engine/native')).NativeConnector.open({ memoryLimit: process.env.KAP_MEMORY_LIMIT || NATIVE_MEMORY_LIMIT, onDisk: true });
}

export function engineOption(v: string | true | undefined): EngineKind {
	if (v === undefined) return 'native';
	if (v === 'native' || v === 'wasm') return v;
	throw new Error('--engine must be native or wasm');
}

/** Read a mapping file; throws with the reason. */
export async function readMapping(file: string): Promise<Mapping> {
	const m = parseMapping(JSON.parse(await readFile(file, 'utf8')));
	if (!m.ok) throw new Error(`invalid mapping ${file}: ${m.error}`);
	return m.mapping;
}

/**
 * A Parquet file (by its magic bytes) that native DuckDB reads by path, so its rows never become
 * JavaScript objects (a registry larger than a tab); undefined for any other file, on the wasm engine
 * (whose parquet reader is an extension it cannot fetch offline), or when DuckDB refuses the file
 * (the JavaScript reader then words why).
 */
export async function nativeParquet(conn: Connector, engine: EngineKind, file: string, bytes: Uint8Array): Promise<RawSource | undefined> {
	const magic = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
	if (engine !== 'native' || !magic.every((b, i) => bytes[i] === b)) return undefined;
	try {
		return await parquetSource(conn, path.resolve(file));
	} catch (e) {
		if (e instanceof UseJavaScript) return undefined;
		throw e;
	}
}

/** What the commands importing through importPath keep: no answers, no warnings, the text columns of few values as ENUMs (TextStorage). */
const CLI_IMPORT: Wanted = { items: 'drop', warnings: 'none', texts: 'enum' };

/**
 * Import `file` (its `bytes`) into `opts.table` of `conn`: a Parquet file by path on native DuckDB,
 * a delimited file through DuckDB's own CSV reader where it can read it (as the app does), anything
 * else through the JavaScript importer. Same report either way. The table keeps no item answers
 * (ItemAnswers 'drop') and the report no warnings (ImportWarnings 'none'): the commands that import
 * through here read no answer and print no warning (`validate`, which does, imports on its own).
 */
export async function importPath(conn: Connector, engine: EngineKind, file: string, bytes: Uint8Array, opts: { table: string; mapping?: Mapping; sheet?: string; source?: RawSource }): Promise<EngineImport> {
	const source = opts.source ?? (await nativeParquet(conn, engine, file, bytes));
	if (source) return importSource(conn, source, { ...opts, ...CLI_IMPORT });
	return importWithEngine(conn, bytes, path.basename(file), { ...opts, ...CLI_IMPORT });
}

/** Import `file` into table `scores` of `conn` (see importPath); returns the number of accepted rows. */
export async function loadFile(conn: Connector, file: string, opts: { mapping?: Mapping; sheet?: string; engine?: EngineKind } = {}): Promise<number> {
	const bytes = new Uint8Array(await readFile(file));
	const { report } = await importPath(conn, opts.engine ?? 'native', file, bytes, { table: 'scores', ...opts });
	return report.rows_accepted;
}

/**
 * Score rows per part of the summaries' client-series build on native DuckDB (metrics/summaries.ts
 * PART_ROWS, 5M, is the browser tab's). When parts were chosen by a hash of the id each read every
 * score row again: at 50M rows 11 parts of ~4.5M took 42 s, 6 parts of ~8.3M 26 s, with the same peak
 * memory (4.4 GiB RSS; 2026-12-05, this 2-core machine). One part of 50M ran DuckDB out of its 4 GB.
 * Parts are ranges of client id now, and in a file grouped by client each reads its own rows: the 6
 * parts took 24–26 s in all at 50M (2026-12-07, two profiles), against 42 s for the same 6 by hash that morning.
 */
export const NATIVE_PART_ROWS = 10_000_000;

/**
 * Build the summary tables of `table` (the imported dataset) once and let every metric reading the
 * `scores` view use them, as the app does for its active dataset: each section of a report then reads
 * tables of one row per client-series or per score value instead of every score row again. Where the
 * summaries cannot give the same numbers (`problem`: fractional scores, scores too large) the
 * metrics read the rows as before. `table` holds what the import accepted, which never has two scores
 * at one timepoint of a client-series, and only `report` reads the tables, so those only the app reads are
 * not built (KnownRows in metrics/summaries.ts).
 */
export async function summarise(conn: Connector, table: string): Promise<void> {
	const s = await buildSummaries(conn, table, outcomeScores(ident(table)), NATIVE_PART_ROWS, { uniqueTimepoints: true, reportOnly: true });
	useSummaries(conn, 'scores', s.problem ? null : s);
}
