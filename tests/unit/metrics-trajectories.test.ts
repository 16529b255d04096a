import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { trajectories } from '../../src/lib/metrics/trajectories';
import { loadRefdata, round } from './metrics-fixtures';

// Published: CEHS eBook_multilevel Table 12.2 (mean (SD)) and §12.2.3.2 (observed n), riesby SOURCE.md.
const TABLE_12_2: Record<string, [number, number, number][]> = {
	reactive: [
		[28, 22.79, 4.12], [29, 20.48, 3.83], [28, 17.0, 4.35], [29, 15.34, 6.17], [29, 12.62, 6.72], [27, 11.22, 6.34]
	],
	endogenous: [
		[33, 24.0, 4.85], [34, 23.0, 5.1], [37, 19.3, 6.08], [36, 17.28, 6.56], [34, 14.47, 7.17], [31, 12.58, 7.96]
	],
	all: [
		[61, 23.44, 4.53], [63, 21.84, 4.7], [65, 18.31, 5.49], [65, 16.42, 6.42], [63, 13.62, 6.97], [58, 11.95, 7.22]
	]
};

describe('trajectories on riesby (published Table 12.2)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadRefdata(db, 'riesby');
	});

	it('observed-case n, mean, SD per week by endog match Table 12.2 to 2 decimals', async () => {
		const { rows, sql } = await trajectories(db, { groupBy: 'endog' });
		// sample SD (n − 1) from n, Σx, Σx² (exact for whole-number scores; the summaries use the same)
		expect(sql.text).toContain('(count(score) * (count(score) - 1))');
		for (const group of ['reactive', 'endogenous']) {
			const got = rows.filter((r) => r.group === group).map((r) => [r.n, round(r.mean), round(r.sd)]);
			expect(got).toEqual(TABLE_12_2[group]);
		}
		expect(rows.every((r) => r.method === 'observed' && r.definition === 'trajectory.observed@1')).toBe(true);
	});

	it('without a group: one group "all" matching the Total column', async () => {
		const { rows } = await trajectories(db);
		expect(rows.map((r) => r.group)).toEqual(Array(6).fill('all'));
		expect(rows.map((r) => [r.n, round(r.mean), round(r.sd)])).toEqual(TABLE_12_2.all);
		expect(rows[0].phase).toBe('baseline');
		expect(rows[0].session).toBe(0);
	});

	it('t-based CI: mean ± t(.975, n−1)·SD/√n (SEM 0.78 for reactive week 0)', async () => {
		const { rows } = await trajectories(db, { groupBy: 'endog' });
		const r = rows.find((x) => x.group === 'reactive' && x.session === 0)!;
		const sem = r.sd! / Math.sqrt(r.n);
		expect(round(sem)).toBe(0.78);
		// t(0.975, 27) = 2.051831
		expect(r.ci_high! - r.mean).toBeCloseTo(2.051831 * sem, 5);
		expect(r.median).toBeGreaterThan(0);
		expect(r.q1).toBeLessThanOrEqual(r.median);
	});

	it('filters restrict rows; an unknown group column is an error', async () => {
		const { rows } = await trajectories(db, { filters: { endog: ['reactive'] } });
		expect(rows.map((r) => r.n)).toEqual(TABLE_12_2.reactive.map((x) => x[0]));
		await expect(trajectories(db, { groupBy: 'nope' })).rejects.toThrow(/nope/);
	});

	it('LOCF is labelled and fills missed sessions with the last earlier score', async () => {
		const { rows, sql } = await trajectories(db, { groupBy: 'endog', locf: true });
		expect(sql.text).toContain('arg_max');
		expect(sql.text).not.toMatch(/\bover\s*\(/i);
		expect(rows.every((r) => r.method === 'locf' && r.definition === 'trajectory.locf@1')).toBe(true);
		const reactive = rows.filter((r) => r.group === 'reactive');
		// Every client-series with any observation up to a session is carried to it: n never falls.
		for (let i = 1; i < reactive.length; i++) expect(reactive[i].n).toBeGreaterThanOrEqual(reactive[i - 1].n);
		expect(reactive[5].n).toBe(29);
	});
});
