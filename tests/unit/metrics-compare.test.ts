import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { compareCohorts } from '../../src/lib/metrics/compare';
import { buildReport } from '../../src/lib/metrics/report';
import { normalCdf } from '../../src/lib/stats/distributions';
import { wilsonInterval } from '../../src/lib/stats/proportions';
import { ols } from '../../src/lib/stats/regression';
import { clausRows, loadRefdata } from './metrics-fixtures';

describe('cohort comparison on claus2020 (PA vs TAU, BDI-II)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadRefdata(db, 'claus2020');
	});

	it('change, Hedges g, Newcombe difference of the published response counts, ANCOVA, LMM + LRT, text', async () => {
		const c = await compareCohorts(db, {
			instrument: 'bdi2',
			a: { label: 'PA', filters: { treatment: ['PA'] } },
			b: { label: 'TAU', filters: { treatment: ['TAU'] } }
		});
		// change from baseline, recomputed here from the raw rows
		const rows = clausRows().filter((r) => r.instrument === 'bdi2');
		const change = (t: string) => {
			const ids = [...new Set(rows.filter((r) => r.treatment === t).map((r) => r.client_id))];
			return ids
				.map((id) => {
					const rs = rows.filter((r) => r.client_id === id && r.score !== null);
					const pre = rs.find((r) => r.phase === 'baseline')?.score;
					const post = rs.filter((r) => r.phase === 'session').sort((a, b) => b.session! - a.session!)[0]?.score;
					return pre != null && post != null ? post - pre : null;
				})
				.filter((x): x is number => x !== null);
		};
		const pa = change('PA');
		expect(c.change[0]).toMatchObject({ cohort: 'PA', n: 21 });
		expect(c.change[0].mean).toBeCloseTo(pa.reduce((s, v) => s + v, 0) / pa.length, 10);
		expect(c.change[1].n).toBe(19);
		expect(c.hedges.g).toBeLessThan(0); // PA improved more
		// response 9/21 vs 2/19 (published counts), Newcombe method 10 from the Wilson limits
		expect(c.response).toMatchObject({ a: { count: 9, n: 21 }, b: { count: 2, n: 19 } });
		const wa = wilsonInterval(9, 21);
		const wb = wilsonInterval(2, 19);
		expect(c.response!.low).toBeCloseTo(9 / 21 - 2 / 19 - Math.hypot(wa.rate - wa.low, wb.high - wb.rate), 12);
		expect(c.response!.high).toBeCloseTo(9 / 21 - 2 / 19 + Math.hypot(wa.high - wa.rate, wb.rate - wb.low), 12);
		expect('cohortEffect' in c.ancova && c.ancova.n).toBe(40);
		// ANCOVA end ~ cohort + baseline, fitted here by QR on the 40 client-series recomputed from the raw rows
		const units = ['PA', 'TAU'].flatMap((t) =>
			[...new Set(rows.filter((r) => r.treatment === t).map((r) => r.client_id))].flatMap((id) => {
				const rs = rows.filter((r) => r.client_id === id && r.score !== null);
				const pre = rs.find((r) => r.phase === 'baseline')?.score;
				const post = rs.filter((r) => r.phase === 'session').sort((a, b) => b.session! - a.session!)[0]?.score;
				return pre != null && post != null ? [{ pa: t === 'PA' ? 1 : 0, pre, post }] : [];
			})
		);
		const byRows = ols(units.map((u) => u.post), units.map((u) => [1, u.pa, u.pre]), ['(Intercept)', 'cohortPA', 'baseline']);
		if (!('cohortEffect' in c.ancova)) throw new Error(c.ancova.error);
		for (const k of ['estimate', 'se', 'p', 'low', 'high'] as const) expect(c.ancova.cohortEffect[k]).toBeCloseTo(byRows.coefficients[1][k], 9);
		expect(c.ancova.r2).toBeCloseTo(byRows.r2, 12);
		expect(c.lmm!.lrt).toMatchObject({ terms: ['cohortPA', 'time:cohortPA'], df: 2 });
		expect(c.lmm!.n_clients).toBe(43);
		expect(c.survival.rows).toEqual([]);
		expect(c.methods).toContain('Newcombe');
		expect(c.methods).toContain('response.pct50.eos.observed@1');
		expect(c.results.join(' ')).toContain('9/21');
		expect(c.results.join(' ')).toContain('2/19');
		expect(c.sql.length).toBeGreaterThanOrEqual(5);
		// 9/21 − 2/19 = 0.32331 → 32.3 percentage points (a difference of two percentages is not "%").
		expect(c.results.join(' ')).toContain('difference 32.3 percentage points');
		// No follow-up in this file: Kaplan–Meier was not computed, so the methods do not describe it.
		expect(c.methods).not.toContain('Kaplan');
		expect(c.methods).toContain('time was counted in dosing sessions');
	});

	it('an empty cohort is said in words: no "NA", no model spinning, the methods leave out what was not computed', async () => {
		const c = await compareCohorts(db, {
			instrument: 'bdi2',
			timeUnit: 'month',
			a: { label: 'PA', filters: { treatment: ['PA'] } },
			b: { label: 'Nobody', filters: { treatment: ['no such arm'] } }
		});
		const text = `${c.methods} ${c.results.join(' ')}`;
		expect(text).not.toMatch(/\bNA\b|NaN/);
		expect(c.results[0]).toContain('n = 0: no client-series in Nobody has both a baseline and an end score');
		expect(c.lmm).toBeNull();
		expect(c.modelNote).toContain('no client-series in Nobody');
		expect(c.results.join(' ')).toContain('The mixed model was not fitted');
		expect(c.methods).not.toContain('Hedges');
		expect(c.methods).not.toContain('mixed model');
		expect(c.methods).toContain('time was counted in months');
	});

	it('time × cohort: Wald CI and p in the row and in the results sentence', async () => {
		const c = await compareCohorts(db, {
			instrument: 'bdi2',
			a: { label: 'PA', filters: { treatment: ['PA'] } },
			b: { label: 'TAU', filters: { treatment: ['TAU'] } }
		});
		const f = c.lmm!.fixed.find((t) => t.term === 'time:cohortPA')!;
		expect(c.lmmSlope).toMatchObject({ term: 'time:cohortPA', estimate: f.estimate, low: f.low, high: f.high });
		expect(c.lmmSlope!.p).toBeCloseTo(2 * (1 - normalCdf(Math.abs(f.estimate / f.se))), 12);
		const text = c.results.join(' ');
		expect(text).toContain(`95 % CI ${f.low.toFixed(2)} to ${f.high.toFixed(2)}`);
		expect(text).toContain('Wald p');
		expect(c.methods).toContain('Wald 95 % CI');
	});

	it('a shared report withholds small cells (TAU responders 2 < 11) and their complements', async () => {
		const r = await buildReport(db, { groupBy: 'treatment', instruments: ['bdi2'], minCell: 11 });
		const resp = r.response;
		expect(resp.map((x) => [x.group, x.count, x.n])).toEqual([
			['PA', null, 21],
			['TAU', null, 19],
			['(all)', 11, 40]
		]);
		expect(r.meta.min_cell).toBe(11);
		const open = await buildReport(db, { groupBy: 'treatment', instruments: ['bdi2'] });
		expect(open.response.map((x) => x.count)).toEqual([9, 2, 11]);
		expect(open.meta.min_cell).toBeNull();
	});
});
