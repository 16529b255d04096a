/**
 * The importer: files of any supported format and shape → canonical score rows + a report.
 * Pure TypeScript without Node or DOM APIs, so it runs unchanged in a Web Worker and on the command line.
 *
 *   readTable(bytes, name)  → RawTable        (decode, sniff, parse; throws ImportError when unreadable)
 *   suggestMapping(raw)     → Mapping         (from column names and values; the user adjusts it)
 *   applyMapping(raw, map)  → ImportOutcome   (rows + report; bad rows are reported, never thrown)
 *   importFile(bytes, name, {mapping?}) → the three in one, with progress and cancellation
 *   loadRows(conn, table, outcome)             (Arrow IPC into DuckDB)
 */
import { startApply } from './apply';
import type { Mapping } from './mapping';
import { readTable } from './read';
import { suggestMapping } from './suggest';
import { ImportError, type ImportOutcome } from './types';

export { applyMapping, startApply, type ApplyRun } from './apply';
export { rejectedRowsCsv } from './csvout';
export { detectIdentifiers } from './deid';
export { loadRows } from './load';
export { MappingSchema, parseMapping, type Mapping, type Measure, type Attribute, type ValueSource } from './mapping';
export { readTable } from './read';
export { normaliseRoute } from './routes';
export { suggestMapping } from './suggest';
export { ageBand, ageCap, normaliseInstrument, parseTimepoint } from './values';
export { ImportError, type CanonicalRow, type Cell, type ImportOutcome, type ImportReport, type RawTable } from './types';

const CHUNK = 50_000;

/**
 * Read, map and validate a file. Uses `opts.mapping` or, without one, the suggested mapping.
 * Reports progress (0–1) between chunks and stops with an AbortError-named ImportError when
 * `opts.signal` aborts; nothing is loaded anywhere, so a cancelled import changes nothing.
 */
export async function importFile(
	bytes: Uint8Array,
	fileName: string,
	opts: { mapping?: Mapping; sheet?: string; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}
): Promise<ImportOutcome> {
	const check = () => {
		if (opts.signal?.aborted) {
			const e = new ImportError('import cancelled');
			e.name = 'AbortError';
			throw e;
		}
	};
	check();
	const raw = await readTable(bytes, fileName, { sheet: opts.sheet ?? opts.mapping?.format?.sheet });
	check();
	opts.onProgress?.(0.2);
	const run = startApply(raw, opts.mapping ?? suggestMapping(raw));
	while (!run.step(CHUNK)) {
		opts.onProgress?.(0.2 + 0.75 * run.progress());
		// Yield so the worker can receive the cancel message and the page can paint progress.
		await new Promise((r) => setTimeout(r, 0));
		check();
	}
	const outcome = run.finish();
	opts.onProgress?.(1);
	return outcome;
}
