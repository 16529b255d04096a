/**
 * `tsx scripts/prebuild-demo.ts [build dir]` — run by `npm run build` after Vite: computes the
 * overview's default view of the demo cohort in Node, with the same duckdb-wasm build, the same
 * result cache and the same metric calls the page uses (src/routes/overview-metrics.ts), from the
 * demo CSV the build ships, and writes `<build>/prebuilt/demo-overview.json` and the same JSON into
 * the prerendered `<build>/index.html` (src/routes/prebuilt-inline.ts). A first visit paints
 * these figures while the in-browser engine starts, then swaps in the live ones (identical:
 * tests/unit/prebuilt.test.ts and tests/e2e/prebuilt.spec.ts).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openNodeEngine } from '../src/lib/engine/node';
import { CachingConnector } from '../src/lib/data/cached';
import { computePrebuilt } from '../src/routes/prebuilt-compute';
import { encodePrebuilt } from '../src/routes/overview-metrics';
import { withPrebuiltBlock } from '../src/routes/prebuilt-inline';

const out = resolve(process.argv[2] ?? process.env.KAP_BUILD_DIR ?? 'build');
const assets = join(out, '_app', 'immutable', 'assets');
const names = readdirSync(assets);
const demoAssets = ['demo-cohort', 'demo-acute', 'demo-sessions'].map((base) => {
	const f = names.find((n) => n.startsWith(`${base}.`) && n.endsWith('.csv'));
	if (!f) throw new Error(`no ${base}.*.csv in ${assets}: run vite build first`);
	return f;
});
const read = (f: string) => new Uint8Array(readFileSync(join(assets, f)));
const t0 = performance.now();
const conn = new CachingConnector(await openNodeEngine());
const prebuilt = await computePrebuilt(conn, { scores: read(demoAssets[0]), acute: read(demoAssets[1]), sessions: read(demoAssets[2]) }, demoAssets);
mkdirSync(join(out, 'prebuilt'), { recursive: true });
const text = encodePrebuilt(prebuilt);
writeFileSync(join(out, 'prebuilt', 'demo-overview.json'), text);
// and into the prerendered `/`, where a first visit reads it without a request (src/routes/prebuilt.ts)
const index = join(out, 'index.html');
writeFileSync(index, withPrebuiltBlock(readFileSync(index, 'utf8'), text));
console.log(`prebuild-demo: ${demoAssets.join(', ')} → prebuilt/demo-overview.json (${(text.length / 1024).toFixed(0)} KB) in ${Math.round(performance.now() - t0)} ms`);
process.exit(0);
