/**
 * Linear mixed models with one grouping factor (random intercept, or correlated random
 * intercept + slope), fitted by ML or REML via lme4's profiled deviance (Bates, Mächler,
 * Bolker & Walker 2015, "Fitting Linear Mixed-Effects Models Using lme4", JSS 67(1), §3).
 *
 * Model: y = Xβ + Zb + ε, b ~ N(0, σ² Λθ Λθᵀ), ε ~ N(0, σ² I). For each θ the penalised least
 * squares problem is solved exactly, β and σ² are profiled out, and the resulting deviance is
 * minimised over θ with Nelder–Mead. With a single grouping factor ZᵀZ is block diagonal
 * (one q×q block per group, q = 1 or 2), so everything the deviance needs reduces to per-group
 * sufficient statistics computed once: each deviance evaluation costs O(groups·q·p²), not O(n).
 * Pure functions, no Node/DOM APIs.
 */
import {
	backSolveTransposedInPlace,
	choleskyInPlace,
	forwardSolveInPlace,
	inverseFromCholesky,
	logDetFromCholesky,
	solveSpd
} from './matrix';
import { nelderMead } from './optimize';
import { chiSquareSf } from './distributions';

/** Input to {@link fitLmm}. All arrays are per observation and must have equal length. */
export interface LmmInput {
	/** Response, one per observation (finite). */
	y: number[];
	/** Fixed-effects design rows; include the intercept column yourself. */
	X: number[][];
	/** Names of X's columns, e.g. ['(Intercept)', 'time', 'groupB', 'time:groupB']. */
	terms: string[];
	/** Grouping factor (client id) per observation. */
	groups: (string | number)[];
	/** 'intercept' = (1 | g); 'slope' = (slope | g) with correlated intercept and slope. */
	random: 'intercept' | 'slope';
	/** Random-slope covariate per observation; required when random = 'slope'. */
	slope?: number[];
	/** Maximum likelihood, or restricted (residual) maximum likelihood. */
	method: 'ML' | 'REML';
}

/** Result of {@link fitLmm}; numbers match what lme4's summary() prints for the same model. */
export interface LmmFit {
	method: 'ML' | 'REML';
	random: 'intercept' | 'slope';
	/** Fixed effects with SE from σ²(RXᵀRX)⁻¹, t = estimate/se, Wald 95% CI (normal quantile). */
	fixed: { term: string; estimate: number; se: number; t: number; low: number; high: number }[];
	/** Variance components (variances, not SDs); slope/covariance are null for random = 'intercept'. */
	variance: { intercept: number; slope: number | null; covariance: number | null; residual: number };
	/** ML: maximised log-likelihood. REML: −½ REML criterion (what lme4 prints as logLik). */
	loglik: number;
	/** −2·loglik (for REML this is the REML criterion). */
	deviance: number;
	/** deviance + 2k and deviance + k·log(nObs), k = fixed terms + covariance parameters + 1. */
	aic: number;
	bic: number;
	nObs: number;
	nGroups: number;
	/** False if the optimiser hit its evaluation cap before meeting its tolerances. */
	converged: boolean;
	/** Number of deviance evaluations used by the optimiser. */
	iterations: number;
}

