/**
 * Confidence intervals for proportions and their differences. Wilson (score) intervals,
 * not Wald: Brown, Cai & DasGupta (2001) show Wald's coverage collapses at the small n
 * and extreme rates typical of a single clinic's response/remission counts.
 */
import { normalQuantile } from './distributions';

export interface RateInterval {
	rate: number;
	low: number;
	high: number;
}

export interface DifferenceInterval {
	diff: number;
	low: number;
	high: number;
}

function validCounts(count: number, n: number): boolean {
	return Number.isFinite(count) && Number.isFinite(n) && n > 0 && count >= 0 && count <= n;
}

/**
 * Wilson score interval without continuity correction (Newcombe 1998 method 3).
 *
 * @param count successes, 0 ≤ count ≤ n (need not be an integer, so weighted counts work)
 * @param n trials
 * @param conf two-sided confidence level, default 0.95 (z = Φ⁻¹(0.975) = 1.959964)
 * @returns rate = count/n and bounds clamped to [0, 1]; count = 0 gives low exactly 0 and
 *   count = n gives high exactly 1. n = 0, count outside [0, n] or any NaN → all NaN.
 */
export function wilsonInterval(count: number, n: number, conf = 0.95): RateInterval {
	if (!validCounts(count, n) || !(conf > 0 && conf < 1)) return { rate: NaN, low: NaN, high: NaN };
	const z = normalQuantile(1 - (1 - conf) / 2);
	const p = count / n;
	const z2 = z * z;
	const denom = 1 + z2 / n;
	const centre = (p + z2 / (2 * n)) / denom;
	const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
	return {
		rate: p,
		// Exact endpoints at the boundaries: floating error would otherwise give ±1e-17.
		low: count === 0 ? 0 : Math.max(0, centre - half),
		high: count === n ? 1 : Math.min(1, centre + half)
	};
}

/** The method name a difference from `newcombeDifference` carries as its definition in exports. */
export const NEWCOMBE_METHOD = 'Newcombe method 10';

/**
 * Difference of two independent proportions p1 − p2 with Newcombe's (1998) hybrid score
 * interval, method 10: combines the two Wilson intervals (l1, u1), (l2, u2) as
 *   low  = d − √((p1 − l1)² + (u2 − p2)²)
 *   high = d + √((u1 − p1)² + (p2 − l2)²).
 * Good coverage down to zero cells, unlike the Wald difference.
 *
 * @returns diff = c1/n1 − c2/n2 with bounds in [−1, 1]; if either group is invalid
 *   (n = 0, count outside [0, n], NaN) all three fields are NaN.
 */
export function newcombeDifference(
	c1: number,
	n1: number,
	c2: number,
	n2: number,
	conf = 0.95
): DifferenceInterval {
	const a = wilsonInterval(c1, n1, conf);
	const b = wilsonInterval(c2, n2, conf);
	if (Number.isNaN(a.rate) || Number.isNaN(b.rate)) return { diff: NaN, low: NaN, high: NaN };
	const diff = a.rate - b.rate;
	const delta = Math.hypot(a.rate - a.low, b.high - b.rate);
	const eps = Math.hypot(a.high - a.rate, b.rate - b.low);
	return { diff, low: Math.max(-1, diff - delta), high: Math.min(1, diff + eps) };
}

/** Number needed to treat from a risk difference and its CI (Altman 1998, BMJ 317:1309). */
export interface NumberNeededToTreat {
	/** 1/|diff|; Infinity when diff = 0. */
	nnt: number;
	/** benefit (diff > 0: the first group responds more: NNTB), harm (diff < 0: NNTH), none (diff = 0). */
	kind: 'benefit' | 'harm' | 'none';
	/**
	 * The CI in Altman's convention. When the difference's CI excludes 0, both ends are on one
	 * side: `benefit: [1/high, 1/low]` (or `harm: [1/|low|, 1/|high|]`). When it crosses 0 the
	 * interval is two pieces through infinity: NNTB from 1/high to ∞, and NNTH from ∞ down to 1/|low|,
	 * written "NNTB 1/high to ∞ to NNTH 1/|low|".
	 */
	ci: { crossesZero: boolean; benefit: [number, number] | null; harm: [number, number] | null };
	/** Human-readable text, e.g. "NNTB 4.2 (95 % CI NNTB 2.3 to ∞ to NNTH 21.5)". */
	text: string;
}

/** Altman's NNT with CI from a difference in proportions (`diff`, `low`, `high` as from newcombeDifference). */
export function numberNeededToTreat(diff: number, low: number, high: number): NumberNeededToTreat {
	const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞');
	const kind = diff > 0 ? 'benefit' : diff < 0 ? 'harm' : 'none';
	const nnt = diff === 0 ? Infinity : 1 / Math.abs(diff);
	const label = (k: string) => (k === 'benefit' ? 'NNTB' : 'NNTH');
	let ci: NumberNeededToTreat['ci'];
	let ciText: string;
	if (low > 0) {
		ci = { crossesZero: false, benefit: [1 / high, 1 / low], harm: null };
		ciText = `NNTB ${f(1 / high)} to ${f(1 / low)}`;
	} else if (high < 0) {
		ci = { crossesZero: false, benefit: null, harm: [1 / Math.abs(low), 1 / Math.abs(high)] };
		ciText = `NNTH ${f(1 / Math.abs(low))} to ${f(1 / Math.abs(high))}`;
	} else {
		ci = { crossesZero: true, benefit: high > 0 ? [1 / high, Infinity] : null, harm: low < 0 ? [1 / Math.abs(low), Infinity] : null };
		ciText = `NNTB ${f(high > 0 ? 1 / high : Infinity)} to ∞ to NNTH ${f(low < 0 ? 1 / Math.abs(low) : Infinity)}`;
	}
	const head = kind === 'none' ? 'NNT ∞' : `${label(kind)} ${f(nnt)}`;
	return { nnt, kind, ci, text: `${head} (95 % CI ${ciText})` };
}
