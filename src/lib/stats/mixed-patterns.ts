/**
 * The mixed model's sufficient statistics pooled over client-series that share a random-effects
 * design, so a deviance evaluation costs O(patterns), not O(client-series).
 *
 * Why this is exact: in the penalised least squares solve (mixed-pls.ts, lme4's eqs. 34 and 42) a
 * group i enters through ZᵢᵀZᵢ, which fixes its factor Lᵢ, and through the linear quantities
 * vᵢ₀ = [Σx, Σr] and vᵢ₁ = [Σt·x, Σt·r] (the rows of Zᵢᵀ[X r], Z = [1, t]). With Lᵢ fixed, RZXᵢ and
 * cuᵢ are linear in vᵢ₀, vᵢ₁ with coefficients that depend only on θ and ZᵢᵀZᵢ, so
 * Σᵢ RZXᵢᵀRZXᵢ, Σᵢ RZXᵢᵀcuᵢ and Σᵢ‖cuᵢ‖² over the groups of one pattern (the same n, Σt, Σt²) are
 * those coefficients applied to the pattern's Σvᵢ₀vᵢ₀ᵀ, Σvᵢ₀vᵢ₁ᵀ, Σvᵢ₁vᵢ₁ᵀ. A registry of millions of
 * client-series has a few hundred patterns (sessions 0…K attended or missed), so the optimiser's
 * cost no longer grows with the data. Same algebra as the per-group loop; only the order of the
 * floating-point additions differs (the SQL sums themselves are exact for whole-number scores).
 * Pure functions, no Node/DOM APIs.
 */
import { solveSpd } from './matrix';
import { factorSlope, finishPls, type PlsState } from './mixed-pls';

/**
 * Cross-products of a model's design computed in SQL: overall XᵀX, Xᵀy, yᵀy, and per pattern of
 * ZᵢᵀZᵢ (n, Σt, Σt² of a client-series) the number of client-series and the sums over them of the
 * outer products of u₀ = [Σx₁…Σx_p, Σy] and u₁ = [Σt·x₁…Σt·x_p, Σt·y] (length p + 1, y last).
 */
export interface LmmPatternSums {
	terms: string[];
	random: 'intercept' | 'slope';
	method: 'ML' | 'REML';
	/** Observations. */
	n: number;
	/** p×p row-major. */
	XtX: ArrayLike<number>;
	Xty: ArrayLike<number>;
	yty: number;
	patterns: {
		n: number;
		t: number;
		tt: number;
		/** Client-series with this pattern. */
		count: number;
		/** Σ u₀u₀ᵀ, Σ u₀u₁ᵀ, Σ u₁u₁ᵀ: (p + 1)×(p + 1) row-major each. */
		s00: ArrayLike<number>;
		s01: ArrayLike<number>;
		s11: ArrayLike<number>;
	}[];
}

/** What `plsPatterns` reads: the pattern sums with y replaced by r = y − Xβ₀ (β₀ the OLS fit). */
export interface PatternStats {
	n: number;
	p: number;
	q: number;
	/** Client-series. */
	G: number;
	K: number;
	/** Per pattern: n, Σt, Σt², count. */
	pn: Float64Array;
	pt: Float64Array;
	ptt: Float64Array;
	pcount: Float64Array;
	/** Per pattern, (p + 1)² each, in r rather than y. */
	s00: Float64Array;
	s01: Float64Array;
	s11: Float64Array;
	XtX: Float64Array;
	rtr: number;
	Xtr: Float64Array;
	beta0: Float64Array;
}

/** The same sums restricted to the columns at `keep` (a nested model), y staying last. */
export function subsetPatternSums(s: LmmPatternSums, keep: number[], method: LmmPatternSums['method']): LmmPatternSums {
	const p = s.terms.length;
	const m = p + 1;
	const aug = [...keep, p];
	const pick = (a: ArrayLike<number>, w: number, rows: number[]) => rows.flatMap((j) => rows.map((k) => a[j * w + k]));
	return {
		...s,
		method,
		terms: keep.map((j) => s.terms[j]),
		XtX: pick(s.XtX, p, keep),
		Xty: keep.map((j) => s.Xty[j]),
		patterns: s.patterns.map((g) => ({ ...g, s00: pick(g.s00, m, aug), s01: pick(g.s01, m, aug), s11: pick(g.s11, m, aug) }))
	};
}

/**
 * β₀ (OLS) and the residual quantities of `prepareFromSums`' kind: rᵀr and Xᵀr from the overall
 * cross-products, and each pattern's outer-product sums carried from [x, y] to [x, r] by
 * T = [[I, 0], [−β₀ᵀ, 1]] (S ↦ T S Tᵀ). Throws like `fitLmm`.
 */
