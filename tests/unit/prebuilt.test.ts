import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { computePrebuilt } from '../../src/routes/prebuilt-compute';
import { decodePrebuilt, encodePrebuilt, OVERVIEW_ORDER, overviewMetrics } from '../../src/routes/overview-metrics';
import { ACTIVE_KEY } from '../../src/lib/data/active-choice';
import { DEMO_ID } from '../../src/lib/data/demo';

describe("the demo's first view computed at build time", () => {
	it('survives its text encoding exactly (∞ and all; the page data of `/`) and equals the live computation of the same view', async () => {
		const read = (f: string) => new Uint8Array(readFileSync(`data/${f}`));
		const csv = { scores: read('demo-cohort.csv'), acute: read('demo-acute.csv'), sessions: read('demo-sessions.csv') };
		const built = decodePrebuilt(encodePrebuilt(await computePrebuilt(new CachingConnector(await openNodeEngine()), csv, ['a', 'b', 'c'])));
		expect(built.instruments.length).toBeGreaterThan(0);
		expect(built.instruments).toContain(built.instrument);
		// "live": another engine, the demo loaded as the page loads it, the page's loaders' calls in the page's order
		const live = new CachingConnector(await openNodeEngine());
		await computePrebuilt(live, csv, ['a', 'b', 'c']); // same table + view
		const m = overviewMetrics(live, {}, built.instrument);
		for (const k of OVERVIEW_ORDER) {
			const r = await m[k]();
			expect(built.results[k].rows, k).toEqual(r.rows);
			expect(built.results[k].rows.length, k).toBeGreaterThan(0);
		}
	}, 300_000); // two engines and the whole overview, twice

	it('non-finite numbers round-trip through the text', () => {
		const p = { demoAssets: ['a'], instruments: [], instrument: 'x', results: { counts: { rows: [{ hi: Infinity, lo: -Infinity, x: NaN, y: 1.5 }], sql: '' } } };
		const back = decodePrebuilt(encodePrebuilt(p as never)) as unknown as typeof p;
		expect(back.results.counts.rows[0]).toEqual({ hi: Infinity, lo: -Infinity, x: NaN, y: 1.5 });
	});

	it("app.html's head script (it hides `/`'s built figures from a view they are not) reads the key and demo id the app writes", () => {
		const html = readFileSync('src/app.html', 'utf8');
		const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
		expect(script).toContain(`localStorage.getItem('${ACTIVE_KEY}')`);
		expect(script).toContain(`a!=='${DEMO_ID}'`);
		expect(script).toContain("setAttribute('data-not-prebuilt'");
	});
});
