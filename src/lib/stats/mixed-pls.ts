/**
 * Numerical core of the mixed-model fitter in ./mixed.ts (split out to keep files small):
 * per-group sufficient statistics and the penalised least squares solve at a given θ, following
 * lme4's profiled deviance (Bates et al. 2015, JSS 67(1), §3). Internal to src/lib/stats; other
 * code should call fitLmm(). Pure functions, no Node/DOM APIs.
 */
import {
	backSolveTransposedInPlace,
	choleskyInPlace,
	forwardSolveInPlace,
	logDetFromCholesky,
	solveSpd
} from './matrix';
import type { LmmInput } from './mixed';

/** Per-group sufficient statistics: everything the profiled deviance needs, in O(groups) memory. */
export interface SuffStats {
	n: number;
	p: number;
	q: number;
	G: number;
	/** ZᵢᵀZᵢ packed as [m00, m01, m11] (q = 2) or [m00] (q = 1), per group. */
	ztz: Float64Array;
	/** ZᵢᵀXᵢ, q×p per group. */
	ztx: Float64Array;
	/** Zᵢᵀr, q per group, where r = y − Xβ₀ (see prepare()). */
	ztr: Float64Array;
	XtX: Float64Array;
	/** rᵀr. */
	rtr: number;
	/** Xᵀr: zero up to rounding, kept so the OLS round-off does not leak into β. */
	Xtr: Float64Array;
	/** OLS coefficients β₀ that r is relative to. */
	beta0: Float64Array;
}

/** State of the penalised least squares solution at one θ. */
export interface PlsState {
	deviance: number;
	/** Cholesky factor of RXᵀRX (p×p lower). */
	LX: Float64Array;
	/** β − β₀. */
	delta: Float64Array;
	/** Penalised residual sum of squares r²(θ). */
	pwrss: number;
}


/**
 * Validates input and accumulates sufficient statistics in one O(n·p²) pass. Works with
 * residuals from an OLS fit (r = y − Xβ₀) rather than y itself: the penalised RSS is then
 * computed as rᵀr minus two smaller quantities, avoiding the catastrophic cancellation that
 * yᵀy − … suffers when y has a large mean.
 */
export function prepare(input: LmmInput): SuffStats {
	const { y, X, groups } = input;
	const n = y.length;
	const p = input.terms.length;
	const q = input.random === 'slope' ? 2 : 1;
	if (X.length !== n || groups.length !== n) throw new Error('fitLmm: y, X and groups must have the same length');
	if (q === 2 && (!input.slope || input.slope.length !== n)) {
		throw new Error("fitLmm: random = 'slope' needs a slope covariate per observation");
	}
	if (n <= p) throw new Error('fitLmm: need more observations than fixed-effect terms');
	const gIndex = new Map<string | number, number>();
	const gi = new Int32Array(n);
	const XtX = new Float64Array(p * p);
	const Xty = new Float64Array(p);
	for (let i = 0; i < n; i++) {
		const row = X[i];
		if (row.length !== p) throw new Error(`fitLmm: X row ${i} has ${row.length} columns, expected ${p}`);
		if (!Number.isFinite(y[i]) || !row.every(Number.isFinite)) throw new Error(`fitLmm: non-finite value in row ${i}`);
		if (q === 2 && !Number.isFinite(input.slope![i])) throw new Error(`fitLmm: non-finite slope in row ${i}`);
		let g = gIndex.get(groups[i]);
		if (g === undefined) gIndex.set(groups[i], (g = gIndex.size));
		gi[i] = g;
		for (let j = 0; j < p; j++) {
			Xty[j] += row[j] * y[i];
			for (let k = 0; k <= j; k++) XtX[j * p + k] += row[j] * row[k];
		}
	}
	for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) XtX[k * p + j] = XtX[j * p + k];
	const beta0 = solveSpd(XtX, p, Xty);
	if (!beta0) throw new Error('fitLmm: fixed-effects design matrix is rank deficient (collinear columns)');

	const G = gIndex.size;
	const ztz = new Float64Array(G * (q === 2 ? 3 : 1));
	const ztx = new Float64Array(G * q * p);
	const ztr = new Float64Array(G * q);
	const Xtr = new Float64Array(p);
	let rtr = 0;
	for (let i = 0; i < n; i++) {
		const row = X[i];
		let r = y[i];
		for (let j = 0; j < p; j++) r -= row[j] * beta0[j];
		rtr += r * r;
		for (let j = 0; j < p; j++) Xtr[j] += row[j] * r;
		const g = gi[i];
		if (q === 1) {
			ztz[g] += 1;
			ztr[g] += r;
			for (let j = 0; j < p; j++) ztx[g * p + j] += row[j];
		} else {
			const t = input.slope![i];
			ztz[3 * g] += 1;
			ztz[3 * g + 1] += t;
			ztz[3 * g + 2] += t * t;
			ztr[2 * g] += r;
			ztr[2 * g + 1] += t * r;
			const o = 2 * g * p;
			for (let j = 0; j < p; j++) {
				ztx[o + j] += row[j];
				ztx[o + p + j] += t * row[j];
			}
		}
	}
	return { n, p, q, G, ztz, ztx, ztr, XtX, rtr, Xtr, beta0 };
}

