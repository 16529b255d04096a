/**
 * The flow diagram through the policy: a step's n + those who left since the step it is counted
 * from = that step's n. The attacker (privacy-attacker.ts, independent of src/lib/privacy) knows
 * every relation a reader of the drawing knows and must not pin down a withheld count — e.g.
 * "Reached session 3 n = withheld" between "n = 40" with "31 left" and the next step's n and left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowSteps, type FlowStep } from '../../src/lib/metrics/flow';
import type { ClientSummaryRow } from '../../src/lib/metrics/source';
import { protectFlow } from '../../src/lib/privacy/flow';
import { protectSections } from '../../src/lib/privacy/report';
import type { RateRow } from '../../src/lib/metrics/rates';
import { Attacker, recovered } from './privacy-attacker';

/** What a reader of the printed flow knows: every n and left shown, and n before = n after + left. */
export function readFlow(steps: readonly FlowStep[], shown: readonly Record<string, unknown>[], a = new Attacker()): Attacker {
	const key = (s: FlowStep, i: number) => `flow:${s.instrument}:${s.group}:${i}`;
	const local = new Map<string, number>();
	const idx = steps.map((s) => {
		const k = `${s.instrument}:${s.group}`;
		const i = local.get(k) ?? 0;
		local.set(k, i + 1);
		return i;
	});
	steps.forEach((s, j) => {
		a.cell(`${key(s, idx[j])}:n`, s.n, shown[j].n);
		if (s.from !== null) a.cell(`${key(s, idx[j])}:left`, s.left, shown[j].left);
	});
	steps.forEach((s, j) => {
		if (s.from !== null) a.sum([`${key(s, idx[j])}:n`, `${key(s, idx[j])}:left`], `${key(s, s.from)}:n`);
	});
	return a;
}

const row = (i: number, o: Partial<ClientSummaryRow>): ClientSummaryRow => ({
	instrument: 'phq9', group: '(all)', client_id: `C${i}`, series: 1, baseline: 15, end_score: null, end_session: null, last_session: null, planned_session: 4, last_week: null, ...o
});

/** 40 series with a baseline; 9 reach session 2, 5 of them session 3, 1 of them session 4 (a 4 left between 3 and 4). */
function smallTail(): ClientSummaryRow[] {
	return Array.from({ length: 40 }, (_, i) => {
		const last = i < 1 ? 4 : i < 5 ? 3 : i < 9 ? 2 : i < 30 ? 1 : null;
		return row(i, { last_session: last, end_score: last === null ? null : 8, end_session: last, last_week: i < 20 ? 4 : null });
	});
}

describe('flow diagram: no withheld count comes back by subtraction', () => {
	it('a small step between printed neighbours: its n, its left and the next left are not all printed', () => {
		const steps = flowSteps(smallTail(), 'phq9', '(all)');
		const shown = protectFlow(steps, 11).rows;
		// small counts are withheld …
		steps.forEach((s, i) => {
			if (s.n > 0 && s.n < 11) expect(shown[i].n).toBeNull();
			if (s.from !== null && s.left > 0 && s.left < 11) expect(shown[i].left).toBeNull();
		});
		// … and nothing the reader can work out from n before = n after + left
		expect(recovered(readFlow(steps, shown), 11)).toEqual([]);
		// without the policy the attacker does recover them (the test would catch its removal)
		const open = steps.map((s) => ({ n: s.n, left: s.left }));
		expect(recovered(readFlow(steps, open.map((r, i) => ({ ...r, n: steps[i].n > 0 && steps[i].n < 11 ? null : r.n }))), 11).length).toBeGreaterThan(0);
	});

	it('random cohorts (fast-check): every withheld step count stays undetermined', () => {
		const series = fc.array(
			fc.record({
				base: fc.boolean(),
				last: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
				planned: fc.integer({ min: 3, max: 6 }),
				week: fc.option(fc.constantFrom(1, 4, 8, 12), { nil: null })
			}),
			{ minLength: 1, maxLength: 80 }
		);
		fc.assert(
			fc.property(series, fc.constantFrom<'last' | 'planned'>('last', 'planned'), (list, end) => {
				const rows = list.map((c, i) => row(i, { baseline: c.base ? 15 : null, last_session: c.last, end_score: c.last === null ? null : 9, end_session: c.last, planned_session: c.planned, last_week: c.last === null ? null : c.week }));
				const steps = flowSteps(rows, 'phq9', '(all)', end);
				expect(recovered(readFlow(steps, protectFlow(steps, 11).rows), 11)).toEqual([]);
			}),
			{ seed: 20261201, numRuns: 200 }
		);
	});

	it('the overview: the flow in the page export with the remission card (its (all) n is the flow’s end-of-series n)', () => {
		// ungrouped flow (group "all") of 40 series, 30 analysed; remission by route: 14 + 16 = 30 (none remitted)
		const steps = flowSteps(smallTail().map((r) => ({ ...r, group: 'all' })), 'phq9', 'all');
		const rate = (group: string, n: number) => ({ instrument: 'phq9', group, count: 0, n, rate: 0, ci_low: 0, ci_high: 0.2, definition: 'remission' }) as unknown as RateRow;
		const remission = [rate('iv', 14), rate('im', 16), rate('(all)', 30)];
		const read = (flowShown: readonly Record<string, unknown>[], remShown: readonly Record<string, unknown>[]) => {
			const a = readFlow(steps, flowShown);
			remission.forEach((r, i) => a.cell(`an:${r.group}`, r.n, remShown[i].n));
			a.sum(['an:iv', 'an:im'], 'an:(all)');
			a.sum([`flow:phq9:all:1:n`], 'an:(all)');
			return a;
		};
		// the flow alone hides its end step's n next to the 10 who left, but the remission card prints 30: 40 − 30 = 10
		const alone = protectSections({ remission });
		expect(recovered(read(protectFlow(steps, 11).rows, alone.remission.rows), 11).map((f) => f.truth)).toContain(10);
		// one export: nothing comes back
		const page = protectSections({ remission, flow: steps }, 11);
		expect(page.flow.rows.map((r) => r.n)).not.toContain(10);
		expect(recovered(read(page.flow.rows, page.remission.rows), 11)).toEqual([]);
	});
});
