import { describe, expect, it } from 'vitest';
import { suppress } from '../../src/lib/metrics/suppress';

const RATE = {
	countFields: ['n', 'count'],
	parts: { count: 'n' },
	derived: { n: ['rate', 'ci_low', 'ci_high'], count: ['rate', 'ci_low', 'ci_high'] },
	groupKeys: ['instrument']
};
const r = (group: string, count: number, n: number) => ({ instrument: 'phq9', group, count, n, rate: count / n, ci_low: 0, ci_high: 1 });

describe('small-cell suppression', () => {
	it('withholds counts 1–10 and what derives from them; 0 and ≥ 11 are shown', () => {
		const out = suppress([r('a', 0, 40), r('b', 12, 30), r('c', 5, 30)], { ...RATE, minCell: 11 });
		expect(out[0]).toMatchObject({ count: 0, n: 40, suppressed: false });
		expect(out[1]).toMatchObject({ count: 12, n: 30, rate: 0.4, suppressed: false });
		expect(out[2]).toMatchObject({ count: null, n: 30, rate: null, ci_low: null, suppressed: true });
		expect(out[2].suppressed_fields.sort()).toEqual(['ci_high', 'ci_low', 'count', 'rate']);
	});

	it('a small denominator withholds the whole cell; a small complement (n − count) withholds the count', () => {
		const out = suppress([r('a', 0, 8), r('b', 25, 30)], { ...RATE, minCell: 11 });
		expect(out[0]).toMatchObject({ n: null, count: null, rate: null, suppressed: true });
		expect(out[1]).toMatchObject({ n: 30, count: null, rate: null });
	});

	it('complementary: with a shown total, a second cell goes too', () => {
		const out = suppress([r('a', 5, 40), r('b', 20, 40), r('c', 30, 60), r('(all)', 55, 140)], { ...RATE, minCell: 11 });
		expect(out.map((x) => x.count)).toEqual([null, null, 30, 55]);
		// the smallest other cell (b) is chosen; n's are all large and stay
		expect(out.map((x) => x.n)).toEqual([40, 40, 60, 140]);
	});

	it('complementary with one other cell only: that cell goes; slices are independent', () => {
		const rows = [r('a', 5, 40), r('b', 20, 40), r('(all)', 25, 80), { ...r('a', 15, 40), instrument: 'gad7' }, { ...r('(all)', 15, 40), instrument: 'gad7' }];
		const out = suppress(rows, { ...RATE, minCell: 11 });
		expect(out.map((x) => x.count)).toEqual([null, null, 25, 15, 15]);
	});

	it('totalKnown applies complementary suppression without a total row; minCell 0 disables', () => {
		const rows = [
			{ instrument: 'x', group: 'a', session: 1, n: 4, mean: 3 },
			{ instrument: 'x', group: 'b', session: 1, n: 30, mean: 5 },
			{ instrument: 'x', group: 'c', session: 1, n: 50, mean: 6 }
		];
		const opts = { countFields: ['n'], derived: { n: ['mean'] }, groupKeys: ['instrument', 'session'], totalKnown: true };
		expect(suppress(rows, { ...opts, minCell: 11 }).map((x) => [x.n, x.mean])).toEqual([[null, null], [null, null], [50, 6]]);
		expect(suppress(rows, { ...opts, minCell: 0 }).every((x) => !x.suppressed)).toBe(true);
	});
});
