/**
 * Mixed model for repeated measures (MMRM): y_i ~ N(X_i β, Σ_i), Σ_i the rows and columns of one
 * unstructured T×T covariance Σ for the visits subject i was seen at, fitted by REML. This is
 * `nlme::gls(…, correlation = corSymm(form = ~ k | id), weights = varIdent(form = ~ 1 | visit),
 * method = "REML")` and `mmrm::mmrm(… + us(visit | id), reml = TRUE)`.
 *
 * How: Σ = L Lᵀ with L lower triangular (log diagonal), so every parameter value is a valid
 * covariance. Subjects with the same set of visits share Σ_P⁻¹, and the REML criterion needs the
 * data only through per-pattern sums over (visit a, visit b) pairs — Σ x_a x_bᵀ, Σ x_a y_b and
 * Σ y_a y_b — accumulated once (from rows, `fitMmrm`, or in SQL, `fitMmrmFromSums`), so one
 * evaluation costs O(patterns · T² · p²), not O(n). The
 * criterion has an exact gradient (below) and is minimised by BFGS. Pure functions.
 *
 * −2 l_R(Σ) = (N − p) log 2π + Σ_i log|Σ_i| + log|A| + Σ_i r_iᵀ Σ_i⁻¹ r_i,
 *   A = Σ_i X_iᵀ Σ_i⁻¹ X_i, β̂ = A⁻¹ Σ_i X_iᵀ Σ_i⁻¹ y_i, r_i = y_i − X_i β̂  (Var β̂ = A⁻¹);
 * ∂(−2 l_R)/∂Σ_P = Σ_P⁻¹ (m_P Σ_P − R_P − H_P) Σ_P⁻¹, R_P = Σ_{i∈P} r_i r_iᵀ, H_P = Σ_{i∈P} X_i A⁻¹ X_iᵀ
 * (β̂ drops out of the derivative because it minimises the quadratic form).
 */
import { choleskyInPlace, inverseFromCholesky, logDetFromCholesky, solveSpd } from './matrix';
import { bfgs } from './optimize';
import { tCdf, tQuantile } from './distributions';
import { residualPatterns, rowPatterns, type MmrmPattern, type MmrmSums } from './mmrm-patterns';

export type { MmrmPattern, MmrmSums } from './mmrm-patterns';

export interface MmrmInput {
	y: number[];
	/** Fixed-effects design rows (include the intercept column). */
	X: number[][];
	terms: string[];
	/** Subject per observation. */
	subject: (string | number)[];
	/** Visit index 0 … T − 1 per observation (at most one observation per subject and visit). */
	visit: number[];
	/** Number of visits T. */
	visits: number;
}

export interface MmrmCoefficient {
	term: string;
	estimate: number;
	se: number;
	df: number;
	t: number;
	p: number;
	low: number;
	high: number;
}

export interface MmrmFit {
	coefficients: MmrmCoefficient[];
	/** Estimated T×T covariance (row-major). */
	covariance: number[][];
	/** Var(β̂) = A⁻¹ (p×p, row-major). */
	vcov: number[][];
	/** REML log-likelihood as nlme::gls reports it. */
	loglik: number;
	aic: number;
	bic: number;
	/** Residual degrees of freedom N − p, the method nlme::gls uses for its t tests. */
	df: number;
	nObs: number;
	nSubjects: number;
	converged: boolean;
	iterations: number;
}

/** A linear combination cᵀβ with its SE, t-based CI (df = N − p) and two-sided p. */
export interface MmrmContrast {
	estimate: number;
	se: number;
	df: number;
	ci_low: number;
	ci_high: number;
	p: number;
}

/** θ (row-wise lower triangle of L, diagonal as logs) → L. */
function cholFromTheta(theta: number[], T: number): number[][] {
	const L = Array.from({ length: T }, () => new Array<number>(T).fill(0));
	let k = 0;
	for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) L[i][j] = i === j ? Math.exp(theta[k++]) : theta[k++];
	return L;
}

interface Evaluation {
	dev: number;
	grad: number[];
	beta: Float64Array;
	Ainv: Float64Array;
	sigma: number[][];
}

