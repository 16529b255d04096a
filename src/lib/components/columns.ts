/**
 * Table columns for ChartCard's "Table" view and CSV download, and the presets several cards share,
 * so a distribution is labelled the same way everywhere.
 */

/** One column: row key, header label, and how a value is shown (default: numbers to 2 decimals). */
export interface Column {
	key: string;
	label: string;
	format?: (v: unknown) => string;
}

/**
 * n, mean, (SD,) and the t-based 95 % CI of a distribution row (trajectory, follow-up week, a
 * safety measure). `digits`: mean and CI shown to that many decimals ('–' when missing); `nLabel`
 * and `meanLabel` name what is counted and the unit.
 */
export function meanCiColumns(opts: { sd?: boolean; digits?: number; nLabel?: string; meanLabel?: string } = {}): Column[] {
	const digits = opts.digits;
	const format = digits === undefined ? undefined : (v: unknown) => (v === null ? '–' : (v as number).toFixed(digits));
	return [
		{ key: 'n', label: opts.nLabel ?? 'n' },
		{ key: 'mean', label: opts.meanLabel ?? 'Mean', format },
		...(opts.sd === false ? [] : [{ key: 'sd', label: 'SD', format }]),
		{ key: 'ci_low', label: 'CI low', format },
		{ key: 'ci_high', label: 'CI high', format }
	];
}
