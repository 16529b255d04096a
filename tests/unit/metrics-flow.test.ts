import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { flow } from '../../src/lib/metrics/flow';
import { loadCanonical, type Canon } from './metrics-fixtures';

const s = (client_id: string, session: number, score: number): Canon => ({ client_id, instrument: 'phq9', phase: session === 0 ? 'baseline' : 'session', session, score });
const w = (client_id: string, week: number, score: number): Canon => ({ client_id, instrument: 'phq9', phase: 'followup', session: null, week, score });

// c1 BL S1 S2 S3 W4; c2 BL S1 S2; c3 BL only; c4 BL S1 S3 W1 (missed S2); c5 S1 without a baseline.
// Planned last session = the largest session seen (3). Counted by hand:
// baseline 4; end of series (= reached S1) 3 (c3 has no dosing score); reached S2 3 (c4 reached S3), S3 2;
// completed 2 (c1, c4) of the 3 with an end score; seen at W1 or later 2 (c1, c4), at W4 1 (c1).
const ROWS: Canon[] = [
	s('c1', 0, 20), s('c1', 1, 15), s('c1', 2, 12), s('c1', 3, 8), w('c1', 4, 9),
	s('c2', 0, 18), s('c2', 1, 17), s('c2', 2, 16),
	s('c3', 0, 22),
	s('c4', 0, 19), s('c4', 1, 14), s('c4', 3, 10), w('c4', 1, 11),
	s('c5', 1, 12)
];

describe('flow of client-series', () => {
	it('counts each step and the number leaving with its reason (hand-counted)', async () => {
		const db = await openNodeEngine();
		await loadCanonical(db, ROWS);
		const { rows } = await flow(db);
		const brief = rows.map((r) => [r.label, r.n, r.left, r.reason]);
		expect(brief).toEqual([
			['With a baseline score', 4, 0, ''],
			['With an end-of-series score (analysed)', 3, 1, 'no dosing-session score'],
			['Reached session 2', 3, 0, 'last seen at session 1'],
			['Reached session 3', 2, 1, 'last seen at session 2'],
			['Completed the planned series', 2, 1, 'stopped before the planned session'],
			['Seen at follow-up week 1 or later', 2, 1, 'not seen at week 1 or later'],
			['Seen at follow-up week 4 or later', 1, 1, 'not seen at week 4 or later']
		]);
		expect(rows.every((r) => r.group === 'all' && r.instrument === 'phq9')).toBe(true);
		db.close();
	});
});