function evaluate(pats: MmrmPattern[], theta: number[], T: number, p: number, nObs: number, wantGrad: boolean): Evaluation | null {
	const L = cholFromTheta(theta, T);
	const sigma = L.map((ri) => L.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)));
	const A = new Float64Array(p * p);
	const rhs = new Float64Array(p);
	let logdet = 0;
	const W: number[][][] = [];
	for (const pat of pats) {
		const k = pat.visits.length;
		const S = new Float64Array(k * k);
		pat.visits.forEach((va, a) => pat.visits.forEach((vb, b) => (S[a * k + b] = sigma[va][vb])));
		if (!choleskyInPlace(S, k)) return null;
		logdet += pat.m * logDetFromCholesky(S, k);
		const inv = inverseFromCholesky(S, k);
		const w = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => inv[a * k + b]));
		W.push(w);
		for (let a = 0; a < k; a++)
			for (let b = 0; b < k; b++) {
				const wab = w[a][b], sxx = pat.sxx[a][b], sxy = pat.sxy[a][b];
				for (let j = 0; j < p; j++) {
					rhs[j] += wab * sxy[j];
					for (let l = 0; l < p; l++) A[j * p + l] += wab * sxx[j * p + l];
				}
			}
	}
	const LA = Float64Array.from(A);
	if (!choleskyInPlace(LA, p)) return null;
	const beta = solveSpd(A, p, rhs)!;
	const Ainv = inverseFromCholesky(LA, p);
	let quad = 0;
	const M = Array.from({ length: T }, () => new Array<number>(T).fill(0));
	pats.forEach((pat, pi) => {
		const k = pat.visits.length;
		const w = W[pi];
		const RH = Array.from({ length: k }, () => new Array<number>(k).fill(0));
		for (let a = 0; a < k; a++)
			for (let b = 0; b < k; b++) {
				const sxx = pat.sxx[a][b];
				let bxy = 0, bxyT = 0, bxxb = 0, h = 0;
				for (let j = 0; j < p; j++) {
					bxy += beta[j] * pat.sxy[a][b][j];
					bxyT += beta[j] * pat.sxy[b][a][j];
					for (let l = 0; l < p; l++) {
						bxxb += beta[j] * sxx[j * p + l] * beta[l];
						h += Ainv[j * p + l] * sxx[l * p + j];
					}
				}
				const r = pat.syy[a][b] - bxy - bxyT + bxxb;
				quad += w[a][b] * r;
				RH[a][b] = r + h;
			}
		if (!wantGrad) return;
		// W (m Σ_P − R_P − H_P) W, scattered into the full T×T matrix.
		const inner = RH.map((row, a) => row.map((v, b) => pat.m * sigma[pat.visits[a]][pat.visits[b]] - v));
		const wi = w.map((row) => inner[0].map((_, b) => row.reduce((s, v, c) => s + v * inner[c][b], 0)));
		for (let a = 0; a < k; a++)
			for (let b = 0; b < k; b++) M[pat.visits[a]][pat.visits[b]] += wi[a].reduce((s, v, c) => s + v * w[c][b], 0);
	});
	const dev = (nObs - p) * Math.log(2 * Math.PI) + logdet + logDetFromCholesky(LA, p) + quad;
	const grad: number[] = [];
	if (wantGrad) {
		// d dev / dL_ij = 2 (M L)_ij (i ≥ j); for the log diagonal times L_ii.
		for (let i = 0; i < T; i++)
			for (let j = 0; j <= i; j++) {
				const ml = 2 * M[i].reduce((s, v, c) => s + v * L[c][j], 0);
				grad.push(i === j ? ml * L[i][i] : ml);
			}
	}
	return { dev, grad, beta, Ainv, sigma };
}

/** Fits the MMRM by REML from one row per observation. Throws on malformed input or a rank-deficient design. */
export function fitMmrm(input: MmrmInput): MmrmFit {
	const n = input.y.length;
	const p = input.terms.length;
	const T = input.visits;
	if (input.X.length !== n || input.subject.length !== n || input.visit.length !== n) throw new Error('fitMmrm: y, X, subject and visit must have the same length');
	if (n <= p) throw new Error(TOO_FEW);
	if (!input.y.every(Number.isFinite) || !input.X.every((r) => r.length === p && r.every(Number.isFinite))) throw new Error('fitMmrm: non-finite value or wrong row length in X');
	if (!input.visit.every((v) => Number.isInteger(v) && v >= 0 && v < T)) throw new Error('fitMmrm: visit index outside 0 … T − 1');
	return fitMmrmFromSums({ terms: input.terms, visits: T, nObs: n, patterns: rowPatterns(input) });
}

