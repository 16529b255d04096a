/** Number formatting shared by the /compare cards (the same rounding as the results sentences). */

/** Two decimals, or an em dash for a missing / non-finite value. */
export const f2 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2));

/** A proportion as a percentage with one decimal. */
export const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)} %`);

/** A p-value as reported: "p < 0.001" or "p = 0.042". */
export const pval = (p: number | null | undefined): string =>
	p === null || p === undefined || !Number.isFinite(p) ? 'p = —' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;

/** "est (low to high)". */
export const ci = (est: number | null | undefined, low: number | null | undefined, high: number | null | undefined, f = f2): string =>
	`${f(est)} (${f(low)} to ${f(high)})`;

/** A nice symmetric-enough numeric domain covering `values` and 0. */
export function domainOf(values: (number | null | undefined)[], pad = 0.08): [number, number] {
	const v = values.filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
	let lo = Math.min(0, ...v);
	let hi = Math.max(0, ...v);
	if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
	const span = hi - lo;
	return [lo - span * pad, hi + span * pad];
}
