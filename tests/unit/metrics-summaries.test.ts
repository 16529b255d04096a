/**
 * Issue 11's "done when": the summary path (tables built once per dataset, summaries.ts) gives the
 * same numbers as the score-row path for every metric it answers, on the demo cohort, the
 * reference datasets through their shipped mappings, and random datasets (fast-check), under
 * several filter, grouping and settings states. Equality is exact (`toEqual`), SDs included: both
 * paths take the SD from exact integer sums.
 *
 * Also: the summaries fall back to the rows, and say why, where they cannot answer exactly.
 */
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';

import { attrition } from '../../src/lib/metrics/attrition';
import { completionLinks, seriesCompletion } from '../../src/lib/metrics/completion';
import { cohortCounts } from '../../src/lib/metrics/counts';
import { durability, survival } from '../../src/lib/metrics/durability';
import { remission, reliableChange, response } from '../../src/lib/metrics/rates';
import { clientSummary, type MetricOptions } from '../../src/lib/metrics/source';
import { flow } from '../../src/lib/metrics/flow';
import { trajectories } from '../../src/lib/metrics/trajectories';
import { buildSummaries, useSummaries, type Summaries } from '../../src/lib/metrics/summaries';
import { mixedModels } from '../../src/lib/metrics/models';
import { mmrmModels } from '../../src/lib/metrics/mmrm';
import { COHORT, cohortRelation, compareCohorts, type Cohort } from '../../src/lib/metrics/compare';
import { cohortTable1 } from '../../src/lib/metrics/table1';
import { subgroupAnalysis } from '../../src/lib/metrics/subgroups';
import { CachingConnector } from '../../src/lib/data/cached';
import type { Connector } from '../../src/lib/engine/connector';
import { loadCanonical, loadRefdata, type Canon, loadDemoTable } from './metrics-fixtures';

const METRICS = { cohortCounts, response, remission, reliableChange, trajectories, durability, survival, attrition, seriesCompletion, completionLinks, clientSummary, flow, mixedModels, mmrmModels } as const;

/** Build the summaries of `scores`' table and let metrics use them. */
async function summarise(db: NodeConnector, table = 'scores'): Promise<Summaries> {
	const s = await buildSummaries(db, table);
	useSummaries(db, 'scores', s);
	return s;
}

/**
 * The app's connector over `db` with `s` registered: there the cube is summed over each view's filter
 * and group columns into a table kept with the data (summary-read.ts cubeRollupSql), which the
 * trajectories and durability read instead of the cube.
 */
function cachedWith(db: NodeConnector, s: Summaries): CachingConnector {
	const cached = new CachingConnector(db);
	useSummaries(cached, 'scores', s);
	return cached;
}

/** Every metric under `opts`, once from the summaries and once from the rows: the same rows. */
async function expectSamePaths(db: Connector, opts: MetricOptions, label: string) {
	for (const [name, metric] of Object.entries(METRICS)) {
		const fast = await metric(db, opts);
		const rows = await metric(db, { ...opts, source: 'rows' });
		expect(fast.path, `${label} ${name}`).toEqual({ source: 'summaries' });
		expect(rows.path?.source, `${label} ${name}`).toBe('rows');
		if (name === 'clientSummary') {
			// The summaries' rows also carry each series' cell and mean dose (the subgroup card reads its
			// attributes per cell; its numbers are compared from both paths in expectSameComparison).
			const own = fast.rows as Awaited<ReturnType<typeof clientSummary>>['rows'];
			expect(own.every((r) => Number.isInteger(r.series_cell) && (r.series_dose === null || typeof r.series_dose === 'number')), `${label} ${name}`).toBe(true);
			expect(own.map(({ series_cell: _c, series_dose: _d, ...r }) => r), `${label} ${name}`).toEqual(rows.rows);
		} else expect(fast.rows, `${label} ${name}`).toEqual(rows.rows);
		if (name === 'survival') expect((fast as Awaited<ReturnType<typeof survival>>).logRank).toEqual((rows as Awaited<ReturnType<typeof survival>>).logRank);
	}
}

