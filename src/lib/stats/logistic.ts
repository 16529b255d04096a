/**
 * Logistic regression by iteratively reweighted least squares (R's glm(family = binomial)), and
 * the nested-model tests the subgroup analysis needs: a likelihood-ratio test for logistic fits
 * and an F test for linear (OLS) fits. Pure functions.
 */
import { solveSpd, choleskyInPlace, inverseFromCholesky } from './matrix';
import { chiSquareSf, betaI } from './distributions';

export interface LogisticFit {
	coefficients: { term: string; estimate: number; se: number }[];
	/** Residual deviance −2 log L. */
	deviance: number;
	n: number;
	converged: boolean;
	/** True when a fitted probability reached 0 or 1 (separation): estimates are unreliable. */
	separated: boolean;
}

/**
 * Fits P(y = 1) = logit⁻¹(Xβ) by IRLS, as glm(); throws on a singular design. `weights` (prior
 * weights, as glm's) count identical rows once each: a row of weight k stands for k equal rows, so
 * categorical designs can be fitted on their covariate patterns; `n` is then the weights' sum.
 */
export function logistic(y: (0 | 1 | boolean)[], X: number[][], terms: string[], maxIter = 50, weights?: number[]): LogisticFit {
	const rows = y.length;
	const p = terms.length;
	if (X.length !== rows || X.some((r) => r.length !== p)) throw new Error('logistic: X must have n rows of p columns');
	if (weights && weights.length !== rows) throw new Error('logistic: one weight per row');
	const wt = weights ?? new Array<number>(rows).fill(1);
	const n = wt.reduce((s, v) => s + v, 0);
	const yy = y.map((v) => (v ? 1 : 0));
	let beta: Float64Array = new Float64Array(p);
	let dev = Infinity;
	let converged = false;
	let separated = false;
	const devOf = (b: Float64Array) => {
		let d = 0;
		for (let i = 0; i < rows; i++) {
			const eta = X[i].reduce((s, x, j) => s + x * b[j], 0);
			// −2 log L term, stable for large |eta|.
			d += wt[i] * 2 * (Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))) - yy[i] * eta);
		}
		return d;
	};
	for (let it = 0; it < maxIter; it++) {
		const XtWX = new Float64Array(p * p);
		const XtWz = new Float64Array(p);
		for (let i = 0; i < rows; i++) {
			const eta = X[i].reduce((s, x, j) => s + x * beta[j], 0);
			const mu = 1 / (1 + Math.exp(-eta));
			const v = Math.max(mu * (1 - mu), 1e-10);
			const z = eta + (yy[i] - mu) / v;
			const w = wt[i] * v;
			for (let j = 0; j < p; j++) {
				XtWz[j] += X[i][j] * w * z;
				for (let k = 0; k < p; k++) XtWX[j * p + k] += X[i][j] * w * X[i][k];
			}
		}
		const next = solveSpd(XtWX, p, XtWz);
		if (!next) throw new Error('logistic: singular design (a term is constant or collinear within the data)');
		const d = devOf(next);
		beta = next;
		// glm's rule: |dev − dev_old| / (|dev| + 0.1) < 1e-8.
		if (Math.abs(d - dev) / (Math.abs(d) + 0.1) < 1e-8) {
			dev = d;
			converged = true;
			break;
		}
		dev = d;
	}
	const info = new Float64Array(p * p);
	for (let i = 0; i < rows; i++) {
		const eta = X[i].reduce((s, x, j) => s + x * beta[j], 0);
		const mu = 1 / (1 + Math.exp(-eta));
		if (mu < 1e-8 || mu > 1 - 1e-8) separated = true;
		const w = wt[i] * mu * (1 - mu);
		for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) info[j * p + k] += X[i][j] * w * X[i][k];
	}
	const ok = choleskyInPlace(info, p);
	const vc = ok ? inverseFromCholesky(info, p) : null;
	return {
		coefficients: terms.map((term, j) => ({ term, estimate: beta[j], se: vc ? Math.sqrt(vc[j * p + j]) : NaN })),
		deviance: dev,
		n,
		converged,
		separated
	};
}

/** Likelihood-ratio test of nested logistic fits on the same rows (R's anova(…, test = "Chisq")). */
export function logisticLrt(reduced: LogisticFit, full: LogisticFit): { chi2: number; df: number; p: number } {
	if (reduced.n !== full.n) throw new Error('logisticLrt: fits on different rows');
	const df = full.coefficients.length - reduced.coefficients.length;
	if (df <= 0) throw new Error('logisticLrt: `full` must have more terms');
	const chi2 = Math.max(0, reduced.deviance - full.deviance);
	return { chi2, df, p: chiSquareSf(chi2, df) };
}

/** F test of nested OLS fits from their residual sums of squares and residual df (R's anova()). */
export function nestedF(rssReduced: number, dfReduced: number, rssFull: number, dfFull: number): { f: number; df1: number; df2: number; p: number } {
	const df1 = dfReduced - dfFull;
	if (df1 <= 0 || dfFull <= 0) throw new Error('nestedF: `full` must have more terms and residual df left');
	const f = Math.max(0, (rssReduced - rssFull) / df1 / (rssFull / dfFull));
	// P(F > f) = I_{df2/(df2 + df1 f)}(df2/2, df1/2).
	return { f, df1, df2: dfFull, p: betaI(dfFull / (dfFull + df1 * f), dfFull / 2, df1 / 2) };
}
