/**
 * Ordinary least squares with classical (homoscedastic) standard errors, enough for an
 * ANCOVA such as `end score ~ cohort + baseline`. Solved by Householder QR rather than the
 * normal equations, which square the condition number (baseline scores and a cohort dummy
 * are often close to collinear in small clinics).
 */
import { tCdf, tQuantile } from './distributions';

export interface Coefficient {
	term: string;
	estimate: number;
	se: number;
	t: number;
	/** Two-sided p-value from t with dfResidual degrees of freedom. */
	p: number;
	low: number;
	high: number;
}

export interface OlsResult {
	coefficients: Coefficient[];
	/** Residual standard error √(RSS / dfResidual). */
	sigma: number;
	dfResidual: number;
	r2: number;
	n: number;
}

/**
 * Fit y = Xβ + ε by least squares.
 *
 * @param y outcome, length n
 * @param X design matrix as n rows of p columns; include a column of 1s for an intercept
 * @param terms p column names, returned in the same order
 * @param conf confidence level of low/high, default 0.95 (t-based, like R's confint)
 * @returns coefficients with se, t, p and CI; sigma; dfResidual = n − p; r2 (centred, as
 *   R reports, when X has a constant column; uncentred otherwise, also as R does for
 *   models without an intercept); n.
 *   With n = p the fit is exact: estimates are returned, sigma/se/t/p/CI are NaN.
 * @param observations the observations the rows stand for when they are `momentRows` (default
 *   the rows): n and dfResidual count them; r2 is then NaN (the rows' own mean is not the data's).
 * @throws Error when shapes disagree, any value is non-finite (filter missing rows
 *   first), n < p, or the design is singular (names the first aliased column).
 */
export function ols(y: number[], X: number[][], terms: string[], conf = 0.95, observations?: number): OlsResult {
	const rows = y.length;
	const n = observations ?? rows;
	const p = terms.length;
	if (X.length !== rows) throw new Error(`ols: X has ${X.length} rows but y has ${rows}`);
	if (p === 0) throw new Error('ols: no terms');
	for (let i = 0; i < rows; i++) {
		if (X[i].length !== p) throw new Error(`ols: row ${i} of X has ${X[i].length} columns, expected ${p}`);
		if (!Number.isFinite(y[i]) || X[i].some((v) => !Number.isFinite(v))) {
			throw new Error(`ols: non-finite value in row ${i}; remove missing rows before fitting`);
		}
	}
	if (Math.min(n, rows) < p) throw new Error(`ols: ${Math.min(n, rows)} observations cannot estimate ${p} coefficients`);

	// Column-major copy, reduced in place to R (upper triangle) while Qᵀ is applied to y.
	const A = terms.map((_, j) => X.map((row) => row[j]));
	const qty = y.slice();
	// Plain loops, not Math.hypot(...col): spreading 100k arguments overflows the call stack.
	const colNorms = A.map((col) => Math.sqrt(col.reduce((s, v) => s + v * v, 0)));
	const scale = colNorms.reduce((m, v) => Math.max(m, v), 0);
	for (let k = 0; k < p; k++) {
		const col = A[k];
		let norm = 0;
		for (let i = k; i < rows; i++) norm += col[i] * col[i];
		norm = Math.sqrt(norm);
		// Relative rank test: a column that is (numerically) a combination of earlier ones.
		if (norm <= 1e-10 * Math.max(colNorms[k], scale * 1e-6) || colNorms[k] === 0) {
			throw new Error(`ols: singular design — column "${terms[k]}" is constant zero or a linear combination of earlier columns`);
		}
		const alpha = col[k] > 0 ? -norm : norm;
		const v = col.slice(k);
		v[0] -= alpha;
		const vv = v.reduce((s, x) => s + x * x, 0);
		const reflect = (target: number[]) => {
			let dot = 0;
			for (let i = k; i < rows; i++) dot += v[i - k] * target[i];
			const f = (2 * dot) / vv;
			for (let i = k; i < rows; i++) target[i] -= f * v[i - k];
		};
		for (let j = k; j < p; j++) reflect(A[j]);
		reflect(qty);
	}

	// Back-substitution R β = (Qᵀy)[0..p).
	const beta = new Array<number>(p).fill(0);
	for (let k = p - 1; k >= 0; k--) {
		let s = qty[k];
		for (let j = k + 1; j < p; j++) s -= A[j][k] * beta[j];
		beta[k] = s / A[k][k];
	}

	// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ; diag only needs the row norms of R⁻¹.
	const rinv: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
	for (let k = 0; k < p; k++) {
		rinv[k][k] = 1 / A[k][k];
		for (let i = k - 1; i >= 0; i--) {
			let s = 0;
			for (let j = i + 1; j <= k; j++) s += A[j][i] * rinv[j][k];
			rinv[i][k] = -s / A[i][i];
		}
	}

	let rss = 0;
	for (let i = p; i < rows; i++) rss += qty[i] * qty[i];
	const df = n - p;
	const sigma = df > 0 ? Math.sqrt(rss / df) : NaN;
	const tcrit = df > 0 ? tQuantile(1 - (1 - conf) / 2, df) : NaN;

	const coefficients = terms.map((term, k) => {
		let v = 0;
		for (let j = k; j < p; j++) v += rinv[k][j] * rinv[k][j];
		const se = sigma * Math.sqrt(v);
		const t = beta[k] / se;
		return {
			term,
			estimate: beta[k],
			se,
			t,
			p: df > 0 ? 2 * tCdf(-Math.abs(t), df) : NaN,
			low: beta[k] - tcrit * se,
			high: beta[k] + tcrit * se
		};
	});

	if (observations !== undefined) return { coefficients, sigma, dfResidual: df, r2: NaN, n };
	const hasIntercept = terms.some((_, j) => X.every((row) => row[j] === X[0][j]) && X[0][j] !== 0);
	const ybar = hasIntercept ? y.reduce((s, v) => s + v, 0) / n : 0;
	const tss = y.reduce((s, v) => s + (v - ybar) ** 2, 0);
	return { coefficients, sigma, dfResidual: df, r2: tss > 0 ? 1 - rss / tss : NaN, n };
}

