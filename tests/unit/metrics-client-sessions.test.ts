/**
 * One client's session strip (metrics/client-sessions.ts) on the real engine: which sessions are
 * flagged, worked out by hand from the fixture against the thresholds (≥ 180/110 after dosing,
 * ≥ 140/90 before, SpO₂ < 90, a serious AE), and CADSS joined by series and session.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { loadSessions } from '../../src/lib/import/sessions-load';
import type { CanonicalRow } from '../../src/lib/import/types';
import { clientSessions } from '../../src/lib/metrics/client-sessions';
import { createDatasetViews } from '../../src/lib/metrics/views';
import type { SessionRow } from '../../src/lib/model/sessions';

const S = (client_id: string, session: number, v: Record<string, number | null>): SessionRow => ({ client_id, series: 1, route: 'iv', session, ...v }) as SessionRow;
const SESSIONS: SessionRow[] = [
	S('c1', 1, { sbp_pre: 142, dbp_pre: 88, sbp_peak: 150, dbp_peak: 90, spo2_min: 95, nausea: 1, serious_ae: 0 }), // pre 142 ≥ 140
	S('c1', 2, { sbp_pre: 130, dbp_pre: 80, sbp_peak: 185, dbp_peak: 100, spo2_min: 89, serious_ae: 0 }), // peak 185 ≥ 180; SpO₂ 89 < 90
	S('c1', 3, { sbp_pre: 128, dbp_pre: 78, sbp_peak: 160, dbp_peak: 112, sbp_end: 138, dbp_end: 84, spo2_min: null, serious_ae: 1 }), // DBP 112 ≥ 110; serious AE
	S('c1', 5, { sbp_pre: 139, dbp_pre: 89, sbp_peak: 179, dbp_peak: 109, spo2_min: 90, serious_ae: 0 }), // every value one under its threshold: no flag
	S('c2', 1, { sbp_pre: 150, dbp_pre: 95, sbp_peak: 190, dbp_peak: 115 }) // another client
];
const score = (client_id: string, instrument: string, phase: string, session: number, s: number) =>
	({ client_id, series: 1, route: 'iv', instrument, phase, session, week: null, score: s, prorated: false }) as unknown as CanonicalRow;
const SCORES = [score('c1', 'phq9', 'baseline', 0, 18), score('c1', 'cadss', 'session', 1, 20), score('c1', 'cadss', 'session', 2, 14), score('c1', 'cadss', 'session', 4, 10), score('c2', 'cadss', 'session', 1, 30)];

describe('clientSessions', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await db.insertArrowIPC('ds', toArrowIPC({ rows: SCORES, extraColumns: [] }), true);
		await loadSessions(db, 'ds__sessions', SESSIONS);
		await createDatasetViews(db, 'ds', 'ds__sessions');
	}, 120_000);

	it('flags each threshold crossed, with CADSS beside it; a CADSS-only session has empty vitals', async () => {
		const { rows } = await clientSessions(db, 'c1');
		expect(rows.map((r) => [r.session, r.flags, r.cadss])).toEqual([
			[1, ['hypertensive_pre'], 20],
			[2, ['hypertensive_post', 'spo2_low'], 14],
			[3, ['hypertensive_post', 'serious_ae'], null],
			[4, [], 10],
			[5, [], null]
		]);
		expect(rows[0]).toMatchObject({ sbp_pre: 142, dbp_pre: 88, sbp_peak: 150, dbp_peak: 90, spo2_min: 95, nausea: 1, cadss_instrument: 'cadss' });
		expect(rows[3]).toMatchObject({ sbp_pre: null, spo2_min: null, route: null });
	});

	it('a client id is a bound value, and an unknown client has no sessions', async () => {
		expect((await clientSessions(db, "c1' OR TRUE --")).rows).toEqual([]);
		expect((await clientSessions(db, 'c2')).rows.map((r) => [r.session, r.flags, r.cadss])).toEqual([[1, ['hypertensive_post', 'hypertensive_pre'], 30]]);
	});
});
