/**
 * The policy on hand-made tables (src/lib/privacy): primary suppression of 1 … minCell−1,
 * complements in a slice and across groups, implied cells (n − count), derived fields, shared
 * cells across tables, life tables, and models fitted on a small group. Expected values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { MIN_CELL, protect, protectTables } from '../../src/lib/privacy/policy';
import { protectModel } from '../../src/lib/privacy/report';
import { LIFE_TABLE, RELIABLE_CHANGE, RESPONSE, TRAJECTORIES, ATTRITION } from '../../src/lib/privacy/tables';
import type { ModelRow } from '../../src/lib/metrics/models';

const r = (group: string, count: number, n: number) => ({ instrument: 'phq9', group, count, n, rate: count / n, ci_low: 0, ci_high: 1 });

describe('small-cell policy', () => {
	it('the default threshold is 11', () => expect(MIN_CELL).toBe(11));

	it('withholds counts 1–10 and what derives from them; 0 and ≥ 11 are shown', () => {
		const out = protect([r('a', 0, 40), r('b', 12, 30), r('c', 5, 30)], { ...RESPONSE, slices: [] }).rows;
		expect(out[0]).toMatchObject({ count: 0, n: 40, suppressed: false });
		expect(out[1]).toMatchObject({ count: 12, n: 30, rate: 0.4, suppressed: false });
		expect(out[2]).toMatchObject({ count: null, n: 30, rate: null, ci_low: null, suppressed: true });
		expect(out[2].suppressed_fields.sort()).toEqual(['ci_high', 'ci_low', 'count', 'rate']);
	});

	it('a small complement (n − count = 5) withholds the count; a small n withholds n', () => {
		const out = protect([r('a', 0, 8), r('b', 25, 30)], { ...RESPONSE, slices: [{ kind: 'fields', parts: ['count'], total: 'n', complete: false }] }).rows;
		expect(out[0]).toMatchObject({ n: null, count: 0, rate: null });
		expect(out[1]).toMatchObject({ n: 30, count: null, rate: null });
	});

	it('across groups with an (all) row: a second cell goes, the smallest positive one', () => {
		const out = protect([r('a', 5, 40), r('b', 20, 40), r('c', 30, 60), r('(all)', 55, 140)], RESPONSE).rows;
		expect(out.map((x) => x.count)).toEqual([null, null, 30, 55]);
		expect(out.map((x) => x.n)).toEqual([40, 40, 60, 140]);
	});

	it('issue 10: improved + unchanged + deteriorated = n — a withheld 5 takes a second outcome with it', () => {
		const rows = ['improved', 'unchanged', 'deteriorated', 'clinically_significant'].map((outcome, i) => ({
			instrument: 'bdi2', group: 'im', outcome, count: [236, 110, 5, 128][i], n: 351, rate: 0, ci_low: 0, ci_high: 0
		}));
		const out = protect(rows, RELIABLE_CHANGE).rows;
		expect(out.map((x) => x.count)).toEqual([236, null, null, 128]);
		expect(out.every((x) => x.n === 351)).toBe(true);
	});

	it('totals known elsewhere (the ungrouped view): one small group withholds a second group', () => {
		const rows = [
			{ instrument: 'x', group: 'a', phase: 'session', session: 1, week: null, n: 4, mean: 3, method: 'observed' },
			{ instrument: 'x', group: 'b', phase: 'session', session: 1, week: null, n: 30, mean: 5, method: 'observed' },
			{ instrument: 'x', group: 'c', phase: 'session', session: 1, week: null, n: 50, mean: 6, method: 'observed' }
		];
		expect(protect(rows, TRAJECTORIES).rows.map((x) => [x.n, x.mean])).toEqual([[null, null], [null, null], [50, 6]]);
		expect(protect(rows, TRAJECTORIES, 0).rows.every((x) => !x.suppressed)).toBe(true);
	});

	it('the same count in two tables is withheld in both (trajectory n = attrition count)', () => {
		const traj = [
			{ instrument: 'x', group: 'a', phase: 'baseline', session: 0, week: null, n: 20, mean: 3, method: 'observed' },
			{ instrument: 'x', group: 'b', phase: 'baseline', session: 0, week: null, n: 30, mean: 5, method: 'observed' }
		];
		const attr = [
			{ instrument: 'x', group: 'a', phase: 'baseline', session: 0, week: null, clients: 20, share: 1 },
			{ instrument: 'x', group: 'b', phase: 'baseline', session: 0, week: null, clients: 30, share: 1 },
			{ instrument: 'x', group: 'a', phase: 'session', session: 1, week: null, clients: 15, share: 0.75 },
			{ instrument: 'x', group: 'b', phase: 'session', session: 1, week: null, clients: 24, share: 0.8 }
		];
		// nothing small: both tables print everything
		const [t0, a0] = protectTables([{ spec: TRAJECTORIES, rows: traj }, { spec: ATTRITION, rows: attr }]);
		expect([...t0.rows, ...a0.rows].some((x) => x.suppressed)).toBe(false);
		// a's baseline drops to 9: withheld in both, b's too (the total is known), shares of a and b go with their baselines
		traj[0].n = attr[0].clients = 9;
		const [t, a] = protectTables([{ spec: TRAJECTORIES, rows: traj }, { spec: ATTRITION, rows: attr }]);
		expect(t.rows.map((x) => x.n)).toEqual([null, null]);
		expect(a.rows.map((x) => x.clients)).toEqual([null, null, 15, 24]);
		expect(a.rows.map((x) => x.share)).toEqual([null, null, null, null]);
	});

	it('life table: at risk = events + censored + at risk next; S(t) withheld from the first withheld step on', () => {
		const step = (time: number, at_risk: number, events: number, censored: number, survival: number) => ({ instrument: 'x', group: 'a', step: true, time, at_risk, events, censored, survival, se: 0, low: 0, high: 0 });
		const rows = [
			{ instrument: 'x', group: 'a', step: false, time: -1, at_risk: 100, events: 30, censored: 70 },
			step(1, 100, 20, 20, 0.8),
			step(2, 60, 3, 15, 0.76),
			step(4, 42, 7, 35, 0.633)
		];
		const out = protect(rows, LIFE_TABLE).rows;
		expect(out.map((x) => x.events)).toEqual([30, 20, null, null]);
		expect(out.map((x) => x.censored)).toEqual([70, 20, null, null]);
		expect(out.map((x) => x.at_risk)).toEqual([100, 100, 60, 42]);
		expect(out.map((x) => (x as { survival?: number | null }).survival)).toEqual([undefined, 0.8, null, null]);
	});

	it('a model fitted on a group under the threshold keeps no coefficients and says why', () => {
		const m = { instrument: 'x', groups: ['a', 'b'], group_n: [40, 7], n_clients: 47, n_obs: 200, fixed: [{ term: 'time', estimate: 1, se: 1, t: 1, low: 0, high: 2 }], variance: { intercept: 1, slope: null, covariance: null, residual: 1 }, lrt: null, loglik: -1, deviance: 2, aic: 3, bic: 4 } as unknown as ModelRow;
		const out = protectModel(m, 11);
		expect(out).toMatchObject({ fixed: [], variance: null, group_n: null, suppressed: true });
		expect(out.suppressed_reason).toContain('fewer than 11 client-series (b)');
		expect(protectModel({ ...m, group_n: [40, 12] }, 11)).toMatchObject({ suppressed: false, fixed: m.fixed });
	});
});
