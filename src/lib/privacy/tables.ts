/**
 * The structure of every table the app and the CLI export, declared for the policy (spec.ts):
 * what is a count, what derives from it, and which counts add up to which. A new export (a site
 * bundle, a safety table) adds its spec here and calls `protect` / `protectTables`.
 *
 * Shared quantities (`same`) tie the report's sections together: client-series observed at a
 * session or follow-up week are the trajectory n, the attrition count and the durability n; the
 * analysed client-series are the remission and reliable-change n; responders with follow-up and
 * their losses are the Kaplan–Meier n / events and the log-rank observed counts.
 */
import { ALL_GROUPS } from '../metrics/source';
import type { TableSpec } from './spec';

const DIST = ['mean', 'sd', 'ci_low', 'ci_high', 'median', 'q1', 'q3', 'min', 'max'];
const RATE = ['rate', 'ci_low', 'ci_high'];
const OBSERVED_SESSION = { as: 'observed-session', by: ['instrument', 'group', 'session'] };
const OBSERVED_WEEK = { as: 'observed-week', by: ['instrument', 'group', 'week'] };
/** Client-series with a baseline and a score at a dosing session: attrition's with_baseline there, the MMRM's n. */
const BASELINE_AND_SESSION = { as: 'baseline-and-session', by: ['instrument', 'group', 'session'] };
/** Per questionnaire × group: client-series with a baseline, reaching the planned last session, both (attrition's rows, completion's links). */
const WITH_BASELINE = { as: 'series-with-baseline', by: ['instrument', 'group'] };
const REACHED_PLANNED = { as: 'series-reached-planned', by: ['instrument', 'group'] };
const REACHED_WITH_BASELINE = { as: 'series-reached-planned-with-baseline', by: ['instrument', 'group'] };
/** Per group, over every questionnaire: completion's denominator and numerator. */
const ANY_BASELINE = { as: 'series-any-baseline', by: ['group'] };
const ANY_COMPLETED = { as: 'series-any-completed', by: ['group'] };
/** The cohort counts (not by group): client-series with a score per questionnaire, and on any. */
const SCORED = { as: 'series-scored', by: ['instrument'] };
const ANY_SCORED = { as: 'series-any-scored', by: [] };

/**
 * Cohort size (the overview's tiles, rows of metrics/counts.ts): clients and client-series per
 * instrument and over all of them; first series + boosters = client-series. Not additive across
 * instruments (a client seen on two counts once in `(all)`), so no group slice.
 */
export const COUNTS: TableSpec = {
	name: 'counts',
	counts: ['clients', 'series', 'first_series', 'booster_series'],
	slices: [{ kind: 'fields', parts: ['first_series', 'booster_series'], total: 'series' }],
	same: [
		{ field: 'series', where: { instrument: ALL_GROUPS }, ...ANY_SCORED },
		{ field: 'series', ...SCORED }
	]
};

/**
 * Completion per client-series (the overview's headline, rows of metrics/completion.ts): per route
 * and `(all)`, client-series with a baseline and those of them that completed (the rest did not).
 * Routes add up to `(all)`: a client-series has one route.
 */
export const COMPLETION: TableSpec = {
	name: 'completion',
	counts: ['with_baseline', 'completed'],
	derived: [{ fields: ['share'], from: ['with_baseline', 'completed'] }],
	slices: [
		{ kind: 'fields', parts: ['completed'], total: 'with_baseline', complete: false },
		{ kind: 'groups', group: 'group', by: [] }
	],
	same: [
		{ field: 'with_baseline', ...ANY_BASELINE },
		{ field: 'completed', ...ANY_COMPLETED }
	]
};

/**
 * Completion's links to the per-questionnaire counts (rows of metrics/completion.ts
 * `completionLinks`; never printed). A client-series counts in completion when it has a baseline
 * on any questionnaire, in attrition per questionnaire: beside each other the two give away, by
 * subtraction, how many client-series have a baseline on one questionnaire and not on another
 * (per-series 33 − PHQ-9 30 = 3 with a GAD-7 baseline only). Each link row is one pattern (which
 * questionnaires a group's client-series have a baseline on, and reach their planned last session
 * on) under one `kind` of printed count it adds to: `baseline`, `planned` and `both` per
 * questionnaire (attrition), `any-baseline` and `any-completed` (completion). The patterns'
 * counts are the unknowns; each printed count is the sum of its patterns.
 */