/**
 * Solves the penalised least squares problem at θ and returns the profiled deviance (ML) or
 * REML criterion, following lme4's eqs. (34) and (42). Per group i, with Λ the q×q factor:
 *   Lᵢ Lᵢᵀ = ΛᵀZᵢᵀZᵢΛ + I,  RZXᵢ = Lᵢ⁻¹ΛᵀZᵢᵀX,  cuᵢ = Lᵢ⁻¹ΛᵀZᵢᵀr,
 *   RXᵀRX = XᵀX − Σ RZXᵢᵀRZXᵢ,  cβ = RX⁻ᵀ(Xᵀr − Σ RZXᵢᵀcuᵢ),  δ = RX⁻¹cβ,
 *   r²(θ) = rᵀr − Σ‖cuᵢ‖² − ‖cβ‖².
 * Returns null if RXᵀRX is not positive definite.
 */
export function pls(s: SuffStats, theta: number[], reml: boolean): PlsState | null {
	// Locals, not property reads, in the hot loop below (measurably faster in V8).
	const { p, q, G, n, ztz, ztx, ztr } = s;
	const A = Float64Array.from(s.XtX);
	const rhs = Float64Array.from(s.Xtr);
	const w0 = new Float64Array(p);
	const w1 = new Float64Array(p);
	let cuSq = 0;
	let logDetL = 0;
	const L = new Float64Array(4); // factorSlope's result, reused across client-series
	const a = theta[0];
	const b = q === 2 ? theta[1] : 0;
	const c = q === 2 ? theta[2] : 0;
	for (let g = 0; g < G; g++) {
		if (q === 1) {
			const t00 = a * a * ztz[g] + 1;
			const l = Math.sqrt(t00);
			logDetL += Math.log(t00);
			const f = a / l;
			const cu = f * ztr[g];
			cuSq += cu * cu;
			const o = g * p;
			for (let j = 0; j < p; j++) w0[j] = f * ztx[o + j];
			for (let j = 0; j < p; j++) {
				rhs[j] -= w0[j] * cu;
				for (let k = 0; k <= j; k++) A[j * p + k] -= w0[j] * w0[k];
			}
		} else {
			factorSlope(a, b, c, ztz[3 * g], ztz[3 * g + 1], ztz[3 * g + 2], L);
			const l00 = L[0], l10 = L[1], l11 = L[2];
			logDetL += L[3];
			const r0 = ztr[2 * g], r1 = ztr[2 * g + 1];
			const cu0 = (a * r0 + b * r1) / l00;
			const cu1 = (c * r1 - l10 * cu0) / l11;
			cuSq += cu0 * cu0 + cu1 * cu1;
			const o = 2 * g * p;
			for (let j = 0; j < p; j++) {
				w0[j] = (a * ztx[o + j] + b * ztx[o + p + j]) / l00;
				w1[j] = (c * ztx[o + p + j] - l10 * w0[j]) / l11;
			}
			for (let j = 0; j < p; j++) {
				rhs[j] -= w0[j] * cu0 + w1[j] * cu1;
				for (let k = 0; k <= j; k++) A[j * p + k] -= w0[j] * w0[k] + w1[j] * w1[k];
			}
		}
	}
	return finishPls(A, rhs, cuSq, logDetL, s.rtr, n, p, reml);
}

/**
 * For a random intercept and slope, Λ = [[a, 0], [b, c]] and a client-series' ZᵢᵀZᵢ = [[m00, m01],
 * [m01, m11]]: the 2×2 Cholesky factor L of ΛᵀZᵢᵀZᵢΛ + I, written to `out` as [l00, l10, l11,
 * log det(LLᵀ)] (an out-array: this runs per client-series per deviance evaluation). Shared by `pls`
 * and the pattern form (mixed-patterns.ts).
 */
export function factorSlope(a: number, b: number, c: number, m00: number, m01: number, m11: number, out: Float64Array): void {
	const t00 = a * a * m00 + 2 * a * b * m01 + b * b * m11 + 1;
	const t01 = c * (a * m01 + b * m11);
	const t11 = c * c * m11 + 1;
	const l00 = Math.sqrt(t00);
	const l10 = t01 / l00;
	out[0] = l00;
	out[1] = l10;
	out[2] = Math.sqrt(t11 - l10 * l10);
	out[3] = Math.log(t00 * t11 - t01 * t01);
}

/**
 * The end of the penalised least squares solve, shared by `pls` and the pattern form
 * (mixed-patterns.ts): given RXᵀRX before factoring (`A`, lower triangle), Xᵀr − Σ RZXᵢᵀcuᵢ (`rhs`),
 * Σ‖cuᵢ‖² and Σ log det(LᵢLᵢᵀ), factor, solve for δ and return the profiled deviance (ML) or REML
 * criterion. Returns null if RXᵀRX is not positive definite or r²(θ) ≤ 0.
 */
export function finishPls(A: Float64Array, rhs: Float64Array, cuSq: number, logDetL: number, rtr: number, n: number, p: number, reml: boolean): PlsState | null {
	if (!choleskyInPlace(A, p)) return null;
	const cb = Float64Array.from(rhs);
	forwardSolveInPlace(A, p, cb);
	let cbSq = 0;
	for (let j = 0; j < p; j++) cbSq += cb[j] * cb[j];
	const delta = Float64Array.from(cb);
	backSolveTransposedInPlace(A, p, delta);
	const pwrss = rtr - cuSq - cbSq;
	if (!(pwrss > 0)) return null;
	// logDetL accumulated log det(LᵢLᵢᵀ) = log det Tᵢ, i.e. already the “2 log|Lθ|” of the paper.
	const ldL2 = logDetL;
	const nu = reml ? n - p : n;
	let deviance = ldL2 + nu * (1 + Math.log((2 * Math.PI * pwrss) / nu));
	if (reml) deviance += logDetFromCholesky(A, p);
	return { deviance, LX: A, delta, pwrss };
}
