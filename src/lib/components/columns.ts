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

/** n, mean, (SD,) and the t-based 95 % CI of a distribution row (trajectory or follow-up week). */
export function meanCiColumns(opts: { sd?: boolean } = {}): Column[] {
	return [
		{ key: 'n', label: 'n' },
		{ key: 'mean', label: 'Mean' },
		...(opts.sd === false ? [] : [{ key: 'sd', label: 'SD' }]),
		{ key: 'ci_low', label: 'CI low' },
		{ key: 'ci_high', label: 'CI high' }
	];
}
