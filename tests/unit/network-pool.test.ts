/**
 * A clinic network: the demo cohort split by site, each site's bundle built with nothing withheld,
 * pooled — must equal `report` on the whole file, number for number (counts exactly; derived
 * figures to 1e-9 relative, since sums are taken in another order).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './close';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importFile, loadRows } from '../../src/lib/import/index';
import { buildReport, type Report } from '../../src/lib/metrics/report';
import { buildBundle } from '../../src/lib/network/bundle';
import { poolBundles, quantileCont, type PooledReport } from '../../src/lib/network/pool';
import { parseBundle, type Bundle } from '../../src/lib/network/schema';

const ROOT = path.resolve(__dirname, '../..');
let conn: NodeConnector;
let whole: Report;
let bundles: Bundle[];
let pooled: PooledReport;


const key = (r: Record<string, unknown>, fields: string[]) => JSON.stringify(fields.map((f) => r[f] ?? null));
function sameRows(a: object[], b: object[], fields: string[], compare: string[], where: string) {
	const m = new Map(b.map((r) => [key(r as Record<string, unknown>, fields), r as Record<string, unknown>]));
	expect(b.length, `${where}: rows`).toBe(a.length);
	for (const r of a as Record<string, unknown>[]) {
		const o = m.get(key(r, fields));
		expect(o, `${where}: ${key(r, fields)} pooled`).toBeDefined();
		for (const f of compare) expectClose(r[f], o![f], `${where} ${key(r, fields)}.${f}`);
	}
}

beforeAll(async () => {
	conn = await openNodeEngine();
	const bytes = new Uint8Array(await readFile(path.join(ROOT, 'data/demo-cohort.csv')));
	await loadRows(conn, 'scores', await importFile(bytes, 'demo-cohort.csv'));
	whole = (await buildReport(conn, { groupBy: "route" })) as Report;
	const sites = (await conn.query<{ site: string }>(sql`SELECT DISTINCT site FROM scores ORDER BY 1`)).map((r) => r.site);
	expect(sites.length).toBeGreaterThan(1);
	bundles = [];
	for (const site of sites) {
		const t = `site_${bundles.length}`;
		await conn.exec(sql`CREATE TABLE ${ident(t)} AS SELECT * FROM scores WHERE site = ${site}`);
		bundles.push(await buildBundle(conn, { site, table: t, minCell: 0, created: '2026-12-01' }));
	}
	pooled = poolBundles(bundles);
}, 300_000);

describe('site bundles of the demo cohort split by site pool back to the whole-file report', () => {
	it('response and remission', () => {
		sameRows(whole.response, pooled.response, ['instrument', 'group'], ['count', 'n', 'rate', 'ci_low', 'ci_high', 'definition'], 'response');
		sameRows(whole.remission, pooled.remission, ['instrument', 'group'], ['count', 'n', 'rate', 'ci_low', 'ci_high', 'definition'], 'remission');
		expect(pooled.meta.incomplete).toEqual([]);
	});
	it('trajectories: n, mean, SD, CI, median, quartiles, min, max from summed histograms', () => {
		sameRows(whole.trajectories, pooled.trajectories, ['instrument', 'group', 'phase', 'session', 'week'], ['n', 'mean', 'sd', 'ci_low', 'ci_high', 'median', 'q1', 'q3', 'min', 'max', 'method'], 'trajectories');
	});
	it('Kaplan–Meier per route and the log-rank test from summed life tables', () => {
		sameRows(whole.survival, pooled.survival, ['instrument', 'group'], ['n', 'events', 'median_weeks', 'median_low', 'median_high', 'points'], 'survival');
		sameRows(whole.log_rank, pooled.log_rank, ['instrument'], ['groups', 'chi2', 'df', 'p', 'observed', 'expected'], 'log_rank');
	});
	it('attrition stages', () => {
		const a = whole.attrition.map((r) => ({ ...r, session: r.phase === 'completed' ? null : r.session }));
		const b = pooled.attrition.map((r) => ({ ...r, session: r.phase === 'completed' ? null : r.session }));
		sameRows(a, b, ['instrument', 'group', 'phase', 'session', 'week'], ['clients', 'with_baseline', 'share'], 'attrition');
	});
	it('bundles hold no client id, pass their own validation, and a tampered bundle is refused', () => {
		const text = JSON.stringify(bundles[0]);
		expect(text).not.toMatch(/C\d{5}/);
		expect('bundle' in parseBundle(text)).toBe(true);
		const t = JSON.parse(text);
		t.cells[0].series.responders = t.cells[0].series.response_n + 5;
		expect(parseBundle(JSON.stringify(t))).toEqual({ error: expect.stringMatching(/inconsistent/) });
		expect(parseBundle('{"format":"kap-outcomes/site-bundle","version":99}')).toEqual({ error: expect.stringMatching(/version 99/) });
		expect(parseBundle('not json')).toEqual({ error: 'bundle is not JSON' });
		const wrong = JSON.parse(text);
		wrong.cells[0].histograms[0].bins[0][1] = -1;
		expect(parseBundle(JSON.stringify(wrong))).toEqual({ error: expect.stringMatching(/malformed at cells\.0\.histograms\.0\.bins\.0\.1/) });
	});
});

describe('quantileCont over a histogram (DuckDB quantile_cont, hand-computed)', () => {
	it('interpolates at (n − 1)·p', () => {
		// values 1,1,2,4,4,4 (n 6): median at h = 2.5 → 2 + 0.5·(4 − 2) = 3; q1 at 1.25 → 1 + 0.25·1 = 1.25; q3 at 3.75 → 4
		const h: [number, number][] = [[1, 2], [2, 1], [4, 3]];
		expect(quantileCont(h, 6, 0.5)).toBe(3);
		expect(quantileCont(h, 6, 0.25)).toBe(1.25);
		expect(quantileCont(h, 6, 0.75)).toBe(4);
	});
});
