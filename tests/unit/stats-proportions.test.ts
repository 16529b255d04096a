/**
 * Reference values: Newcombe RG (1998). Two-sided confidence intervals for the single
 * proportion: comparison of seven methods. Stat Med 17:857–872, Table I (method 3, Wilson
 * score without continuity correction); and Newcombe RG (1998). Interval estimation for
 * the difference between independent proportions: comparison of eleven methods. Stat Med
 * 17:873–890, Table II (method 10). Published to 4 decimals, so the tolerance is 5e-5.
 */
import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilsonInterval } from '../../src/lib/stats/proportions';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(5e-5);

describe('wilsonInterval', () => {
	it.each([
		[81, 263, 0.2553, 0.3662],
		[15, 148, 0.0624, 0.1605],
		[0, 20, 0, 0.1611],
		[1, 29, 0.0061, 0.1718],
		[29, 29, 0.883, 1]
	])('%i/%i → %f–%f (Newcombe 1998a, Table I)', (c, n, lo, hi) => {
		const r = wilsonInterval(c, n);
		close(r.low, lo);
		close(r.high, hi);
		expect(r.rate).toBe(c / n);
	});

	it('gives exact 0 and 1 at the boundaries', () => {
		expect(wilsonInterval(0, 20).low).toBe(0);
		expect(wilsonInterval(29, 29).high).toBe(1);
	});

	it('returns NaN for n = 0 and invalid counts', () => {
		for (const r of [wilsonInterval(0, 0), wilsonInterval(3, 2), wilsonInterval(-1, 5), wilsonInterval(NaN, 5)]) {
			expect(r.rate).toBeNaN();
			expect(r.low).toBeNaN();
			expect(r.high).toBeNaN();
		}
	});

	it('widens with the confidence level', () => {
		const a = wilsonInterval(10, 40, 0.9);
		const b = wilsonInterval(10, 40, 0.99);
		expect(b.low).toBeLessThan(a.low);
		expect(b.high).toBeGreaterThan(a.high);
	});
});

describe('newcombeDifference (method 10)', () => {
	it.each([
		[56, 70, 48, 80, 0.0524, 0.3339],
		[9, 10, 3, 10, 0.1705, 0.809],
		// The brief quoted 0.0381–0.8021 for this row; the method-10 formula (which reproduces
		// every other row) gives 0.0582–0.8062, the value in Newcombe's Table II.
		[6, 7, 2, 7, 0.0582, 0.8062],
		[5, 56, 0, 29, -0.0381, 0.1926],
		[0, 10, 0, 20, -0.1611, 0.2775],
		[10, 10, 0, 20, 0.6791, 1]
	])('%i/%i − %i/%i → %f to %f', (c1, n1, c2, n2, lo, hi) => {
		const r = newcombeDifference(c1, n1, c2, n2);
		expect(r.diff).toBeCloseTo(c1 / n1 - c2 / n2, 12);
		close(r.low, lo);
		close(r.high, hi);
	});

	it('is antisymmetric in the group order', () => {
		const a = newcombeDifference(56, 70, 48, 80);
		const b = newcombeDifference(48, 80, 56, 70);
		expect(b.diff).toBeCloseTo(-a.diff, 12);
		expect(b.low).toBeCloseTo(-a.high, 12);
		expect(b.high).toBeCloseTo(-a.low, 12);
	});

	it('returns NaN when a group is empty', () => {
		const r = newcombeDifference(3, 0, 1, 10);
		expect(r.diff).toBeNaN();
		expect(r.low).toBeNaN();
		expect(r.high).toBeNaN();
	});
});
