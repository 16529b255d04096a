import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { attrition } from '../../src/lib/metrics/attrition';
import { durability, survival } from '../../src/lib/metrics/durability';
import { loadCanonical, type Canon } from './metrics-fixtures';

/**
 * Hand-checkable fixture (PHQ-9, site a / b). Each client: baseline, session 1, session 2 (end),
 * then follow-up weeks. Responders: a1, a2, a3, a4 (a4 has no follow-up), b1, b2; a5 is not.
 *   a1 20 → 8, fu w2 9 (still), w4 12 (lost at 4)     a2 20 → 8, fu w2 11 (lost at 2)
 *   a3 20 → 8, fu w2 6, w4 8 (censored at 4)           a4 20 → 8 at session 1 only, no follow-up
 *   a5 20 → 15 (non-responder), fu w2 14               b1 30 → 10, fu w2 12, w4 20 (lost at 4)
 *   b2 20 → 5, fu w2 5 (censored at 2)
 */
function fixture(): Canon[] {
	const rows: Canon[] = [];
	const add = (id: string, site: string, sessions: number[], fu: [number, number][]) => {
		sessions.forEach((s, i) => rows.push({ client_id: id, site, instrument: 'phq9', phase: i === 0 ? 'baseline' : 'session', session: i, score: s }));
		fu.forEach(([w, s]) => rows.push({ client_id: id, site, instrument: 'phq9', phase: 'followup', session: null, week: w, score: s }));
	};
	add('a1', 'a', [20, 14, 8], [[2, 9], [4, 12]]);
	add('a2', 'a', [20, 14, 8], [[2, 11]]);
	add('a3', 'a', [20, 14, 8], [[2, 6], [4, 8]]);
	add('a4', 'a', [20, 8], []);
	add('a5', 'a', [20, 18, 15], [[2, 14]]);
	add('b1', 'b', [30, 20, 10], [[2, 12], [4, 20]]);
	add('b2', 'b', [20, 10, 5], [[2, 5]]);
	return rows;
}

describe('durability, survival and attrition on a hand-checked fixture', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadCanonical(db, fixture(), [], 'scores', ['site']);
	});

	it('per follow-up week: n, mean, responders and the share still responding', async () => {
		const { rows } = await durability(db, { groupBy: 'site' });
		const a = rows.filter((r) => r.group === 'a');
		expect(a.map((r) => [r.week, r.n, r.mean, r.responders_n, r.still_responding_n])).toEqual([
			[2, 4, 10, 3, 2],
			[4, 2, 10, 2, 1]
		]);
		expect(a[0].still_responding).toBeCloseTo(2 / 3, 12);
		expect(a[0].definition).toBe('durability.loss-of-response.km@1');
		expect(a[1].ci_low).toBeLessThan(10);
	});

	it('Kaplan–Meier of time to loss of response, censored at the last follow-up, with log-rank', async () => {
		const { rows, logRank, sql } = await survival(db, { groupBy: 'site' });
		expect(sql.text).not.toMatch(/\bover\s*\(/i);
		const a = rows.find((r) => r.group === 'a')!;
		expect(a.n).toBe(3);
		expect(a.events).toBe(2);
		expect(a.points.map((p) => [p.time, p.atRisk, p.events, p.censored])).toEqual([
			[2, 3, 1, 0],
			[4, 2, 1, 1]
		]);
		expect(a.points[0].survival).toBeCloseTo(2 / 3, 12);
		expect(a.points[1].survival).toBeCloseTo(1 / 3, 12);
		// Greenwood: S(2)·√(1/(3·2)) = 0.2722
		expect(a.points[0].se).toBeCloseTo((2 / 3) * Math.sqrt(1 / 6), 10);
		expect(a.median_weeks).toBe(4);
		expect(logRank).toHaveLength(1);
		expect(logRank[0]).toMatchObject({ instrument: 'phq9', groups: ['a', 'b'], df: 1 });
	});

	it('attrition: baseline, each session, end of series, completed the planned series, follow-up weeks', async () => {
		const { rows } = await attrition(db, { groupBy: 'site' });
		const a = rows.filter((r) => r.group === 'a');
		expect(a.map((r) => [r.phase, r.session, r.week, r.clients])).toEqual([
			['baseline', 0, null, 5],
			['session', 1, null, 5],
			['session', 2, null, 4],
			['end', null, null, 5],
			['completed', 2, null, 4],
			['followup', null, 2, 4],
			['followup', null, 4, 2]
		]);
		expect(a.find((r) => r.phase === 'completed')!.share).toBeCloseTo(0.8, 12);
	});
});
