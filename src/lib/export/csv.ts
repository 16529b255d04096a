/**
 * CSV writing for everything the app exports. Cells that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or carriage return) are neutralised with a leading apostrophe;
 * numbers stay numbers.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: quoted when needed, formula-neutralised when it is text. */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let text = String(value);
	if (FORMULA_START.test(text)) text = `'${text}`;
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document (header + rows, CRLF line ends) for `rows` with the given `columns`. */
export function toCsv(rows: Record<string, unknown>[], columns: string[] = Object.keys(rows[0] ?? {})): string {
	const lines = [columns.map(csvCell).join(',')];
	for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
	return lines.join('\r\n') + '\r\n';
}

/** A safe download file name: letters, digits, dot, dash and underscore only, at most 80 chars. */
export function safeFileName(name: string, extension: string): string {
	const base = name
		.normalize('NFKD')
		.replace(/[^\w.-]+/g, '-')
		.replace(/^[.-]+|[.-]+$/g, '')
		.slice(0, 80) || 'export';
	return `${base}.${extension.replace(/[^\w]/g, '')}`;
}