/** A result without the statements that made it (they differ between the paths; the numbers may not). */
function numbers(x: unknown): unknown {
	if (Array.isArray(x)) return x.map(numbers);
	if (x === null || typeof x !== 'object') return x;
	return Object.fromEntries(Object.entries(x).filter(([k]) => !['sql', 'also', 'derived', 'path', 'methods'].includes(k)).map(([k, v]) => [k, numbers(v)]));
}

/** Every card of /compare for cohorts `a` and `b`, as the page asks for them (research.svelte.ts). */
async function comparePage(conn: Connector, a: Cohort, b: Cohort, instrument: string, settings: MetricOptions['settings'] = {}) {
	const cohorts = async () => ({ relation: await cohortRelation(conn, 'scores', a, b), groupBy: COHORT, instruments: [instrument], settings });
	return {
		comparison: await compareCohorts(conn, { a, b, instrument, settings }),
		table1: await cohortTable1(conn, { a, b, instrument, settings }),
		trajectories: await trajectories(conn, await cohorts()),
		durability: await durability(conn, await cohorts()),
		flow: await flow(conn, await cohorts()),
		subgroups: await subgroupAnalysis(conn, { a, b, instrument, settings }),
		mmrm: await mmrmModels(conn, { ...(await cohorts()), reference: b.label, groupLabel: 'cohort' })
	};
}

/**
 * /compare from the summaries (each cohort's cells) and from the score rows, plain and through the
 * app's caching connector (which shares the client-series and the observations as tables): the same numbers.
 */
async function expectSameComparison(db: Connector, s: Summaries, a: Cohort, b: Cohort, instrument: string, settings: MetricOptions['settings'] = {}) {
	const label = `${a.label} vs ${b.label}, ${instrument}, ${JSON.stringify(settings)}`;
	const fast = new CachingConnector(db);
	useSummaries(fast, 'scores', s);
	const fromSummaries = await comparePage(fast, a, b, instrument, settings);
	expect(fromSummaries.trajectories.path, label).toEqual({ source: 'summaries' });
	expect(fromSummaries.mmrm.path, label).toEqual({ source: 'summaries' });
	const expected = numbers(await comparePage(new CachingConnector(db), a, b, instrument, settings));
	expect(numbers(fromSummaries), label).toEqual(expected);
	useSummaries(db, 'scores', null);
	expect(numbers(await comparePage(db, a, b, instrument, settings)), label).toEqual(expected);
	useSummaries(db, 'scores', s);
	expect(numbers(await comparePage(db, a, b, instrument, settings)), label).toEqual(expected);
	return fromSummaries;
}

