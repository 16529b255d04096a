/**
 * How much the engine does per filter change on the overview (issue 11: the interaction at 1M rows).
 * With the dataset's summaries every figure of the page comes from a handful of statements: the
 * rates share one, durability reads the trajectories' cube statement and shares its responders'
 * follow-up with the time to loss of response, completion and its privacy links share one, and a new
 * filter state does not describe `scores` again. (The numbers themselves
 * are pinned by metrics-summaries.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CachingConnector } from '../../src/lib/data/cached';
import { openNodeEngine } from '../../src/lib/engine/node';
import type { Statement } from '../../src/lib/engine/sql';
import { buildSummaries, useSummaries } from '../../src/lib/metrics/summaries';
import { figuresDue, OVERVIEW_ORDER, overviewMetrics, type OverviewView } from '../../src/routes/overview-metrics';
import type { Connector } from '../../src/lib/engine/connector';
import type { Filters } from '../../src/lib/metrics/filters';
import { loadDemoTable } from './metrics-fixtures';
import { OverviewData } from '../../src/routes/overview.svelte';

/** The demo cohort in a fresh engine, behind the page's caching connector, its summaries built and in use. */
async function demoWithSummaries(): Promise<CachingConnector> {
	const db = await openNodeEngine();
	await loadDemoTable(db);
	const conn = new CachingConnector(db);
	useSummaries(conn, 'scores', await buildSummaries(conn, 'demo'));
	return conn;
}

describe('statements per filter change on the overview (demo cohort, summaries)', () => {
	let conn: CachingConnector;
	beforeAll(async () => {
		conn = await demoWithSummaries();
	}, 120_000);

	/** Load every figure of the overview as the page does (all at once) and return the statements sent. */
	async function load(filters: Filters, instrument: string): Promise<Statement[]> {
		conn.log = [];
		const m = overviewMetrics(conn, filters, instrument);
		const results = await Promise.all(OVERVIEW_ORDER.map((k) => (m[k] as () => Promise<{ path?: { source: string } }>)()));
		for (const r of results) if (r.path) expect(r.path.source).toBe('summaries');
		return conn.log;
	}

	it('first view: 8 statements for 11 figures, reading the tables built with the summaries; a filter change: 7 (no DESCRIBE), and the cube summed over its new columns', async () => {
		const isKept = (s: Statement) => s.text.startsWith('CREATE OR REPLACE TEMP TABLE "summed_');
		const isRollup = (s: Statement) => isKept(s) && s.text.includes('sum(n)::INTEGER AS n FROM');
		const first = await load({}, 'bdi2');
		expect(first.filter((s) => s.text.startsWith('DESCRIBE'))).toHaveLength(1);
		expect(first).toHaveLength(8);
		// the cube by route (the grouping), the rates' and the responders' follow-up counts per cell
		// (summary-cellwise.ts): built with the summaries for the default definitions (summary-defaults.ts)
		for (const table of ['demo__rollup', 'demo__rates', 'demo__followup']) expect(first.filter((s) => s.text.includes(`"${table}"`)), table).toHaveLength(1);
		conn.forgetResults(); // as a new filter state: nothing cached answers it
		const next = await load({ route: ['iv'], series: 'first' }, 'hama');
		expect(next.filter((s) => s.text.startsWith('DESCRIBE'))).toHaveLength(0);
		expect(next.filter((s) => !isKept(s))).toHaveLength(7);
		expect(next.filter(isRollup)).toHaveLength(1); // by route and series: new columns
		// the rates share one statement, the cube is read once for trajectories and durability, and
		// completion and its privacy links one client-series pattern statement, and durability's
		// responders and the time to loss of response one statement of the responders' follow-up;
		// the rates and the follow-up sum the kept counts per cell (named again in the log, not built again)
		expect(next.filter((s) => !isKept(s) && s.text.includes('response_count'))).toHaveLength(1);
		expect(next.filter((s) => !isKept(s) && s.text.includes('k."part"'))).toHaveLength(1);
		expect(next.filter((s) => isKept(s) && s.text.includes('unnest(fu)'))).toHaveLength(0);
		expect(next.filter((s) => s.text.includes('"demo__followup"'))).toHaveLength(1);
		expect(next.filter((s) => s.text.includes('sum(n) AS n'))).toHaveLength(1);
		// completion's patterns: the demo's series all have a plan, so the build counted every one per cell
		// (`mixed` is empty) and the statement sums the kept patterns alone
		expect(next.filter((s) => s.text.includes('"demo__patterns"'))).toHaveLength(1);
		expect(next.filter((s) => s.text.includes('"demo__mixed"') || s.text.includes('per_series'))).toHaveLength(0);
		// another state over the same columns reads the same summed cube: it is not built again (only
		// named in the log again, so that a replay of the log creates it)
		conn.forgetResults();
		conn.log = [];
		const misses = conn.misses;
		await load({ route: ['im'], series: 'boosters' }, 'hama');
		expect(conn.log.filter(isRollup)).toHaveLength(1);
		expect(conn.log.filter(isKept)).toHaveLength(1);
		expect(conn.misses - misses).toBe(7);
	}, 120_000);
});