export const COMPLETION_LINKS: TableSpec = {
	name: 'completion-links',
	implied: true,
	counts: ['n', 'total'],
	slices: [{ kind: 'rows', by: ['group', 'kind', 'instrument'], count: 'n', total: 'total' }],
	same: [
		{ field: 'n', as: 'series-pattern', by: ['origin', 'pattern'] },
		{ field: 'total', where: { kind: 'scored' }, ...SCORED },
		{ field: 'total', where: { kind: 'any-scored' }, ...ANY_SCORED },
		{ field: 'total', where: { kind: 'baseline' }, ...WITH_BASELINE },
		{ field: 'total', where: { kind: 'planned' }, ...REACHED_PLANNED },
		{ field: 'total', where: { kind: 'both' }, ...REACHED_WITH_BASELINE },
		{ field: 'total', where: { kind: 'any-baseline' }, ...ANY_BASELINE },
		{ field: 'total', where: { kind: 'any-completed' }, ...ANY_COMPLETED }
	]
};

/** Mean score per group × phase × session/week (observed cases share their n with attrition). */
export const TRAJECTORIES: TableSpec = {
	name: 'trajectories',
	counts: ['n'],
	derived: [{ fields: DIST, from: ['n'] }],
	slices: [{ kind: 'groups', group: 'group', by: ['instrument', 'phase', 'session', 'week'], totalKnown: true }],
	same: [
		{ field: 'n', where: { method: 'observed', phase: ['baseline', 'session'] }, ...OBSERVED_SESSION },
		{ field: 'n', where: { method: 'observed', phase: 'followup' }, ...OBSERVED_WEEK }
	]
};

/** Client-series still observed at each stage; share = clients / the group's baseline clients. */
export const ATTRITION: TableSpec = {
	name: 'attrition',
	// with_baseline: the stage's client-series that also have a baseline (the share's numerator)
	counts: ['clients', 'with_baseline'],
	derived: [{ fields: ['share'], from: ['clients', 'with_baseline'], row: { by: ['instrument', 'group'], match: { phase: 'baseline' } } }],
	slices: [
		{ kind: 'fields', parts: ['with_baseline'], total: 'clients', complete: false },
		{ kind: 'groups', group: 'group', by: ['instrument', 'phase', 'session', 'week'], where: { phase: ['baseline', 'session', 'end', 'followup'] }, totalKnown: true },
		// each route has its own planned last session: the completed stage adds up across them
		{ kind: 'groups', group: 'group', by: ['instrument', 'phase'], where: { phase: 'completed' }, totalKnown: true }
	],
	same: [
		{ field: 'clients', where: { phase: ['baseline', 'session'] }, ...OBSERVED_SESSION },
		{ field: 'clients', where: { phase: 'followup' }, ...OBSERVED_WEEK },
		{ field: 'with_baseline', where: { phase: 'session' }, ...BASELINE_AND_SESSION },
		{ field: 'with_baseline', where: { phase: 'baseline' }, ...WITH_BASELINE },
		{ field: 'clients', where: { phase: 'completed' }, ...REACHED_PLANNED },
		{ field: 'with_baseline', where: { phase: 'completed' }, ...REACHED_WITH_BASELINE }
	]
};

/** Mean score by follow-up week; responders seen that week and those still responding. */
export const DURABILITY: TableSpec = {
	name: 'durability',
	counts: ['n', 'responders_n', 'still_responding_n'],
	derived: [
		{ fields: DIST, from: ['n'] },
		{ fields: ['still_responding'], from: ['responders_n', 'still_responding_n'] }
	],
	slices: [
		{ kind: 'fields', parts: ['responders_n'], total: 'n', complete: false },
		{ kind: 'fields', parts: ['still_responding_n'], total: 'responders_n', complete: false },
		{ kind: 'groups', group: 'group', by: ['instrument', 'week'], totalKnown: true }
	],
	same: [{ field: 'n', ...OBSERVED_WEEK }]
};

/** Responders (or remitters) of n per group, with the `(all)` row over groups. */
function rateSpec(name: string, analysed: string): TableSpec {
	return {
		name,
		counts: ['count', 'n'],
		derived: [{ fields: RATE, from: ['count', 'n'] }],
		slices: [
			{ kind: 'fields', parts: ['count'], total: 'n', complete: false },
			{ kind: 'groups', group: 'group', by: ['instrument'], totalKnown: true }
		],
		same: [
			{ field: 'n', as: analysed, by: ['instrument', 'group'] },
			// the pooled network report prints the same count beside its sites' (privacy/pool.ts)
			{ field: 'count', as: `${name}-count`, by: ['instrument', 'group'] }
		]
	};
}
/** Response: analysed = baseline > 0 and an end score. */
export const RESPONSE = rateSpec('response', 'analysed-baseline-positive');
/** Remission: analysed = a baseline and an end score (the reliable-change n too). */
export const REMISSION = rateSpec('remission', 'analysed');

