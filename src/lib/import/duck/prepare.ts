/**
 * Getting a delimited text file ready for DuckDB's own CSV reader, and deciding when not to.
 *
 * DuckDB's `read_csv` and the JavaScript reader (`csv.ts`) agree on regular RFC 4180 text, but not on
 * the lenient corners the JavaScript reader defines (text after a closing quote is kept, a quote inside
 * an unquoted field is literal, ragged rows are padded or cut, an unclosed quote is refused). One
 * byte-level pass (scan.ts) checks that the file has none of those corners and records where every record
 * starts (the source line the report names: `read_csv` in DuckDB 1.4 has no row numbers for CSV) and
 * which records hold no text at all (the JavaScript reader drops those; SQL need not look for them). A
 * file that passes is read by DuckDB; any other goes to the JavaScript path with the reason, so both
 * paths give the same report for every file. Nothing here allocates per row except the line array.
 *
 * Encodings DuckDB cannot read (Windows-1252, UTF-16) are transcoded to UTF-8 first.
 */
import { headerNames, looksNumericRow, parseDelimited, sniffDelimiter } from '../csv';
import { byteBody, decodeText, isUtf16, type Decoded } from '../decode';
import type { RawTable } from '../types';
import { scanRecords } from './scan';

/** Data rows the page and the suggester see before the import (the suggester samples 5000). */
export const HEAD_ROWS = 5000;
/** Above this many columns the JavaScript path is used (the SQL would name every column). */
export const MAX_SQL_COLUMNS = 2000;
/**
 * Every this many records the scan notes where a record starts (`PreparedCsv.starts`): the import
 * cuts a large file into slices there (source.ts). 2^14: a 10M-record file gives 611 offsets.
 */
export const RECORD_STEP = 16_384;

/** A file DuckDB can read exactly as the JavaScript reader would. */
export interface PreparedCsv {
	/**
	 * UTF-8 bytes for DuckDB (BOM and trailing Ctrl-Z/NUL removed, other encodings transcoded). The
	 * browser's import worker hands them to the page as a Blob, which the engine reads in slices
	 * (`Connector.registerBlob`) instead of copying the whole file into its memory.
	 */
	bytes: Uint8Array | Blob;
	/** Source line where each record DuckDB will return starts (header included, empty lines excluded). */
	lines: Int32Array;
	/** Byte offset in `bytes` where record `k * step` starts, for every such record (k = 0, 1, …). */
	starts: number[];
	/** Records between two `starts` (RECORD_STEP but in tests). */
	step: number;
	/** First data rows as the JavaScript reader reads them: for the preview, suggestion and identifier check. */
	head: RawTable;
	/** Records with no text in any field, by index into `lines` (the JavaScript reader drops them). */
	blank: number[];
	/** Data rows in the file (records after the header; all-empty records included). */
	records: number;
	/**
	 * Each column's distinct non-empty texts among the data records, as DuckDB's reader returns them
	 * (null past distinct.ts MAX_DISTINCT or where a field holds a doubled quote), when the scan
	 * collected them (distinct.ts); the import then need not read the file for them (run.ts).
	 */
	texts?: (string[] | null)[];
	/** Number of columns of every record. */
	width: number;
	delimiter: string;
	header: boolean;
	encoding: Decoded['encoding'];
	format: string;
}

export type Prepared = { ok: true; csv: PreparedCsv } | { ok: false; reason: string };

const no = (reason: string): Prepared => ({ ok: false, reason });

/**
 * Check `bytes` (named `fileName`) for the DuckDB path. Mirrors `readTable`'s choice of format: only
 * files it would read as delimited text qualify; refusals (empty, unclosed quote, …) stay with the
 * JavaScript reader, which words them.
 */
