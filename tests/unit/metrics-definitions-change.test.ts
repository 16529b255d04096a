/**
 * Definitions a user changes (issue #14 item 5): response as a fall of at least k points, and the
 * end point at follow-up week k. Every expectation is counted by hand from the fixture below (the
 * arithmetic is in the comments), on both paths: the score rows and the dataset's summaries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { durability } from '../../src/lib/metrics/durability';
import { compareCohorts } from '../../src/lib/metrics/compare';
import { remission, response } from '../../src/lib/metrics/rates';
import { clientMarkers } from '../../src/lib/metrics/client-markers';
import { resolveSettings, responseDefinition } from '../../src/lib/metrics/definitions';
import type { MetricOptions } from '../../src/lib/metrics/source';
import { buildSummaries, useSummaries } from '../../src/lib/metrics/summaries';
import { loadCanonical, type Canon } from './metrics-fixtures';
import { writeFileSync } from 'node:fs';
import { tempDir } from './temp-dir';
import path from 'node:path';
import { main } from '../../src/lib/cli/main';
import type { Report } from '../../src/lib/metrics/report';

/** One client-series: baseline, dosing-session scores (sessions 1, 2, …), follow-up scores by week. */
function series(client_id: string, instrument: string, baseline: number, sessions: number[], followup: Record<number, number>): Canon[] {
	return [
		{ client_id, instrument, phase: 'baseline', session: 0, score: baseline },
		...sessions.map((score, i) => ({ client_id, instrument, phase: 'session' as const, session: i + 1, score })),
		...Object.entries(followup).map(([week, score]) => ({ client_id, instrument, phase: 'followup' as const, session: null, week: Number(week), score }))
	];
}

// BDI-II                 baseline  sessions   week 4  week 8
// A                         20     15, 12       14       9
// B                         30     25, 14       22       —
// C                         10      6,  5        —       5
// D                          0      0           —       0
// E                         16     10           —      14
// PHQ-9 A                   20     11           —       —
const ROWS: Canon[] = [
	...series('A', 'bdi2', 20, [15, 12], { 4: 14, 8: 9 }),
	...series('B', 'bdi2', 30, [25, 14], { 4: 22 }),
	...series('C', 'bdi2', 10, [6, 5], { 8: 5 }),
	...series('D', 'bdi2', 0, [0], { 8: 0 }),
	...series('E', 'bdi2', 16, [10], { 8: 14 }),
	...series('A', 'phq9', 20, [11], {})
];

const counts = (rows: { instrument: string; count: number; n: number; definition: string }[]) => rows.map((r) => [r.instrument, r.count, r.n, r.definition]);

