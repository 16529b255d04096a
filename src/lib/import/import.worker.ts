/// <reference lib="webworker" />
/**
 * The import worker: reading, mapping and validating a file happen here, off the main thread, so
 * the page stays responsive on a million-row file and "Cancel" can stop the work at once (the page
 * terminates this worker). Nothing here touches DuckDB or storage.
 */
import { readTable } from './read';
import { suggestMapping } from './suggest';
import { detectIdentifiers } from './deid';
import { startApply } from './apply';
import { rejectedRowsCsv } from './csvout';
import { toArrowIPC } from './arrow';
import type { ImportReport, RawTable } from './types';
import type { FileSummary, PreviewResult, ApplyResult, WorkerRequest, WorkerResponse } from './worker-protocol';

let raw: RawTable | null = null;
let fileName = '';
let lastReport: ImportReport | null = null;

const post = (msg: WorkerResponse, transfer: Transferable[] = []) => (self as DedicatedWorkerGlobalScope).postMessage(msg, transfer);

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
	const req = event.data;
	try {
		if (req.kind === 'read') {
			raw = await readTable(req.bytes, req.fileName, { sheet: req.sheet });
			fileName = req.fileName;
			const summary: FileSummary = {
				fileName,
				format: raw.format,
				encoding: raw.encoding,
				delimiter: raw.delimiter,
				header: raw.header !== false,
				sheet: raw.sheet,
				sheets: raw.sheets,
				columns: raw.columns,
				rowCount: raw.rows.length,
				head: raw.rows.slice(0, 12).map((cells, i) => ({ line: raw!.lines[i], cells })),
				suggested: suggestMapping(raw),
				identifierColumns: detectIdentifiers(raw)
			};
			post({ id: req.id, kind: 'done', result: summary });
		} else if (req.kind === 'preview') {
			const table = need();
			const sample: RawTable = { ...table, rows: table.rows.slice(0, req.rows), lines: table.lines.slice(0, req.rows) };
			const run = startApply(sample, req.mapping);
			run.step(Infinity);
			const out = run.finish();
			const result: PreviewResult = { rows: out.rows.slice(0, 15), extraColumns: out.extraColumns, report: out.report, unknownLabels: out.unknownLabels };
			post({ id: req.id, kind: 'done', result });
		} else if (req.kind === 'apply') {
			const run = startApply(need(), req.mapping);
			let lastPost = 0;
			while (!run.step(20_000)) {
				const now = Date.now();
				if (now - lastPost > 100) {
					post({ id: req.id, kind: 'progress', fraction: 0.9 * run.progress() });
					lastPost = now;
				}
			}
			const out = run.finish();
			lastReport = out.report;
			post({ id: req.id, kind: 'progress', fraction: 0.92 });
			const ipc = toArrowIPC(out);
			const result: ApplyResult = { report: out.report, unknownLabels: out.unknownLabels, extraColumns: out.extraColumns, ipc, mapping: out.mapping };
			post({ id: req.id, kind: 'done', result }, [ipc.buffer]);
		} else if (req.kind === 'rejected-csv') {
			post({ id: req.id, kind: 'done', result: rejectedRowsCsv(need(), lastReport ?? emptyReport()) });
		}
	} catch (e) {
		const err = e instanceof Error ? e : new Error(String(e));
		post({ id: req.id, kind: 'error', message: err.message, name: err.name });
	}
};

function need(): RawTable {
	if (!raw) throw new Error('no file has been read yet');
	return raw;
}

function emptyReport(): ImportReport {
	return { rows_read: 0, rows_accepted: 0, rows_rejected: 0, errors: [], warnings: [], identifier_columns: [], clients: 0, instruments: [], format: '', source_rows: 0, empty_cells_skipped: 0 };
}