describe('demo cohort: summaries = rows', () => {
	let db: NodeConnector;
	let s: Summaries;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadDemoTable(db);
		s = await summarise(db, 'demo');
	}, 120_000);

	it('builds tables much smaller than the score rows', () => {
		expect(s.problem).toBeNull();
		expect(s.attributes).toEqual(expect.arrayContaining(['series', 'route', 'site', 'age_band', 'sex', 'diagnosis']));
		expect(s.rows.scores).toBe(22_725);
		expect(s.rows.cs).toBeLessThan(s.rows.scores / 5);
		expect(s.rows.cells).toBeLessThan(s.rows.cs);
	});

	const states: [string, MetricOptions][] = [
		['everything', {}],
		['by route', { groupBy: 'route' }],
		['north, by route', { filters: { site: ['north'] }, groupBy: 'route' }],
		['two routes, first series, by sex', { filters: { route: ['iv', 'im'], series: 'first' }, groupBy: 'sex' }],
		['boosters, one instrument', { filters: { series: 'boosters' }, instruments: ['bdi2'] }],
		['planned end, by route', { groupBy: 'route', settings: { end: 'planned' } }],
		['set planned sessions, stricter remission, LOCF', { groupBy: 'route', settings: { plannedSessions: { bdi2: 4, phq9: 5 }, remission: { bdi2: { op: '<', threshold: 10 } }, locf: true, end: 'planned' } }],
		['LOCF by diagnosis, point rule, fixed SD', { groupBy: 'diagnosis', settings: { locf: true, pointRule: true, sd: { bdi2: 8 } } }],
		['follow-up week 4 end point, BDI-II response ≥ 6 points, by route', { groupBy: 'route', settings: { end: 'week4', responsePoints: { bdi2: 6 } } }],
		['planned end, PHQ-9 response ≥ 5 points, by site', { groupBy: 'site', settings: { end: 'planned', responsePoints: { phq9: 5 } } }]
	];
	for (const [label, opts] of states) it(label, () => expectSamePaths(db, opts, label), 120_000);

	// The mixed model's per-series sums from the client-series' lists (model-sums.ts summarySeriesSql)
	// under the options the states above leave at their defaults: dosing-session scores only, the
	// baseline and a cell attribute as covariates, a filter, REML and a random intercept.
	const modelOptions: [string, Parameters<typeof mixedModels>[1]][] = [
		['post-baseline, baseline and sex covariates, REML, intercept, by route', { groupBy: 'route', scores: 'post', covariates: ['baseline', 'sex'], method: 'REML', random: 'intercept' }],
		['every score, diagnosis covariate, north only, by sex', { groupBy: 'sex', filters: { site: ['north'] }, covariates: ['diagnosis'] }]
	];
	for (const [label, opts] of modelOptions)
		it(`mixed model, ${label}`, async () => {
			const fast = await mixedModels(db, opts);
			const rows = await mixedModels(db, { ...opts, source: 'rows' });
			expect(fast.path).toEqual({ source: 'summaries' });
			expect(rows.path?.source).toBe('rows');
			expect(fast.rows.every((r) => r.error === undefined && r.fixed.length > 2)).toBe(true);
			expect(fast.rows).toEqual(rows.rows);
		}, 120_000);

	const iv: Cohort = { label: 'iv', filters: { route: ['iv'] } };
	const comparisons: [Cohort, Cohort, string, MetricOptions['settings']][] = [
		[iv, { label: 'sublingual', filters: { route: ['sublingual'] } }, 'bdi2', {}],
		[{ label: 'north first series', filters: { site: ['north'], series: 'first' } }, iv, 'hama', { end: 'planned', locf: true }],
		[{ label: 'female', filters: { sex: ['female'] } }, { label: 'boosters', filters: { series: 'boosters' } }, 'bdi2', { plannedSessions: { bdi2: 4 }, end: 'planned' }]
	];
	for (const [a, b, instrument, settings] of comparisons)
		it(`/compare ${a.label} vs ${b.label}`, async () => {
			const page = await expectSameComparison(db, s, a, b, instrument, settings);
			expect(page.comparison.lmm?.error).toBeUndefined();
			expect(page.comparison.change.every((c) => c.n > 0)).toBe(true);
			expect(page.table1.rows.length && page.subgroups.rows.length && page.mmrm.rows.length && page.durability.rows.length).toBeGreaterThan(0);
		}, 120_000);
	it('every state again through the caching connector (the cube summed over the view\'s columns)', async () => {
		const cached = cachedWith(db, s);
		for (const [label, opts] of states) await expectSamePaths(cached, opts, `${label} (cached)`);
		// and twice over the same columns, the second reading the kept table
		await expectSamePaths(cached, { filters: { site: ['south'] }, groupBy: 'route' }, 'south, by route (cached)');
		// the rates and the responders' follow-up were summed from counts per cell (summary-cellwise.ts),
		// except under the planned end (its fallback depends on the grouping)
		const perCell = (r: { derived?: { holds: string }[] }) => !!r.derived?.some((d) => d.holds.includes('per cell'));
		expect(perCell(await response(cached, { groupBy: 'route' }))).toBe(true);
		expect(perCell(await survival(cached, { filters: { site: ['south'] }, groupBy: 'route' }))).toBe(true);
		expect(perCell(await durability(cached, { groupBy: 'route' }))).toBe(true);
		expect(perCell(await response(cached, { groupBy: 'route', settings: { end: 'planned' } }))).toBe(false);
		// under the default definitions the counts per cell, and the cube by route, are the tables built
		// with the summaries (summary-defaults.ts); other definitions build their own
		const reads = (r: { sql: { text: string }; also?: { text: string }[] }, table: string) => [r.sql, ...(r.also ?? [])].some((q) => q.text.includes(`"${table}"`));
		expect(reads(await response(cached, { filters: { site: ['south'] }, groupBy: 'route' }), s.rates)).toBe(true);
		expect(reads(await durability(cached, { groupBy: 'route' }), s.followup)).toBe(true);
		expect(reads(await trajectories(cached, { groupBy: 'route' }), s.rollup)).toBe(true);
		expect(reads(await flow(cached, { filters: { series: 'first' }, instruments: ['bdi2'] }), s.flow)).toBe(true);
		expect(reads(await flow(cached, { groupBy: 'route', settings: { end: 'planned' } }), s.flow)).toBe(false);
		expect(reads(await response(cached, { groupBy: 'route', settings: { locf: true, responsePoints: { bdi2: 6 } } }), s.rates)).toBe(false);
	}, 240_000);
});

