/**
 * Rejected rows as a CSV a person can fix and re-import: the original columns, then `line` and
 * `reason`. Cells are written by the app's one CSV writer (`export/csv.ts`), so the formula
 * neutralisation (= + - @ tab CR get a leading apostrophe) is the same as in every other export.
 */
import { csvCell } from '../export/csv';
import type { Cell, ImportReport, RawTable } from './types';

/** CSV of the source rows named in `report.errors` (one CSV row per error, in error order). */
export function rejectedRowsCsv(raw: RawTable, report: ImportReport): string {
	const byLine = new Map<number, number>();
	raw.lines.forEach((l, i) => {
		if (!byLine.has(l)) byLine.set(l, i);
	});
	const out: string[] = [[...raw.columns, 'line', 'reason'].map(csvCell).join(',')];
	for (const e of report.errors) {
		const i = byLine.get(e.line);
		const cells: Cell[] = i === undefined ? raw.columns.map(() => null) : raw.columns.map((_, c) => raw.rows[i][c] ?? null);
		const reason = e.column ? `${e.column}: ${e.reason}` : e.reason;
		out.push([...cells, e.line, reason].map(csvCell).join(','));
	}
	return out.join('\r\n') + '\r\n';
}
