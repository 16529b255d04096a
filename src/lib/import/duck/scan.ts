/**
 * The byte-level pass of `prepare.ts` over a delimited file: where every record starts and on which
 * source line, the common width, the records with no text, and the end of the first `headRows`
 * records; or why DuckDB's reader and the JavaScript reader would read the file differently (then the
 * JavaScript path reads it). See prepare.ts for what the two readers disagree on.
 */
import { ColumnTexts } from './distinct';

/** DuckDB refuses records longer than 2 MB by default; longer ones go to the JavaScript path. */
const MAX_RECORD_BYTES = 1_000_000;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** `texts`: each column's distinct fields, from a file without quotes or carriage returns (distinct.ts). */
export type Scan = { lines: Int32Array; starts: number[]; width: number; headEnd: number; blank: number[]; texts?: ColumnTexts } | { reason: string };

/**
 * Records as they are found: source lines, the common width, the records with no text (which the
 * JavaScript reader drops) and the end of the head. `add` returns a refusal, or null.
 */
class Records {
	lines = new Int32Array(1024);
	count = 0;
	width = -1;
	headEnd: number;
	blank: number[] = [];
	starts: number[] = [];
	constructor(
		n: number,
		private step: number,
		private headRows: number
	) {
		this.headEnd = n;
	}
	/** A record of `bytes` bytes ending at byte `end` (so starting at `end - bytes`). */
	add(line: number, fields: number, nonEmpty: boolean, bytes: number, end: number): string | null {
		if (bytes > MAX_RECORD_BYTES) return 'a record over 1 MB';
		if (this.width === -1) {
			if (!nonEmpty) return 'the first record is empty';
			this.width = fields;
		} else if (fields !== this.width) return `record at line ${line} has ${fields} fields, the first has ${this.width}`;
		if (!nonEmpty) this.blank.push(this.count);
		if (this.count % this.step === 0) this.starts.push(end - bytes);
		if (this.count === this.lines.length) {
			const grown = new Int32Array(this.lines.length * 2);
			grown.set(this.lines);
			this.lines = grown;
		}
		this.lines[this.count++] = line;
		if (this.count === this.headRows + 1) this.headEnd = end;
		return null;
	}
	done(): Scan {
		if (this.count === 0) return { reason: 'no records' };
		return { lines: this.lines.slice(0, this.count), starts: this.starts, width: this.width, headEnd: this.headEnd, blank: this.blank };
	}
}

/**
 * One pass over the bytes: every record's first line, the common width, the records with no text,
 * the end of the head, and each column's distinct fields (a file under 2 GB). Refuses (with a reason) what the two readers would read differently; see
 * the module comment. Most files have no quote and no carriage return (found by the engine's own
 * byte search): there every non-empty line is a record and only delimiters need counting.
 */
export function scanRecords(b: Uint8Array, d: number, step: number, headRows: number): Scan {
	if (b.indexOf(0) !== -1) return { reason: 'NUL bytes' };
	const out = new Records(b.length, step, headRows);
	// Offsets are kept as 32-bit integers.
	const texts = b.length < 2 ** 31 ? new ColumnTexts(b) : null;
	const scan = b.indexOf(QUOTE) === -1 && b.indexOf(CR) === -1 ? scanLines(b, d, out, texts) : scanQuoted(b, d, out, texts);
	return texts && !('reason' in scan) ? { ...scan, texts } : scan;
}

/** `scanRecords` for text without quotes or carriage returns; each field given to `texts`. */
function scanLines(b: Uint8Array, d: number, out: Records, texts: ColumnTexts | null): Scan {
	const n = b.length;
	let line = 1;
	for (let i = 0; i < n; line++) {
		let e = b.indexOf(LF, i);
		if (e === -1) e = n;
		// An empty line is no record for either reader.
		if (e > i) {
			let delimiters = 0;
			if (texts) {
				texts.atFirst = out.count === 0;
				delimiters = texts.record(i, e, d);
			} else for (let k = i; k < e; k++) if (b[k] === d) delimiters++;
			const end = e < n ? e + 1 : n;
			const refused = out.add(line, delimiters + 1, e - i > delimiters, end - i, end);
			if (refused) return { reason: refused };
		}
		i = e + 1;
	}
	return out.done();
}

/**
 * `scanRecords` for any text: quoted fields may hold delimiters, quotes and line ends. A field's text
 * for `texts` is its bytes, a quoted one's between its quotes (one with a doubled quote is not given:
 * its column's texts are left to DuckDB).
 */
function scanQuoted(b: Uint8Array, d: number, out: Records, texts: ColumnTexts | null): Scan {
	const n = b.length;
	let line = 1;
	let i = 0;
	let crlf = 0;
	let lf = 0;
	while (i < n) {
		// An empty line is no record for either reader.
		if (b[i] === LF) {
			lf++;
			i++;
			line++;
			continue;
		}
		if (b[i] === CR) {
			if (b[i + 1] !== LF) return { reason: 'a carriage return without a line feed' };
			crlf++;
			i += 2;
			line++;
			continue;
		}
		const start = i;
		const recordLine = line;
		let fields = 0;
		let nonEmpty = false;
		if (texts) texts.atFirst = out.count === 0;
		for (;;) {
			if (b[i] === QUOTE) {
				const open = i;
				let escaped = false;
				let j = i + 1;
				for (;;) {
					const q = b.indexOf(QUOTE, j);
					if (q === -1) return { reason: 'a quoted field is never closed' };
					for (let k = j; k < q; k++) if (b[k] === LF) line++;
					if (q > j) nonEmpty = true;
					if (b[q + 1] === QUOTE) {
						nonEmpty = true;
						escaped = true;
						j = q + 2;
						continue;
					}
					i = q + 1;
					break;
				}
				if (i < n && b[i] !== d && b[i] !== LF && b[i] !== CR) return { reason: 'text after a closing quote' };
				if (escaped) texts?.unknown(fields);
				else texts?.field(fields, open + 1, i - 1);
			} else {
				const s = i;
				while (i < n) {
					const c = b[i];
					if (c === d || c === LF || c === CR) break;
					if (c === QUOTE) return { reason: 'a quote inside an unquoted field' };
					i++;
				}
				if (i > s) nonEmpty = true;
				texts?.field(fields, s, i);
			}
			fields++;
			if (i >= n) break;
			const c = b[i];
			if (c === d) {
				i++;
				if (i >= n) {
					fields++;
					break;
				}
				continue;
			}
			if (c === CR) {
				if (b[i + 1] !== LF) return { reason: 'a carriage return without a line feed' };
				crlf++;
				i += 2;
			} else {
				lf++;
				i++;
			}
			line++;
			break;
		}
		const refused = out.add(recordLine, fields, nonEmpty, i - start, i);
		if (refused) return { reason: refused };
	}
	if (crlf > 0 && lf > 0) return { reason: 'mixed line ends (CRLF and LF)' };
	return out.done();
}