export function prepareFromPatterns(sums: LmmPatternSums): PatternStats {
	const p = sums.terms.length;
	const q = sums.random === 'slope' ? 2 : 1;
	const n = sums.n;
	if (sums.XtX.length !== p * p || sums.Xty.length !== p) throw new Error('fitLmm: cross-products do not match the terms');
	if (n <= p) throw new Error('fitLmm: need more observations than fixed-effect terms');
	const all = [...Array.from(sums.XtX), ...Array.from(sums.Xty), sums.yty];
	if (!all.every(Number.isFinite)) throw new Error('fitLmm: non-finite cross-product');
	const XtX = Float64Array.from(sums.XtX);
	const beta0 = solveSpd(XtX, p, Float64Array.from(sums.Xty));
	if (!beta0) throw new Error('fitLmm: fixed-effects design matrix is rank deficient (collinear columns)');
	const Xtr = new Float64Array(p);
	let bXty = 0;
	for (let j = 0; j < p; j++) {
		let v = sums.Xty[j];
		for (let k = 0; k < p; k++) v -= XtX[j * p + k] * beta0[k];
		Xtr[j] = v;
		bXty += beta0[j] * sums.Xty[j];
	}
	let bXtr = 0;
	for (let j = 0; j < p; j++) bXtr += beta0[j] * Xtr[j];
	// rᵀr = yᵀy − 2β₀ᵀXᵀy + β₀ᵀXᵀXβ₀ = yᵀy − β₀ᵀXᵀy − β₀ᵀXᵀr.
	const rtr = sums.yty - bXty - bXtr;
	const m = p + 1;
	const K = sums.patterns.length;
	const s00 = new Float64Array(K * m * m);
	const s01 = new Float64Array(K * m * m);
	const s11 = new Float64Array(K * m * m);
	const pn = new Float64Array(K);
	const pt = new Float64Array(K);
	const ptt = new Float64Array(K);
	const pcount = new Float64Array(K);
	let G = 0;
	sums.patterns.forEach((g, i) => {
		if (![g.n, g.t, g.tt, g.count, ...Array.from(g.s00), ...Array.from(g.s01), ...Array.from(g.s11)].every(Number.isFinite)) throw new Error('fitLmm: non-finite cross-product');
		pn[i] = g.n;
		pt[i] = g.t;
		ptt[i] = g.tt;
		pcount[i] = g.count;
		G += g.count;
		toResiduals(g.s00, beta0, p, s00, i * m * m);
		toResiduals(g.s01, beta0, p, s01, i * m * m);
		toResiduals(g.s11, beta0, p, s11, i * m * m);
	});
	return { n, p, q, G, K, pn, pt, ptt, pcount, s00, s01, s11, XtX, rtr, Xtr, beta0 };
}

/** out = T S Tᵀ for T = [[I, 0], [−β₀ᵀ, 1]]: the last row/column of S go from y to r = y − xβ₀. */
function toResiduals(S: ArrayLike<number>, beta0: Float64Array, p: number, out: Float64Array, o: number): void {
	const m = p + 1;
	for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) out[o + j * m + k] = S[j * m + k];
	// Last row: S[p, k] − Σⱼ β₀ⱼ S[j, k] (every column, the last included).
	for (let k = 0; k < m; k++) {
		let v = S[p * m + k];
		for (let j = 0; j < p; j++) v -= beta0[j] * S[j * m + k];
		out[o + p * m + k] = v;
	}
	// Last column from the transformed rows: out[j, p] − Σₖ out[j, k] β₀ₖ.
	for (let j = 0; j < m; j++) {
		let v = out[o + j * m + p];
		for (let k = 0; k < p; k++) v -= out[o + j * m + k] * beta0[k];
		out[o + j * m + p] = v;
	}
}

/**
 * `pls` (mixed-pls.ts) from pattern sums. For a group with ΛᵀZᵢᵀZᵢΛ + I = LᵢLᵢᵀ, Λ = [[a, 0], [b, c]]:
 * RZXᵢ's rows (and cuᵢ, the last entry) are w₀ = α u₀ + β u₁ and w₁ = γ u₀ + δ u₁ with α = a/l₀₀,
 * β = b/l₀₀, γ = −l₁₀α/l₁₁, δ = (c − l₁₀β)/l₁₁, so Σ(w₀w₀ᵀ + w₁w₁ᵀ) = (α² + γ²)S₀₀ + (αβ + γδ)(S₀₁ + S₀₁ᵀ)
 * + (β² + δ²)S₁₁. Random intercept only: w = (a/l)u₀.
 */
export function plsPatterns(s: PatternStats, theta: number[], reml: boolean): PlsState | null {
	const { p, q, K, n, pn, pt, ptt, pcount, s00, s01, s11 } = s;
	const m = p + 1;
	// The augmented (p + 1)² sum: top-left p×p is Σ RZXᵢᵀRZXᵢ, last column Σ RZXᵢᵀcuᵢ, corner Σ‖cuᵢ‖².
	const M = new Float64Array(m * m);
	let logDetL = 0;
	const L = new Float64Array(4); // factorSlope's result, reused across patterns
	const a = theta[0];
	const b = q === 2 ? theta[1] : 0;
	const c = q === 2 ? theta[2] : 0;
	for (let g = 0; g < K; g++) {
		const o = g * m * m;
		if (q === 1) {
			const t00 = a * a * pn[g] + 1;
			logDetL += pcount[g] * Math.log(t00);
			const f2 = (a * a) / t00;
			for (let i = 0; i < m * m; i++) M[i] += f2 * s00[o + i];
		} else {
			factorSlope(a, b, c, pn[g], pt[g], ptt[g], L);
			const l00 = L[0], l10 = L[1], l11 = L[2];
			logDetL += pcount[g] * L[3];
			const al = a / l00, be = b / l00;
			const ga = (-l10 * al) / l11, de = (c - l10 * be) / l11;
			const k00 = al * al + ga * ga, k01 = al * be + ga * de, k11 = be * be + de * de;
			for (let j = 0; j < m; j++)
				for (let k = 0; k < m; k++) {
					const i = j * m + k;
					M[i] += k00 * s00[o + i] + k01 * (s01[o + i] + s01[o + k * m + j]) + k11 * s11[o + i];
				}
		}
	}
	const A = Float64Array.from(s.XtX);
	const rhs = Float64Array.from(s.Xtr);
	for (let j = 0; j < p; j++) {
		rhs[j] -= M[j * m + p];
		for (let k = 0; k <= j; k++) A[j * p + k] -= M[j * m + k];
	}
	return finishPls(A, rhs, M[p * m + p], logDetL, s.rtr, n, p, reml);
}
