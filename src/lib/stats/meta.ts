/**
 * Random-effects meta-analysis of one estimate per site (a clinic network pooling outcomes without
 * sharing rows): the normal–normal model y_i ~ N(μ, v_i + τ²) with the between-site variance τ²
 * estimated by DerSimonian–Laird (method of moments) or REML (Fisher scoring, as metafor's
 * `rma.uni`), Cochran's Q, I² and H² (Higgins & Thompson 2002, with metafor's "typical"
 * within-study variance), a Wald 95 % CI for μ and the prediction interval for a new site's true
 * effect (μ ± z·√(SE² + τ²), metafor's `predict` with `test = "z"`).
 *
 * Proportions are pooled on the logit scale (`logitProportion`: metafor's `escalc("PLO")`, adding
 * ½ to both cells only when a site has 0 or all events) and back-transformed for display.
 */
import { chiSquareSf, normalCdf, normalQuantile } from './distributions';

export type Tau2Method = 'DL' | 'REML';

/** One site's estimate and its sampling variance. */
export interface MetaInput {
	yi: number;
	vi: number;
}

export interface MetaResult {
	method: Tau2Method;
	/** Number of sites pooled. */
	k: number;
	/** Pooled estimate μ (random effects). */
	estimate: number;
	se: number;
	ci_low: number;
	ci_high: number;
	/** Two-sided p of the z test of μ = 0. */
	p: number;
	/** Prediction interval for a new site's true effect. */
	pi_low: number;
	pi_high: number;
	tau2: number;
	/** Cochran's Q (fixed-effect weights), its df (k − 1) and p. */
	q: number;
	q_df: number;
	q_p: number;
	/** I² in percent and H² (both from τ² and the typical within-site variance). */
	i2: number;
	h2: number;
	/** Fixed-effect (inverse-variance) estimate, for reference. */
	fixed_estimate: number;
	/** Iterations used by REML (0 for DL). */
	iterations: number;
}

const Z975 = normalQuantile(0.975);

/** Pool `inputs` with a random-effects model; null when fewer than 1 usable site. */
export function randomEffects(inputs: MetaInput[], method: Tau2Method = 'REML'): MetaResult | null {
	const s = inputs.filter((x) => Number.isFinite(x.yi) && Number.isFinite(x.vi) && x.vi > 0);
	const k = s.length;
	if (k === 0) return null;
	const w = s.map((x) => 1 / x.vi);
	const sw = sum(w);
	const sw2 = sum(w.map((x) => x * x));
	const fixed = sum(s.map((x, i) => w[i] * x.yi)) / sw;
	const q = sum(s.map((x, i) => w[i] * (x.yi - fixed) ** 2));
	let tau2 = 0;
	let iterations = 0;
	if (k > 1) {
		const c = sw - sw2 / sw;
		const dl = Math.max(0, (q - (k - 1)) / c);
		if (method === 'DL') tau2 = dl;
		else [tau2, iterations] = remlTau2(s, dl);
	}
	const ws = s.map((x) => 1 / (x.vi + tau2));
	const sws = sum(ws);
	const estimate = sum(s.map((x, i) => ws[i] * x.yi)) / sws;
	const se = Math.sqrt(1 / sws);
	// Typical within-site variance (Higgins & Thompson 2002, eq. 9), as metafor reports I² and H².
	const typical = k > 1 ? ((k - 1) * sw) / (sw * sw - sw2) : 0;
	const i2 = k > 1 ? (100 * tau2) / (tau2 + typical) : 0;
	const h2 = k > 1 ? (tau2 + typical) / typical : 1;
	const half = Z975 * Math.sqrt(se * se + tau2);
	return {
		method,
		k,
		estimate,
		se,
		ci_low: estimate - Z975 * se,
		ci_high: estimate + Z975 * se,
		p: 2 * (1 - normalCdf(Math.abs(estimate / se))),
		pi_low: estimate - half,
		pi_high: estimate + half,
		tau2,
		q,
		q_df: k - 1,
		q_p: k > 1 ? chiSquareSf(q, k - 1) : 1,
		i2,
		h2,
		fixed_estimate: fixed,
		iterations
	};
}

/**
 * REML τ² by Fisher scoring from the DL start (metafor's algorithm for an intercept-only model:
 * step (y'PPy − tr P) / tr(PP), halved while it would make τ² negative), to a change < 1e-12.
 */
function remlTau2(s: MetaInput[], start: number): [number, number] {
	let tau2 = start;
	for (let it = 1; it <= 500; it++) {
		const w = s.map((x) => 1 / (x.vi + tau2));
		const sw = sum(w);
		const mu = sum(s.map((x, i) => w[i] * x.yi)) / sw;
		// P = W − w wᵀ / Σw for an intercept-only design; Py_i = w_i (y_i − μ).
		const py = s.map((x, i) => w[i] * (x.yi - mu));
		const trP = sw - sum(w.map((x) => x * x)) / sw;
		// tr(PP) = Σ w_i² − 2 Σ w_i³ / Σw + (Σ w_i²)² / (Σw)²
		const sw2 = sum(w.map((x) => x * x));
		const sw3 = sum(w.map((x) => x ** 3));
		const trPP = sw2 - (2 * sw3) / sw + (sw2 * sw2) / (sw * sw);
		let adj = (sum(py.map((x) => x * x)) - trP) / trPP;
		while (tau2 + adj < 0) adj /= 2;
		const next = tau2 + adj;
		if (Math.abs(next - tau2) < 1e-12) return [next, it];
		tau2 = next;
	}
	return [tau2, 500];
}

/** Log odds of a proportion and its variance (metafor `escalc("PLO")`, ½ added only for 0 or n events). */
export function logitProportion(events: number, n: number): MetaInput | null {
	if (!(n > 0) || events < 0 || events > n) return null;
	const add = events === 0 || events === n ? 0.5 : 0;
	const x = events + add;
	const m = n - events + add;
	return { yi: Math.log(x / m), vi: 1 / x + 1 / m };
}

/** Inverse logit, for showing a pooled log odds as a proportion. */
export function expit(x: number): number {
	return 1 / (1 + Math.exp(-x));
}

/** A mean and its sampling variance from n, mean and SD (for pooling mean change). */
export function meanInput(n: number, mean: number, sd: number): MetaInput | null {
	if (!(n > 1) || !Number.isFinite(mean) || !Number.isFinite(sd) || sd <= 0) return null;
	return { yi: mean, vi: (sd * sd) / n };
}

function sum(a: number[]): number {
	let t = 0;
	for (const x of a) t += x;
	return t;
}
