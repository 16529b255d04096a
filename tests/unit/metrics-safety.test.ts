/**
 * Safety metrics on a small fixture whose counts were computed by hand (written next to each
 * expectation), not by the code under test. Wilson bounds for 2/5 are the published Wilson score
 * interval (R: binom::binom.wilson(2, 5) → 0.1176, 0.7693); Spearman ρ checked against
 * R: cor(c(90, 80, 40, 60), c(-60, -20, -20, -75), method = "spearman") = -0.2108185.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { loadSessions } from '../../src/lib/import/sessions-load';
import type { CanonicalRow } from '../../src/lib/import/types';
import { experienceVsChange } from '../../src/lib/metrics/experience';
import { dissociationBySession, minutesToReady, safetyMeans, safetyRates } from '../../src/lib/metrics/safety';
import { createDatasetViews } from '../../src/lib/metrics/views';
import type { SessionRow } from '../../src/lib/model/sessions';
import { sql } from '../../src/lib/engine/sql';

const S = (client_id: string, route: 'iv' | 'sublingual', session: number, v: Partial<Record<string, number | null>>): SessionRow =>
	({ client_id, series: 1, route, session, ...v }) as SessionRow;
const bp = (a: number | null, b: number | null, c: number | null, d: number | null, e: number | null, f: number | null) => ({ sbp_pre: a, dbp_pre: b, sbp_peak: c, dbp_peak: d, sbp_end: e, dbp_end: f });
const fx = (n: number | null, vo: number | null, h: number | null, dz: number | null, an: number | null) => ({ nausea: n, vomiting: vo, headache: h, dizziness: dz, anxiety: an });

const SESSIONS: SessionRow[] = [
	S('c1', 'iv', 1, { ...bp(130, 80, 150, 90, 135, 82), spo2_min: 97, sedation: 4, minutes_to_ready: 60, ...fx(1, 0, 0, 2, 0), serious_ae: 0 }),
	S('c1', 'iv', 2, { ...bp(142, 88, 185, 100, 150, 90), spo2_min: 95, sedation: 4, minutes_to_ready: 70, ...fx(2, 1, 0, 1, 0), serious_ae: 0 }),
	S('c1', 'iv', 3, { ...bp(128, 78, 160, 112, 138, 84), spo2_min: 89, sedation: 3, minutes_to_ready: 90, ...fx(0, 0, 1, 0, 1), serious_ae: 0 }),
	S('c2', 'iv', 1, { ...bp(120, 70, 140, 85, null, null), spo2_min: null, sedation: 5, minutes_to_ready: 45, ...fx(0, 0, 0, 0, 0), serious_ae: 0 }),
	S('c2', 'iv', 2, { ...bp(118, 92, 135, 80, 125, 78), spo2_min: 98, sedation: 5, minutes_to_ready: 50, ...fx(null, null, null, null, null), serious_ae: 1 }),
	S('c3', 'sublingual', 1, { ...bp(125, 80, 132, 84, 126, 80), spo2_min: 99, sedation: 5, minutes_to_ready: 40, ...fx(1, 0, 0, 0, 0), serious_ae: 0 }),
	S('c3', 'sublingual', 2, { ...bp(null, null, null, null, null, null), spo2_min: 98, sedation: null, minutes_to_ready: null, ...fx(0, 0, 0, 0, 0), serious_ae: 0 }),
	S('c4', 'sublingual', 1, { ...bp(150, 95, 170, 100, 160, 96), spo2_min: 96, sedation: 4, minutes_to_ready: 55, ...fx(3, 0, 0, 0, 0), serious_ae: 0 })
];

const score = (client_id: string, route: string, instrument: string, phase: string, session: number, s: number, site = 'A') =>
	({ client_id, series: 1, route, instrument, phase, session, week: null, score: s, prorated: false, site }) as unknown as CanonicalRow;
const SCORES: CanonicalRow[] = [
	// bdi2: c1 30 → 12 (−60 %), c2 20 → 16 (−20 %), c3 25 → 20 (−20 %), c4 40 → 10 (−75 %)
	score('c1', 'iv', 'bdi2', 'baseline', 0, 30), score('c1', 'iv', 'bdi2', 'session', 1, 20), score('c1', 'iv', 'bdi2', 'session', 3, 12),
	score('c2', 'iv', 'bdi2', 'baseline', 0, 20), score('c2', 'iv', 'bdi2', 'session', 2, 16),
	score('c3', 'sublingual', 'bdi2', 'baseline', 0, 25, 'B'), score('c3', 'sublingual', 'bdi2', 'session', 2, 20, 'B'),
	score('c4', 'sublingual', 'bdi2', 'baseline', 0, 40, 'B'), score('c4', 'sublingual', 'bdi2', 'session', 1, 10, 'B'),
	// CADSS at dosing sessions
	score('c1', 'iv', 'cadss', 'session', 1, 20), score('c1', 'iv', 'cadss', 'session', 2, 14), score('c1', 'iv', 'cadss', 'session', 3, 10),
	score('c2', 'iv', 'cadss', 'session', 1, 30), score('c2', 'iv', 'cadss', 'session', 2, 22),
	score('c3', 'sublingual', 'cadss', 'session', 1, 8, 'B'),
	// MEQ-30 at the first session: 90, 80, 40, 60
	score('c1', 'iv', 'meq30', 'session', 1, 90), score('c2', 'iv', 'meq30', 'session', 1, 80),
	score('c3', 'sublingual', 'meq30', 'session', 1, 40, 'B'), score('c4', 'sublingual', 'meq30', 'session', 1, 60, 'B')
];

describe('safety metrics on a hand-counted fixture', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await db.insertArrowIPC('ds', toArrowIPC({ rows: SCORES, extraColumns: [] }), true);
		await loadSessions(db, 'ds__sessions', SESSIONS);
		await createDatasetViews(db, 'ds', 'ds__sessions');
	});

	it('the scores view holds outcome rows only; acute_scores the rest', async () => {
		const [o] = await db.query<{ n: number }>(sql`SELECT count(*)::INT AS n FROM scores`);
		const [a] = await db.query<{ n: number }>(sql`SELECT count(*)::INT AS n FROM acute_scores`);
		expect([o.n, a.n]).toEqual([9, 10]);
	});

	it('sessions, clients and rates per session and per client', async () => {
		const { counts, rates } = await safetyRates(db);
		expect(counts.map((c) => [c.group, c.sessions, c.clients])).toEqual([
			['iv', 5, 2],
			['sublingual', 3, 2],
			['(all)', 8, 4]
		]);
		const r = (g: string, key: string, unit: string) => rates.find((x) => x.group === g && x.key === key && x.unit === unit)!;
		const cn = (g: string, key: string, unit: string) => [r(g, key, unit).count, r(g, key, unit).n];
		// BP ≥ 180/110 after dosing: c1 s2 (185) and c1 s3 (DBP 112); c2 s1 has peak only (140/85); c3 s2 has no BP
		expect(cn('iv', 'hypertensive_post', 'sessions')).toEqual([2, 5]);
		expect(cn('iv', 'hypertensive_post', 'clients')).toEqual([1, 2]);
		expect(cn('sublingual', 'hypertensive_post', 'sessions')).toEqual([0, 2]);
		expect(cn('(all)', 'hypertensive_post', 'sessions')).toEqual([2, 7]);
		expect(cn('(all)', 'hypertensive_post', 'clients')).toEqual([1, 4]);
		// Pre-dose ≥ 140/90: c1 s2 (142), c2 s2 (DBP 92); c4 s1 (150/95)
		expect(cn('iv', 'hypertensive_pre', 'sessions')).toEqual([2, 5]);
		expect(cn('iv', 'hypertensive_pre', 'clients')).toEqual([2, 2]);
		expect(cn('sublingual', 'hypertensive_pre', 'sessions')).toEqual([1, 2]);
		// SpO₂ < 90: c1 s3 (89) of 4 IV sessions with SpO₂
		expect(cn('iv', 'spo2_low', 'sessions')).toEqual([1, 4]);
		expect(cn('iv', 'sedation_deep', 'sessions')).toEqual([1, 5]);
		// Nausea: IV recorded in 4 (c2 s2 blank): any c1 s1, c1 s2; moderate+ c1 s2. Sublingual any c3 s1, c4 s1; moderate+ c4 s1 (3)
		expect(cn('iv', 'nausea_any', 'sessions')).toEqual([2, 4]);
		expect(cn('iv', 'nausea_moderate', 'sessions')).toEqual([1, 4]);
		expect(cn('sublingual', 'nausea_any', 'sessions')).toEqual([2, 3]);
		expect(cn('sublingual', 'nausea_moderate', 'sessions')).toEqual([1, 3]);
		expect(cn('(all)', 'nausea_any', 'sessions')).toEqual([4, 7]);
		expect(cn('iv', 'serious_ae', 'sessions')).toEqual([1, 5]);
		expect(cn('iv', 'serious_ae', 'clients')).toEqual([1, 2]);
		// Wilson 2/5 (binom.wilson): 0.1176, 0.7693
		const w = r('iv', 'hypertensive_post', 'sessions');
		expect(w.rate).toBeCloseTo(0.4, 12);
		expect(w.ci_low).toBeCloseTo(0.1176, 4);
		expect(w.ci_high).toBeCloseTo(0.7693, 4);
		expect(w.definition).toBe('safety.bp.post-180-110@1');
	});

	it('mean systolic rise with a t CI; median and IQR of minutes to ready', async () => {
		const { rows } = await safetyMeans(db);
		// IV rises 20, 43, 32, 20, 17: mean 26.4, SD √(477.2 / 4) = 10.92245; t(0.975, 4) = 2.776445
		const iv = rows.find((r) => r.group === 'iv' && r.key === 'sbp_rise')!;
		expect(iv.n).toBe(5);
		expect(iv.mean).toBeCloseTo(26.4, 10);
		expect(iv.sd).toBeCloseTo(10.92245, 4);
		expect(iv.ci_low).toBeCloseTo(26.4 - (2.776445 * 10.92245) / Math.sqrt(5), 3);
		const m = (await minutesToReady(db)).rows.find((r) => r.group === 'iv')!;
		// 45, 50, 60, 70, 90 → median 60, Q1 50, Q3 70
		expect([m.n, m.median, m.q1, m.q3]).toEqual([5, 60, 50, 70]);
	});

	it('filters like the overview: site B only', async () => {
		const { counts } = await safetyRates(db, { filters: { site: ['B'] } });
		expect(counts.map((c) => [c.group, c.sessions, c.clients])).toEqual([
			['sublingual', 3, 2],
			['(all)', 3, 2]
		]);
	});

	it('dissociation by session: IV session 1 mean (20 + 30) / 2 = 25, session 3 n = 1', async () => {
		const { rows } = await dissociationBySession(db);
		const at = (g: string, s: number) => rows.find((r) => r.instrument === 'cadss' && r.group === g && r.session === s)!;
		expect([at('iv', 1).n, at('iv', 1).mean]).toEqual([2, 25]);
		expect([at('iv', 2).n, at('iv', 2).mean]).toEqual([2, 18]);
		expect([at('iv', 3).n, at('iv', 3).mean]).toEqual([1, 10]);
		expect([at('(all)', 1).n, at('(all)', 1).mean]).toEqual([3, 58 / 3]);
	});

	it('MEQ-30 against % change of BDI-II: Spearman ρ = −0.2108 (R), Fisher-z CI with SE 1.06/√(n−3)', async () => {
		const { rows } = await experienceVsChange(db);
		const meq = rows.find((r) => r.instrument === 'meq30')!;
		expect(meq.outcome).toBe('bdi2');
		expect(meq.n).toBe(4);
		expect(meq.rho).toBeCloseTo(-0.2108185, 6);
		// atanh(−0.2108185) = −0.2140278; ± 1.959964 × 1.06 / √1 = 2.077562 → tanh(−2.291590) = −0.979762, tanh(1.863534) = 0.953004
		expect(meq.ci_low).toBeCloseTo(-0.979762, 5);
		expect(meq.ci_high).toBeCloseTo(0.953004, 5);
		// CADSS at the first session (20, 30, 8) against −60, −20, −20: three pairs; ρ of ranks (2,3,1) vs (1, 2.5, 2.5)
		const cadss = rows.find((r) => r.instrument === 'cadss')!;
		expect(cadss.n).toBe(3);
		expect(cadss.rho).toBeCloseTo(0, 10);
	});
});

describe('safety_sessions: what a session record lacks comes from its client-series scores', () => {
	// Hand-made: c9's scores say route im, 75 mg, site C, age 40–49; its first record names neither
	// route nor dose, its second names iv and 120 mg. c10 has records but no scores.
	const row = (client_id: string, route: string | null, dose_mg: number | null, site: string | null, age_band: string | null) =>
		({ client_id, series: 1, route, instrument: 'bdi2', phase: 'baseline', session: 0, week: null, score: 20, prorated: false, site, age_band, dose_mg }) as unknown as CanonicalRow;
	const records = [
		{ client_id: 'c9', series: 1, route: null, session: 1, dose_mg: null, sbp_peak: 150 },
		{ client_id: 'c9', series: 1, route: 'iv', session: 2, dose_mg: 120, sbp_peak: 160 },
		{ client_id: 'c10', series: 1, route: 'sublingual', session: 1, dose_mg: 300, sbp_peak: 140 }
	] as unknown as SessionRow[];

	it('route and dose fall back to the scores, the dose band follows the dose, the attributes are the scores\'', async () => {
		const db = await openNodeEngine();
		await db.insertArrowIPC('fb', toArrowIPC({ rows: [row('c9', 'im', 75, 'C', '40-49')], extraColumns: [] }), true);
		await loadSessions(db, 'fb__sessions', records);
		await createDatasetViews(db, 'fb', 'fb__sessions');
		expect(await db.query(sql`SELECT client_id, session, route, dose_mg, dose_band, site, age_band FROM safety_sessions ORDER BY client_id DESC, session`)).toEqual([
			{ client_id: 'c9', session: 1, route: 'im', dose_mg: 75, dose_band: '50–99 mg', site: 'C', age_band: '40-49' },
			{ client_id: 'c9', session: 2, route: 'iv', dose_mg: 120, dose_band: '100–199 mg', site: 'C', age_band: '40-49' },
			{ client_id: 'c10', session: 1, route: 'sublingual', dose_mg: 300, dose_band: '200–399 mg', site: null, age_band: null }
		]);
		// the band, then the attributes, last; the work column `dose` is not shown
		const cols = (await db.query<{ column_name: string }>(sql`DESCRIBE safety_sessions`)).map((r) => r.column_name);
		expect(cols.slice(-5)).toEqual(['dose_band', 'site', 'age_band', 'sex', 'diagnosis']);
		expect(cols).not.toContain('dose');
	});
});
