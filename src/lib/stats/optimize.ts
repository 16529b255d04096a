/**
 * Derivative-free minimisation for low-dimensional smooth objectives (the mixed-model
 * profiled deviance over θ, dimension 1 or 3). Pure functions, no Node/DOM APIs.
 */
import { solveSpd } from './matrix';

/** Outcome of {@link nelderMead}. */
export interface MinimizeResult {
	/** Best point found. */
	x: number[];
	/** Objective value at `x`. */
	f: number;
	/** Number of objective evaluations used (all restarts together). */
	evaluations: number;
	/** True when the final simplex met both tolerances and a restart brought no further gain. */
	converged: boolean;
}

/** Options for {@link nelderMead}; all optional. */
export interface NelderMeadOptions {
	/** Initial simplex edge length per coordinate (or one value for all). Default 0.5. */
	step?: number | number[];
	/** Hard cap on objective evaluations. Default 200·(d+1)². */
	maxEvaluations?: number;
	/** Absolute tolerance on the spread of f over the simplex. Default 1e-10. */
	fTol?: number;
	/**
	 * Relative tolerance on that spread (times |f|). Default 1e-13. Why: for large data f is
	 * large (a deviance of 5e5 for 100k observations) and its rounding noise exceeds any fixed
	 * absolute tolerance; the larger of the two tolerances applies.
	 */
	fTolRel?: number;
	/** Tolerance on the simplex size, relative to (1 + |x|). Default 1e-9. */
	xTol?: number;
	/** Maximum number of restarts from the best point. Default 4. */
	maxRestarts?: number;
}

/**
 * Minimises `f` from `x0` with the Nelder–Mead simplex method (standard coefficients:
 * reflection 1, expansion 2, contraction ½, shrink ½), unconstrained.
 *
 * Why restarts: a simplex can collapse onto a subspace and stop short of the minimum; starting
 * a fresh full-size simplex at the best point until it no longer improves is the usual cure
 * and makes the reported optimum reliable to roughly the tolerances. Non-finite objective
 * values are treated as +∞, so the objective may signal invalid regions that way.
 */
export function nelderMead(
	f: (x: number[]) => number,
	x0: number[],
	options: NelderMeadOptions = {}
): MinimizeResult {
	const d = x0.length;
	const steps = Array.isArray(options.step) ? options.step : new Array<number>(d).fill(options.step ?? 0.5);
	const maxEval = options.maxEvaluations ?? 200 * (d + 1) * (d + 1);
	const fTolAbs = options.fTol ?? 1e-10;
	const fTolRel = options.fTolRel ?? 1e-13;
	const xTol = options.xTol ?? 1e-9;
	const maxRestarts = options.maxRestarts ?? 4;
	let evaluations = 0;
	const evalF = (x: number[]): number => {
		evaluations++;
		const v = f(x);
		return Number.isFinite(v) ? v : Infinity;
	};

	let best = x0.slice();
	let fBest = evalF(best);
	const fTol = () => Math.max(fTolAbs, fTolRel * Math.abs(fBest));
	let converged = false;
	for (let restart = 0; restart <= maxRestarts && evaluations < maxEval; restart++) {
		const run = simplexRun(evalF, best, fBest, steps, fTol(), xTol, () => evaluations < maxEval);
		const gain = fBest - run.f;
		const moved = Math.max(...run.x.map((v, i) => Math.abs(v - best[i]) / (1 + Math.abs(best[i]))));
		if (run.f <= fBest) {
			best = run.x;
			fBest = run.f;
		}
		// A restart that neither lowers f nor moves the point means we sit at a true minimum.
		if (run.converged && restart > 0 && gain <= fTol() && moved <= Math.sqrt(xTol)) {
			converged = true;
			break;
		}
	}
	return { x: best, f: fBest, evaluations, converged };
}

