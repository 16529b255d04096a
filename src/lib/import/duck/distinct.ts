/**
 * Each column's distinct texts, collected by the byte scan (scan.ts), where a field is its bytes
 * between two delimiters (a quoted one's between its quotes), as DuckDB's reader returns it (an empty
 * field is its NULL); a column with a doubled quote in a field is left to DuckDB. The import needs them before its main statement (dict.ts
 * `Texts`); read by DuckDB instead, they cost a second parse of the file and a DISTINCT per column:
 * at 1M rows of the benchmark's 45-column CSV, 2.7 s of the import's 9.4 s (duckdb-wasm's Node build).
 * Fields are told apart by their bytes (a hash table of offsets into the file, each hit compared byte
 * by byte), so only the distinct texts are ever decoded.
 */

/** Past this many distinct texts a column's list is not kept (and a looked-up column is refused: dict.ts). */
export const MAX_DISTINCT = 200_000;

/** The distinct non-empty fields of one column, as offsets into the file. */
class FieldSet {
	slots = new Int32Array(64);
	starts = new Int32Array(32);
	lens = new Int32Array(32);
	hashes = new Int32Array(32);
	count = 0;
	/** The column's last field given (start, length): a record mostly repeats the previous one's client, phase, site, …, found equal without a hash. */
	lastStart = 0;
	lastLen = -1;
	/** Fields of one or two bytes seen (a bit each), so the commonest fields need no hash: see ColumnTexts.field. */
	short = new Int32Array((256 + 65_536) / 32);
	/** No longer collected: more than MAX_DISTINCT distinct texts, or one that is not its bytes (dropSet). */
	full = false;
}

export class ColumnTexts {
	private sets: FieldSet[] = [];
	/** Fields of the first record as [column, start, end] triples (and its `unknown` columns): kept apart until the caller knows whether it is a header. */
	private firstFields: number[] = [];
	private firstUnknown: number[] = [];
	/** Whether the fields given now belong to the first record. */
	atFirst = true;

	constructor(private b: Uint8Array) {}

	/** The field of column `col` from byte `s` to byte `e` (exclusive). */
	field(col: number, s: number, e: number): void {
		if (e === s) return;
		if (this.atFirst) this.firstFields.push(col, s, e);
		else if (e - s > 2 || !this.seenShort(col, s, e - s)) this.insert(col, s, e);
	}

	/** A field of column `col` whose text is not its bytes (a doubled quote): the column's texts are not collected. */
	unknown(col: number): void {
		if (this.atFirst) this.firstUnknown.push(col);
		else dropSet((this.sets[col] ??= new FieldSet()));
	}

	/** The record from byte `i` to byte `e` (exclusive), fields separated by byte `d`; returns its number of delimiters. */
	record(i: number, e: number, d: number): number {
		const b = this.b;
		let col = 0;
		let s = i;
		for (let k = i; k <= e; k++) {
			if (k < e && b[k] !== d) continue;
			this.field(col, s, k);
			col++;
			s = k + 1;
		}
		return col - 1;
	}

	/** Each of `width` columns' distinct texts (the first record's too unless it is the `header`), or null past MAX_DISTINCT. */
	result(width: number, header: boolean): (string[] | null)[] {
		if (!header) {
			for (let k = 0; k < this.firstFields.length; k += 3) this.insert(this.firstFields[k], this.firstFields[k + 1], this.firstFields[k + 2]);
			for (const col of this.firstUnknown) dropSet((this.sets[col] ??= new FieldSet()));
		}
		const dec = new TextDecoder();
		return Array.from({ length: width }, (_, col) => {
			const set = this.sets[col];
			if (!set) return [];
			if (set.full) return null;
			return Array.from({ length: set.count }, (_, j) => dec.decode(this.b.subarray(set.starts[j], set.starts[j] + set.lens[j])));
		});
	}

	/**
	 * Whether a field of one or two bytes was seen in column `col` before (marking it seen): most fields of
	 * a score file are an answer or a score, told apart by a bit each, with no hash.
	 */
	private seenShort(col: number, s: number, len: number): boolean {
		const set = (this.sets[col] ??= new FieldSet());
		const key = len === 1 ? this.b[s] : 256 + ((this.b[s] << 8) | this.b[s + 1]);
		const bit = 1 << (key & 31);
		if (set.full || set.short[key >> 5] & bit) return true;
		set.short[key >> 5] |= bit;
		return false;
	}

	private insert(col: number, s: number, e: number): void {
		const set = (this.sets[col] ??= new FieldSet());
		if (set.full) return;
		const b = this.b;
		const len = e - s;
		if (len > 2) {
			if (len === set.lastLen && same(b, set.lastStart, s, len)) return;
			set.lastStart = s;
			set.lastLen = len;
		}
		let h = 0x811c9dc5 ^ len;
		for (let k = s; k < e; k++) h = Math.imul(h ^ b[k], 0x01000193);
		const mask = set.slots.length - 1;
		let i = h & mask;
		for (let j = set.slots[i]; j !== 0; j = set.slots[i]) {
			if (set.hashes[j - 1] === h && set.lens[j - 1] === len && same(b, set.starts[j - 1], s, len)) return;
			i = (i + 1) & mask;
		}
		if (set.count === MAX_DISTINCT) return dropSet(set);
		if (set.count === set.starts.length) {
			for (const k of ['starts', 'lens', 'hashes'] as const) {
				const grown = new Int32Array(set[k].length * 2);
				grown.set(set[k]);
				set[k] = grown;
			}
		}
		set.starts[set.count] = s;
		set.lens[set.count] = len;
		set.hashes[set.count] = h;
		set.slots[i] = ++set.count;
		if (set.count * 2 > set.slots.length) rehash(set);
	}
}

/** No longer collected (past MAX_DISTINCT, or a text that is not its bytes): its memory freed. */
function dropSet(set: FieldSet): void {
	set.full = true;
	set.slots = set.starts = set.lens = set.hashes = set.short = new Int32Array(0);
}

function same(b: Uint8Array, a: number, s: number, len: number): boolean {
	for (let k = 0; k < len; k++) if (b[a + k] !== b[s + k]) return false;
	return true;
}

/** A table twice the size, every entry placed again by its hash. */
function rehash(set: FieldSet): void {
	const slots = new Int32Array(set.slots.length * 2);
	const mask = slots.length - 1;
	for (let j = 0; j < set.count; j++) {
		let i = set.hashes[j] & mask;
		while (slots[i] !== 0) i = (i + 1) & mask;
		slots[i] = j + 1;
	}
	set.slots = slots;
}