describe('reference datasets through their mappings: summaries = rows', () => {
	for (const [name, group] of [['riesby', 'endog'], ['btheb', 'treatment'], ['claus2020', 'treatment']] as const)
		it(`${name}, whole and by ${group}`, async () => {
			const db = await openNodeEngine();
			await loadRefdata(db, name);
			const s = await summarise(db);
			expect(s.problem).toBeNull();
			await expectSamePaths(db, {}, name);
			await expectSamePaths(db, { groupBy: group }, `${name} by ${group}`);
			await expectSamePaths(db, { groupBy: group, settings: { end: 'planned', locf: true } }, `${name} planned`);
			const levels = await db.query<{ v: string; instrument: string }>(sql`SELECT DISTINCT CAST(${ident(group)} AS VARCHAR) AS v, min(instrument) OVER () AS instrument FROM scores ORDER BY v`);
			const [a, b] = levels.slice(0, 2).map((l) => ({ label: l.v, filters: { [group]: [l.v] } }));
			await expectSameComparison(db, s, a, b, levels[0].instrument);
		}, 120_000);
});

describe('random datasets: summaries = rows (property)', () => {
	const score = fc.integer({ min: 0, max: 27 });
	const series = fc.record({
		route: fc.constantFrom('iv', 'im', 'oral'),
		site: fc.constantFrom('north', 'south', null),
		plan: fc.constantFrom(3, 4, null),
		baseline: fc.option(score, { nil: null }),
		sessions: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), score), { maxLength: 5 }),
		followups: fc.array(fc.tuple(fc.constantFrom(2, 4, 8, 12), score), { maxLength: 3 })
	});
	const client = fc.array(fc.tuple(fc.constantFrom('bdi2', 'phq9'), series), { minLength: 1, maxLength: 3 });
	const dataset = fc.array(client, { minLength: 1, maxLength: 30 });

	type Series = typeof series extends fc.Arbitrary<infer T> ? T : never;
	function rowsOf(clients: [string, Series][][]): Canon[] {
		const out: Canon[] = [];
		clients.forEach((list, ci) =>
			list.forEach(([instrument, s], si) => {
				const common = { client_id: `c${ci}`, series: si + 1, route: s.route, instrument, site: s.site, planned_sessions: s.plan };
				if (s.baseline !== null) out.push({ ...common, phase: 'baseline', session: 0, score: s.baseline });
				for (const [session, v] of new Map(s.sessions)) out.push({ ...common, phase: 'session', session, score: v });
				for (const [week, v] of new Map(s.followups)) out.push({ ...common, phase: 'followup', session: null, week, score: v });
			})
		);
		return out;
	}

	it('every metric, several states', async () => {
		const db = await openNodeEngine();
		await fc.assert(
			fc.asyncProperty(dataset, async (clients) => {
				const rows = rowsOf(clients);
				if (!rows.length) return;
				await loadCanonical(db, rows, [], 'scores', ['site', 'planned_sessions']);
				const s = await summarise(db);
				expect(s.problem).toBeNull();
				const cached = cachedWith(db, s);
				for (const opts of [{}, { groupBy: 'route' }, { filters: { site: ['north', '(missing)'] }, groupBy: 'site' }, { groupBy: 'route', settings: { end: 'planned' as const, locf: true, plannedSessions: { bdi2: 3 } } }]) {
					await expectSamePaths(db, opts, JSON.stringify(opts));
					await expectSamePaths(cached, opts, `${JSON.stringify(opts)} (cached)`);
				}
				await expectSameComparison(db, s, { label: 'iv', filters: { route: ['iv'] } }, { label: 'im', filters: { route: ['im'] } }, 'bdi2');
				await expectSameComparison(db, s, { label: 'north', filters: { site: ['north'] } }, { label: 'oral', filters: { route: ['oral'] } }, 'phq9', { end: 'planned', plannedSessions: { phq9: 3 } });
			}),
			{ seed: 20261201, numRuns: 12, endOnFailure: true }
		);
	}, 600_000);
});