/** One row per outcome: improved + unchanged + deteriorated = n; clinically significant ⊆ improved. */
export const RELIABLE_CHANGE: TableSpec = {
	name: 'reliable_change',
	counts: ['count', 'n'],
	derived: [{ fields: RATE, from: ['count', 'n'] }],
	slices: [
		{ kind: 'rows', by: ['instrument', 'group'], where: { outcome: ['improved', 'unchanged', 'deteriorated'] }, count: 'count', total: 'n' },
		{ kind: 'rows', by: ['instrument', 'group'], where: { outcome: 'clinically_significant' }, count: 'count', totalRow: { outcome: 'improved' }, complete: false },
		{ kind: 'fields', parts: ['count'], total: 'n', complete: false },
		{ kind: 'groups', group: 'group', by: ['instrument', 'outcome'], totalKnown: true }
	],
	same: [{ field: 'n', as: 'analysed', by: ['instrument', 'group'] }]
};

const KM_N = { as: 'km-n', by: ['instrument', 'group'] };
const KM_EVENTS = { as: 'km-events', by: ['instrument', 'group'] };

/** Kaplan–Meier summary per group: responders with follow-up (n), losses (events), median. */
export const SURVIVAL: TableSpec = {
	name: 'survival',
	counts: ['n', 'events'],
	derived: [{ fields: ['median_weeks', 'median_low', 'median_high'], from: ['n', 'events'] }],
	slices: [
		{ kind: 'fields', parts: ['events'], total: 'n', complete: false },
		{ kind: 'groups', group: 'group', by: ['instrument'], totalKnown: true }
	],
	same: [
		{ field: 'n', ...KM_N },
		{ field: 'events', ...KM_EVENTS }
	]
};

/**
 * Kaplan–Meier life table, one row per step (`step: true`: time, at risk, events, censored, S(t)
 * and its CI) plus one total row per group (`step: false`: n at risk at the start, all events).
 * S(t) carries every earlier step, so it is withheld from the first withheld step on.
 */
export const LIFE_TABLE: TableSpec = {
	name: 'life_table',
	counts: ['at_risk', 'events', 'censored'],
	derived: [{ fields: ['survival', 'se', 'low', 'high'], from: ['at_risk', 'events', 'censored'], carry: { by: ['instrument', 'group'], order: 'time' } }],
	slices: [
		{ kind: 'chain', by: ['instrument', 'group', 'step'], order: 'time', from: 'at_risk', minus: ['events', 'censored'] },
		{ kind: 'rows', by: ['instrument', 'group'], where: { step: true }, count: 'events', totalRow: { step: false } },
		{ kind: 'rows', by: ['instrument', 'group'], where: { step: true }, count: 'censored', totalRow: { step: false } }
	],
	same: [
		{ field: 'at_risk', where: { step: false }, ...KM_N },
		{ field: 'events', where: { step: false }, ...KM_EVENTS }
	]
};

/** Log-rank observed losses per group (the Kaplan–Meier events) add up across groups. */
export const LOG_RANK: TableSpec = {
	name: 'log_rank',
	counts: ['observed'],
	slices: [{ kind: 'groups', group: 'group', by: ['instrument'], totalKnown: true }],
	same: [{ field: 'observed', ...KM_EVENTS }]
};

/** Table 1 (cohort comparison): levels of each attribute add up to the cohort's client-series. */
export function table1Spec(population: { series: string; analysed: string }): TableSpec {
	const series = { as: 't1-series', by: ['cohort'] };
	return {
		name: 'table1',
		counts: ['n', 'total'],
		derived: [{ fields: ['pct'], from: ['n', 'total'] }],
		slices: [
			{ kind: 'rows', by: ['variable', 'cohort'], except: { variable: 'n' }, count: 'n', total: 'total' },
			{ kind: 'rows', by: ['cohort'], where: { variable: 'n', level: population.analysed }, count: 'n', totalRow: { variable: 'n', level: population.series }, complete: false }
		],
		same: [
			{ field: 'total', ...series },
			{ field: 'n', where: { variable: 'n', level: population.series }, ...series }
		]
	};
}

