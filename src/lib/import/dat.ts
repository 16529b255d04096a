/**
 * Whitespace-separated text (old statistics-package `.dat` files): fields split on runs of blanks or
 * tabs, `.` is a missing value (SAS/Stata convention), usually no header. Line numbers are exact.
 */
import { headerNames, looksNumericRow } from './csv';
import { ImportError, type Cell, type RawTable } from './types';

/** Read whitespace-separated `text`. Blank lines are skipped (but counted for line numbers). */
export function readWhitespace(text: string): RawTable {
	const rows: Cell[][] = [];
	const lines: number[] = [];
	let line = 0;
	let start = 0;
	const n = text.length;
	while (start <= n) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = n;
		line++;
		const content = text.slice(start, end).trim();
		start = end + 1;
		if (content === '') {
			if (end === n) break;
			continue;
		}
		const fields = content.split(/\s+/);
		const row: Cell[] = new Array(fields.length);
		for (let k = 0; k < fields.length; k++) row[k] = fields[k] === '.' ? null : fields[k];
		rows.push(row);
		lines.push(line);
		if (end === n) break;
	}
	if (rows.length === 0) throw new ImportError('the file has no rows');
	const header = !looksNumericRow(rows[0]);
	let width = 0;
	for (const r of rows) if (r.length > width) width = r.length;
	return {
		columns: headerNames(header ? rows[0] : null, header ? rows[0].length : width),
		rows: header ? rows.slice(1) : rows,
		lines: header ? lines.slice(1) : lines,
		format: 'whitespace',
		header
	};
}

/** True when `text` looks whitespace-separated: the first non-blank lines split into the same ≥ 2 fields. */
export function looksWhitespaceSeparated(text: string): boolean {
	const sample = text.slice(0, 16384).split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 20);
	if (sample.length === 0) return false;
	const widths = sample.map((l) => l.split(/\s+/).length);
	return widths[0] >= 2 && widths.every((w) => w === widths[0]);
}