describe('the summaries step aside where they cannot be exact', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});
	const base: Canon[] = [
		{ client_id: 'a', instrument: 'bdi2', phase: 'baseline', session: 0, score: 30, site: 'north' },
		{ client_id: 'a', instrument: 'bdi2', phase: 'session', session: 1, score: 12, site: 'north' },
		{ client_id: 'b', instrument: 'bdi2', phase: 'baseline', session: 0, score: 20, site: 'south' },
		{ client_id: 'b', instrument: 'bdi2', phase: 'session', session: 1, score: 18, site: 'south' }
	];

	it('non-integer scores: every metric reads the rows and says why', async () => {
		await loadCanonical(db, [...base, { client_id: 'c', instrument: 'bdi2', phase: 'baseline', session: 0, score: 21.5 }], [], 'scores', ['site']);
		await summarise(db);
		const r = await response(db, {});
		expect(r.path).toEqual({ source: 'rows', reason: expect.stringMatching(/not whole numbers/) });
	});

	it('an attribute that varies within a series: filtering or grouping by it reads the rows; others still use the summaries', async () => {
		await loadCanonical(db, [...base, { client_id: 'b', instrument: 'bdi2', phase: 'session', session: 2, score: 9, site: 'north' }], [], 'scores', ['site']);
		const s = await summarise(db);
		expect(s.varying).toEqual(['site']);
		expect((await response(db, { groupBy: 'site' })).path).toEqual({ source: 'rows', reason: '"site" varies within a client-series' });
		expect((await response(db, { filters: { site: ['north'] } })).path?.source).toBe('rows');
		expect((await response(db, { groupBy: 'route' })).path).toEqual({ source: 'summaries' });
		const fast = await trajectories(db, {});
		expect(fast.rows).toEqual((await trajectories(db, { source: 'rows' })).rows);
	});

	it('two scores at one timepoint: the rows', async () => {
		await loadCanonical(db, [...base, { client_id: 'a', instrument: 'bdi2', phase: 'session', session: 1, score: 14, site: 'north' }], [], 'scores', ['site']);
		await summarise(db);
		expect((await attrition(db, {})).path).toEqual({ source: 'rows', reason: expect.stringMatching(/more than one score/) });
	});

	it('a table other than the registered one reads the rows', async () => {
		await loadCanonical(db, base, [], 'scores', ['site']);
		await loadCanonical(db, base, [], 'other', ['site']);
		await summarise(db);
		expect((await response(db, { table: 'other' })).path).toEqual({ source: 'rows' });
		expect((await response(db, {})).path).toEqual({ source: 'summaries' });
	});
});

