/**
 * The /compare page as it may leave the app, in ONE export: every card's table (Table 1, change
 * from baseline and Hedges' g, response/remission and their differences, both cohorts'
 * trajectories, the Kaplan–Meier life table with its summary and log-rank counts, both cohorts'
 * flow diagrams, the MMRM least-squares means, the tolerability card's session-record figures) and
 * the copied methods/results text go through one `protectTables` call. Counts that are the same cell on several cards are declared as such: a
 * cohort's analysed client-series are the flow's end-of-series n, the change n, the remission n and
 * Table 1's "analysed" row; its client-series with a baseline are Table 1's population n, the
 * flow's first box and the trajectory's session-0 n. So a count one card withholds (beside a small
 * "left" in the flow) is not printed by another card's CSV or by the text.
 */
import type { Comparison } from '../metrics/compare';
import { resultsText } from '../metrics/compare';
import type { FlowStep } from '../metrics/flow';
import type { MmrmRow } from '../metrics/mmrm';
import type { SubgroupResult } from '../metrics/subgroups';
import { POPULATION, type Table1Row } from '../metrics/table1';
import type { TrajectoryRow } from '../metrics/trajectories';
import type { Tolerability } from '../metrics/compare-safety';
import { TOLERABILITY, tolerabilityRows } from './compare-safety';
import { flowRows } from './flow';
import { MIN_CELL, protectTables, select, type Exported, type Protected } from './policy';
import { lifeTable, mmrmMeanRows, protectMmrm, protectModel, type SharedMmrm } from './report';
import type { Row, Same, TableSpec } from './spec';
import { COHORT_RATES, ESTIMATES, FLOW, LIFE_TABLE, LOG_RANK, MMRM_MEANS, SUBGROUPS, SURVIVAL, TRAJECTORIES, table1Spec } from './tables';
import { NEWCOMBE_METHOD } from '../stats/proportions';

/** The raw tables of the page (any may be missing while it loads). */
export interface ComparePage {
	instrument: string;
	table1?: readonly Table1Row[];
	/** The comparison (change, g, ANCOVA, rates, Kaplan–Meier; its model for the text). */
	comparison?: Comparison | null;
	trajectories?: readonly TrajectoryRow[];
	flow?: readonly FlowStep[];
	mmrm?: MmrmRow | null;
	subgroups?: SubgroupResult | null;
	/** The tolerability card (session records of each cohort). */
	tolerability?: Tolerability | null;
}

type Out = Exported<Protected<Row>>;

/** Each card's rows as exported, and the text as copied (null without a comparison). */
export interface ComparePageExport {
	table1: Out;
	change: Out;
	hedges: Out;
	rates: Out;
	trajectories: Out;
	/** Kaplan–Meier steps only (the per-cohort total rows tie them together inside the export). */
	lifeTable: Out;
	flow: Out;
	/** MMRM LS means (n withheld with its session, nothing from a model on a small cohort). */
	mmrm: Out;
	mmrmShared: SharedMmrm | null;
	/** The two subgroup cards (response difference, adjusted change difference). */
	subgroups: Record<SubgroupMeasure, Out>;
	text: { methods: string; results: string[] } | null;
	/** The tolerability card's table (privacy/compare-safety.ts). */
	tolerability: Out;
}

export const HEDGES_LABEL = "Hedges' g (A − B)";

/** Change from baseline per cohort and the ANCOVA contrast: the change card's table. */
export function changeRows(c: Comparison | null | undefined): Row[] {
	if (!c) return [];
	const anc = 'cohortEffect' in c.ancova ? c.ancova : null;
	return [
		...c.change.map((r) => ({ kind: 'cohort', instrument: c.instrument, group: r.cohort, estimate: `Mean change, ${r.cohort}`, value: r.mean, low: r.ci_low, high: r.ci_high, p: null, n: r.n })),
		...(anc ? [{ kind: 'contrast', id: 'ancova', estimate: 'End score A − B adjusted for baseline (ANCOVA)', value: anc.cohortEffect.estimate, low: anc.cohortEffect.low, high: anc.cohortEffect.high, p: anc.cohortEffect.p, n: anc.n }] : [])
	];
}

/** Hedges' g of change, A − B (n = both cohorts): the g card's table. */
export function hedgesRows(c: Comparison | null | undefined): Row[] {
	if (!c) return [];
	const g = c.hedges;
	return [{ kind: 'contrast', id: 'hedges', estimate: HEDGES_LABEL, value: g.g, low: g.low, high: g.high, p: null, n: (c.change[0]?.n ?? 0) + (c.change[1]?.n ?? 0) }];
}