/** Sums over units that share a design row but for one continuous column: count, Σb, Σb², Σy, Σb·y, Σy². */
export interface Moments {
	m: number;
	b: number;
	bb: number;
	y: number;
	by: number;
	yy: number;
}

export const noMoments = (): Moments => ({ m: 0, b: 0, bb: 0, y: 0, by: 0, yy: 0 });

export function addMoments(s: Moments, b: number, y: number): void {
	s.m++;
	s.b += b;
	s.bb += b * b;
	s.y += y;
	s.by += b * y;
	s.yy += y * y;
}

/**
 * Three rows standing for units whose design rows are u + b·e_k (u the same for all, b their value
 * of column k, u[k] = 0): least squares sees the units only through XᵀX, Xᵀy and yᵀy, and these
 * depend on them only through their `Moments`. The rows are the Cholesky factor Lᵀ of the moment
 * matrix of (1, b, y), row (c₁, c₂, c_y) → design c₁·u + c₂·e_k, outcome c_y, so their sums of
 * products are the units'. `ols` on the rows of all sets (with `observations` = the units) is the
 * fit on the units, still by QR, at three rows per set.
 */
export function momentRows(u: number[], k: number, s: Moments): { X: number[][]; y: number[] } {
	const l00 = Math.sqrt(s.m);
	const l10 = s.b / l00;
	const l20 = s.y / l00;
	// b constant within the set (up to rounding): no second row (Cauchy–Schwarz: Σb·y then adds nothing).
	const d1 = s.bb - l10 * l10;
	const l11 = d1 > 1e-12 * s.bb ? Math.sqrt(d1) : 0;
	const l21 = l11 > 0 ? (s.by - l20 * l10) / l11 : 0;
	const l22 = Math.sqrt(Math.max(s.yy - l20 * l20 - l21 * l21, 0));
	const row = (c1: number, c2: number) => u.map((v, j) => c1 * v + (j === k ? c2 : 0));
	return { X: [row(l00, l10), row(0, l11), row(0, 0)], y: [l20, l21, l22] };
}

/** Units whose design rows are u + b·e_k (b their value of the continuous column k), through the Moments of (b, y). */
export interface MomentSet {
	u: number[];
	s: Moments;
}

/**
 * `ols` on sets of units through their moments (`momentRows`): the fit on the units, at three rows per
 * set. n and dfResidual count the units; r2 is the units' (centred when every set's design has the
 * same non-zero value in a column other than k, as `ols` decides for rows), from the pooled Σy, Σy².
 */
export function olsOnMoments(sets: MomentSet[], k: number, terms: string[], conf = 0.95): OlsResult {
	const X: number[][] = [];
	const y: number[] = [];
	let units = 0;
	let sy = 0;
	let syy = 0;
	for (const set of sets) {
		const r = momentRows(set.u, k, set.s);
		X.push(...r.X);
		y.push(...r.y);
		units += set.s.m;
		sy += set.s.y;
		syy += set.s.yy;
	}
	const fit = ols(y, X, terms, conf, units);
	const hasIntercept = terms.some((_, j) => j !== k && sets.length > 0 && sets.every((c) => c.u[j] === sets[0].u[j]) && sets[0].u[j] !== 0);
	const tss = hasIntercept ? syy - (sy * sy) / units : syy;
	const rss = fit.dfResidual > 0 ? fit.sigma ** 2 * fit.dfResidual : 0;
	return { ...fit, r2: tss > 0 ? 1 - rss / tss : NaN };
}
