import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, generateClients, generateCohort, type CanonicalDemoRow, type DemoClient } from '../../src/lib/demo/generate';
import { DEMO_CSV_HEADER, demoCsvLine } from '../../src/lib/demo/csv';
import { createSummary, type CohortSummary } from '../../src/lib/demo/summary';
import { FOLLOWUP_WEEKS } from '../../src/lib/demo/trajectories';
import { INSTRUMENTS, MAX_ITEMS } from '../../src/lib/instruments/definitions';
import { totalFromItems } from '../../src/lib/instruments/scoring';
import { CANONICAL_COLUMNS, ROUTES, ScoreRowSchema } from '../../src/lib/model/schema';

const items = (r: CanonicalDemoRow) => Array.from({ length: MAX_ITEMS }, (_, i) => r[`item_${i + 1}`]);
const hashRows = (rows: Iterable<CanonicalDemoRow>) => {
	const h = createHash('sha256');
	for (const r of rows) h.update(demoCsvLine(r) + '\n');
	return h.digest('hex');
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

let clients: DemoClient[];
let rows: CanonicalDemoRow[];
let summary: CohortSummary;
beforeAll(() => {
	clients = [...generateClients(DEMO_DEFAULTS)];
	rows = clients.flatMap((c) => c.rows);
	const s = createSummary();
	clients.forEach((c) => s.add(c));
	summary = s.result();
});

describe('determinism and streaming', () => {
	it('same seed gives identical rows; another seed does not', () => {
		expect(hashRows(generateCohort(DEMO_DEFAULTS))).toBe(hashRows(rows));
		expect(hashRows(generateCohort({ ...DEMO_DEFAULTS, seed: DEMO_DEFAULTS.seed + 1 }))).not.toBe(hashRows(rows));
	});

	it('a smaller cohort is a prefix of a larger one (per-client streams)', () => {
		const small = [...generateCohort({ ...DEMO_DEFAULTS, clients: 200 })];
		expect(small).toEqual(rows.slice(0, small.length));
		expect(rows[small.length].client_id).toBe('C00201');
	});

	it('streams lazily: the first rows of a huge cohort come at once', () => {
		const it = generateCohort({ clients: 10_000_000, seed: 1 });
		const first: CanonicalDemoRow[] = [];
		for (const r of it) if (first.push(r) >= 1000) break;
		expect(first).toHaveLength(1000);
	});

	it('honours the sites option', () => {
		const sites = new Set([...generateCohort({ clients: 500, seed: 7, sites: 5 })].map((r) => r.site));
		expect(sites.size).toBe(5);
		expect(new Set(rows.map((r) => r.site))).toEqual(new Set(['north', 'central', 'south']));
	});

	it('generator code uses no Node APIs', () => {
		for (const f of readdirSync('src/lib/demo')) {
			const src = readFileSync(`src/lib/demo/${f}`, 'utf8');
			expect(src, f).not.toMatch(/from ['"](node:|fs|path|crypto)|process\.|require\(/);
		}
	});
});

describe('row contract', () => {
	it('every row passes ScoreRowSchema with a known route and a pseudonymous id', () => {
		for (const r of rows) {
			const parsed = ScoreRowSchema.safeParse(r);
			if (!parsed.success) throw new Error(`${JSON.stringify(r)}: ${parsed.error.message}`);
			if (!(ROUTES as readonly string[]).includes(r.route) || !/^C\d{5,}$/.test(r.client_id)) throw new Error(demoCsvLine(r));
		}
		expect(new Set(rows.map((r) => r.route))).toEqual(new Set(['iv', 'im', 'sublingual', 'intranasal']));
		expect(new Set(rows.map((r) => r.instrument))).toEqual(new Set(['bdi2', 'hama']));
	});

	it('items are in range and sum to the score (or follow the proration rule)', () => {
		// Collect failures instead of one expect per row: 20k+ rows × 40 expects is needlessly slow.
		const bad: string[] = [];
		let prorated = 0;
		for (const r of rows) {
			const def = INSTRUMENTS[r.instrument];
			const v = items(r);
			const t = totalFromItems(r.instrument, v);
			const ok =
				v.slice(def.items).every((x) => x === null) &&
				v.slice(0, def.items).every((x) => x === null || (x >= def.itemMin && x <= def.itemMax)) &&
				r.score >= def.totalMin &&
				r.score <= def.totalMax &&
				t.total === r.score &&
				t.prorated === r.prorated &&
				(!r.prorated || (r.instrument === 'bdi2' && t.missing === 1));
			if (!ok) bad.push(demoCsvLine(r));
			if (r.prorated) prorated++;
		}
		expect(bad.slice(0, 5)).toEqual([]);
		const bdiRows = rows.filter((r) => r.instrument === 'bdi2').length;
		expect(prorated / bdiRows).toBeGreaterThan(0.01);
		expect(prorated / bdiRows).toBeLessThan(0.06);
	});

	it('phase, session and week agree; follow-up weeks are 1, 2, 4, 8 or 12', () => {
		for (const r of rows) {
			if (r.phase === 'baseline') expect([r.session, r.week]).toEqual([0, null]);
			if (r.phase === 'session') expect(r.session! >= 1 && r.week === null).toBe(true);
			if (r.phase === 'followup') {
				expect(r.session).toBeNull();
				expect(FOLLOWUP_WEEKS).toContain(r.week);
			}
		}
	});

	it('attrition is monotone: each series is baseline, sessions 1..k, then a prefix of the follow-up weeks', () => {
		for (const c of clients) {
			const seriesNos = [...new Set(c.rows.map((r) => r.series))];
			expect(seriesNos).toEqual(seriesNos.map((_, i) => i + 1));
			for (const s of seriesNos) {
				const sr = c.rows.filter((r) => r.series === s);
				const key = (r: CanonicalDemoRow) => `${r.phase}:${r.session}:${r.week}`;
				const bdi = sr.filter((r) => r.instrument === 'bdi2');
				const sessions = bdi.filter((r) => r.phase === 'session').map((r) => r.session);
				const weeks = bdi.filter((r) => r.phase === 'followup').map((r) => r.week);
				expect(bdi[0].phase).toBe('baseline');
				expect(bdi.map((r) => r.phase)).toEqual(['baseline', ...sessions.map(() => 'session'), ...weeks.map(() => 'followup')]);
				expect(sessions).toEqual(sessions.map((_, i) => i + 1));
				expect(weeks).toEqual(FOLLOWUP_WEEKS.slice(0, weeks.length));
				if (sessions.length === 0) expect(weeks).toEqual([]);
				expect(sessions.length).toBe(c.series[s - 1].dosed);
				expect(sessions.length).toBeLessThanOrEqual(c.series[s - 1].planned);
				// HAM-A is only rated at visits where the BDI-II was answered.
				const bdiKeys = new Set(bdi.map(key));
				for (const r of sr.filter((r) => r.instrument === 'hama')) expect(bdiKeys.has(key(r))).toBe(true);
				// Route and dose are per series; site, age band, sex and diagnosis per client.
				expect(new Set(sr.map((r) => `${r.route}|${r.dose_mg}`)).size).toBe(1);
			}
			expect(new Set(c.rows.map((r) => `${r.site}|${r.age_band}|${r.sex}|${r.diagnosis}`)).size).toBe(1);
		}
	});

	it('CSV header is the canonical column list and each line carries the row in that order', () => {
		expect(DEMO_CSV_HEADER).toBe(CANONICAL_COLUMNS.join(','));
		for (const r of rows.slice(0, 300)) {
			const fields = demoCsvLine(r).split(',');
			expect(fields).toHaveLength(CANONICAL_COLUMNS.length);
			CANONICAL_COLUMNS.forEach((c, i) => {
				const v = (r as Record<string, unknown>)[c];
				expect(fields[i], c).toBe(v === null ? '' : String(v));
			});
		}
	});

	it('data/demo-cohort.csv is the default cohort (regenerate with npm run demo-data)', () => {
		if (!existsSync('data/demo-cohort.csv')) return;
		const expected = DEMO_CSV_HEADER + '\n' + rows.map((r) => demoCsvLine(r) + '\n').join('');
		expect(readFileSync('data/demo-cohort.csv', 'utf8') === expected).toBe(true);
	});
});

describe('plausibility (ranges, not exact values)', () => {
	const baselines = (instrument: 'bdi2' | 'hama') => rows.filter((r) => r.series === 1 && r.phase === 'baseline' && r.instrument === instrument).map((r) => r.score);
	const route = (r: string) => summary.routes.find((x) => x.route === r)!;

	it('baseline severity: BDI-II mean ≈ 30 (SD ≈ 8), HAM-A mean ≈ 22', () => {
		expect(mean(baselines('bdi2'))).toBeGreaterThan(27);
		expect(mean(baselines('bdi2'))).toBeLessThan(33);
		expect(sd(baselines('bdi2'))).toBeGreaterThan(6);
		expect(sd(baselines('bdi2'))).toBeLessThan(10.5);
		expect(mean(baselines('hama'))).toBeGreaterThan(19);
		expect(mean(baselines('hama'))).toBeLessThan(25);
	});

	it('IV: response among completers 40–80 %, ~20 % stop after infusion 1, about half complete 6', () => {
		const iv = route('iv');
		expect(iv.pctResponseCompleters!).toBeGreaterThan(40);
		expect(iv.pctResponseCompleters!).toBeLessThan(80);
		expect(iv.pctStopAfterFirst!).toBeGreaterThan(12);
		expect(iv.pctStopAfterFirst!).toBeLessThan(28);
		expect(iv.pctCompleted!).toBeGreaterThan(35);
		expect(iv.pctCompleted!).toBeLessThan(70);
	});

	it('routes differ plausibly: IV ends lowest, sublingual highest', () => {
		expect(route('iv').meanEnd!).toBeLessThan(route('sublingual').meanEnd!);
		expect(route('iv').pctResponse!).toBeGreaterThan(route('sublingual').pctResponse!);
		for (const r of summary.routes) expect(r.clients).toBeGreaterThan(50);
	});

	it('most are lost by week 12 (retention < 35 %), but not all', () => {
		for (const r of summary.routes) {
			expect(r.week12 / r.clients).toBeLessThan(0.35);
			expect(r.week12 / r.clients).toBeGreaterThan(0.05);
		}
	});

	it('some responders relapse during follow-up; 10–15 % get a booster series', () => {
		let responders = 0;
		let relapsed = 0;
		for (const c of clients) {
			const bdi = c.rows.filter((r) => r.series === 1 && r.instrument === 'bdi2');
			const base = bdi[0].score;
			const end = bdi.filter((r) => r.phase === 'session').at(-1);
			const late = bdi.filter((r) => r.phase === 'followup' && r.week! >= 8).at(-1);
			if (!end || !late || end.score > base / 2) continue;
			responders++;
			if (late.score > base / 2) relapsed++;
		}
		expect(relapsed / responders).toBeGreaterThan(0.1);
		expect(relapsed / responders).toBeLessThan(0.6);
		expect(summary.pctBooster).toBeGreaterThan(9);
		expect(summary.pctBooster).toBeLessThan(17);
		expect(Math.max(...clients.map((c) => c.series.length))).toBeLessThanOrEqual(3);
	});

	it('demographics and doses are plausible', () => {
		const sex = (s: string) => clients.filter((c) => c.profile.sex === s).length / clients.length;
		expect(sex('female')).toBeGreaterThan(0.53);
		expect(sex('female')).toBeLessThan(0.63);
		expect(sex('other')).toBeLessThan(0.05);
		const doses = (r: string) => new Set(rows.filter((x) => x.route === r).map((x) => x.dose_mg));
		for (const d of doses('iv')) expect(d >= 20 && d <= 110).toBe(true);
		for (const d of doses('im')) expect(d >= 50 && d <= 100).toBe(true);
		for (const d of doses('sublingual')) expect(d >= 100 && d <= 300).toBe(true);
		for (const d of doses('intranasal')) expect([28, 56, 84]).toContain(d);
	});
});