/** Response and remission per cohort and the A − B differences: the rates card's table. */
export function rateRows(c: Comparison | null | undefined): Row[] {
	if (!c) return [];
	const outcomes: [string, NonNullable<Comparison['response']>][] = [];
	if (c.response) outcomes.push(['Response', c.response]);
	if (c.remission) outcomes.push(['Remission', c.remission]);
	return outcomes.flatMap(([name, d]) => [
		...[d.a, d.b].map((r, i) => ({ outcome: name, kind: 'cohort', instrument: c.instrument, group: c.cohorts[i], cohort: c.cohorts[i], count: r.count, n: r.n, value: r.rate, low: r.ci_low, high: r.ci_high, definition: r.definition })),
		{ outcome: name, kind: 'contrast', cohort: 'A − B', count: null, n: d.a.n + d.b.n, value: d.diff, low: d.low, high: d.high, definition: NEWCOMBE_METHOD }
	]);
}

export type SubgroupMeasure = 'response' | 'change';

/** A subgroup card's table: per level the cohorts' analysed n, of the overall n, and the estimate. */
export function subgroupRows(s: SubgroupResult | null | undefined, measure: SubgroupMeasure, instrument: string): Row[] {
	if (!s) return [];
	return [s.overall, ...s.rows].map((r) => {
		const e = measure === 'response' ? r.response : r.change;
		return { instrument, cohort_a: s.cohorts[0], cohort_b: s.cohorts[1], variable: r.variable, level: r.level, n_a: r.n_a, n_b: r.n_b, of_a: s.overall.n_a, of_b: s.overall.n_b, estimate: e?.estimate ?? null, low: e?.low ?? null, high: e?.high ?? null };
	});
}

const ANALYSED = { as: 'analysed', by: ['instrument', 'group'] };
const SERIES = { as: 'cohort-series', by: ['instrument', 'group'] };
const also = (spec: TableSpec, name: string, first: Same[], drop = false): TableSpec => ({ ...spec, name, same: [...first, ...(drop ? [] : (spec.same ?? []))] });

const T1 = table1Spec(POPULATION);
const PAGE_TABLE1 = also(T1, 'table1', [
	{ field: 'n', where: { variable: 'n', level: POPULATION.analysed }, ...ANALYSED },
	// one cell: the level rows' total and the population row (as table1Spec), and the flow's first box
	{ field: 'total', ...SERIES },
	{ field: 'n', where: { variable: 'n', level: POPULATION.series }, ...SERIES }
], true);
const PAGE_ESTIMATES = also(ESTIMATES, 'estimates', [{ field: 'n', where: { kind: 'cohort' }, ...ANALYSED }]);
// Response counts those analysed with a baseline above 0: almost always every analysed series, and
// then the same cell (cells join only when their values agree).
const PAGE_RATES = also(COHORT_RATES, 'cohort_rates', [{ field: 'n', where: { kind: 'cohort' }, ...ANALYSED }]);
const PAGE_FLOW = also(FLOW, 'flow', [{ field: 'n', where: { kind: 'baseline' }, ...SERIES }]);
// The cohorts may overlap and have no published total: no groups-add-up slice between them.
const PAGE_TRAJECTORIES: TableSpec = { ...also(TRAJECTORIES, 'trajectories', [{ field: 'n', where: { method: 'observed', phase: 'baseline' }, ...SERIES }]), slices: [] };

// The overall row's n is the cohort's analysed n; a level's n is the same count on both subgroup cards.
const subgroupSpec = (measure: SubgroupMeasure): TableSpec => ({
	...SUBGROUPS,
	name: `subgroups_${measure}`,
	same: [
		{ field: 'of_a', as: 'analysed', by: ['instrument', 'cohort_a'] },
		{ field: 'of_b', as: 'analysed', by: ['instrument', 'cohort_b'] },
		{ field: 'n_a', where: { variable: 'overall' }, as: 'analysed', by: ['instrument', 'cohort_a'] },
		{ field: 'n_b', where: { variable: 'overall' }, as: 'analysed', by: ['instrument', 'cohort_b'] },
		{ field: 'n_a', as: 'subgroup-a', by: ['variable', 'level'] },
		{ field: 'n_b', as: 'subgroup-b', by: ['variable', 'level'] }
	]
});

