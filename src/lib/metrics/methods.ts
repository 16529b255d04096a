/**
 * How each figure is computed, in words, as data: the statistical methods the cards name in their
 * "How this is computed" disclosure (components/HowComputed.svelte), so the cards' visible text can
 * say what a figure is in plain words and keep the method, its assumptions and its N one click away.
 * The definitions of outcomes (what counts as response, remission, loss of response) are in
 * definitions.ts; these are the estimators and tests applied to them.
 */

/** A card's disclosure: the definition of what is counted, who (N), and the methods, each one sentence or two. */
export interface How {
	definition?: string;
	/** The definition's versioned id, when it has one. */
	id?: string;
	/** Who is counted: population and N. */
	n?: string;
	method?: string[];
}

export const METHODS = {
	wilson: 'Each share has a Wilson score 95 % confidence interval (no continuity correction), which stays within 0–100 % and behaves well for small groups and shares near 0 or 100 %.',
	tMean: 'Means have a t-based 95 % confidence interval: mean ± t(0.975, n − 1) × SD / √n.',
	observedCases: 'Observed cases: each point uses the client-series with a score at that time, without imputing missing scores, so later points can rest on fewer and different clients.',
	median: 'Median with the interquartile range (25th to 75th percentile).',
	km: 'Kaplan–Meier estimate of the share still responding over time: a client-series leaves the risk set when it loses response (an event) or at its last follow-up score without losing it (censored, marked +). The 95 % confidence interval is computed on the log(−log) scale.',
	logRank: 'Log-rank test of equal curves across groups: χ² with (groups − 1) degrees of freedom.',
	newcombe: "A difference of two shares, A − B, in percentage points, with Newcombe's hybrid score 95 % confidence interval (method 10).",
	ancova: 'Baseline-adjusted difference (ANCOVA): end score ~ cohort + baseline score by ordinary least squares, t-based 95 % CI and p.',
	hedges: "Hedges' g: the difference in mean change divided by the pooled SD of change, times the small-sample correction 1 − 3 / (4(n₁ + n₂) − 9); 95 % CI from its large-sample standard error.",
	mmrm: 'Mixed model for repeated measures (MMRM): score at each dosing session ~ cohort × session + baseline score, with an unstructured covariance between sessions, fitted by REML; the A − B difference in least-squares means at each session, with the degrees-of-freedom method named in the note.',
	lmm: 'Linear mixed model: score ~ time × cohort with a random intercept and slope per client-series, fitted by REML; the time × cohort term is how much faster A changes per time step than B, with a Wald 95 % CI and p; the likelihood-ratio test compares the models with and without the cohort terms.',
	subgroups: 'Subgroups: the A − B estimate within each level; the interaction p tests whether the difference varies across levels (likelihood-ratio test of logistic regressions for response, F test of linear regressions for the adjusted end score).',
	meta: 'Random-effects meta-analysis across sites: the between-site variance τ² is estimated by REML, each site weighted by 1 / (its variance + τ²); rates are pooled on the logit scale. The 95 % prediction interval is where a new site’s true value is expected to fall.',
	table1: 'Counts and percentages of the client-series with a baseline score in each cohort; a client with series in both cohorts counts in both.',
	individual: 'One client’s own records, as entered: nothing is estimated and nothing is withheld.',
	spearman: 'Spearman rank correlation ρ (−1 to 1) with a Fisher-z 95 % confidence interval, standard error 1.06 / √(n − 3) (Fieller, Hartley & Pearson 1957); beside it, the ordinary-least-squares slope of the % change on the experience score with the baseline score as a covariate, with its t-based 95 % CI.'
} as const;

/** The privacy sentence every aggregate card ends its disclosure with. */
export const suppressionMethod = (minCell: number): string =>
	`Counts of 1 to ${minCell - 1}, and any count they could be worked out from, are withheld from downloads and print; the figures computed from a withheld count are withheld with it.`;
