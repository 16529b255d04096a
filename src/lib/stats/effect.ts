/**
 * Descriptive summaries, t intervals and standardized mean differences. The formulas are
 * spelled out in the doc comments because researchers need to know *which* d is shown
 * (facts.md §6 row 5): pre–post d and between-group g are not comparable.
 */
import { normalQuantile, tCdf, tQuantile } from './distributions';

export interface Summary {
	n: number;
	mean: number;
	sd: number;
	se: number;
	ciLow: number;
	ciHigh: number;
	median: number;
	q1: number;
	q3: number;
	min: number;
	max: number;
}

/** Quantile of sorted data, R type 7 (the R and numpy default): linear interpolation at h = (n − 1)·p. */
export function quantileType7(sorted: ArrayLike<number>, p: number): number {
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, sorted.length - 1);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Describe a sample.
 *
 * Non-finite entries (NaN, ±Infinity) are treated as missing and dropped; n counts the
 * rest. sd is the sample SD (divisor n − 1); se = sd/√n; ciLow/ciHigh is the 95 %
 * t interval for the mean (df = n − 1); median/q1/q3 use R's default type-7 quantiles.
 * n = 0 → every field NaN except n = 0. n = 1 → mean, median, quartiles, min, max equal
 * the value; sd, se and the CI are NaN (no spread can be estimated from one value).
 */
export function summarize(values: number[]): Summary {
	// A typed array sorts numbers natively (a comparator sort of tens of thousands of changes was most of a /compare call's JavaScript).
	const xs = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
	const n = xs.length;
	if (n === 0) {
		return { n: 0, mean: NaN, sd: NaN, se: NaN, ciLow: NaN, ciHigh: NaN, median: NaN, q1: NaN, q3: NaN, min: NaN, max: NaN };
	}
	const mean = xs.reduce((s, v) => s + v, 0) / n;
	// Two-pass variance: the one-pass sum-of-squares formula loses digits on score data with a large mean.
	const ss = xs.reduce((s, v) => s + (v - mean) ** 2, 0);
	const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
	const ci = tInterval(n, mean, sd);
	return {
		n,
		mean,
		sd,
		se: sd / Math.sqrt(n),
		ciLow: ci.low ?? NaN,
		ciHigh: ci.high ?? NaN,
		median: quantileType7(xs, 0.5),
		q1: quantileType7(xs, 0.25),
		q3: quantileType7(xs, 0.75),
		min: xs[0],
		max: xs[n - 1]
	};
}

/**
 * t-based confidence interval for a mean from summary statistics — the one used everywhere
 * (summaries, trajectories, durability, safety means): mean ± t_{1−α/2, n−1} · sd/√n.
 * n < 2, a missing/NaN/negative sd or mean, or conf outside (0, 1) → { low: null, high: null }
 * (no spread can be estimated). sd = 0 gives a zero-width interval at the mean.
 */
export function tInterval(n: number, mean: number | null, sd: number | null, conf = 0.95): { low: number | null; high: number | null } {
	if (!(n >= 2) || sd === null || !(sd >= 0) || mean === null || !Number.isFinite(mean) || !(conf > 0 && conf < 1)) return { low: null, high: null };
	const half = tQuantile(1 - (1 - conf) / 2, n - 1) * (sd / Math.sqrt(n));
	return { low: mean - half, high: mean + half };
}

export interface HedgesG {
	/** Bias-corrected standardized mean difference g = J·d. */
	g: number;
	/** Standard error of g. */
	se: number;
	low: number;
	high: number;
	/** Uncorrected Cohen's d (pooled SD). */
	d: number;
}

/**
 * Hedges' g for two independent groups, (m1 − m2) standardized by the pooled SD, following
 * Borenstein, Hedges, Higgins & Rothstein (2009) *Introduction to Meta-Analysis*, ch. 4
 * (the Hedges & Olkin 1985 large-sample variance):
 *   s_pooled = √(((n1−1)·sd1² + (n2−1)·sd2²) / (n1 + n2 − 2))
 *   d   = (m1 − m2) / s_pooled
 *   V_d = (n1 + n2)/(n1·n2) + d² / (2(n1 + n2))
 *   J   = 1 − 3 / (4(n1 + n2) − 9)        (= 1 − 3/(4·df − 1), df = n1 + n2 − 2)
 *   g   = J·d,  V_g = J²·V_d,  SE = √V_g,  CI = g ± z_{1−α/2}·SE (normal, as in Borenstein).
 * Needs n1, n2 ≥ 2 with n1 + n2 ≥ 3 and finite, non-negative SDs; otherwise every field
 * is NaN. A pooled SD of 0 gives d = ±Infinity (or NaN when the means are equal).
 */
export function hedgesG(
	n1: number,
	m1: number,
	sd1: number,
	n2: number,
	m2: number,
	sd2: number,
	conf = 0.95
): HedgesG {
	const bad = { g: NaN, se: NaN, low: NaN, high: NaN, d: NaN };
	if (!(n1 >= 2 && n2 >= 2) || !(sd1 >= 0 && sd2 >= 0) || !Number.isFinite(m1) || !Number.isFinite(m2)) return bad;
	if (!(conf > 0 && conf < 1)) return bad;
	const df = n1 + n2 - 2;
	const sp = Math.sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / df);
	const d = (m1 - m2) / sp;
	const vd = (n1 + n2) / (n1 * n2) + (d * d) / (2 * (n1 + n2));
	const j = 1 - 3 / (4 * df - 1);
	const g = j * d;
	const se = j * Math.sqrt(vd);
	const z = normalQuantile(1 - (1 - conf) / 2);
	return { g, se, low: g - z * se, high: g + z * se, d };
}