function simplexRun(
	evalF: (x: number[]) => number,
	start: number[],
	fStart: number,
	steps: number[],
	fTol: number,
	xTol: number,
	budgetLeft: () => boolean
): { x: number[]; f: number; converged: boolean } {
	const d = start.length;
	const pts: number[][] = [start.slice()];
	const fv: number[] = [fStart];
	for (let i = 0; i < d; i++) {
		const p = start.slice();
		p[i] += steps[i];
		pts.push(p);
		fv.push(evalF(p));
	}
	const order = pts.map((_, i) => i);
	const along = (c: number[], w: number[], t: number) => c.map((ci, k) => ci + t * (w[k] - ci));
	while (budgetLeft()) {
		order.sort((a, b) => fv[a] - fv[b]);
		const lo = order[0];
		const hi = order[d];
		const nextHi = order[d - 1] ?? lo;
		const fSpread = fv[hi] - fv[lo];
		let size = 0;
		for (const i of order) {
			for (let k = 0; k < d; k++) size = Math.max(size, Math.abs(pts[i][k] - pts[lo][k]) / (1 + Math.abs(pts[lo][k])));
		}
		if (fSpread <= fTol && size <= xTol) return { x: pts[lo].slice(), f: fv[lo], converged: true };
		// Centroid of all vertices but the worst.
		const c = new Array<number>(d).fill(0);
		for (const i of order) if (i !== hi) for (let k = 0; k < d; k++) c[k] += pts[i][k] / d;
		const xr = along(c, pts[hi], -1);
		const fr = evalF(xr);
		if (fr < fv[lo]) {
			const xe = along(c, pts[hi], -2);
			const fe = evalF(xe);
			if (fe < fr) [pts[hi], fv[hi]] = [xe, fe];
			else [pts[hi], fv[hi]] = [xr, fr];
		} else if (fr < fv[nextHi]) {
			[pts[hi], fv[hi]] = [xr, fr];
		} else {
			// Outside contraction if the reflection beat the worst point, else inside contraction.
			const outside = fr < fv[hi];
			const xc = along(c, pts[hi], outside ? -0.5 : 0.5);
			const fc = evalF(xc);
			if (fc < (outside ? fr : fv[hi])) {
				[pts[hi], fv[hi]] = [xc, fc];
			} else {
				for (const i of order) {
					if (i === lo) continue;
					pts[i] = along(pts[lo], pts[i], 0.5);
					fv[i] = evalF(pts[i]);
				}
			}
		}
	}
	order.sort((a, b) => fv[a] - fv[b]);
	return { x: pts[order[0]].slice(), f: fv[order[0]], converged: false };
}

/** Outcome of {@link bfgs}. */
export interface GradientMinimizeResult {
	x: number[];
	f: number;
	/** Largest absolute gradient component at `x`. */
	gradMax: number;
	iterations: number;
	/**
	 * True when the gradient tolerance was met, or when the objective could no longer be lowered
	 * and `x` is a minimum to within rounding ({@link atMinimum}).
	 */
	converged: boolean;
}

/**
 * Minimises a smooth `f` with an analytic gradient by BFGS (inverse-Hessian update, Armijo
 * backtracking). Why a second optimiser: the MMRM's unstructured covariance has T(T+1)/2
 * parameters (15 for five sessions), where a simplex crawls; with the exact gradient BFGS
 * converges superlinearly to a gradient of ~1e-8, which the 1e-4 agreement with nlme needs.
 * `fg` returns f and its gradient; non-finite f counts as +∞ (the line search backs off).
 *
 * Why it also stops on a stall: for a large f (the MMRM's REML deviance is ~2·10⁴ on the demo) the
 * decrease a step towards a gradient under `gradTol` would bring can be smaller than f's rounding,
 * and the last bits of Math.exp/log differ between JavaScript engines: on the same sums Chromium
 * stalled at |g| 8.5·10⁻⁶ for all 2,000 iterations where Node reached 6·10⁻⁸. Five iterations in a
 * row that lower f by no more than its rounding end the search, and the verdict is then
 * {@link atMinimum}'s, not luck's.
 */
