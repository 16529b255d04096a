/**
 * Subgroup estimates, interaction tests and NNT against R 4.2.2 on 48 made-up client-series
 * (BDI-II baseline → one dosing-session score; cohort A = IV, B = sublingual). R, run once on the
 * same rows (resp = end ≤ 0.5 · baseline, cohort = 1 for IV):
 *
 * d$g <- factor(d$sex)    # then d$site
 * anova(glm(resp ~ cohort + g, binomial, d), glm(resp ~ cohort * g, binomial, d), test = "Chisq")
 * anova(lm(end ~ baseline + cohort + g, d), lm(end ~ baseline + cohort * g, d))
 *   sex  LRT deviance 3.7118293662 p 0.0540281455   F 1.762422311 p 0.191327880
 *   site LRT deviance 2.3793235435 p 0.1229507768   F 0.9309998529 p 0.3399986461
 * for each level: f <- lm(end ~ cohort + baseline, s); c(coef(f)["cohort"], confint(f)["cohort", ])
 *   sex F  -4.847733003 (-8.643804427 to -1.051661580); responders IV 6/16, SL 0/16
 *   sex M  -1.042166141 (-5.936681186 to  3.852348905); responders IV 1/8,  SL 1/8
 *   site North -3.7684604086 (-7.8858966690 to 0.3489758518); IV 5/15, SL 0/15
 *   site South -2.376568230 (-6.204531236 to 1.451394776);    IV 2/9,  SL 1/9
 *   overall    -3.5493202450 (-6.4634092012 to -0.6352312888); table(route, resp): IV 7/24, SL 1/24
 * NNT by hand: difference 7/24 − 1/24 = 0.25 → NNTB 4.0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { logistic } from '../../src/lib/stats/logistic';
import { addMoments, momentRows, noMoments, ols } from '../../src/lib/stats/regression';
import { openNodeEngine } from '../../src/lib/engine/node';
import { subgroupAnalysis, tertileCuts, type SubgroupResult } from '../../src/lib/metrics/subgroups';
import { newcombeDifference } from '../../src/lib/stats/proportions';
import { loadCanonical, type Canon } from './metrics-fixtures';

// id, route, sex, site, baseline, end (the file R read: one line per series).
const SERIES: [string, string, string, string, number, number][] = [
	['s00', 'iv', 'M', 'North', 21, 14], ['s01', 'sublingual', 'M', 'North', 38, 26], ['s02', 'iv', 'F', 'North', 25, 18], ['s03', 'sublingual', 'F', 'South', 26, 21],
	['s04', 'iv', 'F', 'South', 20, 9], ['s05', 'sublingual', 'F', 'North', 27, 19], ['s06', 'iv', 'M', 'North', 30, 25], ['s07', 'sublingual', 'M', 'North', 21, 18],
	['s08', 'iv', 'F', 'South', 28, 18], ['s09', 'sublingual', 'F', 'South', 26, 20], ['s10', 'iv', 'F', 'North', 38, 17], ['s11', 'sublingual', 'F', 'North', 22, 20],
	['s12', 'iv', 'M', 'North', 39, 25], ['s13', 'sublingual', 'M', 'South', 23, 23], ['s14', 'iv', 'F', 'South', 20, 16], ['s15', 'sublingual', 'F', 'North', 28, 28],
	['s16', 'iv', 'F', 'North', 26, 20], ['s17', 'sublingual', 'F', 'North', 30, 23], ['s18', 'iv', 'M', 'South', 32, 15], ['s19', 'sublingual', 'M', 'South', 21, 10],
	['s20', 'iv', 'F', 'North', 39, 11], ['s21', 'sublingual', 'F', 'North', 36, 23], ['s22', 'iv', 'F', 'North', 38, 25], ['s23', 'sublingual', 'F', 'South', 21, 12],
	['s24', 'iv', 'M', 'South', 33, 24], ['s25', 'sublingual', 'M', 'North', 24, 20], ['s26', 'iv', 'F', 'North', 37, 28], ['s27', 'sublingual', 'F', 'North', 27, 19],
	['s28', 'iv', 'F', 'South', 21, 17], ['s29', 'sublingual', 'F', 'South', 20, 17], ['s30', 'iv', 'M', 'North', 21, 23], ['s31', 'sublingual', 'M', 'North', 31, 29],
	['s32', 'iv', 'F', 'North', 34, 17], ['s33', 'sublingual', 'F', 'South', 31, 22], ['s34', 'iv', 'F', 'South', 39, 31], ['s35', 'sublingual', 'F', 'North', 30, 22],
	['s36', 'iv', 'M', 'North', 33, 26], ['s37', 'sublingual', 'M', 'North', 31, 20], ['s38', 'iv', 'F', 'South', 21, 15], ['s39', 'sublingual', 'F', 'South', 30, 26],
	['s40', 'iv', 'F', 'North', 37, 9], ['s41', 'sublingual', 'F', 'North', 20, 13], ['s42', 'iv', 'M', 'North', 33, 20], ['s43', 'sublingual', 'M', 'South', 36, 26],
	['s44', 'iv', 'F', 'South', 40, 25], ['s45', 'sublingual', 'F', 'North', 31, 31], ['s46', 'iv', 'F', 'North', 40, 20], ['s47', 'sublingual', 'F', 'North', 33, 28],
];

const rows: Canon[] = SERIES.flatMap(([id, route, sex, site, b, e]) => [
	{ client_id: id, route, sex, site, instrument: 'bdi2', phase: 'baseline' as const, session: 0, score: b },
	{ client_id: id, route, sex, site, instrument: 'bdi2', phase: 'session' as const, session: 1, score: e }
]);

describe('subgroups, interaction and NNT (R glm/lm as oracle)', () => {
	let r: SubgroupResult;
	beforeAll(async () => {
		const db = await openNodeEngine();
		await loadCanonical(db, rows, [], 'scores', ['sex', 'site']);
		r = await subgroupAnalysis(db, { a: { label: 'IV', filters: { route: ['iv'] } }, b: { label: 'SL', filters: { route: ['sublingual'] } }, instrument: 'bdi2' });
		db.close();
	});

	it('interaction p-values: logistic LRT and linear F test', () => {
		const v = (name: string) => r.variables.find((x) => x.variable === name)!;
		expect(v('sex').interaction_response!.chi2).toBeCloseTo(3.7118293662, 4);
		expect(v('sex').interaction_response!.p).toBeCloseTo(0.0540281455, 4);
		expect(v('sex').interaction_response!.separated).toBe(true); // 0/16 responders among SL women
		expect(v('sex').interaction_change!.f).toBeCloseTo(1.762422311, 6);
		expect(v('sex').interaction_change!.p).toBeCloseTo(0.19132788, 6);
		expect(v('site').interaction_response!.chi2).toBeCloseTo(2.3793235435, 6);
		expect(v('site').interaction_response!.p).toBeCloseTo(0.1229507768, 6);
		expect(v('site').interaction_change!.f).toBeCloseTo(0.9309998529, 6);
		expect(v('site').interaction_change!.p).toBeCloseTo(0.3399986461, 6);
	});

	it('adjusted differences within each level and overall, and the responder counts', () => {
		const row = (v: string, l: string) => r.rows.find((x) => x.variable === v && x.level === l)!;
		for (const [v, l, est, lo, hi, ra, rb] of [
			['sex', 'F', -4.847733003, -8.643804427, -1.05166158, 6, 0],
			['sex', 'M', -1.042166141, -5.936681186, 3.852348905, 1, 1],
			['site', 'North', -3.7684604086, -7.885896669, 0.3489758518, 5, 0],
			['site', 'South', -2.37656823, -6.204531236, 1.451394776, 2, 1]
		] as const) {
			const x = row(v, l);
			expect(x.change!.estimate).toBeCloseTo(est, 8);
			expect(x.change!.low).toBeCloseTo(lo, 8);
			expect(x.change!.high).toBeCloseTo(hi, 8);
			expect([x.responders_a, x.responders_b]).toEqual([ra, rb]);
		}
		expect(r.overall.change!.estimate).toBeCloseTo(-3.549320245, 8);
		expect(r.overall.change!.low).toBeCloseTo(-6.4634092012, 8);
		expect([r.overall.responders_a, r.overall.n_a, r.overall.responders_b, r.overall.n_b]).toEqual([7, 24, 1, 24]);
	});

	it('response difference is Newcombe on the counts, and NNT = 1/0.25 = 4 (Altman)', () => {
		const d = newcombeDifference(7, 24, 1, 24);
		expect(r.overall.response).toEqual({ estimate: d.diff, low: d.low, high: d.high });
		expect(r.overall.response!.estimate).toBeCloseTo(0.25, 12);
		expect(r.nnt!.nnt).toBeCloseTo(4, 10);
		expect(r.nnt!.kind).toBe('benefit');
		expect(r.nnt!.text).toMatch(/^NNTB 4\.0 \(95 % CI NNTB/);
	});

	it('a weighted logistic fit on covariate patterns equals the fit on one row per unit', () => {
		// 2 × 3 cells with made-up counts (responders, non-responders); each expanded to rows.
		const cells: [number, number, number, number][] = [[0, 0, 3, 9], [0, 1, 5, 6], [0, 2, 1, 12], [1, 0, 7, 4], [1, 1, 2, 10], [1, 2, 6, 5]];
		const x = (c: number, l: number) => [1, c, l === 1 ? 1 : 0, l === 2 ? 1 : 0];
		const terms = ['(Intercept)', 'cohort', 'l1', 'l2'];
		const rows = cells.flatMap(([c, l, r, nr]) => [...Array(r).fill([x(c, l), true]), ...Array(nr).fill([x(c, l), false])] as [number[], boolean][]);
		const byRow = logistic(rows.map((r) => r[1]), rows.map((r) => r[0]), terms);
		const pat = cells.flatMap(([c, l, r, nr]) => [[x(c, l), true, r], [x(c, l), false, nr]] as [number[], boolean, number][]);
		const byPattern = logistic(pat.map((r) => r[1]), pat.map((r) => r[0]), terms, undefined, pat.map((r) => r[2]));
		expect(byPattern.n).toBe(byRow.n);
		expect(byPattern.deviance).toBeCloseTo(byRow.deviance, 9);
		byRow.coefficients.forEach((c, j) => {
			expect(byPattern.coefficients[j].estimate).toBeCloseTo(c.estimate, 9);
			expect(byPattern.coefficients[j].se).toBeCloseTo(c.se, 9);
		});
	});

	it('a linear fit on moment rows per design row equals the fit on one row per unit', () => {
		// 2 × 3 cells of made-up (baseline, end) pairs; one cell of one unit, one with a constant baseline.
		const cells: [number, number, [number, number][]][] = [
			[0, 0, [[20, 11], [31, 25], [14, 9], [27, 20]]],
			[0, 1, [[22, 12]]],
			[0, 2, [[18, 4], [18, 16], [18, 9]]],
			[1, 0, [[25, 10], [16, 13], [29, 30], [35, 18], [21, 7]]],
			[1, 1, [[19, 2], [40, 22], [23, 23]]],
			[1, 2, [[30, 14], [12, 12], [26, 5]]]
		];
		const x = (c: number, l: number, b: number) => [1, b, c, l === 1 ? 1 : 0, l === 2 ? 1 : 0, c && l === 1 ? 1 : 0, c && l === 2 ? 1 : 0];
		const terms = ['(Intercept)', 'baseline', 'cohort', 'l1', 'l2', 'cohort:l1', 'cohort:l2'];
		const units = cells.flatMap(([c, l, pairs]) => pairs.map(([b, y]) => ({ x: x(c, l, b), y })));
		const byRow = ols(units.map((u) => u.y), units.map((u) => u.x), terms);
		const X: number[][] = [];
		const y: number[] = [];
		for (const [c, l, pairs] of cells) {
			const m = noMoments();
			for (const [b, e] of pairs) addMoments(m, b, e);
			const r = momentRows(x(c, l, 0), 1, m);
			X.push(...r.X);
			y.push(...r.y);
		}
		const bySets = ols(y, X, terms, 0.95, units.length);
		expect([bySets.n, bySets.dfResidual]).toEqual([byRow.n, byRow.dfResidual]);
		expect(bySets.sigma).toBeCloseTo(byRow.sigma, 10);
		byRow.coefficients.forEach((c, j) => {
			expect(bySets.coefficients[j].estimate).toBeCloseTo(c.estimate, 10);
			expect(bySets.coefficients[j].se).toBeCloseTo(c.se, 10);
			expect(bySets.coefficients[j].p).toBeCloseTo(c.p, 10);
		});
	});
});

describe('dose band cut points', () => {
	it('are R type 7 quantiles at 1/3 and 2/3', () => {
		// R 4.2.2: x <- c(40, 55.5, 60, 35, 100, 72.25, 50, 65, 120, 110, 8); print(quantile(x, c(1/3, 2/3), type = 7), digits = 17)
		//   51.833333333333329 69.833333333333329   (numeric order: a sort as text would put 100, 110, 120 first)
		const [low, high] = tertileCuts([40, 55.5, 60, 35, 100, 72.25, 50, 65, 120, 110, 8]);
		expect(low).toBeCloseTo(51.833333333333329, 12);
		expect(high).toBeCloseTo(69.833333333333329, 12);
		// R: quantile(c(0.5, 0.25, 1), c(1/3, 2/3), type = 7) → 0.41666666666666663 0.66666666666666652
		const [a, b] = tertileCuts([0.5, 0.25, 1]);
		expect(a).toBeCloseTo(0.41666666666666663, 14);
		expect(b).toBeCloseTo(0.66666666666666652, 14);
	});
});
