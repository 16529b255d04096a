/**
 * The score cube (summary-cube.ts) counted from the client-series lists and, where the lists do not
 * hold every score row (a follow-up row with a session number), from the score rows joined to their
 * client-series: both against counts worked out by hand from the rows below.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql, type Sql } from '../../src/lib/engine/sql';
import type { Connector } from '../../src/lib/engine/connector';
import { buildSummaries, summaryTables } from '../../src/lib/metrics/summaries';
import { loadCanonical, type Canon } from './metrics-fixtures';

const rows = (followupSession: number | null): Canon[] => [
	{ client_id: 'a', instrument: 'bdi2', phase: 'baseline', session: 0, score: 30 },
	{ client_id: 'a', instrument: 'bdi2', phase: 'session', session: 1, score: 12 },
	{ client_id: 'a', instrument: 'bdi2', phase: 'session', session: 2, score: 10 },
	{ client_id: 'a', instrument: 'bdi2', phase: 'followup', session: null, week: 4, score: 15 },
	{ client_id: 'b', instrument: 'bdi2', phase: 'baseline', session: 0, score: 20 },
	{ client_id: 'b', instrument: 'bdi2', phase: 'session', session: 1, score: 18 },
	{ client_id: 'b', instrument: 'bdi2', phase: 'followup', session: followupSession, week: 4, score: 19 },
	// no baseline: counted under with_baseline = false
	{ client_id: 'c', instrument: 'bdi2', phase: 'session', session: 1, score: 25 },
	{ client_id: 'c', instrument: 'bdi2', phase: 'session', session: 2, score: 25 }
];

/** The cube as (phase, session, week, with_baseline, score, n), sorted; every row lies in the one cell. */
async function cube(db: Connector, table: string) {
	const t = summaryTables(table);
	return db.query(sql`SELECT t.phase, t.session, t.week, c.with_baseline, c.score, c.n FROM ${ident(t.cube)} c JOIN ${ident(t.timepoints)} t USING (tp) ORDER BY t.tp, c.with_baseline, c.score`);
}

describe('the score cube', () => {
	let db: NodeConnector;
	let statements: string[];
	let recording: Connector;
	beforeEach(async () => {
		db = await openNodeEngine();
		statements = [];
		recording = Object.create(db, { exec: { value: (q: Sql) => (statements.push(q.text), db.exec(q)) } });
	});
	const listsRan = () => statements.some((s) => s.includes('__cube_counts" AS'));

	it('from the client-series lists: counts per timepoint, baseline and score as worked out by hand', async () => {
		await loadCanonical(db, rows(null));
		const s = await buildSummaries(recording, 'scores');
		expect(s.problem).toBeNull();
		expect(listsRan()).toBe(true);
		expect(await cube(db, 'scores')).toEqual([
			{ phase: 'baseline', session: 0, week: null, with_baseline: true, score: 20, n: 1 },
			{ phase: 'baseline', session: 0, week: null, with_baseline: true, score: 30, n: 1 },
			{ phase: 'session', session: 1, week: null, with_baseline: false, score: 25, n: 1 },
			{ phase: 'session', session: 1, week: null, with_baseline: true, score: 12, n: 1 },
			{ phase: 'session', session: 1, week: null, with_baseline: true, score: 18, n: 1 },
			{ phase: 'session', session: 2, week: null, with_baseline: false, score: 25, n: 1 },
			{ phase: 'session', session: 2, week: null, with_baseline: true, score: 10, n: 1 },
			{ phase: 'followup', session: null, week: 4, with_baseline: true, score: 15, n: 1 },
			{ phase: 'followup', session: null, week: 4, with_baseline: true, score: 19, n: 1 }
		]);
	});

	it('a follow-up row with a session number (the lists keep none): from the rows, that timepoint apart', async () => {
		await loadCanonical(db, rows(3));
		const s = await buildSummaries(recording, 'scores');
		expect(s.problem).toBeNull();
		expect(listsRan()).toBe(false);
		const got = await cube(db, 'scores');
		// timepoints are numbered in session order, a missing session last
		expect(got.slice(-2)).toEqual([
			{ phase: 'followup', session: 3, week: 4, with_baseline: true, score: 19, n: 1 },
			{ phase: 'followup', session: null, week: 4, with_baseline: true, score: 15, n: 1 }
		]);
		expect(got.reduce((a, r) => a + Number((r as { n: number }).n), 0)).toBe(9);
	});

	it('two scores at one timepoint (the summaries do not apply): still every row counted, from the rows', async () => {
		await loadCanonical(db, [...rows(null), { client_id: 'a', instrument: 'bdi2', phase: 'baseline', session: 0, score: 31 }]);
		const s = await buildSummaries(recording, 'scores');
		expect(s.problem).toMatch(/more than one score/);
		expect(listsRan()).toBe(false);
		const baselines = (await cube(db, 'scores')).filter((r) => (r as { phase: string }).phase === 'baseline');
		expect(baselines.map((r) => (r as { score: number }).score)).toEqual([20, 30, 31]);
	});
});
