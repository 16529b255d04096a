import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';
import { flow, flowSteps } from '../../src/lib/metrics/flow';
import { clientSummary, type MetricOptions } from '../../src/lib/metrics/source';
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

describe('flow counted in SQL = flow from one row per client-series', () => {
	// The flow is counted from client-series grouped by what it looks at; the steps must be those of
	// `flowSteps` over every client-series row (`clientSummary`), the definition it had before.
	it('demo cohort, several groupings and end rules', async () => {
		const db = await openNodeEngine();
		await db.registerFile('demo.csv', new Uint8Array(readFileSync(path.resolve(__dirname, '../../data/demo-cohort.csv'))));
		await db.exec(sql`CREATE TABLE scores AS SELECT * REPLACE (CAST(series AS INTEGER) AS series, CAST(session AS INTEGER) AS session,
  CAST(week AS DOUBLE) AS week, CAST(score AS DOUBLE) AS score, CAST(planned_sessions AS INTEGER) AS planned_sessions)
FROM read_csv('demo.csv', header = true)`);
		const states: MetricOptions[] = [
			{},
			{ groupBy: 'route' },
			{ filters: { site: ['north'] }, groupBy: 'sex', instruments: ['bdi2'] },
			{ groupBy: 'route', settings: { end: 'planned' } },
			{ groupBy: 'route', settings: { end: 'planned', plannedSessions: { bdi2: 4 } } },
			{ settings: { end: 'week4' } }
		];
		for (const opts of states) {
			const summary = await clientSummary(db, opts);
			const keys = [...new Map(summary.rows.map((r) => [`${r.instrument}\u0001${r.group}`, [r.instrument, r.group] as const])).values()];
			const endRule = opts.settings?.end === 'planned' ? 'planned' : 'last';
			const expected = keys.flatMap(([i, g]) => flowSteps(summary.rows, i, g, endRule));
			const { rows } = await flow(db, opts);
			expect(rows.length, JSON.stringify(opts)).toBeGreaterThan(5);
			expect(rows, JSON.stringify(opts)).toEqual(expected);
		}
		db.close();
	}, 120_000);
});
