/**
 * `readTable`: any supported file → RawTable. The format is taken from the file's bytes first (zip →
 * xlsx, `PAR1` → Parquet, `[`/`{` → JSON) and its name second, so a mis-named file still reads.
 */
import { readDelimited, sniffDelimiter } from './csv';
import { looksWhitespaceSeparated, readWhitespace } from './dat';
import { decodeText } from './decode';
import { readJson } from './json';
import { MAX_TEXT_BYTES } from './limits';
import { ImportError, type RawTable } from './types';

/**
 * Read `bytes` (named `fileName`) into a RawTable. `opts.sheet` picks an Excel sheet. Throws ImportError
 * with a message a person can act on when the file cannot be read at all.
 */
export async function readTable(bytes: Uint8Array, fileName: string, opts: { sheet?: string } = {}): Promise<RawTable> {
	if (bytes.length === 0) throw new ImportError('the file is empty');
	const ext = fileName.toLowerCase().split('.').slice(1).pop() ?? '';
	// A zip container (local file header PK\x03\x04): the only zipped format we take is an Excel
	// workbook. "PK" alone is not enough: a CSV whose first column is "PK" or "PKID" starts so too.
	if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return (await import('./xlsx')).readXlsx(bytes, opts.sheet);
	if (bytes[0] === 0xd0 && bytes[1] === 0xcf)
		throw new ImportError('old binary Excel (.xls) files are not supported: save the sheet as .xlsx or CSV');
	if (bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31)
		return (await import('./parquet')).readParquet(bytes);
	checkTextSize(bytes.length);
	const { text, encoding } = decodeText(bytes);
	if (text.trim() === '') throw new ImportError('the file is empty');
	const first = text.trimStart()[0];
	let table: RawTable;
	if (ext === 'json' || ext === 'ndjson' || ext === 'jsonl' || first === '[' || (first === '{' && ext !== 'csv'))
		table = readJson(text);
	else {
		const forced = ext === 'tsv' || ext === 'tab' ? '\t' : null;
		const delimiter = forced ?? sniffDelimiter(text);
		if (delimiter) table = readDelimited(text, delimiter, delimiter === '\t' ? 'tsv' : 'csv');
		else if (looksWhitespaceSeparated(text)) table = readWhitespace(text);
		else throw new ImportError('unrecognised file: not CSV/TSV, whitespace-separated text, JSON, Excel or Parquet');
	}
	table.encoding = encoding;
	return table;
}

/** Throws a clear ImportError when a file of `byteLength` bytes is too long to read as one text. */
export function checkTextSize(byteLength: number): void {
	if (byteLength <= MAX_TEXT_BYTES) return;
	const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en')} MB`;
	throw new ImportError(
		`the file is too large to read as text here (${mb(byteLength)}; at most ${mb(MAX_TEXT_BYTES)}): ` +
			'split it into smaller files, or use the command line (kap-outcomes report), whose DuckDB reads CSV and Parquet files of this size'
	);
}
