/// <reference lib="webworker" />
/**
 * The import worker: reading, mapping and validating a file happen here, off the main thread, so
 * the page stays responsive on a million-row file and "Cancel" can stop the work at once (the page
 * terminates this worker). Nothing here touches DuckDB or storage: for a file DuckDB can read, the
 * worker only checks and previews it and hands the bytes to the page, which runs the import in the engine.
 */
import { readTable } from './read';
import { suggestMapping } from './suggest';
import { detectIdentifiers } from './deid';
import { startApply } from './apply';
import { rejectedRowsCsv } from './csvout';
import { toArrowIPC } from './arrow';
import { applySessionMapping, suggestSessionMapping } from './sessions';
import { sessionsToArrowIPC } from './sessions-load';
import { suggestSessionFields } from './sessions-suggest';
import type { ImportReport, RawTable } from './types';
import { prepareDelimited, type PreparedCsv } from './duck/prepare';
import { duckdbNote, javascriptNote } from './duck/notes';
import type { FileSummary, PreviewResult, ApplyResult, SessionApplyResult, SessionPreviewResult, WorkerRequest, WorkerResponse } from './worker-protocol';

/** What the page previews: the whole file (JavaScript path), or its first rows (DuckDB path). */
let raw: RawTable | null = null;
/** The whole file as rows, read only when the JavaScript path needs it. */
let full: RawTable | null = null;
let bytes: Uint8Array | null = null;
let prepared: PreparedCsv | null = null;
/** `prepared`'s bytes as a Blob, for the engine (made on the first import). */
let body: Blob | null = null;
let fileName = '';
let lastReport: ImportReport | null = null;

const post = (msg: WorkerResponse, transfer: Transferable[] = []) => (self as DedicatedWorkerGlobalScope).postMessage(msg, transfer);

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
	const req = event.data;
	try {
		if (req.kind === 'read') {
			// A file DuckDB can read is not parsed here: only its first rows, for the preview and suggestion.
			const p = req.sheet ? ({ ok: false, reason: 'a workbook sheet' } as const) : prepareDelimited(req.bytes, req.fileName);
			prepared = p.ok ? p.csv : null;
			body = null;
			bytes = req.bytes;
			fileName = req.fileName;
			full = p.ok ? null : await readTable(req.bytes, req.fileName, { sheet: req.sheet });
			const table: RawTable = p.ok ? p.csv.head : full!;
			raw = table;
			const summary: FileSummary = {
				fileName,
				format: table.format,
				encoding: table.encoding,
				delimiter: table.delimiter,
				header: table.header !== false,
				sheet: table.sheet,
				sheets: table.sheets,
				columns: table.columns,
				rowCount: prepared ? prepared.records : table.rows.length,
				head: table.rows.slice(0, 12).map((cells, i) => ({ line: table.lines[i], cells })),
				suggested: suggestMapping(table),
				sessions: suggestSessionMapping(table),
				sessionSuggestion: suggestSessionFields(table),
				identifierColumns: detectIdentifiers(table),
				engine: p.ok ? { ok: true, note: duckdbNote(p.csv) } : { ok: false, note: javascriptNote(p.reason) }
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
		} else if (req.kind === 'preview-sessions') {
			const table = need();
			const sample: RawTable = { ...table, rows: table.rows.slice(0, req.rows), lines: table.lines.slice(0, req.rows) };
			const out = applySessionMapping(sample, req.mapping);
			const result: SessionPreviewResult = { rows: out.rows.slice(0, 15), report: out.report, unknownLabels: out.unknownLabels };
			post({ id: req.id, kind: 'done', result });
		} else if (req.kind === 'prepared') {
			if (!prepared) throw new Error('this file is not one DuckDB reads');
			// The bytes as a Blob (made once; a re-import sends the same): the engine reads it in slices, so a
			// 1 GB file is neither copied to the page nor into the engine's fixed 4 GiB of wasm memory.
			// The worker keeps its bytes and lines for a later re-import or the JavaScript path.
			body ??= new Blob([prepared.bytes as Uint8Array<ArrayBuffer>]);
			const copy: PreparedCsv = { ...prepared, bytes: body, lines: prepared.lines.slice() };
			post({ id: req.id, kind: 'done', result: copy }, [copy.lines.buffer]);
		} else if (req.kind === 'apply') {
			const run = startApply(await whole(), req.mapping);
			let lastPost = 0;
			while (!run.step(20_000)) {
				const now = Date.now();
				if (now - lastPost > 100) {
					post({ id: req.id, kind: 'progress', fraction: 0.9 * run.progress() });
					lastPost = now;
				}
			}
			const out = run.finish();
			out.report.reader = { path: 'javascript', note: req.note ?? javascriptNote('this file') };
			lastReport = out.report;
			post({ id: req.id, kind: 'progress', fraction: 0.92 });
			const ipc = toArrowIPC(out);
			const result: ApplyResult = { report: out.report, unknownLabels: out.unknownLabels, extraColumns: out.extraColumns, ipc, mapping: out.mapping };
			post({ id: req.id, kind: 'done', result }, [ipc.buffer]);
		} else if (req.kind === 'apply-sessions') {
			const out = applySessionMapping(await whole(), req.mapping);
			out.report.reader = { path: 'javascript', note: 'read by the JavaScript importer, which checks dosing-session records' };
			lastReport = out.report;
			const ipc = sessionsToArrowIPC(out.rows);
			const result: SessionApplyResult = { report: out.report, ipc, mapping: out.mapping };
			post({ id: req.id, kind: 'done', result }, [ipc.buffer]);
		} else if (req.kind === 'rejected-csv') {
			post({ id: req.id, kind: 'done', result: rejectedRowsCsv(await whole(), req.report ?? lastReport ?? emptyReport()) });
		}
	} catch (e) {
		const err = e instanceof Error ? e : new Error(String(e));
		post({ id: req.id, kind: 'error', message: err.message, name: err.name });
	}
};

/** Every row of the file (parsed on first need when the DuckDB path was planned). */
async function whole(): Promise<RawTable> {
	if (!bytes) throw new Error('no file has been read yet');
	full ??= await readTable(bytes, fileName);
	return full;
}

function need(): RawTable {
	if (!raw) throw new Error('no file has been read yet');
	return raw;
}

function emptyReport(): ImportReport {
	return { rows_read: 0, rows_accepted: 0, rows_rejected: 0, errors: [], warnings: [], identifier_columns: [], clients: 0, instruments: [], format: '', source_rows: 0, empty_cells_skipped: 0 };
}
