/**
 * JSON records: an array of objects, an object holding one such array (`{"data": [...]}`), an array of
 * arrays whose first row is the header, or NDJSON (one object per line, exact line numbers).
 * For a JSON array the "line" of a row is its record number (1-based).
 */
import { headerNames } from './csv';
import { ImportError, type Cell, type RawTable } from './types';

/**
 * Read JSON text into a RawTable. Throws ImportError when it is not records, has no fields, or nests
 * so deeply that turning a value into text overflows the stack (a hostile file: `[[[[…]]]]`).
 */
export function readJson(text: string): RawTable {
	let table: RawTable;
	try {
		table = readRecords(text);
	} catch (e) {
		// JSON.parse itself copes with deep nesting; String()/JSON.stringify of the result recurse.
		if (e instanceof RangeError) throw new ImportError('JSON: values are nested too deeply to read as a table');
		throw e;
	}
	if (table.columns.length === 0) throw new ImportError(table.rows.length === 0 ? 'JSON: there are no records' : 'JSON: the records have no fields');
	return table;
}

function readRecords(text: string): RawTable {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return readNdjson(text);
	}
	if (data && typeof data === 'object' && !Array.isArray(data)) {
		const arrays = Object.values(data as Record<string, unknown>).filter(Array.isArray);
		if (arrays.length !== 1) throw new ImportError('JSON: expected an array of records (or an object holding one array)');
		data = arrays[0];
	}
	if (!Array.isArray(data)) throw new ImportError('JSON: expected an array of records');
	if (data.length > 0 && Array.isArray(data[0])) {
		const [head, ...body] = data as unknown[][];
		const notRow = body.findIndex((r) => !Array.isArray(r));
		if (notRow !== -1) throw new ImportError(`JSON: record ${notRow + 2} is not an array like the header row`);
		return {
			// Same naming rule as a CSV header (empty → V1…, repeats made unique): mappings rely on it.
			columns: headerNames(head.map(cell), head.length),
			rows: body.map((r) => r.map(cell)),
			lines: body.map((_, i) => i + 1),
			format: 'json'
		};
	}
	return fromRecords(data, data.map((_, i) => i + 1), 'json');
}

function readNdjson(text: string): RawTable {
	const records: unknown[] = [];
	const lines: number[] = [];
	const parts = text.split('\n');
	for (let i = 0; i < parts.length; i++) {
		const t = parts[i].trim();
		if (t === '') continue;
		try {
			records.push(JSON.parse(t));
		} catch {
			throw new ImportError(`JSON: line ${i + 1} is not valid JSON`);
		}
		lines.push(i + 1);
	}
	return fromRecords(records, lines, 'ndjson');
}

function fromRecords(records: unknown[], lines: number[], format: string): RawTable {
	const index = new Map<string, number>();
	const columns: string[] = [];
	for (const r of records) {
		if (!r || typeof r !== 'object' || Array.isArray(r)) throw new ImportError('JSON: every record must be an object');
		for (const k of Object.keys(r))
			if (!index.has(k)) {
				index.set(k, columns.length);
				columns.push(k);
			}
	}
	const rows = records.map((r) => {
		const row: Cell[] = new Array(columns.length).fill(null);
		for (const [k, v] of Object.entries(r as Record<string, unknown>)) row[index.get(k)!] = cell(v);
		return row;
	});
	// A key "" is legal JSON but no usable column name (a mapping could not name it).
	return { columns: headerNames(columns, columns.length), rows, lines, format };
}

/** A JSON value as a cell: numbers stay numbers, booleans and nested values become text. */
export function cell(v: unknown): Cell {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'string') return v;
	if (typeof v === 'bigint') return Number(v);
	if (typeof v === 'boolean') return v ? 'true' : 'false';
	if (v instanceof Date) return isoDate(v);
	return JSON.stringify(v);
}

/** A date as `YYYY-MM-DD` (UTC), with the time only when it is not midnight. */
export function isoDate(d: Date): string {
	const iso = d.toISOString();
	return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
