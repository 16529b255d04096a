/**
 * Random-effects meta-analysis against R's metafor 4.x (Debian r-cran-metafor). The R session,
 * pasted verbatim (control threshold tightened so R's τ² is converged past the printed digits):
 *
 *   library(metafor)
 *   xi <- c(38, 12, 55, 9, 0, 20); ni <- c(80, 31, 101, 40, 12, 20)
 *   dat <- escalc(measure="PLO", xi=xi, ni=ni)
 *   for (m in c("DL","REML")) {
 *     r <- rma(yi, vi, data=dat, method=m, control=list(threshold=1e-12, maxiter=1000)); p <- predict(r)
 *     cat(m, sprintf("%.12f", c(r$beta, r$se, r$ci.lb, r$ci.ub, r$pval, r$tau2, r$QE, r$QEp, r$I2, r$H2, p$pi.lb, p$pi.ub)), "\n") }
 *   # yi / vi:
 *   [1,] -0.100083458556983 0.0501253132832080
 *   [2,] -0.459532329378440 0.1359649122807017
 *   [3,]  0.178691788743376 0.0399209486166008
 *   [4,] -1.236762627148927 0.1433691756272401
 *   [5,] -3.218875824868201 2.0800000000000001
 *   [6,]  3.713572066704307 2.0487804878048781
 *   DL -0.302692349693 0.347171551502 -0.983136087094 0.377751387707 0.383273189586 0.445205988986 23.511521472735 0.000269425027 78.733830535815 4.702304294547 -1.776885062056 1.171500362669
 *   REML -0.281087035974 0.511700926510 -1.284002422790 0.721828350843 0.582786557631 1.159907854372 23.511521472735 0.000269425027 90.606552665255 10.645718918348 -2.618088861280 2.055914789333
 *
 *   yi <- c(-10.2, -8.1, -12.5, -6.0); sdi <- c(7.1, 8.0, 6.5, 9.2); n <- c(50, 30, 80, 25); vi <- sdi^2/n
 *   (same loop with rma(yi, vi, method=m, …))
 *   DL -9.543004927394 1.346114474396 -12.181340816278 -6.904669038510 0.000000000001 5.641445711197 16.050769200255 0.001107127338 81.309306971081 5.350256400085 -14.893911173192 -4.192098681596
 *   REML -9.529821670561 1.374272471992 -12.223346220610 -6.836297120511 0.000000000004 5.941917346734 16.050769200255 0.001107127338 82.085137399556 5.581957407673 -15.014409650087 -4.045233691034
 *
 *   xi <- c(10, 11, 9); ni <- c(20, 21, 19)   # homogeneous: τ² = 0 for both
 *   DL 0.000011196853 0.258414865435 -0.506472632469 0.506495026176 0.999965428474 0.000000000000 0.100165932441 0.951150507864 0.000000000000 1.000000000000 -0.506472632469 0.506495026176
 */
import { describe, expect, it } from 'vitest';
import { logitProportion, meanInput, randomEffects, type MetaInput } from '../../src/lib/stats/meta';

const FIELDS = ['estimate', 'se', 'ci_low', 'ci_high', 'p', 'tau2', 'q', 'q_p', 'i2', 'h2', 'pi_low', 'pi_high'] as const;

function expectR(inputs: MetaInput[], method: 'DL' | 'REML', r: number[]) {
	const fit = randomEffects(inputs, method)!;
	FIELDS.forEach((f, i) => expect(Math.abs(fit[f] - r[i]), `${method} ${f}: ${fit[f]} vs R ${r[i]}`).toBeLessThan(1e-9 + 1e-9 * Math.abs(r[i])));
}

describe('randomEffects vs metafor::rma', () => {
	const xi = [38, 12, 55, 9, 0, 20];
	const ni = [80, 31, 101, 40, 12, 20];
	const logit = xi.map((x, i) => logitProportion(x, ni[i])!);

	it('escalc("PLO"): log odds and variances, ½ added only for 0 or n events', () => {
		const R = [
			[-0.100083458556983, 0.050125313283208],
			[-0.45953232937844, 0.1359649122807017],
			[0.178691788743376, 0.0399209486166008],
			[-1.236762627148927, 0.1433691756272401],
			[-3.218875824868201, 2.0800000000000001],
			[3.713572066704307, 2.0487804878048781]
		];
		logit.forEach((l, i) => {
			expect(l.yi).toBeCloseTo(R[i][0], 12);
			expect(l.vi).toBeCloseTo(R[i][1], 12);
		});
	});
	it('proportions, DerSimonian–Laird', () =>
		expectR(logit, 'DL', [-0.302692349693, 0.347171551502, -0.983136087094, 0.377751387707, 0.383273189586, 0.445205988986, 23.511521472735, 0.000269425027, 78.733830535815, 4.702304294547, -1.776885062056, 1.171500362669]));
	it('proportions, REML', () =>
		expectR(logit, 'REML', [-0.281087035974, 0.51170092651, -1.28400242279, 0.721828350843, 0.582786557631, 1.159907854372, 23.511521472735, 0.000269425027, 90.606552665255, 10.645718918348, -2.61808886128, 2.055914789333]));

	const change = [
		[50, -10.2, 7.1],
		[30, -8.1, 8.0],
		[80, -12.5, 6.5],
		[25, -6.0, 9.2]
	].map(([n, m, sd]) => meanInput(n, m, sd)!);
	it('mean change, DL and REML', () => {
		expectR(change, 'DL', [-9.543004927394, 1.346114474396, -12.181340816278, -6.90466903851, 0.000000000001, 5.641445711197, 16.050769200255, 0.001107127338, 81.309306971081, 5.350256400085, -14.893911173192, -4.192098681596]);
		expectR(change, 'REML', [-9.529821670561, 1.374272471992, -12.22334622061, -6.836297120511, 0.000000000004, 5.941917346734, 16.050769200255, 0.001107127338, 82.085137399556, 5.581957407673, -15.014409650087, -4.045233691034]);
	});
	it('homogeneous sites: τ² truncated at 0 by both estimators', () => {
		const h = [
			[10, 20],
			[11, 21],
			[9, 19]
		].map(([x, n]) => logitProportion(x, n)!);
		const R = [0.000011196853, 0.258414865435, -0.506472632469, 0.506495026176, 0.999965428474, 0, 0.100165932441, 0.951150507864, 0, 1, -0.506472632469, 0.506495026176];
		expectR(h, 'DL', R);
		expectR(h, 'REML', R);
	});
	it('one site: no heterogeneity to estimate; nothing usable: null', () => {
		const one = randomEffects([{ yi: 0.5, vi: 0.04 }], 'REML')!;
		expect([one.k, one.tau2, one.estimate, one.q_df]).toEqual([1, 0, 0.5, 0]);
		expect(randomEffects([], 'DL')).toBeNull();
		expect(logitProportion(3, 0)).toBeNull();
	});
});