export function bfgs(
	fg: (x: number[]) => { f: number; g: number[] },
	x0: number[],
	options: { maxIterations?: number; gradTol?: number } = {}
): GradientMinimizeResult {
	const d = x0.length;
	const maxIt = options.maxIterations ?? 1000;
	const gradTol = options.gradTol ?? 1e-7;
	let x = x0.slice();
	let { f, g } = fg(x);
	if (!Number.isFinite(f)) throw new Error('bfgs: objective not finite at the starting point');
	const H: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
	const gMax = (v: number[]) => v.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
	let it = 0;
	let flat = 0;
	for (; it < maxIt && gMax(g) > gradTol && flat < STALL_ITERATIONS; it++) {
		const dir = H.map((row) => -row.reduce((s, h, j) => s + h * g[j], 0));
		let slope = dir.reduce((s, v, i) => s + v * g[i], 0);
		if (!(slope < 0)) {
			// Not a descent direction (H lost positive definiteness): restart from steepest descent.
			for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) H[i][j] = i === j ? 1 : 0;
			for (let i = 0; i < d; i++) dir[i] = -g[i];
			slope = -g.reduce((s, v) => s + v * v, 0);
		}
		let step = 1;
		let next = fg(x.map((v, i) => v + step * dir[i]));
		while (!(Number.isFinite(next.f) && next.f <= f + 1e-4 * step * slope) && step > 1e-12) {
			step /= 2;
			next = fg(x.map((v, i) => v + step * dir[i]));
		}
		if (step <= 1e-12) break;
		const s = dir.map((v) => step * v);
		const y = next.g.map((v, i) => v - g[i]);
		const sy = s.reduce((a, v, i) => a + v * y[i], 0);
		x = x.map((v, i) => v + s[i]);
		flat = f - next.f <= ROUNDING * Math.max(1, Math.abs(f)) ? flat + 1 : 0;
		f = next.f;
		g = next.g;
		// Skip the update when the curvature condition fails (keeps H positive definite).
		if (sy > 1e-12 * Math.sqrt(s.reduce((a, v) => a + v * v, 0) * y.reduce((a, v) => a + v * v, 0))) {
			const Hy = H.map((row) => row.reduce((a, h, j) => a + h * y[j], 0));
			const yHy = y.reduce((a, v, i) => a + v * Hy[i], 0);
			const c = (sy + yHy) / (sy * sy);
			for (let i = 0; i < d; i++)
				for (let j = 0; j < d; j++) H[i][j] += c * s[i] * s[j] - (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
		}
	}
	return { x, f, gradMax: gMax(g), iterations: it, converged: gMax(g) <= gradTol || atMinimum(fg, x, g) };
}

/** Iterations in a row without a decrease beyond rounding after which {@link bfgs} stops. */
const STALL_ITERATIONS = 5;
/** A decrease of f by at most this times |f| is rounding (a few units in the last place). */
const ROUNDING = 8 * Number.EPSILON;
/** Largest Newton decrement gᵀH⁻¹g / 2 (the decrease a Newton step would still bring) of a minimum. */
const NEWTON_DECREMENT_TOL = 1e-8;

/**
 * Whether `x` is a minimum of f to within rounding when the gradient `g` there misses the gradient
 * tolerance: the Hessian, by central differences of the analytic gradient, is positive definite
 * (a minimum, not a saddle or a slope too gentle to see) and a Newton step from `x` would lower f by
 * at most 10⁻⁸, gᵀH⁻¹g / 2 (for a deviance: the log-likelihood is within 5·10⁻⁹ of its maximum).
 * The same idea as lme4's convergence check (the gradient scaled by the Hessian's Cholesky factor),
 * with a tighter tolerance.
 */
function atMinimum(fg: (x: number[]) => { f: number; g: number[] }, x: number[], g: number[]): boolean {
	const d = x.length;
	const H = new Float64Array(d * d);
	for (let j = 0; j < d; j++) {
		const h = 1e-4 * Math.max(1, Math.abs(x[j]));
		const up = fg(x.map((v, i) => (i === j ? v + h : v))).g;
		const down = fg(x.map((v, i) => (i === j ? v - h : v))).g;
		for (let i = 0; i < d; i++) H[i * d + j] = (up[i] - down[i]) / (2 * h);
	}
	for (let i = 0; i < d; i++)
		for (let j = 0; j < i; j++) H[i * d + j] = H[j * d + i] = (H[i * d + j] + H[j * d + i]) / 2;
	if (!H.every(Number.isFinite)) return false;
	const step = solveSpd(H, d, g);
	return step !== null && g.reduce((t, v, i) => t + v * step[i], 0) / 2 <= NEWTON_DECREMENT_TOL;
}
