/**
 * Kaplan–Meier curves and the log-rank test, for durability / time-to-relapse views
 * (facts.md §6 row 3). Output is chosen to match R's `survival` package (survfit,
 * quantile.survfit, survdiff) so numbers can be checked against it.
 */
import { chiSquareSf, normalQuantile } from './distributions';

export type ConfType = 'log-log' | 'log' | 'plain';

export interface KmPoint {
	time: number;
	atRisk: number;
	events: number;
	censored: number;
	survival: number;
	/** Greenwood standard error of S(t) on the survival scale (R: summary(fit)$std.err). */
	se: number;
	low: number;
	high: number;
}

export interface KmResult {
	/** One point per distinct observed time (event or censoring), ascending. */
	points: KmPoint[];
	median: number | null;
	medianLow: number | null;
	medianHigh: number | null;
	n: number;
	totalEvents: number;
}

function toEvent(e: 0 | 1 | boolean): number {
	return e === true || e === 1 ? 1 : 0;
}

function validate(times: number[], events: (0 | 1 | boolean)[], counts?: readonly number[]): void {
	if (times.length !== events.length) {
		throw new Error(`survival: ${times.length} times but ${events.length} event flags`);
	}
	if (counts && counts.length !== times.length) throw new Error(`survival: ${times.length} times but ${counts.length} counts`);
	counts?.forEach((c, i) => {
		if (!Number.isInteger(c) || c < 0) throw new Error(`survival: count ${i} is ${c}; counts must be whole numbers ≥ 0`);
	});
	times.forEach((t, i) => {
		if (!Number.isFinite(t) || t < 0) throw new Error(`survival: time ${i} is ${t}; times must be finite and ≥ 0`);
	});
}

/**
 * Time at which a step curve (values at the given times, 1 before the first) first
 * reaches ≤ 1 − p, reproducing R's quantile.survfit: a curve that sits exactly on the
 * level (within √ε) over an interval gives the midpoint of that flat stretch; NaN curve
 * values are skipped. null if the curve never gets there.
 */
function curveQuantile(times: number[], curve: number[], p: number, xmax: number): number | null {
	const tol = Math.sqrt(Number.EPSILON);
	const x: number[] = [0];
	const y: number[] = [0];
	const seen = new Set<number>([0]);
	let top = 0;
	for (let i = 0; i < times.length; i++) {
		const v = 1 - curve[i];
		if (Number.isNaN(v) || seen.has(v)) continue;
		seen.add(v);
		x.push(times[i]);
		y.push(v);
		top = Math.max(top, v);
	}
	if (top < p) return null;
	const i1 = y.findIndex((v) => v + tol >= p);
	const i2 = y.findIndex((v) => v - tol >= p);
	if (Math.abs(p - y[y.length - 1]) < tol) return (x[i1] + xmax) / 2;
	if (i1 < 0 || i2 < 0) return null;
	return (x[i1] + x[i2]) / 2;
}

/**
 * Kaplan–Meier estimate with Greenwood variance.
 *
 * @param times follow-up times (finite, ≥ 0), any order
 * @param events 1/true = event (e.g. relapse), 0/false = censored at that time
 * @param conf confidence level, default 0.95
 * @param counts how many subjects each (time, event) pair stands for (default 1 each): counted
 *   input (the summaries' responders per week) gives the same result as the pairs repeated,
 *   without building one entry per subject (the sums are of whole numbers, so exactly the same).
 * @param confType pointwise CI scale. Default **'log-log'** (CI for log(−log S), as SAS
 *   and Stata default and R's conf.type = "log-log"): it never leaves [0, 1] and
 *   behaves better in small samples than R's default 'log' (available here as 'log',
 *   upper bound capped at 1, exactly like R). 'plain' = S ± z·SE clipped to [0, 1].
 * @returns points at every distinct time (events counted before censorings at tied
 *   times, the usual convention). se = S·√Σ d/(n(n−d)). Where S = 1 the CI is [1, 1];
 *   where S = 0 se/low/high are NaN (R reports NA). median = first time S ≤ 0.5 (R's
 *   midpoint rule when S is exactly 0.5 over an interval), null if never reached.
 *   medianLow / medianHigh (Brookmeyer–Crowley as computed by R's quantile.survfit) are
 *   the times the lower / upper confidence curve first reaches ≤ 0.5, null if never
 *   (medianHigh is often null: the upper band stays above 0.5 in small samples).
 *   Empty input → no points, all medians null, n = 0.
 * @throws Error when lengths differ, a time is negative or not finite, or a count is not a whole number ≥ 0.
 */
