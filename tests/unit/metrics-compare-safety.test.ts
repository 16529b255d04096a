/**
 * The /compare tolerability card's figures (metrics/compare-safety.ts) on the real engine, against
 * counts, means and intervals worked out by hand from the fixture below (arithmetic beside each
 * expectation), never from the code's output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { loadSessions } from '../../src/lib/import/sessions-load';
import type { CanonicalRow } from '../../src/lib/import/types';
import { compareTolerability } from '../../src/lib/metrics/compare-safety';
import { createDatasetViews } from '../../src/lib/metrics/views';
import type { SessionRow } from '../../src/lib/model/sessions';

const S = (client_id: string, route: 'iv' | 'sublingual', session: number, bp: (number | null)[], fx: (number | null)[], serious_ae: number, minutes_to_ready: number | null): SessionRow => {
	const [sbp_pre, dbp_pre, sbp_peak, dbp_peak, sbp_end, dbp_end] = bp;
	const [nausea, vomiting, headache, dizziness, anxiety] = fx;
	return { client_id, series: 1, route, session, sbp_pre, dbp_pre, sbp_peak, dbp_peak, sbp_end, dbp_end, nausea, vomiting, headache, dizziness, anxiety, serious_ae, minutes_to_ready } as SessionRow;
};
const NONE = [0, 0, 0, 0, 0];
const UNRECORDED = [null, null, null, null, null];
const SESSIONS: SessionRow[] = [
	S('c1', 'iv', 1, [130, 80, 150, 90, 135, 82], [1, 0, 0, 0, 0], 0, 60),
	S('c1', 'iv', 2, [142, 88, 185, 100, 150, 90], [2, 0, 0, 0, 0], 0, 70), // SBP 185 ≥ 180; nausea moderate
	S('c1', 'iv', 3, [128, 78, 160, 112, 138, 84], [0, 0, 1, 0, 0], 0, 90), // DBP 112 ≥ 110
	S('c2', 'iv', 1, [120, 70, 140, 85, null, null], NONE, 0, 45),
	S('c2', 'iv', 2, [118, 92, 135, 80, 125, 78], UNRECORDED, 1, 50), // serious AE; no side effect recorded
	S('c3', 'sublingual', 1, [125, 80, 132, 84, 126, 80], [1, 0, 0, 0, 0], 0, 40),
	S('c3', 'sublingual', 2, [null, null, null, null, null, null], NONE, 0, null),
	S('c4', 'sublingual', 1, [150, 95, 170, 100, 160, 96], [3, 0, 0, 0, 0], 0, 55) // nausea severe
];
// `arm` is an attribute of the scores only: a cohort filtering on it reaches the sessions through the client-series.
const score = (client_id: string, route: string, arm: string) =>
	({ client_id, series: 1, route, instrument: 'phq9', phase: 'baseline', session: 0, week: null, score: 15, prorated: false, arm }) as unknown as CanonicalRow;
const SCORES = [score('c1', 'iv', 'x'), score('c2', 'iv', 'y'), score('c3', 'sublingual', 'x'), score('c4', 'sublingual', 'y')];

const IV = { label: 'IV', filters: { route: ['iv'] } };
const SL = { label: 'SL', filters: { route: ['sublingual'] } };

describe('compareTolerability on a hand-counted fixture', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await db.insertArrowIPC('ds', toArrowIPC({ rows: SCORES, extraColumns: ['arm'] }), true);
		await loadSessions(db, 'ds__sessions', SESSIONS);
		await createDatasetViews(db, 'ds', 'ds__sessions');
	}, 120_000);

	it('sessions, clients and the rates per session and per client, A then B', async () => {
		const t = await compareTolerability(db, { a: IV, b: SL });
		expect(t.hasSessions).toBe(true);
		// IV: 5 sessions of c1, c2; SL: 3 sessions of c3, c4 (no "(all)" row: cohorts may overlap)
		expect(t.counts.map((r) => [r.group, r.sessions, r.clients])).toEqual([['IV', 5, 2], ['SL', 3, 2]]);
		const rate = (key: string, group: string, unit: string) => {
			const r = t.rates.find((x) => x.key === key && x.group === group && x.unit === unit)!;
			return [r.count, r.n];
		};
		// ≥ 180/110 after dosing: IV c1 s2 (185) and s3 (DBP 112) of 5 with post-dose BP; clients c1 of 2
		expect(rate('hypertensive_post', 'IV', 'sessions')).toEqual([2, 5]);
		expect(rate('hypertensive_post', 'IV', 'clients')).toEqual([1, 2]);
		// SL: 132/84 and 170/100 — none; c3 s2 has no BP (not measured) → 0 of 2 sessions, 0 of 2 clients
		expect(rate('hypertensive_post', 'SL', 'sessions')).toEqual([0, 2]);
		expect(rate('hypertensive_post', 'SL', 'clients')).toEqual([0, 2]);
		// moderate or worse: IV only c1 s2 (nausea 2), of the 4 sessions with any effect recorded (c2 s2 none)
		expect(rate('any_side_effect_moderate', 'IV', 'sessions')).toEqual([1, 4]);
		expect(rate('any_side_effect_moderate', 'IV', 'clients')).toEqual([1, 2]);
		// SL: c4 (nausea 3) of 3 sessions; 1 of 2 clients
		expect(rate('any_side_effect_moderate', 'SL', 'sessions')).toEqual([1, 3]);
		expect(rate('any_side_effect_moderate', 'SL', 'clients')).toEqual([1, 2]);
		expect(rate('serious_ae', 'IV', 'sessions')).toEqual([1, 5]);
		expect(rate('serious_ae', 'SL', 'clients')).toEqual([0, 2]);
	});

	it('mean rises with t CIs and minutes to ready', async () => {
		const t = await compareTolerability(db, { a: IV, b: SL });
		const sbp = t.means.find((r) => r.key === 'sbp_rise' && r.group === 'IV')!;
		// rises 20, 43, 32, 20, 17: mean 132/5 = 26.4; squared deviations 40.96 + 275.56 + 31.36 + 40.96 + 88.36
		// = 477.2, SD √(477.2/4) = 10.9224; CI 26.4 ± t(0.975, 4) 2.776445 × 10.9224/√5 = ± 13.5620
		expect(sbp.n).toBe(5);
		expect(sbp.mean).toBeCloseTo(26.4, 10);
		expect(sbp.ci_low!).toBeCloseTo(12.838, 2);
		expect(sbp.ci_high!).toBeCloseTo(39.962, 2);
		// DBP rises IV 10, 12, 34, 15, −12 → 59/5 = 11.8; SL 4, 5 → 4.5; SL SBP 7, 20 → 13.5
		expect(t.means.find((r) => r.key === 'dbp_rise' && r.group === 'IV')!.mean).toBeCloseTo(11.8, 10);
		expect(t.means.find((r) => r.key === 'dbp_rise' && r.group === 'SL')!.mean).toBeCloseTo(4.5, 10);
		expect(t.means.find((r) => r.key === 'sbp_rise' && r.group === 'SL')!.mean).toBeCloseTo(13.5, 10);
		// minutes IV 45 50 60 70 90 → median 60, quartiles (type 7) 50 and 70; SL 40, 55 → 47.5, 43.75, 51.25
		expect(t.minutes.map((r) => [r.group, r.n, r.median, r.q1, r.q3])).toEqual([['IV', 5, 60, 50, 70], ['SL', 2, 47.5, 43.75, 51.25]]);
	});

	it('differences A − B of the shares of clients, with Newcombe CIs', async () => {
		const t = await compareTolerability(db, { a: IV, b: SL });
		const d = (key: string) => t.differences.find((x) => x.key === key)!;
		// 1/2 − 0/2 = 0.5. Wilson 1/2: 0.5 ± 1.96·√(0.125 + 0.2401)/2.9208 = (0.09453, 0.90547);
		// Wilson 0/2: (0, 0.9604/2.9208 · 2) = (0, 0.65763). Newcombe: 0.5 − √(0.40547² + 0.65763²) = −0.27258,
		// 0.5 + √(0.40547² + 0²) = 0.90547
		expect(d('hypertensive_post').diff).toBeCloseTo(0.5, 10);
		expect(d('hypertensive_post').low).toBeCloseTo(-0.27258, 4);
		expect(d('hypertensive_post').high).toBeCloseTo(0.90547, 4);
		// 1/2 − 1/2 = 0
		expect(d('any_side_effect_moderate').diff).toBeCloseTo(0, 10);
		expect(d('serious_ae').diff).toBeCloseTo(0.5, 10);
	});

	it('a filter on an attribute only the scores have keeps the sessions of the matching client-series', async () => {
		// arm x: c1 (3 sessions) and c3 (2); sublingual and arm y: c4 (1)
		const t = await compareTolerability(db, { a: { label: 'X', filters: { arm: ['x'] } }, b: { label: 'Y', filters: { route: ['sublingual'], arm: ['y'] } } });
		expect(t.counts.map((r) => [r.group, r.sessions, r.clients])).toEqual([['X', 5, 2], ['Y', 1, 1]]);
	});

	it('a dataset without session records says so (no rows)', async () => {
		const other = await openNodeEngine();
		await other.insertArrowIPC('ds', toArrowIPC({ rows: SCORES, extraColumns: ['arm'] }), true);
		await createDatasetViews(other, 'ds', null);
		const t = await compareTolerability(other, { a: IV, b: SL });
		expect(t.hasSessions).toBe(false);
		expect(t.counts).toEqual([]);
	}, 120_000);
});
