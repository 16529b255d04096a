import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { remission, reliableChange, response } from '../../src/lib/metrics/rates';
import { loadCanonical, loadRefdata, type Canon } from './metrics-fixtures';

// Published: clinicalsignificance package (claus2020 SOURCE.md): ≥ 50 % reduction and JT RCI, pre = time 1, post = time 4.
describe('rates on claus2020 (published clinicalsignificance results)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadRefdata(db, 'claus2020');
	});

	it('BDI-II ≥ 50 % reduction: TAU 2/19, PA 9/21, all 11/40', async () => {
		const { rows, sql, definition } = await response(db, { groupBy: 'treatment', instruments: ['bdi2'] });
		expect(sql.text).toMatch(/arg_max/);
		expect(sql.text).not.toMatch(/\bover\s*\(/i);
		expect(rows.map((r) => [r.group, r.count, r.n])).toEqual([
			['PA', 9, 21],
			['TAU', 2, 19],
			['(all)', 11, 40]
		]);
		expect(rows.every((r) => r.definition === 'response.pct50.eos.observed@1')).toBe(true);
		expect(definition).toMatchObject({ id: 'response.pct50.eos.observed@1' });
		const tau = rows.find((r) => r.group === 'TAU')!;
		expect(tau.rate).toBeCloseTo(2 / 19, 12);
		expect(tau.ci_low).toBeGreaterThan(0);
		expect(tau.ci_high).toBeLessThan(0.4);
	});

	it('HAM-D ≥ 50 % reduction at the planned end (complete cases): 16/40', async () => {
		const { rows } = await response(db, { instruments: ['hamd17'], settings: { end: 'planned' } });
		expect(rows.map((r) => [r.group, r.count, r.n, r.definition])).toEqual([['all', 16, 40, 'response.pct50.planned.completers@1']]);
		// The default end (last observed session) keeps client 4, seen only at session 1: 41 used.
		const last = await response(db, { instruments: ['hamd17'] });
		expect(last.rows[0].n).toBe(41);
	});

	it('JT reliable change, BDI-II r = .801 (SD_pre of the used cases): 18 / 22 / 0', async () => {
		const { rows } = await reliableChange(db, { instruments: ['bdi2'], settings: { reliability: { bdi2: 0.801 } } });
		const by = Object.fromEntries(rows.map((r) => [r.outcome, r.count]));
		expect(by).toMatchObject({ improved: 18, unchanged: 22, deteriorated: 0 });
		expect(rows[0].n).toBe(40);
		expect(rows[0].reliability).toBe(0.801);
		expect(rows[0].definition).toBe('reliable.jt.baseline-sd@1');
		expect(rows[0].rc_value).toBeCloseTo(1.96 * rows[0].sdiff!, 12);
	});

	// suddengains R package unit tests (facts.md §2.4, [R29b]): SD 6.396073, r .931 → S_diff 2.376036, RC value 4.65703.
	it('JT with a stated SD: S_diff and the reliable-change value as in suddengains', async () => {
		const { rows } = await reliableChange(db, { instruments: ['bdi2'], settings: { sd: { bdi2: 6.396073 }, reliability: { bdi2: 0.931 } } });
		expect(rows[0].sdiff).toBeCloseTo(2.376036, 5);
		expect(rows[0].rc_value).toBeCloseTo(4.65703, 4);
	});

	it('JT reliable change, HAM-D r = .8, complete cases: 29 / 10 / 1', async () => {
		const { rows } = await reliableChange(db, { instruments: ['hamd17'], settings: { end: 'planned' } });
		const by = Object.fromEntries(rows.map((r) => [r.outcome, r.count]));
		expect(by).toMatchObject({ improved: 29, unchanged: 10, deteriorated: 1 });
		expect(rows.find((r) => r.outcome === 'clinically_significant')!.definition).toBe('clinsig.reliable-remission@1');
	});

	it('remission uses the per-instrument threshold and carries its id', async () => {
		const { rows } = await remission(db, { instruments: ['bdi2', 'hamd17'] });
		expect(rows.map((r) => r.definition)).toEqual(['remission.bdi2.le13.eos@1', 'remission.hamd17.le7.eos@1']);
		const strict = await remission(db, { instruments: ['bdi2'], settings: { remission: { bdi2: { op: '<', threshold: 10 } } } });
		expect(strict.rows[0].definition).toBe('remission.bdi2.lt10.eos@1');
		expect(strict.rows[0].count).toBeLessThanOrEqual(rows[0].count);
	});
});

describe('rates on a hand-checkable fixture', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		// PHQ-9, 4 clients in group a, 2 in b. Ends: a1 20→8 (resp, −12), a2 20→12 (−8, no resp),
		// a3 10→4 (resp, remits), a4 baseline only; b1 18→9 (resp exactly 50 %), b2 12→14 (+2).
		const rows: Canon[] = [];
		const add = (id: string, g: string, scores: (number | null)[]) =>
			scores.forEach((s, i) => rows.push({ client_id: id, instrument: 'phq9', phase: i === 0 ? 'baseline' : 'session', session: i, score: s, site: g }));
		add('a1', 'a', [20, 15, 8]);
		add('a2', 'a', [20, 12, null]);
		add('a3', 'a', [10, 4]);
		add('a4', 'a', [25]);
		add('b1', 'b', [18, 9]);
		add('b2', 'b', [12, 14]);
		await loadCanonical(db, rows, [], 'scores', ['site']);
	});

	it('counts, denominators and Wilson CIs (2/3 → 0.2077–0.9385, as R prop.test(correct = FALSE))', async () => {
		const { rows } = await response(db, { groupBy: 'site' });
		expect(rows.map((r) => [r.group, r.count, r.n])).toEqual([
			['a', 2, 3],
			['b', 1, 2],
			['(all)', 3, 5]
		]);
		const a = rows[0];
		expect(a.ci_low).toBeCloseTo(0.2077, 4);
		expect(a.ci_high).toBeCloseTo(0.9385, 4);
	});

	it('IAPT point rule (PHQ-9 ≥ 6) as an option', async () => {
		const { rows } = await reliableChange(db, { groupBy: 'site', settings: { pointRule: true } });
		const all = rows.filter((r) => r.group === '(all)');
		expect(Object.fromEntries(all.map((r) => [r.outcome, r.count]))).toEqual({
			improved: 4,
			unchanged: 1,
			deteriorated: 0,
			clinically_significant: 1
		});
		expect(all[0].definition).toBe('reliable.iapt.points@1');
		expect(all[0].rc_value).toBe(6);
	});
});
