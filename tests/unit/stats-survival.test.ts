/**
 * Freireich et al. 6-MP vs placebo remission data (Gehan 1965), the standard textbook
 * example (R: MASS::gehan; Kleinbaum & Klein, Survival Analysis, ch. 2).
 * Reference values:
 * - survfit(Surv(time, cens) ~ treat, gehan) summary table (default conf.type = "log"),
 *   as printed in the textbooks: S, std.err, lower/upper 95 % CI;
 * - print(survfit(...)): medians 6-MP 23 (0.95 LCL 16, UCL NA), placebo 8 (4, 12);
 * - survdiff(...): chisq 16.8 on 1 df (16.79), p = 4.17e-05, O = 9 / 21, E = 19.25 / 10.75;
 * - log-log bands (conf.type = "log-log", Stata's sts default) were computed by hand at
 *   t = 6 (0.620–0.952) and for the other rows by a separate python script from
 *   exp(−exp(log(−log S) ± z·SE(log S)/|log S|)).
 */
import { describe, expect, it } from 'vitest';
import { kaplanMeier, logRank } from '../../src/lib/stats/survival';

const mpTimes = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35];
const mpEvents = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0] as (0 | 1)[];
const plTimes = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];
const plEvents = plTimes.map(() => 1 as const);

const at = (r: ReturnType<typeof kaplanMeier>, t: number) => {
	const p = r.points.find((q) => q.time === t);
	if (!p) throw new Error(`no point at ${t}`);
	return p;
};

describe('kaplanMeier — 6-MP arm', () => {
	// time, n.risk, survival, std.err, lower95 (log), upper95 (log), lower (log-log), upper (log-log)
	const table = [
		[6, 21, 0.857, 0.0764, 0.72, 1.0, 0.6197, 0.9516],
		[7, 17, 0.807, 0.0869, 0.653, 0.996, 0.5631, 0.9228],
		[10, 15, 0.753, 0.0963, 0.586, 0.968, 0.5032, 0.8894],
		[13, 12, 0.69, 0.1068, 0.51, 0.935, 0.4316, 0.8491],
		[16, 11, 0.627, 0.1141, 0.439, 0.896, 0.3675, 0.8049],
		[22, 7, 0.538, 0.1282, 0.337, 0.858, 0.2678, 0.7468],
		[23, 6, 0.448, 0.1346, 0.249, 0.807, 0.1881, 0.6801]
	];
	const log = kaplanMeier(mpTimes, mpEvents, 0.95, 'log');
	const loglog = kaplanMeier(mpTimes, mpEvents);

	it.each(table)('t = %i', (t, nRisk, s, se, lo, hi, llLo, llHi) => {
		const p = at(log, t);
		expect(p.atRisk).toBe(nRisk);
		expect(Math.abs(p.survival - s)).toBeLessThan(5e-4);
		expect(Math.abs(p.se - se)).toBeLessThan(5e-5);
		expect(Math.abs(p.low - lo)).toBeLessThan(5e-4);
		expect(Math.abs(p.high - hi)).toBeLessThan(5e-4);
		const q = at(loglog, t);
		expect(q.survival).toBe(p.survival);
		expect(Math.abs(q.low - llLo)).toBeLessThan(5e-5);
		expect(Math.abs(q.high - llHi)).toBeLessThan(5e-5);
	});

	it('keeps censored-only times as flat points', () => {
		const p9 = at(log, 9);
		expect(p9).toMatchObject({ events: 0, censored: 1, atRisk: 16 });
		expect(p9.survival).toBe(at(log, 7).survival);
		expect(log.points).toHaveLength(16);
		expect(log.n).toBe(21);
		expect(log.totalEvents).toBe(9);
	});

	it('median and Brookmeyer–Crowley CI match R (log scale): 23 (16, NA)', () => {
		expect(log.median).toBe(23);
		expect(log.medianLow).toBe(16);
		expect(log.medianHigh).toBeNull();
	});

	it('log-log median CI: 23 (13, NA)', () => {
		expect(loglog.median).toBe(23);
		expect(loglog.medianLow).toBe(13);
		expect(loglog.medianHigh).toBeNull();
	});
});

describe('kaplanMeier — placebo arm and edge cases', () => {
	it('placebo median 8 (4, 12) with R default log CI; log-log gives (4, 11)', () => {
		const r = kaplanMeier(plTimes, plEvents, 0.95, 'log');
		expect([r.median, r.medianLow, r.medianHigh]).toEqual([8, 4, 12]);
		const ll = kaplanMeier(plTimes, plEvents);
		expect([ll.median, ll.medianLow, ll.medianHigh]).toEqual([8, 4, 11]);
		const last = r.points[r.points.length - 1];
		expect(last.survival).toBe(0);
		expect(last.se).toBeNaN();
		expect(last.low).toBeNaN();
	});

	it('uncensored data: the KM median is the sample median (midpoint rule)', () => {
		expect(kaplanMeier([4, 1, 3, 2], [1, 1, 1, 1]).median).toBe(2.5);
		expect(kaplanMeier([5, 1, 3], [true, true, true]).median).toBe(3);
	});

	it('a curve flat at exactly 0.5 to the end uses the midpoint to the last time (R quantile.survfit)', () => {
		expect(kaplanMeier([1, 2, 3, 4], [1, 1, 0, 0]).median).toBe(3);
	});

	it('no events: S = 1 with a degenerate band, no median', () => {
		const r = kaplanMeier([3, 5], [0, false]);
		expect(r.points.map((p) => [p.survival, p.low, p.high])).toEqual([[1, 1, 1], [1, 1, 1]]);
		expect(r.median).toBeNull();
		expect(r.totalEvents).toBe(0);
	});

	it('empty input and invalid input', () => {
		const r = kaplanMeier([], []);
		expect(r).toEqual({ points: [], median: null, medianLow: null, medianHigh: null, n: 0, totalEvents: 0 });
		expect(() => kaplanMeier([1, 2], [1])).toThrow(/event flags/);
		expect(() => kaplanMeier([1, NaN], [1, 1])).toThrow(/finite/);
	});
});