export function prepareDelimited(bytes: Uint8Array, fileName: string, step = RECORD_STEP): Prepared {
	if (bytes.length === 0) return no('empty file');
	const ext = fileName.toLowerCase().split('.').slice(1).pop() ?? '';
	const magic = (a: number[]) => a.every((b, i) => bytes[i] === b);
	if (magic([0x50, 0x4b, 0x03, 0x04]) || magic([0xd0, 0xcf]) || magic([0x50, 0x41, 0x52, 0x31])) return no('not delimited text');
	const utf8 = toUtf8(bytes);
	// The first 262,144 bytes hold at least the 65,536 characters the delimiter sniffer looks at.
	const headText = new TextDecoder().decode(utf8.bytes.subarray(0, 262_144));
	const first = headText.trimStart()[0];
	if (first === undefined) return no('no text in the first bytes');
	if (ext === 'json' || ext === 'ndjson' || ext === 'jsonl' || first === '[' || (first === '{' && ext !== 'csv')) return no('JSON');
	const forced = ext === 'tsv' || ext === 'tab' ? '\t' : null;
	const delimiter = forced ?? sniffDelimiter(headText);
	if (!delimiter) return no('no delimiter');
	const scan = scanRecords(utf8.bytes, delimiter.charCodeAt(0), step, HEAD_ROWS);
	if ('reason' in scan) return no(scan.reason);
	if (scan.width > MAX_SQL_COLUMNS || scan.width < 2) return no(`${scan.width} columns`);
	// The head as the JavaScript reader reads it (cut at a record boundary, so the same rows).
	const parsed = parseDelimited(new TextDecoder().decode(utf8.bytes.subarray(0, scan.headEnd)), delimiter);
	if (parsed.rows.length === 0) return no('no rows');
	const header = !looksNumericRow(parsed.rows[0]);
	const columns = headerNames(header ? parsed.rows[0] : null, scan.width);
	const head: RawTable = {
		columns,
		rows: header ? parsed.rows.slice(1) : parsed.rows,
		lines: header ? parsed.lines.slice(1) : parsed.lines,
		format: delimiter === '\t' ? 'tsv' : 'csv',
		delimiter,
		header,
		encoding: utf8.encoding
	};
	return {
		ok: true,
		csv: {
			bytes: utf8.bytes,
			lines: scan.lines,
			starts: scan.starts,
			step,
			blank: scan.blank,
			texts: scan.texts?.result(scan.width, header),
			head,
			records: scan.lines.length - (header ? 1 : 0),
			width: scan.width,
			delimiter,
			header,
			encoding: utf8.encoding,
			format: head.format
		}
	};
}

/** UTF-8 bytes of the file, decoded exactly as `decodeText` decides (transcoding only when not UTF-8). */
function toUtf8(bytes: Uint8Array): { bytes: Uint8Array; encoding: Decoded['encoding'] } {
	if (!isUtf16(bytes)) {
		const { body, encoding } = byteBody(bytes);
		if (isAscii(body)) return { bytes: body, encoding };
		try {
			new TextDecoder('utf-8', { fatal: true }).decode(body);
			return { bytes: body, encoding };
		} catch {
			/* not UTF-8: decodeText takes it as Windows-1252 */
		}
	}
	const d = decodeText(bytes);
	return { bytes: new TextEncoder().encode(d.text), encoding: d.encoding };
}

/** No byte ≥ 0x80 (read four at a time: a 100 MB file is checked in tens of milliseconds). */
function isAscii(b: Uint8Array): boolean {
	const n = b.length;
	let i = 0;
	for (; i < n && (b.byteOffset + i) % 4 !== 0; i++) if (b[i] >= 0x80) return false;
	// Only here is the offset a multiple of 4 (a short view can end before it gets there).
	if (i < n) {
		const words = new Uint32Array(b.buffer, b.byteOffset + i, (n - i) >> 2);
		for (let w = 0; w < words.length; w++) if (words[w] & 0x80808080) return false;
		i += words.length * 4;
	}
	for (; i < n; i++) if (b[i] >= 0x80) return false;
	return true;
}