export function kaplanMeier(
	times: number[],
	events: (0 | 1 | boolean)[],
	conf = 0.95,
	confType: ConfType = 'log-log',
	counts?: readonly number[]
): KmResult {
	validate(times, events, counts);
	const n = counts ? counts.reduce((a, b) => a + b, 0) : times.length;
	const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
	const z = normalQuantile(1 - (1 - conf) / 2);
	const points: KmPoint[] = [];
	let atRisk = n;
	let s = 1;
	let greenwood = 0;
	let totalEvents = 0;
	for (let k = 0; k < order.length; ) {
		const t = times[order[k]];
		let d = 0;
		let c = 0;
		for (; k < order.length && times[order[k]] === t; k++) {
			const many = counts ? counts[order[k]] : 1;
			if (toEvent(events[order[k]])) d += many;
			else c += many;
		}
		if (d + c === 0) continue; // pairs that stand for no subject are no observed time
		if (d > 0) {
			s *= 1 - d / atRisk;
			greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : Infinity;
		}
		totalEvents += d;
		const seLog = Math.sqrt(greenwood);
		points.push({ time: t, atRisk, events: d, censored: c, survival: s, se: s > 0 ? s * seLog : NaN, ...band(s, seLog, z, confType) });
		atRisk -= d + c;
	}
	const xs = points.map((p) => p.time);
	const xmax = n > 0 ? xs[xs.length - 1] : 0;
	return {
		points,
		median: curveQuantile(xs, points.map((p) => p.survival), 0.5, xmax),
		// The lower band reaches 0.5 first, so it bounds the median from below.
		medianLow: curveQuantile(xs, points.map((p) => p.low), 0.5, xmax),
		medianHigh: curveQuantile(xs, points.map((p) => p.high), 0.5, xmax),
		n,
		totalEvents
	};
}

function band(s: number, seLog: number, z: number, type: ConfType): { low: number; high: number } {
	if (s === 0) return { low: NaN, high: NaN };
	if (s === 1) return { low: 1, high: 1 };
	if (type === 'plain') {
		const h = z * seLog * s;
		return { low: Math.max(0, s - h), high: Math.min(1, s + h) };
	}
	if (type === 'log') {
		return { low: Math.exp(Math.log(s) - z * seLog), high: Math.min(1, Math.exp(Math.log(s) + z * seLog)) };
	}
	const ll = Math.log(-Math.log(s));
	const h = (z * seLog) / Math.abs(Math.log(s));
	return { low: Math.exp(-Math.exp(ll + h)), high: Math.exp(-Math.exp(ll - h)) };
}

export interface LogRankResult {
	chi2: number;
	df: number;
	p: number;
	/** Observed events per group, in input order. */
	observed: number[];
	/** Expected events per group under equal hazards. */
	expected: number[];
}

/**
 * Log-rank (Mantel–Haenszel) test of equal survival across groups, as R's
 * survdiff(rho = 0): chi2 = (O − E)ᵀ V⁻¹ (O − E) over all groups but the last, with the
 * hypergeometric covariance V. df = (number of groups with at least one subject) − 1.
 * A group's `counts`, as kaplanMeier's, say how many subjects each (time, event) pair stands for.
 * Empty groups get observed = expected = 0 and are left out of the test. Fewer than two
 * non-empty groups, or no events at all → chi2 and p NaN.
 * @throws Error on invalid times (see kaplanMeier).
 */
