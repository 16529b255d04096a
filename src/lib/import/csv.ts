/**
 * RFC 4180 delimited text (CSV, TSV, semicolon) with delimiter sniffing. Written here rather than taken
 * from a library because the report needs the exact source line of every record, and a quoted field may
 * span lines: the parser counts them. One pass, charCodeAt + slice, no regular expressions in the loop.
 */
import { ImportError, type Cell, type RawTable } from './types';

const CANDIDATES = [',', ';', '\t', '|'];

/**
 * Split `text` into records. Empty unquoted fields are null; rows whose every field is empty are dropped.
 * `unclosed` is the line of a quoted field that never closes (it then runs to the end of the text).
 */
export function parseDelimited(text: string, delimiter: string): { rows: Cell[][]; lines: number[]; unclosed: number | null } {
	const d = delimiter.charCodeAt(0);
	const n = text.length;
	const rows: Cell[][] = [];
	const lines: number[] = [];
	let i = 0;
	let line = 1;
	let unclosed: number | null = null;
	while (i < n) {
		const rowLine = line;
		const row: Cell[] = [];
		let any = false;
		for (;;) {
			let value: string | null;
			if (text.charCodeAt(i) === 34) {
				// Quoted field: copy chunks between doubled quotes, counting the newlines inside.
				let acc = '';
				let j = i + 1;
				const fieldLine = line;
				for (;;) {
					const q = text.indexOf('"', j);
					const stop = q === -1 ? n : q;
					for (let k = text.indexOf('\n', j); k !== -1 && k < stop; k = text.indexOf('\n', k + 1)) line++;
					acc += text.slice(j, stop);
					if (q === -1) {
						unclosed ??= fieldLine;
						j = n;
						break;
					}
					if (text.charCodeAt(q + 1) === 34) {
						acc += '"';
						j = q + 2;
						continue;
					}
					j = q + 1;
					break;
				}
				// Lenient: characters between the closing quote and the delimiter are kept.
				let k = j;
				while (k < n) {
					const c = text.charCodeAt(k);
					if (c === d || c === 10 || c === 13) break;
					k++;
				}
				if (k > j) acc += text.slice(j, k);
				i = k;
				value = acc;
			} else {
				let j = i;
				while (j < n) {
					const c = text.charCodeAt(j);
					if (c === d || c === 10 || c === 13) break;
					j++;
				}
				value = j > i ? text.slice(i, j) : null;
				i = j;
			}
			if (value !== null && value !== '') any = true;
			row.push(value);
			if (i >= n) break;
			const c = text.charCodeAt(i);
			if (c === d) {
				i++;
				if (i >= n) {
					row.push(null);
					break;
				}
				continue;
			}
			i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
			line++;
			break;
		}
		if (any) {
			rows.push(row);
			lines.push(rowLine);
		}
	}
	return { rows, lines, unclosed };
}

/**
 * Pick the delimiter whose field count is greatest and consistent over the first lines, or null when no
 * candidate splits the header into more than one field (then the file is not delimited text).
 */
export function sniffDelimiter(text: string): string | null {
	let sample = text.slice(0, 65536);
	const cut = sample.lastIndexOf('\n');
	if (cut > 0 && text.length > sample.length) sample = sample.slice(0, cut);
	let best: string | null = null;
	let bestScore = 1;
	for (const cand of CANDIDATES) {
		const { rows } = parseDelimited(sample, cand);
		const head = rows.slice(0, 30);
		if (head.length === 0) continue;
		const width = head[0].length;
		if (width < 2) continue;
		const same = head.filter((r) => r.length === width).length;
		if (same / head.length < 0.8) continue;
		if (width > bestScore) {
			best = cand;
			bestScore = width;
		}
	}
	return best;
}

/** True when every cell of `row` looks like a number (or is empty): a data row, not a header. */
export function looksNumericRow(row: Cell[]): boolean {
	let numbers = 0;
	for (const c of row) {
		if (c === null || c === '' || c === '.') continue;
		if (typeof c === 'number' || /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(c.trim())) numbers++;
		else return false;
	}
	return numbers > 0;
}

/** Header names made unique and non-empty; a file without a header gets V1, V2, … (R's convention). */
export function headerNames(raw: Cell[] | null, width: number): string[] {
	const seen = new Map<string, number>();
	const out: string[] = [];
	for (let i = 0; i < width; i++) {
		let name = raw ? String(raw[i] ?? '').trim() : '';
		if (name === '') name = `V${i + 1}`;
		const count = seen.get(name) ?? 0;
		seen.set(name, count + 1);
		out.push(count === 0 ? name : `${name}_${count + 1}`);
	}
	return out;
}

/** Read decoded delimited text into a RawTable; `delimiter` null means sniff. Throws ImportError when unusable. */
export function readDelimited(text: string, delimiter: string | null, format: string): RawTable {
	const delim = delimiter ?? sniffDelimiter(text);
	if (!delim) throw new ImportError('could not find a delimiter (comma, semicolon, tab or |) in the first lines');
	const { rows, lines, unclosed } = parseDelimited(text, delim);
	// Lenient reading would put every later line into that one cell and report nothing about them:
	// rows would vanish without a trace. Refuse and say where instead.
	if (unclosed !== null)
		throw new ImportError(`line ${unclosed}: a quoted field is never closed, so the rest of the file would be read as one cell. Check the quotes on that line (or whether the file was cut short)`);
	if (rows.length === 0) throw new ImportError('the file has no rows');
	const header = !looksNumericRow(rows[0]);
	let width = 0;
	for (const r of rows) if (r.length > width) width = r.length;
	const columns = headerNames(header ? rows[0] : null, header ? rows[0].length : width);
	return {
		columns,
		rows: header ? rows.slice(1) : rows,
		lines: header ? lines.slice(1) : lines,
		format,
		delimiter: delim,
		header
	};
}
