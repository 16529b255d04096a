/**
 * Shared types of the importer. Kept free of runtime code so every module (and the web worker) can
 * import them without pulling in a reader.
 */
import type { ScoreRow } from '../model/schema';
import type { Mapping } from './mapping';

/** A cell as a reader hands it over: text for text formats, numbers where the file typed them, null = empty. */
export type Cell = string | number | null;

/**
 * A file read into rows, before any mapping. `lines[i]` is where row i starts in the source, 1-based as a
 * person counts: the text line for CSV/TSV/.dat/NDJSON (a quoted field spanning lines counts them all),
 * the sheet row for Excel, the record number for JSON arrays and Parquet.
 */
export interface RawTable {
	columns: string[];
	rows: Cell[][];
	lines: number[];
	sheet?: string;
	sheets?: string[];
	format: string;
	encoding?: string;
	delimiter?: string;
	/** False when the file had no header row and the column names were made up (V1, V2, …). */
	header?: boolean;
}

/** A canonical score row plus extra attribute columns (strings) named in `ImportOutcome.extraColumns`. */
export type CanonicalRow = ScoreRow & Record<string, unknown>;

/**
 * What happened to a file. Invariant: `rows_read === rows_accepted + rows_rejected`. A record is one
 * observation (source row × measure with any value) or a source row that carries no observation at all
 * (rejected "no score"), so every source row is accounted for at least once.
 */
export interface ImportReport {
	rows_read: number;
	rows_accepted: number;
	rows_rejected: number;
	errors: { line: number; column: string | null; reason: string }[];
	warnings: { line: number | null; client_id: string | null; reason: string }[];
	identifier_columns: { column: string; reason: string }[];
	clients: number;
	instruments: string[];
	format: string;
	/** Source rows in the file (for wide files fewer than rows_read). */
	source_rows: number;
	/** Empty measure cells of rows that had other values (wide files: missing timepoints); not records. */
	empty_cells_skipped: number;
	/**
	 * Which reader did the work: DuckDB's own CSV reader with set-based SQL, or the JavaScript importer
	 * (with the reason when a delimited file could not take the DuckDB path). Absent when the
	 * JavaScript importer was called directly. Both give the same report otherwise.
	 */
	reader?: { path: 'duckdb' | 'javascript'; note: string };
}

/** Result of mapping a table: accepted rows, the report, and labels the user still has to map. */
export interface ImportOutcome {
	rows: CanonicalRow[];
	extraColumns: string[];
	report: ImportReport;
	mapping: Mapping;
	unknownLabels: { column: string; values: string[] }[];
}

/** Thrown when a file cannot be read at all (not for bad rows: those go into the report). */
export class ImportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ImportError';
	}
}