describe('cohort counts summed per cell: clients and client-series over several cells', () => {
	it('a client in two cells counts once; a client-series whose instruments lie in two cells counts once', async () => {
		const db = await openNodeEngine();
		const row = (client_id: string, series: number, instrument: string, site: string, score: number): Canon => ({ client_id, series, instrument, site, phase: 'baseline', session: 0, score });
		// a: series 1 in the north on both questionnaires, series 2 in the south (two cells);
		// b: series 1 with the BDI-II in the north and the PHQ-9 in the south (one series, two cells); c: one cell.
		await loadCanonical(db, [row('a', 1, 'bdi2', 'north', 20), row('a', 1, 'phq9', 'north', 12), row('a', 2, 'bdi2', 'south', 22), row('b', 1, 'bdi2', 'north', 25), row('b', 1, 'phq9', 'south', 14), row('c', 1, 'phq9', 'south', 9)], [], 'scores', ['site']);
		const s = await summarise(db);
		expect(s.problem).toBeNull();
		const cached = cachedWith(db, s);
		// by hand: everything: 3 clients, pairs a1 a2 b1 c1 = 4 series (3 first, 1 booster); bdi2: a, b (a1 a2 b1); phq9: a, b, c (a1 b1 c1)
		const everything = await cohortCounts(cached, {});
		expect(everything.sql.text).toContain(s.clients);
		expect(everything.rows).toEqual([
			{ instrument: '(all)', clients: 3, series: 4, first_series: 3, booster_series: 1 },
			{ instrument: 'bdi2', clients: 2, series: 3, first_series: 2, booster_series: 1 },
			{ instrument: 'phq9', clients: 3, series: 3, first_series: 3, booster_series: 0 }
		]);
		// the north: a1 (bdi2, phq9), b1 (bdi2 only) -> 2 clients, 2 series
		expect((await cohortCounts(cached, { filters: { site: ['north'] } })).rows).toEqual([
			{ instrument: '(all)', clients: 2, series: 2, first_series: 2, booster_series: 0 },
			{ instrument: 'bdi2', clients: 2, series: 2, first_series: 2, booster_series: 0 },
			{ instrument: 'phq9', clients: 1, series: 1, first_series: 1, booster_series: 0 }
		]);
		for (const opts of [{}, { filters: { site: ['north'] } }, { filters: { site: ['south'] } }, { filters: { site: ['south'], series: 'boosters' } }] as MetricOptions[])
			expect((await cohortCounts(cached, opts)).rows).toEqual((await cohortCounts(db, { ...opts, source: 'rows' })).rows);
	});

	it('clients (and client-series) in the same set of cells are counted together: each once when any of its cells is kept', async () => {
		const db = await openNodeEngine();
		const row = (client_id: string, series: number, instrument: string, site: string, score: number): Canon => ({ client_id, series, instrument, site, phase: 'baseline', session: 0, score });
		// a and d: series 1 in the north, series 2 in the south (one set of two cells); e: series 1 in the
		// north, series 2 in the east; b and f: series 1 with the BDI-II in the north and the PHQ-9 in the
		// south (client-series in one set of two cells).
		const spread = (id: string, second: string) => [row(id, 1, 'bdi2', 'north', 20), row(id, 2, 'bdi2', second, 21)];
		const split = (id: string) => [row(id, 1, 'bdi2', 'north', 25), row(id, 1, 'phq9', 'south', 14)];
		await loadCanonical(db, [...spread('a', 'south'), ...spread('d', 'south'), ...spread('e', 'east'), ...split('b'), ...split('f')], [], 'scores', ['site']);
		const s = await summarise(db);
		expect(s.problem).toBeNull();
		const cached = cachedWith(db, s);
		const counts = async (site: string[]) => (await cohortCounts(cached, { filters: { site } })).rows;
		// by hand: the north keeps every client; (all) series a1 d1 e1 b1 f1; bdi2 series a1 d1 e1 b1 f1; phq9: none
		expect(await counts(['north'])).toEqual([
			{ instrument: '(all)', clients: 5, series: 5, first_series: 5, booster_series: 0 },
			{ instrument: 'bdi2', clients: 5, series: 5, first_series: 5, booster_series: 0 }
		]);
		// the south: a, d (a2 d2 boosters) and b, f (b1 f1, their PHQ-9); bdi2: a, d (a2 d2); phq9: b, f
		expect(await counts(['south'])).toEqual([
			{ instrument: '(all)', clients: 4, series: 4, first_series: 2, booster_series: 2 },
			{ instrument: 'bdi2', clients: 2, series: 2, first_series: 0, booster_series: 2 },
			{ instrument: 'phq9', clients: 2, series: 2, first_series: 2, booster_series: 0 }
		]);
		// the east and the south: e (e2) with a, d, b, f; every client once
		expect((await counts(['east', 'south']))[0]).toEqual({ instrument: '(all)', clients: 5, series: 5, first_series: 2, booster_series: 3 });
		for (const site of [['north'], ['south'], ['east'], ['east', 'south'], ['north', 'east', 'south']])
			expect(await counts(site)).toEqual((await cohortCounts(db, { filters: { site }, source: 'rows' })).rows);
	});
});
