/**
 * Table columns for ChartCard's "Table" view and CSV download, and the presets several cards share,
 * so a distribution is labelled the same way everywhere. A column's `kind` says what its values
 * are, which decides how the CSV writes them (export/labelled.ts: words for codes, rounded numbers).
 */
import type { CsvColumn } from '../export/labelled';

/** One column: row key, header label, how a value is shown (`format`; default: numbers to 2 decimals) and what it is (`kind`). */
export type Column = CsvColumn;

/**
 * n, mean, (SD,) and the t-based 95 % CI of a distribution row (trajectory, follow-up week, a
 * safety measure). `digits`: mean and CI shown to that many decimals ('–' when missing), and the
 * CSV's rounding (default 1: scores and measures are recorded in whole units); `nLabel` and
 * `meanLabel` name what is counted and the unit.
 */
export function meanCiColumns(opts: { sd?: boolean; digits?: number; nLabel?: string; meanLabel?: string } = {}): Column[] {
	const digits = opts.digits;
	const format = digits === undefined ? undefined : (v: unknown) => (v === null ? '–' : (v as number).toFixed(digits));
	const mean = { kind: 'mean' as const, digits, format };
	return [
		{ key: 'n', label: opts.nLabel ?? 'n', kind: 'count' },
		{ key: 'mean', label: opts.meanLabel ?? 'Mean', ...mean },
		...(opts.sd === false ? [] : [{ key: 'sd', label: 'SD', ...mean }]),
		{ key: 'ci_low', label: '95 % CI lower', ...mean },
		{ key: 'ci_high', label: '95 % CI upper', ...mean }
	];
}
