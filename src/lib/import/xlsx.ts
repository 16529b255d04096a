/**
 * Excel `.xlsx` through `@e965/xlsx` (a current SheetJS build; the registry's `xlsx` 0.18.5 has published
 * advisories). Loaded with a dynamic import so it stays out of the app's main bundle. Error cells
 * (`#NULL!`, `#N/A`, `#DIV/0!` …) are missing values; dates become `YYYY-MM-DD`; the line of a row is its
 * sheet row number as Excel shows it.
 */
import { cell, isoDate } from './json';
import { headerNames } from './csv';
import { ImportError, type Cell, type RawTable } from './types';

/** Read sheet `sheet` (default: the first with data) of the workbook in `bytes`. */
export async function readXlsx(bytes: Uint8Array, sheet?: string): Promise<RawTable> {
	const XLSX = await import('@e965/xlsx');
	let wb;
	try {
		wb = XLSX.read(bytes, { type: 'array', cellDates: true, cellFormula: false, cellHTML: false });
	} catch (e) {
		throw new ImportError(`could not read the Excel file: ${e instanceof Error ? e.message : String(e)}`);
	}
	const names = wb.SheetNames;
	if (sheet !== undefined && !names.includes(sheet))
		throw new ImportError(`sheet "${sheet}" not found; the workbook has: ${names.join(', ')}`);
	const name = sheet ?? names.find((n) => wb.Sheets[n]?.['!ref']) ?? names[0];
	const ws = wb.Sheets[name];
	if (!ws || !ws['!ref']) throw new ImportError(`sheet "${name}" is empty`);
	const range = XLSX.utils.decode_range(ws['!ref']);
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function value(c: any): Cell {
	if (!c || c.t === 'e' || c.t === 'z') return null;
	if (c.t === 'd' && c.v instanceof Date) return isoDate(c.v);
	if (c.t === 's') return typeof c.v === 'string' ? c.v : String(c.v ?? '');
	return cell(c.v);
}
