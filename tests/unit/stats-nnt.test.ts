import { describe, expect, it } from 'vitest';
import { newcombeDifference, numberNeededToTreat } from '../../src/lib/stats/proportions';

// Differences and intervals from Newcombe (1998) Table II (method 10), NNT = 1/difference by hand,
// interval ends = 1/CI ends (Altman 1998, BMJ 317:1309).
describe('number needed to treat (Altman)', () => {
	it('56/70 vs 48/80: difference 0.2 (0.0524 to 0.3339) → NNTB 5.0 (3.0 to 19.1)', () => {
		const d = newcombeDifference(56, 70, 48, 80);
		const n = numberNeededToTreat(d.diff, d.low, d.high);
		expect(n.kind).toBe('benefit');
		expect(n.nnt).toBeCloseTo(5, 10);
		expect(n.ci.crossesZero).toBe(false);
		expect(n.ci.benefit![0]).toBeCloseTo(1 / 0.3339, 2);
		expect(n.ci.benefit![1]).toBeCloseTo(1 / 0.0524, 1);
		expect(n.text).toBe('NNTB 5.0 (95 % CI NNTB 3.0 to 19.1)');
	});

	it('5/56 vs 0/29: difference 0.0893 (−0.0381 to 0.1926) crosses 0 → NNTB 11.2 (NNTB 5.2 to ∞ to NNTH 26.2)', () => {
		const d = newcombeDifference(5, 56, 0, 29);
		const n = numberNeededToTreat(d.diff, d.low, d.high);
		expect(n.nnt).toBeCloseTo(56 / 5, 10);
		expect(n.ci.crossesZero).toBe(true);
		expect(n.ci.benefit![0]).toBeCloseTo(1 / 0.1926, 1);
		expect(n.ci.harm![0]).toBeCloseTo(1 / 0.0381, 0);
		expect(n.text).toBe('NNTB 11.2 (95 % CI NNTB 5.2 to ∞ to NNTH 26.2)');
	});

	it('a harmful difference reads as NNTH; a zero difference as ∞', () => {
		// −0.25 (−0.4 to −0.1): NNTH 4 (2.5 to 10).
		const h = numberNeededToTreat(-0.25, -0.4, -0.1);
		expect(h.kind).toBe('harm');
		expect(h.ci.harm).toEqual([2.5, 10]);
		expect(h.text).toBe('NNTH 4.0 (95 % CI NNTH 2.5 to 10.0)');
		expect(numberNeededToTreat(0, -0.1, 0.1).text).toBe('NNT ∞ (95 % CI NNTB 10.0 to ∞ to NNTH 10.0)');
	});
});
