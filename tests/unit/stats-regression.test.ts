/**
 * Reference values are R's summary(lm(...)) printouts for data sets shipped with R:
 * anscombe (y1 ~ x1) and cars (dist ~ speed, dist ~ speed + I(speed^2)).
 */
import { describe, expect, it } from 'vitest';
import { addMoments, noMoments, ols, olsOnMoments, type OlsResult } from '../../src/lib/stats/regression';

const x1 = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const y1 = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];
const speed = [4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25];
const dist = [2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85];

/** R 4.x: summary(lm(dist ~ speed, cars)) and confint(lm(dist ~ speed, cars)). */
function expectCarsFit(fit: OlsResult) {
	const [a, b] = fit.coefficients;
	expect(a.estimate).toBeCloseTo(-17.5791, 4);
	expect(a.se).toBeCloseTo(6.7584, 4);
	expect(b.estimate).toBeCloseTo(3.9324, 4);
	expect(b.se).toBeCloseTo(0.4155, 4);
	expect(b.p).toBeCloseTo(1.49e-12, 13);
	expect(fit.sigma).toBeCloseTo(15.38, 2);
	expect(fit.r2).toBeCloseTo(0.6511, 4);
	expect(fit.n).toBe(50);
	expect(fit.dfResidual).toBe(48);
	// confint(lm(dist ~ speed, cars)): (Intercept) -31.167850 -3.990340; speed 3.096964 4.767853
	expect(a.low).toBeCloseTo(-31.16785, 4);
	expect(a.high).toBeCloseTo(-3.99034, 4);
	expect(b.low).toBeCloseTo(3.096964, 5);
	expect(b.high).toBeCloseTo(4.767853, 5);
}

describe('ols', () => {
	it('Anscombe y1 ~ x1', () => {
		const fit = ols(y1, x1.map((x) => [1, x]), ['(Intercept)', 'x1']);
		const [a, b] = fit.coefficients;
		expect(a.term).toBe('(Intercept)');
		expect(a.estimate).toBeCloseTo(3.0001, 4);
		expect(a.se).toBeCloseTo(1.1247, 4);
		expect(a.t).toBeCloseTo(2.667, 3);
		expect(a.p).toBeCloseTo(0.02573, 5);
		expect(b.estimate).toBeCloseTo(0.5001, 4);
		expect(b.se).toBeCloseTo(0.1179, 4);
		expect(b.t).toBeCloseTo(4.241, 3);
		expect(b.p).toBeCloseTo(0.00217, 5);
		expect(fit.sigma).toBeCloseTo(1.237, 3);
		expect(fit.dfResidual).toBe(9);
		expect(fit.r2).toBeCloseTo(0.6665, 4);
		expect(fit.n).toBe(11);
	});

	it('cars: dist ~ speed (with R confint)', () => {
		expectCarsFit(ols(dist, speed.map((s) => [1, s]), ['(Intercept)', 'speed']));
	});

	it('cars: dist ~ speed + I(speed^2)', () => {
		const fit = ols(dist, speed.map((s) => [1, s, s * s]), ['(Intercept)', 'speed', 'I(speed^2)']);
		const est = fit.coefficients.map((c) => c.estimate);
		const se = fit.coefficients.map((c) => c.se);
		[2.47014, 0.91329, 0.09996].forEach((v, i) => expect(est[i]).toBeCloseTo(v, 5));
		[14.81716, 2.03422, 0.06597].forEach((v, i) => expect(se[i]).toBeCloseTo(v, 5));
		expect(fit.sigma).toBeCloseTo(15.18, 2);
		expect(fit.r2).toBeCloseTo(0.6673, 4);
	});

	it('a group dummy alone estimates the difference in means (ANCOVA building block)', () => {
		const y = [10, 12, 14, 20, 22, 24, 26];
		const g = [0, 0, 0, 1, 1, 1, 1];
		const fit = ols(y, g.map((v) => [1, v]), ['(Intercept)', 'cohortB']);
		expect(fit.coefficients[0].estimate).toBeCloseTo(12, 12);
		expect(fit.coefficients[1].estimate).toBeCloseTo(23 - 12, 12);
	});

	it('throws a clear error on a singular design', () => {
		const X = x1.map((x) => [1, x, 2 * x + 1]);
		expect(() => ols(y1, X, ['(Intercept)', 'x', 'x2'])).toThrow(/singular.*"x2"/);
		expect(() => ols(y1, x1.map(() => [1, 0]), ['(Intercept)', 'zero'])).toThrow(/singular/);
	});

	it('rejects bad shapes and missing values; exact fit has NaN inference', () => {
		expect(() => ols([1, 2], [[1, 1]], ['a', 'b'])).toThrow(/rows/);
		expect(() => ols([1, NaN], [[1], [1]], ['a'])).toThrow(/non-finite/);
		expect(() => ols([1], [[1, 2]], ['a', 'b'])).toThrow(/cannot estimate/);
		const exact = ols([1, 3], [[1, 0], [1, 1]], ['a', 'b']);
		expect(exact.coefficients[1].estimate).toBeCloseTo(2, 12);
		expect(exact.sigma).toBeNaN();
		expect(exact.coefficients[1].se).toBeNaN();
	});

	it('uses the uncentred R² without an intercept, as R does', () => {
		// y = 2x exactly → R² = 1 either way; with noise compare against Σŷ²/Σy².
		const fit = ols([2.1, 3.9, 6.2], [[1], [2], [3]], ['x']);
		const b = fit.coefficients[0].estimate;
		const yhat = [1, 2, 3].map((x) => b * x);
		const expected = yhat.reduce((s, v) => s + v * v, 0) / [2.1, 3.9, 6.2].reduce((s, v) => s + v * v, 0);
		expect(fit.r2).toBeCloseTo(expected, 12);
	});
});

describe('olsOnMoments (the fit on units through their moments per set)', () => {
	it('cars: dist ~ speed from one set of moments gives R\'s summary(lm(dist ~ speed, cars))', () => {
		const s = noMoments();
		speed.forEach((x, i) => addMoments(s, x, dist[i]));
		expectCarsFit(olsOnMoments([{ u: [1, 0], s }], 1, ['(Intercept)', 'speed']));
	});

	it('a group dummy and a covariate (ANCOVA): the same fit as ols on the rows', () => {
		// cars split at speed 15 into two "cohorts": dist ~ cohort + speed, on the 50 rows and on two sets
		const inA = speed.map((x) => (x >= 15 ? 1 : 0));
		const rows = ols(dist, speed.map((x, i) => [1, inA[i], x]), ['(Intercept)', 'cohort', 'speed']);
		const sets = [1, 0].map((g) => {
			const s = noMoments();
			speed.forEach((x, i) => inA[i] === g && addMoments(s, x, dist[i]));
			return { u: [1, g, 0], s };
		});
		const moments = olsOnMoments(sets, 2, ['(Intercept)', 'cohort', 'speed']);
		expect(moments.n).toBe(50);
		expect(moments.dfResidual).toBe(47);
		expect(moments.sigma).toBeCloseTo(rows.sigma, 10);
		expect(moments.r2).toBeCloseTo(rows.r2, 12);
		moments.coefficients.forEach((c, i) => {
			for (const k of ['estimate', 'se', 'p', 'low', 'high'] as const) expect(c[k]).toBeCloseTo(rows.coefficients[i][k], 9);
		});
		// one cohort empty: the cohort column is all zero, as on the rows
		expect(() => olsOnMoments([sets[1]], 2, ['(Intercept)', 'cohort', 'speed'])).toThrow(/singular design — column "cohort"/);
	});
});
