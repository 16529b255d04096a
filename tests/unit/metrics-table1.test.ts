import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { cohortTable1, POPULATION } from '../../src/lib/metrics/table1';
import { compareCohorts } from '../../src/lib/metrics/compare';
import { CachingConnector } from '../../src/lib/data/cached';
import { loadCanonical, type Canon } from './metrics-fixtures';

// Six clients, hand-made so every count below can be checked by eye.
const who = {
	c1: { route: 'iv', age_band: '25-34', sex: 'female', diagnosis: 'MDD' },
	c2: { route: 'iv', age_band: '35-44', sex: 'male', diagnosis: 'MDD' },
	c3: { route: 'iv', age_band: '25-34', sex: 'female', diagnosis: 'PTSD' },
	c4: { route: 'sublingual', age_band: '25-34', sex: null, diagnosis: 'MDD' },
	c5: { route: 'sublingual', age_band: '45-54', sex: 'female', diagnosis: 'GAD' },
	c6: { route: 'sublingual', age_band: '35-44', sex: 'male', diagnosis: 'MDD' }
} as const;
type Id = keyof typeof who;
const s = (id: Id, series: number, scores: (number | null)[], instrument = 'bdi2'): Canon[] =>
	scores.map((score, i) => ({
		client_id: id,
		series,
		instrument,
		phase: i === 0 ? 'baseline' : 'session',
		session: i,
		score,
		...who[id]
	}));
const rows: Canon[] = [
	...s('c1', 1, [30, 20, 10]),
	...s('c1', 1, [25, 12], 'hama'), // another instrument: must not count
	...s('c2', 1, [18]), // baseline only: in Table 1, not analysed
	...s('c3', 1, [22, 15]),
	...s('c3', 2, [25, 12]), // a booster series is its own unit
	...s('c4', 1, [10, 8]),
	...s('c5', 1, [null, 12]), // no baseline: not in Table 1
	...s('c6', 1, [40, 35])
];

describe('cohortTable1 (hand-computed)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadCanonical(db, rows, [], 'scores', ['site', 'age_band', 'sex', 'diagnosis']);
	});
	const A = { label: 'IV', filters: { route: ['iv'] } };
	const B = { label: 'SL', filters: { route: ['sublingual'] } };
	const pick = (r: { variable: string; level: string; cohort: string; n: number }[], v: string, c: string) =>
		Object.fromEntries(r.filter((x) => x.variable === v && x.cohort === c).map((x) => [x.level, x.n]));

	it('counts client-series with a baseline by attribute, severity band and population row', async () => {
		const t = await cohortTable1(db, { a: A, b: B, instrument: 'bdi2' });
		expect(pick(t.rows, 'n', 'IV')).toEqual({ [POPULATION.clients]: 3, [POPULATION.series]: 4, [POPULATION.analysed]: 3 });
		expect(pick(t.rows, 'n', 'SL')).toEqual({ [POPULATION.clients]: 2, [POPULATION.series]: 2, [POPULATION.analysed]: 2 });
		expect(pick(t.rows, 'route', 'IV')).toEqual({ iv: 4 });
		expect(pick(t.rows, 'age_band', 'IV')).toEqual({ '25-34': 3, '35-44': 1 });
		expect(pick(t.rows, 'sex', 'SL')).toEqual({ '(missing)': 1, male: 1 });
		expect(pick(t.rows, 'diagnosis', 'IV')).toEqual({ MDD: 2, PTSD: 2 });
		expect(pick(t.rows, 'severity', 'IV')).toEqual({ 'mild (14–19)': 1, 'moderate (20–28)': 2, 'severe (29–63)': 1 });
		expect(pick(t.rows, 'severity', 'SL')).toEqual({ 'minimal (0–13)': 1, 'severe (29–63)': 1 });
		// severity bands in their defined order, after every other variable
		const sev = t.rows.filter((r) => r.variable === 'severity' && r.cohort === 'IV').map((r) => r.level);
		expect(sev).toEqual(['mild (14–19)', 'moderate (20–28)', 'severe (29–63)']);
		expect(t.rows[t.rows.length - 1].variable).toBe('severity');
		expect(t.rows.find((r) => r.variable === 'diagnosis' && r.level === 'PTSD')).toMatchObject({ total: 4, pct: 0.5 });
		// baselines 30, 18, 22, 25 and 10, 40
		const [iv, sl] = t.baseline;
		expect(iv).toMatchObject({ cohort: 'IV', n: 4, median: 23.5 });
		expect(iv.mean).toBeCloseTo(23.75, 12);
		expect(iv.sd).toBeCloseTo(Math.sqrt(76.75 / 3), 12);
		expect(sl.mean).toBeCloseTo(25, 12);
		expect(sl.sd).toBeCloseTo(Math.sqrt(450), 12);
		expect(t.sql.text).toContain('UNION ALL');
	});

	it('the chosen band set decides the severity rows (HAM-A: c1’s baseline 25)', async () => {
		// Matza 2010 (default): 24–56 severe; CamCOPS / MDCalc: 25–30 moderate–severe.
		const byDefault = await cohortTable1(db, { a: A, b: B, instrument: 'hama' });
		expect(pick(byDefault.rows, 'severity', 'IV')).toEqual({ 'severe (24–56)': 1 });
		const chosen = await cohortTable1(db, { a: A, b: B, instrument: 'hama', bandSet: 'hama-17-24-30' });
		expect(pick(chosen.rows, 'severity', 'IV')).toEqual({ 'moderate–severe (25–30)': 1 });
	});

	it('overlapping cohorts count a client in both; totals match compareCohorts', async () => {
		const a = { label: 'MDD', filters: { diagnosis: ['MDD'] } };
		const b = { label: 'women', filters: { sex: ['female'] } };
		const t = await cohortTable1(db, { a, b, instrument: 'bdi2' });
		expect(pick(t.rows, 'n', 'MDD')).toEqual({ [POPULATION.clients]: 4, [POPULATION.series]: 4, [POPULATION.analysed]: 3 });
		expect(pick(t.rows, 'n', 'women')).toEqual({ [POPULATION.clients]: 2, [POPULATION.series]: 3, [POPULATION.analysed]: 3 });
		const c = await compareCohorts(db, { a, b, instrument: 'bdi2', model: false });
		expect(c.change.map((x) => x.n)).toEqual([3, 3]);
		expect(c.lmm).toBeNull();
		expect(c.lmmSlope).toBeNull();
		expect(c.methods).not.toContain('mixed model');
	});

	it("through the app's caching connector (the attributes gathered once into a table): the same rows", async () => {
		const app = new CachingConnector(db);
		for (const [a, b] of [[A, B], [{ label: 'MDD', filters: { diagnosis: ['MDD'] } }, { label: 'women', filters: { sex: ['female'] } }]]) {
			const [plain, shared] = [await cohortTable1(db, { a, b, instrument: 'bdi2' }), await cohortTable1(app, { a, b, instrument: 'bdi2' })];
			expect(shared.derived?.length).toBe(2);
			expect([shared.rows, shared.baseline]).toEqual([plain.rows, plain.baseline]);
		}
	});

	it('the same labels are refused', async () => {
		await expect(cohortTable1(db, { a: A, b: { ...B, label: 'IV' }, instrument: 'bdi2' })).rejects.toThrow('different labels');
	});
});