/** Table 1's baseline score per cohort (n = its client-series with a baseline). */
export const TABLE1_BASELINE: TableSpec = {
	name: 'table1_baseline',
	counts: ['n'],
	derived: [{ fields: DIST, from: ['n'] }],
	same: [{ field: 'n', as: 't1-series', by: ['cohort'] }]
};

/**
 * Estimates per cohort and their contrasts (change from baseline, ANCOVA, Hedges' g): the cohort
 * rows' n add up to a contrast's n, and a contrast is withheld with either cohort's n.
 */
export const ESTIMATES: TableSpec = {
	name: 'estimates',
	counts: ['n'],
	derived: [
		{ fields: ['value', 'low', 'high', 'p'], from: ['n'] },
		{ fields: ['value', 'low', 'high', 'p'], from: ['n'], row: { by: [], match: { kind: 'cohort' } }, where: { kind: 'contrast' } }
	],
	slices: [{ kind: 'rows', by: [], where: { kind: 'cohort' }, count: 'n', totalRow: { kind: 'contrast' } }],
	same: [{ field: 'n', where: { kind: 'contrast' }, as: 'both-cohorts', by: [] }]
};

/** Response and remission per cohort (count of n) and the A − B difference (n = both cohorts). */
export const COHORT_RATES: TableSpec = {
	name: 'cohort_rates',
	counts: ['count', 'n'],
	derived: [
		{ fields: ['value', 'low', 'high'], from: ['count', 'n'] },
		{ fields: ['value', 'low', 'high'], from: ['count', 'n'], row: { by: ['outcome'], match: { kind: 'cohort' } }, where: { kind: 'contrast' } }
	],
	slices: [
		{ kind: 'fields', parts: ['count'], total: 'n', complete: false, where: { kind: 'cohort' } },
		{ kind: 'rows', by: ['outcome'], where: { kind: 'cohort' }, count: 'n', totalRow: { kind: 'contrast' } }
	]
};

/** A table without counts (e.g. a model's coefficients once the model passed `protectModel`). */
export const NO_COUNTS: TableSpec = { name: 'no_counts', counts: [] };

/**
 * Flow diagram (rows of privacy/flow.ts `flowRows`): each step's n plus those who left since the
 * step it is counted from = that step's n; the end-of-series step counts the analysed
 * client-series (the remission and reliable-change n printed beside it).
 */
export const FLOW: TableSpec = {
	name: 'flow',
	counts: ['n', 'left'],
	slices: [{ kind: 'link', by: ['instrument', 'group'], id: 'index', ref: 'from', parts: ['n', 'left'], total: 'n' }],
	same: [{ field: 'n', where: { kind: 'end' }, as: 'analysed', by: ['instrument', 'group'] }]
};

/**
 * Subgroups of a cohort comparison: per variable, the levels' client-series add up to the overall
 * row's (`of_a`, `of_b` carry it on each level row); an estimate goes with either cohort's n.
 */
export const SUBGROUPS: TableSpec = {
	name: 'subgroups',
	counts: ['n_a', 'n_b', 'of_a', 'of_b'],
	derived: [{ fields: ['estimate', 'low', 'high'], from: ['n_a', 'n_b'] }],
	slices: [
		{ kind: 'rows', by: ['variable'], except: { variable: 'overall' }, count: 'n_a', total: 'of_a' },
		{ kind: 'rows', by: ['variable'], except: { variable: 'overall' }, count: 'n_b', total: 'of_b' }
	],
	same: [
		{ field: 'of_a', as: 'overall-a', by: [] },
		{ field: 'n_a', where: { variable: 'overall' }, as: 'overall-a', by: [] },
		{ field: 'of_b', as: 'overall-b', by: [] },
		{ field: 'n_b', where: { variable: 'overall' }, as: 'overall-b', by: [] }
	]
};

/**
 * MMRM least-squares means per instrument × session × group: a session's means (and differences)
 * go with any of its n; n (series with a baseline and a score at the session) is attrition's
 * with-baseline count there, and the groups add up to the ungrouped count.
 */
export const MMRM_MEANS: TableSpec = {
	name: 'mmrm_means',
	counts: ['n'],
	derived: [
		{ fields: ['estimate', 'se', 'ci_low', 'ci_high'], from: ['n'] },
		{ fields: ['estimate', 'se', 'ci_low', 'ci_high'], from: ['n'], row: { by: ['instrument', 'session'], match: {} } }
	],
	slices: [{ kind: 'groups', group: 'group', by: ['instrument', 'session'], totalKnown: true }],
	same: [{ field: 'n', ...BASELINE_AND_SESSION }]
};
