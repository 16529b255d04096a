import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { attrition } from '../../src/lib/metrics/attrition';
import { loadCanonical, type Canon } from './metrics-fixtures';

/**
 * The share of baseline counts only series that have a baseline, so it never exceeds 1 when some
 * series were seen at sessions without a baseline score. Hand-computed fixture (PHQ-9, one group):
 *   A: baseline, session 1, session 2      B: session 1, session 2 (no baseline)      C: baseline, session 1
 * Baseline: A, C → 2.
 *   session 1: A, B, C → clients 3, with a baseline 2 → share 2/2 = 1     (before the fix 3/2 = 1.5)
 *   session 2: A, B    → clients 2, with a baseline 1 → share 1/2 = 0.5   (before: 2/2 = 1)
 *   end (any session score): A, B, C → 3, with a baseline 2 → 1
 *   completed (score at the planned session = 2, the largest seen): A, B → 2, with a baseline 1 → 0.5
 */
describe('attrition share of baseline', () => {
	it('restricts the numerator to series with a baseline (clients still shows every series)', async () => {
		const db = await openNodeEngine();
		const rows: Canon[] = [];
		const add = (id: string, scores: [phase: 'baseline' | 'session', session: number][]) =>
			scores.forEach(([phase, session]) => rows.push({ client_id: id, instrument: 'phq9', phase, session, score: 10 }));
		add('A', [['baseline', 0], ['session', 1], ['session', 2]]);
		add('B', [['session', 1], ['session', 2]]);
		add('C', [['baseline', 0], ['session', 1]]);
		await loadCanonical(db, rows);
		const { rows: got } = await attrition(db);
		expect(got.map((r) => [r.phase, r.session, r.clients, r.with_baseline, r.share])).toEqual([
			['baseline', 0, 2, 2, 1],
			['session', 1, 3, 2, 1],
			['session', 2, 2, 1, 0.5],
			['end', null, 3, 2, 1],
			['completed', 2, 2, 1, 0.5]
		]);
		expect(got.every((r) => r.share === null || r.share <= 1)).toBe(true);
		db.close();
	});
});
