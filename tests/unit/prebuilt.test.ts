import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { computePrebuilt } from '../../src/routes/prebuilt-compute';
import { decodePrebuilt, encodePrebuilt, OVERVIEW_ORDER, overviewMetrics } from '../../src/routes/overview-metrics';
import { PREBUILT_ELEMENT_ID, withPrebuiltBlock } from '../../src/routes/prebuilt-inline';

describe("the demo's first view computed at build time", () => {
	it('survives its JSON file exactly (∞ and all) and equals the live computation of the same view', async () => {
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

	it('non-finite numbers round-trip through the file', () => {
		const p = { demoAssets: ['a'], instruments: [], instrument: 'x', results: { counts: { rows: [{ hi: Infinity, lo: -Infinity, x: NaN, y: 1.5 }], sql: '' } } };
		const back = decodePrebuilt(encodePrebuilt(p as never)) as unknown as typeof p;
		expect(back.results.counts.rows[0]).toEqual({ hi: Infinity, lo: -Infinity, x: NaN, y: 1.5 });
	});

	it('goes into the prerendered page as a data block that no SQL text can end early, once however often the build runs', () => {
		const hostile = 'SELECT 1 WHERE a < b -- </script><script>alert(1)</script> <!-- x';
		const p = { demoAssets: ['a'], instruments: [], instrument: 'x', results: { counts: { rows: [{ n: 1, hi: Infinity }], sql: hostile } } };
		const page = '<!doctype html><html><head><meta charset="utf-8">\n</head><body></body></html>';
		const once = withPrebuiltBlock(page, encodePrebuilt(p as never));
		const twice = withPrebuiltBlock(once, encodePrebuilt(p as never));
		expect(twice).toBe(once);
		// what the browser's parser sees as the block's text: up to the first `</script`
		const open = `<script type="application/json" id="${PREBUILT_ELEMENT_ID}">`;
		const text = once.slice(once.indexOf(open) + open.length, once.indexOf('</script'));
		expect(text).not.toContain('<');
		expect(once.indexOf('</script>')).toBeLessThan(once.indexOf('</head>'));
		expect(decodePrebuilt(text)).toEqual(p);
		expect(() => withPrebuiltBlock('<html><body></body></html>', '{}')).toThrow(/head/);
	});
});