/** Every table of the /compare page through the policy in one call. */
export function protectComparePage(p: ComparePage, minCell = MIN_CELL): ComparePageExport {
	const c = p.comparison ?? null;
	const lr = c?.survival.logRank ?? null;
	const t1 = (p.table1 ?? []).map((r) => ({ ...r, instrument: p.instrument, group: r.cohort }));
	const estimates = [...changeRows(c), ...hedgesRows(c)];
	const rates = rateRows(c);
	const traj = (p.trajectories ?? []).filter((r) => r.phase !== 'followup' && r.session !== null) as unknown as Row[];
	const survival = c ? c.survival.rows : [];
	const mmrm = p.mmrm && !p.mmrm.error ? p.mmrm : null;
	const [table1, est, rat, trajectories, surv, life, logRankRows, flow, means, subResponse, subChange, tolerability] = protectTables(
		[
			{ spec: PAGE_TABLE1, rows: t1 },
			{ spec: PAGE_ESTIMATES, rows: estimates },
			{ spec: PAGE_RATES, rows: rates },
			{ spec: PAGE_TRAJECTORIES, rows: traj },
			{ spec: SURVIVAL, rows: survival.map(({ points: _p, ...s }) => s) as unknown as Row[] },
			{ spec: LIFE_TABLE, rows: lifeTable(survival) },
			{ spec: LOG_RANK, rows: lr ? lr.groups.map((g, i) => ({ instrument: lr.instrument, group: g, observed: lr.observed[i] })) : [] },
			{ spec: PAGE_FLOW, rows: flowRows(p.flow ?? []) },
			{ spec: MMRM_MEANS, rows: mmrm ? mmrmMeanRows([mmrm], minCell) : [] },
			{ spec: subgroupSpec('response'), rows: subgroupRows(p.subgroups, 'response', p.instrument) },
			{ spec: subgroupSpec('change'), rows: subgroupRows(p.subgroups, 'change', p.instrument) },
			{ spec: TOLERABILITY, rows: tolerabilityRows(p.tolerability) }
		],
		minCell
	);
	const mmrmShared = mmrm ? protectMmrm(mmrm, minCell, means.rows) : null;
	return {
		table1,
		change: select(est, (r) => r.id !== 'hedges'),
		hedges: select(est, (r) => r.id === 'hedges'),
		rates: rat,
		trajectories,
		lifeTable: select(life, (r) => r.step === true),
		flow,
		mmrm: means,
		mmrmShared,
		subgroups: { response: subResponse, change: subChange },
		tolerability,
		text: c ? { methods: c.methods, results: resultsText(sharedFrom(c, est.rows, rat.rows, surv.rows, minCell, logRankRows.rows.some((r) => r.observed === null))) } : null
	};
}

/** `c` with the numbers of the exported rows (withheld: null, which the text prints "withheld"). */
function sharedFrom(c: Comparison, est: readonly Protected<Row>[], rat: readonly Protected<Row>[], surv: readonly Protected<Row>[], minCell: number, logRankWithheld: boolean): Comparison {
	const [A, B] = c.cohorts;
	const anc = 'cohortEffect' in c.ancova ? c.ancova : null;
	const cohort = (l: string) => est.find((r) => r.kind === 'cohort' && r.group === l)!;
	const e = (id: string) => est.find((r) => r.id === id)!;
	const diff = (name: string, d: Comparison['response']) => {
		if (!d) return null;
		const side = (i: number) => {
			const r = rat.find((x) => x.outcome === name && x.kind === 'cohort' && x.group === c.cohorts[i])!;
			return { ...[d.a, d.b][i], count: r.count, n: r.n, rate: r.value, ci_low: r.low, ci_high: r.high };
		};
		const x = rat.find((r) => r.outcome === name && r.kind === 'contrast')!;
		return { ...d, a: side(0), b: side(1), diff: x.value, low: x.low, high: x.high };
	};
	const hidden = est.some((r) => r.kind === 'cohort' && r.n === null);
	const model = c.lmm ? protectModel(c.lmm, minCell) : null;
	return {
		...c,
		change: c.change.map((r) => {
			const x = cohort(r.cohort);
			return { ...r, n: x.n, mean: x.value, sd: x.value === null ? null : r.sd, ci_low: x.low, ci_high: x.high };
		}),
		hedges: { ...c.hedges, g: e('hedges').value, low: e('hedges').low, high: e('hedges').high, se: hidden ? null : c.hedges.se, d: hidden ? null : c.hedges.d },
		ancova: anc ? { ...anc, n: e('ancova').n, cohortEffect: { ...anc.cohortEffect, estimate: e('ancova').value, low: e('ancova').low, high: e('ancova').high, p: e('ancova').p } } : c.ancova,
		response: diff('Response', c.response),
		remission: diff('Remission', c.remission),
		lmm: model,
		lmmSlope: model?.suppressed ? null : c.lmmSlope,
		survival: { rows: surv.map((s) => ({ ...s, points: [] })), // χ² and p are (O − E)² / V of the observed counts: withheld with any of them (the text then leaves the test out)
		logRank: c.survival.logRank ? { ...c.survival.logRank, chi2: logRankWithheld ? NaN : c.survival.logRank.chi2, p: logRankWithheld ? NaN : c.survival.logRank.p, observed: [], expected: [] } : null },
		cohorts: [A, B]
	} as unknown as Comparison;
}