const TOO_FEW = 'fitMmrm: need more observations than fixed-effect terms';

/**
 * Fits the MMRM by REML from its per-pattern sums. Throws on too few observations, a non-finite
 * sum, a visit nobody was seen at, or a rank-deficient design.
 */
export function fitMmrmFromSums(sums: MmrmSums): MmrmFit {
	const { terms, visits: T, nObs: n } = sums;
	const p = terms.length;
	if (n <= p) throw new Error(TOO_FEW);
	const finite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite);
	if (!sums.patterns.every((pt) => pt.syy.every(finite) && pt.sxy.every((r) => r.every(finite)))) throw new Error('fitMmrm: non-finite value or wrong row length in X');
	const XtX = new Float64Array(p * p);
	const Xty = new Float64Array(p);
	for (const pt of sums.patterns)
		pt.visits.forEach((_, a) => {
			pt.sxx[a][a].forEach((v, j) => (XtX[j] += v));
			pt.sxy[a][a].forEach((v, j) => (Xty[j] += v));
		});
	const beta0 = solveSpd(XtX, p, Xty);
	if (!beta0) throw new Error('fitMmrm: fixed-effects design matrix is rank deficient (collinear columns)');
	const pats = residualPatterns(sums.patterns, beta0, p);
	for (let t = 0; t < T; t++) if (!pats.some((pt) => pt.visits.includes(t))) throw new Error(`fitMmrm: no observation at visit ${t + 1}`);
	// Start: the residual variance per visit, no correlation.
	const theta0: number[] = [];
	for (let i = 0; i < T; i++) {
		let ss = 0, c = 0;
		for (const pt of pats) {
			const a = pt.visits.indexOf(i);
			if (a >= 0) (ss += pt.syy[a][a]), (c += pt.m);
		}
		for (let j = 0; j < i; j++) theta0.push(0);
		theta0.push(0.5 * Math.log(Math.max(ss / Math.max(c, 1), 1e-8)));
	}
	const fg = (th: number[]) => {
		const e = evaluate(pats, th, T, p, n, true);
		return e ? { f: e.dev, g: e.grad } : { f: Infinity, g: th.map(() => 0) };
	};
	const opt = bfgs(fg, theta0, { gradTol: 1e-6, maxIterations: 2000 });
	const e = evaluate(pats, opt.x, T, p, n, false)!;
	const df = n - p;
	const tq = tQuantile(0.975, df);
	const coefficients = terms.map((term, j) => {
		const estimate = beta0[j] + e.beta[j];
		const se = Math.sqrt(e.Ainv[j * p + j]);
		const t = estimate / se;
		return { term, estimate, se, df, t, p: 2 * tCdf(-Math.abs(t), df), low: estimate - tq * se, high: estimate + tq * se };
	});
	const loglik = -e.dev / 2;
	const k = p + (T * (T + 1)) / 2;
	return {
		coefficients,
		covariance: e.sigma,
		vcov: Array.from({ length: p }, (_, j) => Array.from(e.Ainv.subarray(j * p, j * p + p))),
		loglik,
		// As nlme counts them: p fixed effects + T(T + 1)/2 covariance parameters; REML BIC uses N − p.
		aic: -2 * loglik + 2 * k,
		bic: -2 * loglik + k * Math.log(n - p),
		df,
		nObs: n,
		nSubjects: sums.patterns.reduce((t, pt) => t + pt.m, 0),
		converged: opt.converged,
		iterations: opt.iterations
	};
}

/** cᵀβ with SE √(cᵀ A⁻¹ c), t-based 95 % CI on the fit's df and a two-sided p. */
export function mmrmContrast(fit: MmrmFit, c: number[]): MmrmContrast {
	const b = fit.coefficients.map((x) => x.estimate);
	const estimate = c.reduce((s, v, j) => s + v * b[j], 0);
	const se = Math.sqrt(c.reduce((s, v, j) => s + v * fit.vcov[j].reduce((a, w, l) => a + w * c[l], 0), 0));
	const tq = tQuantile(0.975, fit.df);
	return { estimate, se, df: fit.df, ci_low: estimate - tq * se, ci_high: estimate + tq * se, p: 2 * tCdf(-Math.abs(estimate / se), fit.df) };
}
