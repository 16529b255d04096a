/**
 * Spearman rank correlation with a Fisher-z confidence interval.
 *
 * ρ is Pearson's r of the mid-ranks (ties share the mean of the ranks they span), which is what R's
 * `cor(x, y, method = "spearman")` computes. The CI transforms ρ with atanh and uses the standard
 * error 1.06 / √(n − 3) recommended for Spearman's ρ by Fieller, Hartley & Pearson (1957)
 * (Pearson's 1/√(n − 3) understates it); it needs n ≥ 4.
 */
import { normalQuantile } from './distributions';

/** Mid-ranks (1-based) of `x`; tied values get the mean of their ranks. */
export function midRanks(x: number[]): number[] {
	const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
	const ranks = new Array<number>(x.length);
	for (let i = 0; i < order.length; ) {
		let j = i;
		while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
		const r = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) ranks[order[k][1]] = r;
		i = j + 1;
	}
	return ranks;
}

function pearson(x: number[], y: number[]): number {
	const n = x.length;
	const mx = x.reduce((a, b) => a + b, 0) / n;
	const my = y.reduce((a, b) => a + b, 0) / n;
	let sxy = 0, sxx = 0, syy = 0;
	for (let i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) ** 2;
		syy += (y[i] - my) ** 2;
	}
	return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

export interface SpearmanResult {
	n: number;
	rho: number;
	low: number;
	high: number;
}

/** Spearman's ρ of paired finite values with a two-sided `conf` CI (NaN where not computable). */
export function spearman(x: number[], y: number[], conf = 0.95): SpearmanResult {
	if (x.length !== y.length) throw new Error('spearman: x and y differ in length');
	const n = x.length;
	if (n < 2) return { n, rho: NaN, low: NaN, high: NaN };
	const rho = pearson(midRanks(x), midRanks(y));
	if (n < 4 || !Number.isFinite(rho)) return { n, rho, low: NaN, high: NaN };
	if (Math.abs(rho) === 1) return { n, rho, low: rho, high: rho };
	const z = Math.atanh(rho);
	const half = (normalQuantile(1 - (1 - conf) / 2) * 1.06) / Math.sqrt(n - 3);
	return { n, rho, low: Math.tanh(z - half), high: Math.tanh(z + half) };
}
