/**
 * Excel `.xlsx` through `@e965/xlsx` (a current SheetJS build; the registry's `xlsx` 0.18.5 has published
 * advisories). Loaded with a dynamic import so it stays out of the app's main bundle. Error cells
 * (`#NULL!`, `#N/A`, `#DIV/0!` …) are missing values; dates become `YYYY-MM-DD`; the line of a row is its
 * sheet row number as Excel shows it.
 *
 * The sheet's own `<dimension>` is not trusted for the size of the grid: a damaged or hostile file can
 * claim `A1:XFD1048576` (17 billion cells) while holding two. The grid is the part of it that has cells,
 * and a grid over MAX_SHEET_CELLS is refused with the limit stated instead of freezing the tab.
 */
import { cell, isoDate } from './json';
import { headerNames } from './csv';
import { ImportError, type Cell, type RawTable } from './types';

/** Largest sheet grid (rows × columns, empty cells included) read; about the 512 MB file limit's worth. */
export const MAX_SHEET_CELLS = 50_000_000;

/** Read sheet `sheet` (default: the first with data) of the workbook in `bytes`. */
export async function readXlsx(bytes: Uint8Array, sheet?: string): Promise<RawTable> {
	const damage = zipDamage(bytes);
	if (damage) throw new ImportError(`could not read the Excel file: ${damage}`);
	const XLSX = await import('@e965/xlsx');
	let wb;
	try {
		wb = XLSX.read(bytes, { type: 'array', cellDates: true, cellFormula: false, cellHTML: false });
	} catch (e) {
		throw new ImportError(`could not read the Excel file (damaged, or not an .xlsx workbook): ${e instanceof Error ? e.message : String(e)}`);
	}
	const names = wb.SheetNames;
	if (sheet !== undefined && !names.includes(sheet))
		throw new ImportError(`sheet "${sheet}" not found; the workbook has: ${names.join(', ')}`);
	const name = sheet ?? names.find((n) => wb.Sheets[n]?.['!ref']) ?? names[0];
	const ws = wb.Sheets[name];
	if (!ws || !ws['!ref']) throw new ImportError(`sheet "${name}" is empty`);
	const range = usedRange(ws, XLSX.utils.decode_range(ws['!ref']), XLSX.utils.decode_cell);
	if (!range) throw new ImportError(`sheet "${name}" is empty`);
	const size = (range.e.r - range.s.r + 1) * (range.e.c - range.s.c + 1);
	if (size > MAX_SHEET_CELLS)
		throw new ImportError(
			`sheet "${name}" spans ${range.e.r - range.s.r + 1} rows × ${range.e.c - range.s.c + 1} columns; ` +
				`at most ${MAX_SHEET_CELLS.toLocaleString('en')} cells can be imported. Delete stray cells far from the data, or save the sheet as CSV`
		);
	const grid: { row: Cell[]; line: number }[] = [];
	for (let r = range.s.r; r <= range.e.r; r++) {
		const row: Cell[] = [];
		let any = false;
		for (let c = range.s.c; c <= range.e.c; c++) {
			const v = value(ws[XLSX.utils.encode_cell({ r, c })]);
			if (v !== null && v !== '') any = true;
			row.push(v);
		}
		if (any) grid.push({ row, line: r + 1 });
	}
	if (grid.length === 0) throw new ImportError(`sheet "${name}" is empty`);
	const [head, ...body] = grid;
	return {
		columns: headerNames(head.row, head.row.length),
		rows: body.map((g) => g.row),
		lines: body.map((g) => g.line),
		sheet: name,
		sheets: names,
		format: 'xlsx',
		header: true
	};
}

/**
 * Why `b` is not a complete zip archive, or null when its structure holds together: an end-of-directory
 * record, a central directory inside the file, and every entry's local header and data before it.
 * Checked before SheetJS sees the bytes because its zip reader does not stop on a cut-short file: on a
 * truncated workbook it walks garbage offsets for minutes instead of failing.
 */
export function zipDamage(b: Uint8Array): string | null {
	const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
	let eocd = -1;
	// The end record is 22 bytes plus a comment of at most 65 535 bytes, so it is in the file's tail.
	for (let i = b.length - 22, stop = Math.max(0, b.length - 22 - 65_535); i >= stop; i--)
		if (dv.getUint32(i, true) === 0x06054b50) {
			eocd = i;
			break;
		}
	if (eocd < 0) return 'the file is cut short or is not a zip archive (no zip directory at its end)';
	const count = dv.getUint16(eocd + 10, true);
	const size = dv.getUint32(eocd + 12, true);
	const start = dv.getUint32(eocd + 16, true);
	if (start + size > eocd) return 'its zip directory points outside the file';
	let p = start;
	for (let k = 0; k < count; k++) {
		if (p + 46 > start + size || dv.getUint32(p, true) !== 0x02014b50) return 'its zip directory is damaged';
		const packed = dv.getUint32(p + 20, true);
		const local = dv.getUint32(p + 42, true);
		if (local + 30 > start || dv.getUint32(local, true) !== 0x04034b50) return 'a part of the workbook is damaged';
		// 0xFFFFFFFF: a ZIP64 size kept elsewhere (files over 4 GB, beyond the import limit anyway).
		if (packed !== 0xffffffff && local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true) + packed > start)
			return 'a part of the workbook is cut short';
		p += 46 + dv.getUint16(p + 28, true) + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
	}
	return null;
}

type Range = { s: { r: number; c: number }; e: { r: number; c: number } };

/**
 * `declared` (the sheet's `!ref`) narrowed to the cells that exist: the bounding box of the cell
 * addresses, which costs one pass over the cells however large the declared range is. Null when no
 * cell lies inside it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function usedRange(ws: Record<string, any>, declared: Range, decode: (a: string) => { r: number; c: number }): Range | null {
	let r0 = Infinity, c0 = Infinity, r1 = -1, c1 = -1;
	for (const key of Object.keys(ws)) {
		if (key.startsWith('!')) continue;
		const { r, c } = decode(key);
		if (r < declared.s.r || r > declared.e.r || c < declared.s.c || c > declared.e.c) continue;
		if (r < r0) r0 = r;
		if (r > r1) r1 = r;
		if (c < c0) c0 = c;
		if (c > c1) c1 = c;
	}
	return r1 < 0 ? null : { s: { r: r0, c: c0 }, e: { r: r1, c: c1 } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function value(c: any): Cell {
	if (!c || c.t === 'e' || c.t === 'z') return null;
	if (c.t === 'd' && c.v instanceof Date) return isoDate(c.v);
	if (c.t === 's') return typeof c.v === 'string' ? c.v : String(c.v ?? '');
	return cell(c.v);
}
