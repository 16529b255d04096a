/**
 * Reference values: Borenstein, Hedges, Higgins & Rothstein (2009) Introduction to
 * Meta-Analysis, ch. 4 worked example; R outputs (mean/sd/quantile/t.test) for the small
 * vectors below, which were also checked by hand.
 */
import { describe, expect, it } from 'vitest';
import { hedgesG, summarize, tInterval } from '../../src/lib/stats/effect';

describe('summarize', () => {
	it('matches R for 1..10', () => {
		// mean 5.5, sd(1:10) = 3.02765, quantile type 7: 3.25, 5.5, 7.75; t.test: 3.334149 7.665851
		const s = summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
		expect(s.n).toBe(10);
		expect(s.mean).toBe(5.5);
		expect(s.sd).toBeCloseTo(3.0276504, 6);
		expect(s.se).toBeCloseTo(3.0276504 / Math.sqrt(10), 6);
		expect(s.q1).toBe(3.25);
		expect(s.median).toBe(5.5);
		expect(s.q3).toBe(7.75);
		expect(s.ciLow).toBeCloseTo(3.334149, 5);
		expect(s.ciHigh).toBeCloseTo(7.665851, 5);
		expect([s.min, s.max]).toEqual([1, 10]);
	});
	it('type-7 quartiles interpolate (R: quantile(c(1, 2, 4, 8, 16)) = 2, 4, 8)', () => {
		const s = summarize([16, 1, 8, 2, 4]);
		expect([s.q1, s.median, s.q3]).toEqual([2, 4, 8]);
		const t = summarize([1, 2, 3, 4]); // R: 1.75, 2.5, 3.25
		expect([t.q1, t.median, t.q3]).toEqual([1.75, 2.5, 3.25]);
	});
	it('drops non-finite values and handles n = 0 and n = 1', () => {
		expect(summarize([NaN, 2, 4, Infinity]).n).toBe(2);
		const empty = summarize([]);
		expect(empty.n).toBe(0);
		expect(empty.mean).toBeNaN();
		expect(empty.median).toBeNaN();
		const one = summarize([7]);
		expect([one.n, one.mean, one.median, one.q1, one.min, one.max]).toEqual([1, 7, 7, 7, 7, 7]);
		expect(one.sd).toBeNaN();
		expect(one.ciLow).toBeNaN();
	});
});

describe('tInterval', () => {
	it('mean ± t·sd/√n', () => {
		// n = 6: qt(.975, 5) = 2.570582; sd/√n = 2 → half-width 5.141164
		const ci = tInterval(6, 10, 2 * Math.sqrt(6));
		expect(ci.low!).toBeCloseTo(10 - 5.141164, 5);
		expect(ci.high!).toBeCloseTo(10 + 5.141164, 5);
		expect(tInterval(1, 10, 1)).toEqual({ low: null, high: null });
		expect(tInterval(5, 10, null)).toEqual({ low: null, high: null });
	});
});

describe('hedgesG — Borenstein et al. (2009) ch. 4 example', () => {
	it('n 50/50, M 103 vs 100, SD 5.5 vs 4.5', () => {
		const r = hedgesG(50, 103, 5.5, 50, 100, 4.5);
		expect(r.d).toBeCloseTo(0.597, 3); // book: d = 0.5970, V_d = 0.0418, J = 0.9923
		expect(r.g).toBeCloseTo(0.5924, 4); // book: g = 0.5924
		expect(r.se).toBeCloseTo(0.2028, 4); // book: V_g = 0.0411, SE_g = 0.2028
		expect(r.low).toBeCloseTo(0.5924 - 1.959964 * 0.2028, 3);
		expect(r.high).toBeCloseTo(0.5924 + 1.959964 * 0.2028, 3);
	});
	it('is antisymmetric and rejects tiny groups', () => {
		expect(hedgesG(50, 100, 4.5, 50, 103, 5.5).g).toBeCloseTo(-0.5924, 4);
		expect(hedgesG(1, 1, 1, 5, 2, 1).g).toBeNaN();
	});
});

