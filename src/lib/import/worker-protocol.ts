/**
 * Messages between the page and the import worker. The worker keeps the file it read, so the page
 * sends only mappings; results come back as plain data and one transferable Arrow IPC buffer.
 */
import type { Mapping } from './mapping';
import type { Cell, ImportReport } from './types';
import type { PreparedCsv } from './duck/prepare';
import type { SessionMapping } from './sessions';
import type { SessionSuggestion } from './sessions-suggest';

export type WorkerRequest =
	| { id: number; kind: 'read'; bytes: Uint8Array; fileName: string; sheet?: string }
	| { id: number; kind: 'preview'; mapping: Mapping; rows: number }
	| { id: number; kind: 'apply'; mapping: Mapping; note?: string }
	| { id: number; kind: 'apply-sessions'; mapping: SessionMapping }
	| { id: number; kind: 'preview-sessions'; mapping: SessionMapping; rows: number }
	| { id: number; kind: 'prepared' }
	| { id: number; kind: 'rejected-csv'; report?: ImportReport };

/** What the page shows about a file right after reading it. */
export interface FileSummary {
	fileName: string;
	format: string;
	encoding?: string;
	delimiter?: string;
	header: boolean;
	sheet?: string;
	sheets?: string[];
	columns: string[];
	rowCount: number;
	/** First rows as read (before mapping), with their source lines. */
	head: { line: number; cells: Cell[] }[];
	suggested: Mapping;
	identifierColumns: { column: string; reason: string }[];
	/** Set when the columns are the dosing-session record's (model/sessions.ts): imported without a mapping step. */
	sessions?: SessionMapping | null;
	/** Any other layout: the session mapping its column names suggest, and whether it looks like session records. */
	sessionSuggestion: SessionSuggestion;
	/** Whether DuckDB's own reader can import this file (else the JavaScript importer will), and why. */
	engine: { ok: boolean; note: string };
}

export interface PreviewResult {
	rows: Record<string, unknown>[];
	extraColumns: string[];
	report: ImportReport;
	unknownLabels: { column: string; values: string[] }[];
}

export interface ApplyResult {
	report: ImportReport;
	unknownLabels: { column: string; values: string[] }[];
	extraColumns: string[];
	/** Accepted rows as one Arrow IPC stream (JavaScript path). */
	ipc?: Uint8Array;
	/** The engine table holding the accepted rows (DuckDB path): kept by renaming, dropped on discard. */
	table?: string;
	mapping: Mapping;
}

/** Dosing-session records mapped and validated: the report and the accepted rows as Arrow IPC. */
export interface SessionApplyResult {
	report: ImportReport;
	ipc: Uint8Array;
	mapping: SessionMapping;
}

/** A session mapping applied to the first rows: the first mapped records, the report, unknown route labels. */
export interface SessionPreviewResult {
	rows: Record<string, unknown>[];
	report: ImportReport;
	unknownLabels: { column: string; values: string[] }[];
}

export type WorkerResponse =
	| { id: number; kind: 'progress'; fraction: number }
	| { id: number; kind: 'done'; result: FileSummary | PreviewResult | ApplyResult | SessionApplyResult | SessionPreviewResult | PreparedCsv | string }
	| { id: number; kind: 'error'; message: string; name: string };
