import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { courseFlags, expectedCourse } from '../../src/lib/metrics/expected';
import { loadCanonical, type Canon } from './metrics-fixtures';

const row = (client_id: string, route: string, session: number, score: number): Canon => ({ client_id, route, instrument: 'bdi2', phase: session === 0 ? 'baseline' : 'session', session, score });

// BDI-II manual bands: moderate 20–28. Target T (IV, baseline 25). Reference candidates:
// R1–R4 IV moderate (baselines 20, 22, 27, 28), R5 IV severe (35, out of band), R6 sublingual moderate (24).
const ROWS: Canon[] = [
	row('T', 'iv', 0, 25), row('T', 'iv', 1, 20), row('T', 'iv', 2, 29),
	row('R1', 'iv', 0, 20), row('R1', 'iv', 1, 18), row('R1', 'iv', 2, 14),
	row('R2', 'iv', 0, 22), row('R2', 'iv', 1, 20), row('R2', 'iv', 2, 18),
	row('R3', 'iv', 0, 27), row('R3', 'iv', 1, 24), row('R3', 'iv', 2, 22),
	row('R4', 'iv', 0, 28), row('R4', 'iv', 1, 16),
	row('R5', 'iv', 0, 35), row('R5', 'iv', 1, 2), row('R5', 'iv', 2, 1),
	row('R6', 'sublingual', 0, 24), row('R6', 'sublingual', 1, 22)
];
const T = { client_id: 'T', series: 1, instrument: 'bdi2', baseline: 25, route: 'iv' };

describe('expected course (hand-computed quartiles, R type 7)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadCanonical(db, ROWS);
	});

	it('same band and route when that leaves enough series: S1 {16,18,20,24} → 17.5 / 19 / 21; S2 {14,18,22} → 16 / 18 / 20', async () => {
		const e = (await expectedCourse(db, T, { minCell: 3 }))!;
		expect(e).toMatchObject({ route: 'iv', reference_n: 4, withheld: false, band: { label: 'moderate', min: 20, max: 28 } });
		expect(e.points.map((p) => [p.session, p.n, p.q1, p.median, p.q3])).toEqual([
			[1, 4, 17.5, 19, 21],
			[2, 3, 16, 18, 20]
		]);
		// T: S1 20 is not judged (first session); S2 29 > Q3 20 is not on track, and 29 − 25 = 4 ≥ 4 is reliable deterioration.
		const flags = courseFlags([{ phase: 'session', session: 1, week: null, score: 20 }, { phase: 'session', session: 2, week: null, score: 29 }], 25, e, 4);
		expect(flags.map((f) => [f.session, f.not_on_track, f.deteriorated])).toEqual([
			[1, false, false],
			[2, true, true]
		]);
	});

	it('all routes when the route leaves fewer than the threshold; points seen by fewer are withheld', async () => {
		// 4 IV series < 5 → all routes: R1–R4 + R6; S1 {16,18,20,22,24} → 18 / 20 / 22; S2 has 3 < 5 series.
		const e = (await expectedCourse(db, T, { minCell: 5 }))!;
		expect(e).toMatchObject({ route: null, reference_n: 5, withheld: false });
		expect(e.points.map((p) => [p.session, p.n, p.q1, p.median, p.q3, p.withheld])).toEqual([
			[1, 5, 18, 20, 22, false],
			[2, 3, null, null, null, true]
		]);
	});

	it('withheld entirely under the threshold', async () => {
		const e = (await expectedCourse(db, T, { minCell: 6 }))!;
		expect(e).toMatchObject({ withheld: true, reference_n: 5, points: [] });
	});
});
