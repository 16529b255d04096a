/**
 * Reference values are R (stats package) outputs, quoted to the digits R prints by default
 * or with print(digits = 10); none are produced by this code.
 */
import { describe, expect, it } from 'vitest';
import {
	chiSquareSf,
	normalCdf,
	normalQuantile,
	tCdf,
	tQuantile
} from '../../src/lib/stats/distributions';

/** Relative closeness: |a − b| ≤ tol·|b|. */
function rel(actual: number, expected: number, tol = 1e-7) {
	expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected));
}

describe('normal', () => {
	it('matches R qnorm / pnorm', () => {
		rel(normalQuantile(0.975), 1.959963985);
		rel(normalQuantile(0.995), 2.575829304);
		rel(normalQuantile(0.05), -1.644853627);
		rel(normalQuantile(1e-10), -6.361340902); // qnorm(1e-10), far tail branch
		rel(normalCdf(1.959963985), 0.975, 1e-9);
		rel(normalCdf(-3), 0.001349898032);
		rel(normalCdf(-10), 7.619853024e-24); // pnorm(-10): the lower tail keeps its digits
	});
	it('handles the edges', () => {
		expect(normalQuantile(0)).toBe(-Infinity);
		expect(normalQuantile(1)).toBe(Infinity);
		expect(normalQuantile(1.2)).toBeNaN();
		expect(normalQuantile(NaN)).toBeNaN();
		expect(normalCdf(0)).toBe(0.5);
		expect(normalCdf(Infinity)).toBe(1);
		expect(normalCdf(NaN)).toBeNaN();
	});
});

describe('Student t', () => {
	it('matches R qt to at least 7 significant digits', () => {
		rel(tQuantile(0.975, 1), 12.7062047);
		rel(tQuantile(0.975, 5), 2.570582);
		rel(tQuantile(0.975, 30), 2.0422725);
		rel(tQuantile(0.975, 2), 4.30265273);
		rel(tQuantile(0.995, 10), 3.169272673);
		rel(tQuantile(0.025, 10), -2.228138852);
		rel(tQuantile(0.975, 1000), 1.962339081);
	});
	it('accepts non-integer df (Welch)', () => {
		// qt(.975, 2.5) = 3.574655; for df 9.7 a round trip through pt is enough.
		rel(tQuantile(0.975, 2.5), 3.574655, 1e-6);
		rel(tCdf(tQuantile(0.9, 9.7), 9.7), 0.9, 1e-10);
	});
	it('matches R pt', () => {
		rel(tCdf(2, 3), 0.9303370157);
		rel(tCdf(-2.228138852, 10), 0.025, 1e-8);
		rel(tCdf(1, 1), 0.75, 1e-12); // Cauchy
	});
	it('handles the edges', () => {
		expect(tQuantile(0.5, 4)).toBe(0);
		expect(tQuantile(1, 4)).toBe(Infinity);
		expect(tQuantile(0.9, 0)).toBeNaN();
		expect(tCdf(1, -1)).toBeNaN();
		expect(tCdf(NaN, 5)).toBeNaN();
		rel(tQuantile(0.975, Infinity), 1.959963985);
	});
});

describe('chi-square', () => {
	it('matches R pchisq', () => {
		rel(1 - chiSquareSf(3.841459, 1), 0.95, 1e-7); // pchisq(3.841459, 1)
		rel(chiSquareSf(3.841459, 1), 0.05, 1e-6);
		rel(chiSquareSf(16.79, 1), 4.17e-5, 2e-3); // log-rank example p
		rel(chiSquareSf(5.991465, 2), 0.05, 1e-6);
		rel(1 - chiSquareSf(11.0705, 5), 0.95, 1e-5); // pchisq(11.0705, 5)
		rel(chiSquareSf(100, 3), 1.554159e-21, 1e-6); // pchisq(100, 3, lower = FALSE)
	});
	it('handles the edges', () => {
		expect(chiSquareSf(0, 3)).toBe(1);
		expect(chiSquareSf(-1, 3)).toBe(1);
		expect(chiSquareSf(2, 0)).toBeNaN();
	});
});