describe('logRank', () => {
	const g1 = { times: mpTimes, events: mpEvents };
	const g2 = { times: plTimes, events: plEvents };

	it('6-MP vs placebo matches R survdiff', () => {
		const r = logRank([g1, g2]);
		expect(r.chi2).toBeCloseTo(16.79, 2);
		expect(r.df).toBe(1);
		expect(r.p).toBeCloseTo(4.17e-5, 7);
		expect(r.observed).toEqual([9, 21]);
		expect(r.expected[0]).toBeCloseTo(19.25, 2);
		expect(r.expected[1]).toBeCloseTo(10.75, 2);
	});

	it('does not depend on group order; three groups give df 2', () => {
		expect(logRank([g2, g1]).chi2).toBeCloseTo(logRank([g1, g2]).chi2, 10);
		const g3 = { times: [2, 5, 9, 14, 20, 30], events: [1, 0, 1, 1, 0, 1] as (0 | 1)[] };
		const a = logRank([g1, g2, g3]);
		const b = logRank([g3, g1, g2]);
		expect(a.df).toBe(2);
		expect(b.chi2).toBeCloseTo(a.chi2, 10);
		// Observed and expected totals agree (both equal the number of events).
		expect(a.expected.reduce((s, v) => s + v, 0)).toBeCloseTo(9 + 21 + 4, 10);
	});

	it('degenerate inputs give NaN rather than a fake p', () => {
		expect(logRank([g1]).p).toBeNaN();
		expect(logRank([g1, { times: [], events: [] }]).chi2).toBeNaN();
		expect(logRank([{ times: [1, 2], events: [0, 0] }, { times: [3], events: [0] }]).p).toBeNaN();
	});
});

describe('counted input (the summaries give responders per time and event)', () => {
	/** The same subjects as distinct (time, event) pairs with how many share each, written out by hand. */
	const mp = { times: [6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35], events: [1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0] as (0 | 1)[], counts: [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1] };
	const pl = { times: [1, 2, 3, 4, 5, 8, 11, 12, 15, 17, 22, 23], events: plEvents.slice(0, 12), counts: [2, 2, 1, 2, 2, 4, 2, 2, 1, 1, 1, 1] };

	it('Kaplan–Meier of the 6-MP arm matches R survfit', () => {
		const r = kaplanMeier(mp.times, mp.events, 0.95, 'log', mp.counts);
		expect(r.n).toBe(21);
		expect(r.totalEvents).toBe(9);
		expect(r.points).toHaveLength(16);
		expect(r.median).toBe(23);
		expect(r.medianLow).toBe(16);
		expect(r.medianHigh).toBeNull();
		// time, n.risk, survival, std.err (R: summary(survfit(Surv(time, cens) ~ treat, gehan)))
		for (const [t, nRisk, s, se] of [[6, 21, 0.857, 0.0764], [13, 12, 0.69, 0.1068], [23, 6, 0.448, 0.1346]]) {
			const p = at(r, t);
			expect(p.atRisk).toBe(nRisk);
			expect(Math.abs(p.survival - s)).toBeLessThan(5e-4);
			expect(Math.abs(p.se - se)).toBeLessThan(5e-5);
		}
		expect(at(r, 9)).toMatchObject({ events: 0, censored: 1, atRisk: 16 });
		expect(kaplanMeier(pl.times, pl.events, 0.95, 'log-log', pl.counts)).toMatchObject({ n: 21, totalEvents: 21, median: 8 });
	});

	it('log-rank of 6-MP vs placebo matches R survdiff', () => {
		const r = logRank([mp, pl]);
		expect(r.chi2).toBeCloseTo(16.79, 2);
		expect(r.p).toBeCloseTo(4.17e-5, 7);
		expect(r.observed).toEqual([9, 21]);
		expect(r.expected[0]).toBeCloseTo(19.25, 2);
	});

	it('a pair counted 0 is no subject; a count that is not a whole number is refused', () => {
		const r = kaplanMeier([1, 2, 3], [1, 0, 1], 0.95, 'log-log', [2, 0, 1]);
		expect(r.points.map((p) => p.time)).toEqual([1, 3]);
		expect(r.n).toBe(3);
		expect(() => kaplanMeier([1], [1], 0.95, 'log-log', [1.5])).toThrow(/whole numbers/);
		expect(() => kaplanMeier([1], [1], 0.95, 'log-log', [1, 1])).toThrow(/counts/);
	});
});