/** Per-group sufficient statistics: everything the profiled deviance needs, in O(groups) memory. */
interface SuffStats {
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
interface PlsState {
	deviance: number;
	/** Cholesky factor of RXᵀRX (p×p lower). */
	LX: Float64Array;
	/** β − β₀. */
	delta: Float64Array;
	/** Penalised residual sum of squares r²(θ). */
	pwrss: number;
}

const Z975 = 1.959963984540054;

/**
 * Fits a linear mixed model with a single grouping factor by ML or REML (lme4's profiled
 * deviance). Throws on malformed input (length mismatch, non-finite values, missing slope,
 * rank-deficient X, n ≤ p). Handles boundary fits (a variance estimated as 0).
 */
export function fitLmm(input: LmmInput): LmmFit {
	const s = prepare(input);
	const reml = input.method === 'REML';
	const nTheta = s.q === 1 ? 1 : 3;
	const dev = (theta: number[]) => pls(s, theta, reml)?.deviance ?? Infinity;
	// Why unconstrained: the deviance depends on θ only through ΛθΛθᵀ, which is unchanged by
	// flipping the sign of any column of Λθ. So it is symmetric about the bounds θ_diag = 0 and
	// we can minimise freely and fold the sign afterwards; a boundary optimum then is an
	// ordinary stationary point rather than a corner the simplex must creep into.
	const start = s.q === 1 ? [1] : [1, 0, 1];
	const opt = nelderMead(dev, start, { step: 0.5, maxEvaluations: 4000 });
	let theta = opt.x;
	if (s.q === 2) {
		const [a, b, c] = theta;
		theta = a < 0 ? [-a, -b, Math.abs(c)] : [a, b, Math.abs(c)];
	} else theta = [Math.abs(theta[0])];
	const st = pls(s, theta, reml);
	if (!st) throw new Error('fitLmm: fixed-effects design is rank deficient at the optimum');

	const sigma2 = st.pwrss / (reml ? s.n - s.p : s.n);
	const vcov = inverseFromCholesky(st.LX, s.p);
	const fixed = input.terms.map((term, j) => {
		const estimate = s.beta0[j] + st.delta[j];
		const se = Math.sqrt(sigma2 * vcov[j * s.p + j]);
		return { term, estimate, se, t: estimate / se, low: estimate - Z975 * se, high: estimate + Z975 * se };
	});
	// Σ = σ² ΛΛᵀ with Λ = [[a, 0], [b, c]].
	const [a, b = 0, c = 0] = theta;
	const variance =
		s.q === 1
			? { intercept: sigma2 * a * a, slope: null, covariance: null, residual: sigma2 }
			: { intercept: sigma2 * a * a, slope: sigma2 * (b * b + c * c), covariance: sigma2 * a * b, residual: sigma2 };
	const k = s.p + nTheta + 1;
	return {
		method: input.method,
		random: input.random,
		fixed,
		variance,
		loglik: -st.deviance / 2,
		deviance: st.deviance,
		aic: st.deviance + 2 * k,
		bic: st.deviance + k * Math.log(s.n),
		nObs: s.n,
		nGroups: s.G,
		converged: opt.converged,
		iterations: opt.evaluations
	};
}

/**
 * Likelihood-ratio test of nested models fitted by ML on the same data. df = difference in the
 * number of estimated parameters (fixed terms + covariance parameters + residual variance), so
 * going from a random intercept to a correlated intercept+slope adds 2. Throws if either fit is
 * REML, the data sizes differ, or `full` does not have more parameters than `reduced`. The
 * p-value ignores the boundary issue for variance parameters (as does R's anova()).
 */
export function likelihoodRatioTest(reduced: LmmFit, full: LmmFit): { chi2: number; df: number; p: number } {
	if (reduced.method !== 'ML' || full.method !== 'ML') {
		throw new Error('likelihoodRatioTest: both models must be fitted by ML (REML likelihoods are not comparable)');
	}
	if (reduced.nObs !== full.nObs) throw new Error('likelihoodRatioTest: models were fitted to different data');
	const df = paramCount(full) - paramCount(reduced);
	if (df <= 0) throw new Error('likelihoodRatioTest: `full` must have more parameters than `reduced`');
	// Clamp tiny negatives from optimiser tolerance on (near-)equivalent models.
	const chi2 = Math.max(0, 2 * (full.loglik - reduced.loglik));
	return { chi2, df, p: chiSquareSf(chi2, df) };
}

function paramCount(fit: LmmFit): number {
	return fit.fixed.length + (fit.random === 'slope' ? 3 : 1) + 1;
}

/**
 * Validates input and accumulates sufficient statistics in one O(n·p²) pass. Works with
 * residuals from an OLS fit (r = y − Xβ₀) rather than y itself: the penalised RSS is then
 * computed as rᵀr minus two smaller quantities, avoiding the catastrophic cancellation that
 * yᵀy − … suffers when y has a large mean.
 */
function prepare(input: LmmInput): SuffStats {
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
function pls(s: SuffStats, theta: number[], reml: boolean): PlsState | null {
	const { p, q, G, n } = s;
	const A = Float64Array.from(s.XtX);
	const rhs = Float64Array.from(s.Xtr);
	const w0 = new Float64Array(p);
	const w1 = new Float64Array(p);
	let cuSq = 0;
	let logDetL = 0;
	const a = theta[0];
	const b = q === 2 ? theta[1] : 0;
	const c = q === 2 ? theta[2] : 0;
	for (let g = 0; g < G; g++) {
		if (q === 1) {
			const l = Math.sqrt(a * a * s.ztz[g] + 1);
			logDetL += Math.log(l);
			const f = a / l;
			const cu = f * s.ztr[g];
			cuSq += cu * cu;
			const o = g * p;
			for (let j = 0; j < p; j++) w0[j] = f * s.ztx[o + j];
			for (let j = 0; j < p; j++) {
				rhs[j] -= w0[j] * cu;
				for (let k = 0; k <= j; k++) A[j * p + k] -= w0[j] * w0[k];
			}
		} else {
			const m00 = s.ztz[3 * g], m01 = s.ztz[3 * g + 1], m11 = s.ztz[3 * g + 2];
			// ΛᵀMΛ + I for Λ = [[a, 0], [b, c]], then its 2×2 Cholesky factor.
			const t00 = a * a * m00 + 2 * a * b * m01 + b * b * m11 + 1;
			const t01 = c * (a * m01 + b * m11);
			const t11 = c * c * m11 + 1;
			const l00 = Math.sqrt(t00);
			const l10 = t01 / l00;
			const l11 = Math.sqrt(t11 - l10 * l10);
			logDetL += Math.log(l00) + Math.log(l11);
			const r0 = s.ztr[2 * g], r1 = s.ztr[2 * g + 1];
			const cu0 = (a * r0 + b * r1) / l00;
			const cu1 = (c * r1 - l10 * cu0) / l11;
			cuSq += cu0 * cu0 + cu1 * cu1;
			const o = 2 * g * p;
			for (let j = 0; j < p; j++) {
				w0[j] = (a * s.ztx[o + j] + b * s.ztx[o + p + j]) / l00;
				w1[j] = (c * s.ztx[o + p + j] - l10 * w0[j]) / l11;
			}
			for (let j = 0; j < p; j++) {
				rhs[j] -= w0[j] * cu0 + w1[j] * cu1;
				for (let k = 0; k <= j; k++) A[j * p + k] -= w0[j] * w0[k] + w1[j] * w1[k];
			}
		}
	}
	if (!choleskyInPlace(A, p)) return null;
	const cb = Float64Array.from(rhs);
	forwardSolveInPlace(A, p, cb);
	let cbSq = 0;
	for (let j = 0; j < p; j++) cbSq += cb[j] * cb[j];
	const delta = Float64Array.from(cb);
	backSolveTransposedInPlace(A, p, delta);
	const pwrss = s.rtr - cuSq - cbSq;
	if (!(pwrss > 0)) return null;
	const ldL2 = 2 * logDetL;
	const nu = reml ? n - p : n;
	let deviance = ldL2 + nu * (1 + Math.log((2 * Math.PI * pwrss) / nu));
	if (reml) deviance += logDetFromCholesky(A, p);
	return { deviance, LX: A, delta, pwrss };
}