describe('changed definitions on a hand-counted fixture (score rows and summaries)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadCanonical(db, ROWS);
		useSummaries(db, 'scores', await buildSummaries(db, 'scores'));
	});

	/** The metric on both paths; they must agree, and the summaries must have answered. */
	async function both<R>(metric: (c: NodeConnector, o: MetricOptions) => Promise<{ rows: R[]; path?: { source: string } }>, opts: MetricOptions): Promise<R[]> {
		const fast = await metric(db, opts);
		const rows = await metric(db, { ...opts, source: 'rows' });
		expect(fast.path?.source).toBe('summaries');
		expect(fast.rows).toEqual(rows.rows);
		return rows.rows;
	}

	it('end of series, ≥ 50 %: BDI-II 2/4 (D has baseline 0), PHQ-9 0/1', async () => {
		// A 12 ≤ 10? no · B 14 ≤ 15 yes · C 5 ≤ 5 yes · E 10 ≤ 8 no → 2 of 4. PHQ-9 A: 11 ≤ 10 no → 0/1.
		expect(counts(await both(response, {}))).toEqual([
			['bdi2', 2, 4, 'response.pct50.eos.observed@1'],
			['phq9', 0, 1, 'response.pct50.eos.observed@1']
		]);
	});

	it('end of series, BDI-II fall ≥ 6 points: 3/4; PHQ-9 keeps the 50 % rule', async () => {
		// A 20 − 12 = 8 ≥ 6 yes · B 30 − 14 = 16 yes · C 10 − 5 = 5 no · E 16 − 10 = 6 yes → 3 of 4.
		const rows = await both(response, { settings: { responsePoints: { bdi2: 6 } } });
		expect(counts(rows)).toEqual([
			['bdi2', 3, 4, 'response.bdi2.pts6.eos@1'],
			['phq9', 0, 1, 'response.pct50.eos.observed@1']
		]);
	});

	it('follow-up week 8: only series with a week-8 score are analysed', async () => {
		// With a week-8 score and baseline > 0: A 9, C 5, E 14 (B has none; D's baseline is 0) → N = 3.
		// ≥ 50 %: A 9 ≤ 10 yes · C 5 ≤ 5 yes · E 14 ≤ 8 no → 2/3.
		expect(counts(await both(response, { instruments: ['bdi2'], settings: { end: 'week8' } }))).toEqual([['bdi2', 2, 3, 'response.pct50.week8@1']]);
		expect(responseDefinition(resolveSettings({ end: 'week8' }), 'bdi2').text).toBe(
			'A client-series responds when its score at follow-up week 8 (8 weeks after the last dosing session) is at least 50 % below its baseline score (clients with a baseline > 0 and a score at follow-up week 8; clients without one are not analysed at this end point).'
		);
		// ≥ 6 points: A 11 yes · C 5 no · E 2 no → 1/3.
		expect(counts(await both(response, { instruments: ['bdi2'], settings: { end: 'week8', responsePoints: { bdi2: 6 } } }))).toEqual([
			['bdi2', 1, 3, 'response.bdi2.pts6.week8@1']
		]);
		// Remission (≤ 13) at week 8, baseline present (D counts): A 9 yes · C 5 yes · D 0 yes · E 14 no → 3/4.
		expect(counts(await both(remission, { instruments: ['bdi2'], settings: { end: 'week8' } }))).toEqual([['bdi2', 3, 4, 'remission.bdi2.le13.week8@1']]);
	});

	it('follow-up week 4 with the point rule: A and B, both ≥ 6 points, none ≥ 50 %', async () => {
		// A 20 → 14 (6 points, 14 > 10) · B 30 → 22 (8 points, 22 > 15): points 2/2, 50 % 0/2.
		expect(counts(await both(response, { instruments: ['bdi2'], settings: { end: 'week4', responsePoints: { bdi2: 6 } } }))).toEqual([
			['bdi2', 2, 2, 'response.bdi2.pts6.week4@1']
		]);
		expect(counts(await both(response, { instruments: ['bdi2'], settings: { end: 'week4' } }))).toEqual([['bdi2', 0, 2, 'response.pct50.week4@1']]);
	});

	it('durability starts from the series end also under a week end point, with the point rule', async () => {
		// Series-end responders, ≥ 6 points: A, B, E. At week 8: A (9: 11 points, still) and E (14: 2 points, lost);
		// B has no week 8 → responders 2, still responding 1.
		const rows = await both(durability, { instruments: ['bdi2'], settings: { end: 'week8', responsePoints: { bdi2: 6 } } });
		const w8 = (rows as { week: number; responders_n: number; still_responding_n: number }[]).find((r) => r.week === 8)!;
		expect([w8.responders_n, w8.still_responding_n]).toEqual([2, 1]);
		expect((rows as { definition: string }[]).every((r) => r.definition === 'durability.loss-of-response.bdi2.pts6.km@1')).toBe(true);
	});

	it('the /compare methods paragraph states the point rule and the end point', async () => {
		const c = await compareCohorts(db, {
			a: { label: 'ABC', filters: { client_id: ['A', 'B', 'C'] } },
			b: { label: 'DE', filters: { client_id: ['D', 'E'] } },
			instrument: 'bdi2',
			model: false,
			settings: { end: 'week8', responsePoints: { bdi2: 6 } }
		});
		expect(c.methods).toContain('score at follow-up week 8 (8 weeks after the last dosing session) is at least 6 points below its baseline BDI-II score');
		expect(c.methods).toContain('[response.bdi2.pts6.week8@1]');
		expect(c.methods).toContain('end = the score at follow-up week 8');
		// Week 8, ≥ 6 points: ABC → A responds (11 points), C does not (5), B has no week 8: 1/2; DE → E (2 points): 0/1 (D's baseline is 0).
		expect([c.response?.a.count, c.response?.a.n, c.response?.b.count, c.response?.b.n]).toEqual([1, 2, 0, 1]);
	});

	it('a client’s markers follow the end point and rule', async () => {
		const { rows } = await clientMarkers(db, 'E', { settings: { end: 'week8', responsePoints: { bdi2: 6 } } });
		// E: baseline 16, week 8 = 14: 2 points, no response; 14 > 13, no remission.
		expect(rows.map((r) => [r.instrument, r.end_score, r.end_session, r.response, r.remission, r.response_definition])).toEqual([
			['bdi2', 14, null, false, false, 'response.bdi2.pts6.week8@1']
		]);
	});
});

describe('kap-outcomes report --end weekK --response-points ID=K', () => {
	it('prints the hand-counted week-8 figures (and rejects bad values with a usage message)', async () => {
		const dir = tempDir('kap-defs-');
		const file = path.join(dir, 'fixture.csv');
		const lines = ROWS.map((r) => [r.client_id, 1, 'iv', r.instrument, r.phase, r.session ?? '', r.week ?? '', r.score].join(','));
		writeFileSync(file, ['client_id,series,route,instrument,phase,session,week,score', ...lines].join('\n'));
		const run = async (args: string[]) => {
			let out = '';
			let err = '';
			const code = await main(['report', file, '--json', '--group-by', 'none', '--min-cell', '0', ...args], { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
			return { code, out, err };
		};
		const { code, out, err } = await run(['--end', 'week8', '--response-points', 'bdi2=6']);
		expect(err).toBe('');
		expect(code).toBe(0);
		const r = JSON.parse(out) as Report;
		// As above: week 8, ≥ 6 points → BDI-II 1/3 (A); PHQ-9 A has no week-8 score → n = 0.
		expect(r.response.map((x) => [x.instrument, x.count, x.n, x.definition])).toEqual([
			['bdi2', 1, 3, 'response.bdi2.pts6.week8@1'],
			['phq9', 0, 0, 'response.pct50.week8@1']
		]);
		expect((await run(['--end', 'week0'])).code).not.toBe(0);
		const bad = await run(['--response-points', "bdi2=6;DROP"]);
		expect(bad.code).not.toBe(0);
		expect(bad.err).toMatch(/--response-points/);
	});
});