describe('the view a filter control would show, worked out ahead of the click (OverviewData.prefetch)', () => {
	let conn: CachingConnector;
	beforeAll(async () => {
		conn = await demoWithSummaries();
	}, 120_000);

	it('after a prefetch the load of that view sends no statement and shows the rows a load alone gives; a prefetch stopped after its first figure leaves the rest to the load; views prefetched one after the other all load from the cache', async () => {
		const f: Filters = { route: ['iv'], site: ['north'] };
		// the figures of a load alone (no prefetch), from an empty cache
		conn.forgetResults();
		const alone = new OverviewData();
		await alone.load(conn, f, 'bdi2');
		conn.forgetResults();
		const data = new OverviewData();
		await data.prefetch(conn, [{ filters: f, instrument: 'bdi2' }]);
		const misses = conn.misses;
		await data.load(conn, f, 'bdi2');
		expect(conn.misses - misses).toBe(0);
		for (const k of OVERVIEW_ORDER) expect(data[k].rows, k).toEqual(alone[k].rows);
		expect(data.counts.rows.length).toBeGreaterThan(0);

		// one statement at a time, and nothing more once stopped (a newer prefetch or a load stops it)
		conn.forgetResults();
		const other = new OverviewData();
		const before = conn.misses;
		const running = other.prefetch(conn, [{ filters: { route: ['im'] }, instrument: 'bdi2' }, { filters: { route: ['iv'] }, instrument: 'bdi2' }]);
		other.stopPrefetch();
		await running;
		expect(conn.misses - before).toBe(1); // the first figure's statement (cohort counts), already sent
		const sent = conn.misses;
		await other.load(conn, { route: ['im'] }, 'bdi2');
		expect(conn.misses - sent).toBe(6); // the page's 7 statements of a filter change, less the prefetched one

		// a select's other choices, one view after the other: each then loads from the cache
		conn.forgetResults();
		const choices = [{ filters: { series: 'first' as const }, instrument: 'bdi2' }, { filters: {}, instrument: 'hama' }];
		await other.prefetch(conn, choices);
		const cached = conn.misses;
		for (const v of choices) await new OverviewData().load(conn, v.filters, v.instrument);
		expect(conn.misses - cached).toBe(0);
	}, 120_000);
});

describe('which figures a new view of the overview recomputes (figuresDue)', () => {
	const conn = {} as Connector;
	const view = (over: Partial<OverviewView> = {}): OverviewView => ({ conn, dataVersion: 1, filters: {}, settings: {}, instrument: 'bdi2', ...over });
	const none = () => false;

	it('the first view asks for every figure; the same view again for none', () => {
		const asked = new Map();
		expect(figuresDue(asked, view(), none)).toEqual(OVERVIEW_ORDER);
		expect(figuresDue(asked, view(), none)).toEqual([]);
	});

	it('a new instrument recomputes only durability, survival, the log-rank test and the flow', () => {
		const asked = new Map();
		figuresDue(asked, view(), none);
		expect(figuresDue(asked, view({ instrument: 'hama' }), none)).toEqual(['durability', 'survival', 'logRank', 'flow']);
		// and back: the instrument's figures are of the other instrument now
		expect(figuresDue(asked, view(), none)).toEqual(['durability', 'survival', 'logRank', 'flow']);
	});

	it('new filters, definitions, data or connector recompute every figure; a failed figure is asked for again', () => {
		const asked = new Map();
		figuresDue(asked, view(), none);
		expect(figuresDue(asked, view({ filters: { route: ['iv'] } }), none)).toEqual(OVERVIEW_ORDER);
		expect(figuresDue(asked, view({ filters: { route: ['iv'] }, settings: { locf: true } }), none)).toEqual(OVERVIEW_ORDER);
		expect(figuresDue(asked, view({ filters: { route: ['iv'] }, settings: { locf: true }, dataVersion: 2 }), none)).toEqual(OVERVIEW_ORDER);
		expect(figuresDue(asked, view({ filters: { route: ['iv'] }, settings: { locf: true }, dataVersion: 2, conn: {} as Connector }), none)).toEqual(OVERVIEW_ORDER);
		expect(figuresDue(asked, view({ filters: { route: ['iv'] }, settings: { locf: true }, dataVersion: 2, conn: asked.get('counts').conn }), (k) => k === 'attrition')).toEqual(['attrition']);
	});
});
