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
import { inverseFromCholesky } from './matrix';
import { pls, prepare, type PlsState } from './mixed-pls';
import { plsPatterns, prepareFromPatterns, type LmmPatternSums } from './mixed-patterns';
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
	/**
	 * Boundary (singular) fit, lme4's isSingular(fit, tol = 1e-4): a diagonal element of Λθ (the
	 * parameters with lower bound 0) below 1e-4 — a variance component at 0, or (random slope) the
	 * intercept–slope correlation at ±1.
	 */
	singular: boolean;
	/** Relative covariance parameters θ (lme4's getME(fit, "theta"): lower-triangular Λθ by column). */
	theta: number[];
	/** Number of deviance evaluations used by the optimiser. */
	iterations: number;
}

const Z975 = 1.959963984540054;
/** lme4's isSingular() default tolerance on θ. */
const SINGULAR_TOL = 1e-4;

/**
 * Fits a linear mixed model with a single grouping factor by ML or REML (lme4's profiled
 * deviance). Throws on malformed input (length mismatch, non-finite values, missing slope,
 * rank-deficient X, n ≤ p). Handles boundary fits (a variance estimated as 0).
 */
export function fitLmm(input: LmmInput): LmmFit {
	const s = prepare(input);
	return fitStats(s, (theta, reml) => pls(s, theta, reml), input.terms, input.random, input.method);
}

export type { LmmPatternSums };

/**
 * The same fit from sums computed elsewhere (in SQL): the design's cross-products overall and,
 * per pattern of ZᵢᵀZᵢ, the sums of the groups' ZᵢᵀXᵢ, Zᵢᵀy outer products (mixed-patterns.ts).
 * Every deviance evaluation then costs O(patterns), and the observations never leave the
 * database. Throws like `fitLmm`.
 */
export function fitLmmFromSums(sums: LmmPatternSums): LmmFit {
	const s = prepareFromPatterns(sums);
	return fitStats(s, (theta, reml) => plsPatterns(s, theta, reml), sums.terms, sums.random, sums.method);
}

/** The dimensions and OLS start a fit reports, whichever form its statistics take. */
interface FitShape {
	n: number;
	p: number;
	q: number;
	G: number;
	beta0: Float64Array;
}

function fitStats(s: FitShape, pls: (theta: number[], reml: boolean) => PlsState | null, terms: string[], random: LmmInput['random'], method: LmmInput['method']): LmmFit {
	const reml = method === 'REML';
	const nTheta = s.q === 1 ? 1 : 3;
	const dev = (theta: number[]) => pls(theta, reml)?.deviance ?? Infinity;
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
	const st = pls(theta, reml);
	if (!st) throw new Error('fitLmm: no valid fit (rank-deficient design or zero residual variance)');

	const sigma2 = st.pwrss / (reml ? s.n - s.p : s.n);
	const vcov = inverseFromCholesky(st.LX, s.p);
	const fixed = terms.map((term, j) => {
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
		method,
		random,
		fixed,
		variance,
		loglik: -st.deviance / 2,
		deviance: st.deviance,
		aic: st.deviance + 2 * k,
		bic: st.deviance + k * Math.log(s.n),
		nObs: s.n,
		nGroups: s.G,
		converged: opt.converged,
		singular: s.q === 1 ? theta[0] < SINGULAR_TOL : theta[0] < SINGULAR_TOL || theta[2] < SINGULAR_TOL,
		theta,
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
