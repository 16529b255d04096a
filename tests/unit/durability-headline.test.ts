/**
 * The durability headline (src/routes/durability-headline.ts) reads figures the metrics computed:
 * S(week) off the Kaplan–Meier steps and the observed share from the durability row of that week.
 * Hand-built rows, the expected values read off them by hand.
 */
import { describe, expect, it } from 'vitest';
import type { DurabilityRow } from '../../src/lib/metrics/durability';
import type { ShownSurvival } from '../../src/routes/printed';
import { durabilityHeadline, headlineWeek } from '../../src/routes/durability-headline';

const step = (time: number, survival: number | null, low: number | null = null, high: number | null = null) => ({ time, atRisk: 10, events: 1, censored: 0, survival, se: 0.05, low, high });
const curve = (group: string, n: number | null, points: ReturnType<typeof step>[]): ShownSurvival =>
	({ instrument: 'bdi2', group, n, events: 0, median_weeks: null, median_low: null, median_high: null, definition: 'd', points }) as unknown as ShownSurvival;
const dur = (group: string, week: number, responders_n: number | null, still_responding_n: number | null): DurabilityRow =>
	({
		instrument: 'bdi2', group, week, n: 50, mean: 10, sd: 5, ci_low: 8, ci_high: 12, responders_n, still_responding_n,
		still_responding: responders_n && still_responding_n !== null ? still_responding_n / responders_n : null, definition: 'd'
	}) as DurabilityRow;

describe('durability headline', () => {
	it('reads S(8) at the last step at or before week 8 and the observed share at week 8', () => {
		// iv: steps at weeks 2 (0.8), 4 (0.6), 12 (0.3) → S(8) = 0.6 with that step's CI 0.45–0.75;
		// observed at week 8: 21 of 30 responders seen → 0.7
		const surv = [curve('iv', 40, [step(2, 0.8, 0.65, 0.9), step(4, 0.6, 0.45, 0.75), step(12, 0.3, 0.15, 0.45)])];
		const rows = [dur('iv', 4, 35, 25), dur('iv', 8, 30, 21), dur('iv', 12, 20, 8)];
		expect(headlineWeek(rows, 'bdi2')).toBe(8);
		const [h] = durabilityHeadline(rows, surv, 'bdi2', 8);
		expect(h).toMatchObject({ group: 'iv', km: 0.6, kmLow: 0.45, kmHigh: 0.75, kmN: 40, still: 21, seen: 30, kmWithheld: false, observedWithheld: false });
		expect(h.observed).toBeCloseTo(0.7, 12);
	});

	it('S(8) = 1 before the first loss; no week 8 → the last follow-up week', () => {
		// sublingual loses its first responder at week 12: no step by week 8, so S(8) = 1
		const surv = [curve('sublingual', 25, [step(12, 0.9)])];
		const rows = [dur('sublingual', 8, 20, 20)];
		expect(durabilityHeadline(rows, surv, 'bdi2', 8)[0]).toMatchObject({ km: 1, observed: 1 });
		expect(headlineWeek([dur('iv', 1, 5, 5), dur('iv', 6, 5, 5)], 'bdi2')).toBe(6);
		expect(headlineWeek([], 'bdi2')).toBeUndefined();
	});

	it('in print a withheld step or count is withheld, not "no data"', () => {
		// the export nulls S(t) from the first withheld step on, and a responder count under the threshold
		const surv = [curve('im', 30, [step(2, 0.9, 0.8, 0.95), step(6, null)])];
		const rows = [dur('im', 8, 24, null)];
		const [h] = durabilityHeadline(rows, surv, 'bdi2', 8);
		expect(h).toMatchObject({ km: null, kmWithheld: true, observed: null, observedWithheld: true, seen: 24 });
		// a route with no responders seen at week 8 has no observed share, and nothing is withheld
		const [none] = durabilityHeadline([dur('iv', 8, 0, 0)], [], 'bdi2', 8);
		expect(none).toMatchObject({ km: null, kmWithheld: false, observed: null, observedWithheld: false });
	});
});
