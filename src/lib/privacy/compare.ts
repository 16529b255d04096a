/**
 * The cohort comparison as it may leave the app (the methods and results text when copied or
 * downloaded): the same tables the comparison cards export, through the same specs, with withheld
 * numbers set to null so the text reads "withheld"; a model fitted on a cohort under the
 * threshold keeps no coefficients.
 */
import type { Comparison } from '../metrics/compare';
import { resultsText } from '../metrics/compare';
import { MIN_CELL, protectTables, type Protected } from './policy';
import { lifeTable, protectModel } from './report';
import type { Row } from './spec';
import { COHORT_RATES, ESTIMATES, LIFE_TABLE, LOG_RANK, SURVIVAL } from './tables';

/** `c` with every withheld number null (typed as a Comparison for the text writer, which prints null as "withheld"). */
export function sharedComparison(c: Comparison, minCell = MIN_CELL): Comparison {
	const [A, B] = c.cohorts;
	const anc = 'cohortEffect' in c.ancova ? c.ancova : null;
	const estimates: Row[] = [
		...c.change.map((r) => ({ kind: 'cohort', id: `cohort:${r.cohort}`, n: r.n, value: r.mean, low: r.ci_low, high: r.ci_high, p: null })),
		...(anc ? [{ kind: 'contrast', id: 'ancova', n: anc.n, value: anc.cohortEffect.estimate, low: anc.cohortEffect.low, high: anc.cohortEffect.high, p: anc.cohortEffect.p }] : []),
		{ kind: 'contrast', id: 'hedges', n: c.change[0].n + c.change[1].n, value: c.hedges.g, low: c.hedges.low, high: c.hedges.high, p: null }
	];
	const diffs = [c.response, c.remission];
	const rates: Row[] = diffs.flatMap((d, k) =>
		d
			? [
					...[d.a, d.b].map((r, i) => ({ kind: 'cohort', outcome: k, id: i, count: r.count, n: r.n, value: r.rate, low: r.ci_low, high: r.ci_high })),
					{ kind: 'contrast', outcome: k, id: 'diff', count: null, n: d.a.n + d.b.n, value: d.diff, low: d.low, high: d.high }
				]
			: []
	);
	const lr = c.survival.logRank;
	const [est, rat, surv] = protectTables(
		[
			{ spec: ESTIMATES, rows: estimates },
			{ spec: COHORT_RATES, rows: rates },
			{ spec: SURVIVAL, rows: c.survival.rows.map(({ points: _p, ...s }) => s) as unknown as Row[] },
			{ spec: LIFE_TABLE, rows: lifeTable(c.survival.rows) },
			{ spec: LOG_RANK, rows: lr ? lr.groups.map((g, i) => ({ instrument: lr.instrument, group: g, observed: lr.observed[i] })) : [] }
		],
		minCell
	).map((e) => e.rows as readonly Protected<Row>[]);
	const e = (id: string) => est.find((r) => r.id === id)!;
	const rate = (k: number, id: number | string) => rat.find((r) => r.outcome === k && r.id === id)!;
	const diff = (k: number) => {
		const d = diffs[k];
		if (!d) return null;
		const side = (i: number) => ({ ...[d.a, d.b][i], count: rate(k, i).count, n: rate(k, i).n, rate: rate(k, i).value, ci_low: rate(k, i).low, ci_high: rate(k, i).high });
		return { ...d, a: side(0), b: side(1), diff: rate(k, 'diff').value, low: rate(k, 'diff').low, high: rate(k, 'diff').high };
	};
	const hidden = est.some((r) => r.kind === 'cohort' && r.n === null);
	const model = c.lmm ? protectModel(c.lmm, minCell) : null;
	return {
		...c,
		change: c.change.map((r) => ({ ...r, n: e(`cohort:${r.cohort}`).n, mean: e(`cohort:${r.cohort}`).value, sd: e(`cohort:${r.cohort}`).value === null ? null : r.sd, ci_low: e(`cohort:${r.cohort}`).low, ci_high: e(`cohort:${r.cohort}`).high })),
		hedges: { ...c.hedges, g: e('hedges').value, low: e('hedges').low, high: e('hedges').high, se: hidden ? null : c.hedges.se, d: hidden ? null : c.hedges.d },
		ancova: anc ? { ...anc, n: e('ancova').n, cohortEffect: { ...anc.cohortEffect, estimate: e('ancova').value, low: e('ancova').low, high: e('ancova').high, p: e('ancova').p } } : c.ancova,
		response: diff(0),
		remission: diff(1),
		lmm: model,
		lmmSlope: model?.suppressed ? null : c.lmmSlope,
		survival: {
			rows: surv.map((s) => ({ ...s, points: [] })),
			logRank: lr ? { ...lr, observed: [], expected: [] } : null
		},
		cohorts: [A, B]
	} as unknown as Comparison;
}

/** Methods and results as copied or downloaded: every number the policy allows. */
export function sharedText(c: Comparison, minCell = MIN_CELL): { methods: string; results: string[] } {
	return { methods: c.methods, results: resultsText(sharedComparison(c, minCell)) };
}