export function logRank(groups: { times: number[]; events: (0 | 1 | boolean)[]; counts?: readonly number[] }[]): LogRankResult {
	groups.forEach((g) => validate(g.times, g.events, g.counts));
	const k = groups.length;
	const observed = new Array<number>(k).fill(0);
	const expected = new Array<number>(k).fill(0);
	// Subjects per group: `counts` (when given) says how many each (time, event) pair stands for.
	const sizes = groups.map((g) => (g.counts ? g.counts.reduce((a, b) => a + b, 0) : g.times.length));
	const live = groups.map((_, i) => i).filter((i) => sizes[i] > 0);
	const m = live.length - 1;
	const V: number[][] = Array.from({ length: Math.max(m, 0) }, () => new Array<number>(Math.max(m, 0)).fill(0));
	// One pass over all subjects sorted by time, keeping per-group risk sets: O(N log N).
	const recs = groups.flatMap((g, gi) => g.times.map((t, i) => ({ t, e: toEvent(g.events[i]), gi, many: g.counts ? g.counts[i] : 1 })));
	recs.sort((a, b) => a.t - b.t);
	const nk = [...sizes];
	let eventTimes = 0;
	for (let r = 0; r < recs.length; ) {
		const t = recs[r].t;
		const dk = new Array<number>(k).fill(0);
		const leaving = new Array<number>(k).fill(0);
		for (; r < recs.length && recs[r].t === t; r++) {
			dk[recs[r].gi] += recs[r].e * recs[r].many;
			leaving[recs[r].gi] += recs[r].many;
		}
		const dt = dk.reduce((a, b) => a + b, 0);
		if (dt > 0) {
			eventTimes++;
			const nt = nk.reduce((a, b) => a + b, 0);
			for (let i = 0; i < k; i++) {
				observed[i] += dk[i];
				expected[i] += (dt * nk[i]) / nt;
			}
			if (nt >= 2) {
				const f = (dt * (nt - dt)) / (nt - 1);
				for (let a = 0; a < m; a++) {
					for (let b = 0; b < m; b++) {
						const pa = nk[live[a]] / nt;
						const pb = nk[live[b]] / nt;
						V[a][b] += f * pa * ((a === b ? 1 : 0) - pb);
					}
				}
			}
		}
		for (let i = 0; i < k; i++) nk[i] -= leaving[i];
	}
	const df = Math.max(m, 0);
	if (m < 1 || eventTimes === 0) return { chi2: NaN, df, p: NaN, observed, expected };
	const u = live.slice(0, m).map((i) => observed[i] - expected[i]);
	const x = solve(V, u);
	const chi2 = x ? u.reduce((s, ui, i) => s + ui * x[i], 0) : NaN;
	return { chi2, df, p: chiSquareSf(chi2, df), observed, expected };
}

/** Gaussian elimination with partial pivoting; null if (numerically) singular. */
function solve(A: number[][], b: number[]): number[] | null {
	const m = b.length;
	const M = A.map((row, i) => [...row, b[i]]);
	const scale = Math.max(...A.map((r) => Math.max(...r.map(Math.abs))));
	for (let c = 0; c < m; c++) {
		let piv = c;
		for (let r = c + 1; r < m; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
		if (!(Math.abs(M[piv][c]) > 1e-12 * scale)) return null;
		[M[c], M[piv]] = [M[piv], M[c]];
		for (let r = c + 1; r < m; r++) {
			const f = M[r][c] / M[c][c];
			for (let j = c; j <= m; j++) M[r][j] -= f * M[c][j];
		}
	}
	const x = new Array<number>(m).fill(0);
	for (let r = m - 1; r >= 0; r--) {
		let s = M[r][m];
		for (let j = r + 1; j < m; j++) s -= M[r][j] * x[j];
		x[r] = s / M[r][r];
	}
	return x;
}
