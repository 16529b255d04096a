/**
 * `tsx bench/profile.ts FILE.csv [--instrument bdi2] [--native] [--rows] [--reps 5]` — per-statement
 * profile of the overview's refresh outside the browser: the page's own metric calls
 * (src/routes/overview-metrics.ts, every loader of `/`) through the app's caching connector, so a
 * statement two figures share runs once as on the page, on the browser's engine build (duckdb-wasm's
 * Node bindings, one thread) or native DuckDB. The dataset's summaries are built first and read, as
 * the app does (`--rows`: read the score rows instead). Each refresh starts with an empty result
 * cache; per statement it prints the least wall and CPU time over `reps` refreshes (on a shared
 * machine the least is the steadier figure). A development aid for finding which statement dominates
 * a refresh; `npm run bench` is the measurement of record.
 */
import { openNodeEngine } from '../src/lib/engine/node';
import type { Connector } from '../src/lib/engine/connector';
import { CachingConnector } from '../src/lib/data/cached';
import { buildSummaries, useSummaries } from '../src/lib/metrics/summaries';
import { overviewMetrics, OVERVIEW_ORDER } from '../src/routes/overview-metrics';
import type { StatementsRun } from '../src/lib/metrics/source';
import { csvHeader, loadCanonicalCsv, loadCanonicalCsvFile, NativeConnector } from './native';
import { Timed } from './timed';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);

async function main() {
	const file = process.argv[2];
	const native = process.argv.includes('--native');
	const instrument = arg('--instrument', 'bdi2');
	const reps = Number(arg('--reps', '5'));
	let base: Connector;
	const t0 = performance.now();
	if (native) {
		const n = await NativeConnector.open();
		await loadCanonicalCsv(n, file, 'ds', csvHeader(file));
		base = n;
	} else {
		base = await openNodeEngine();
		await loadCanonicalCsvFile(base, file, 'ds');
	}
	console.log(`loaded in ${Math.round(performance.now() - t0)} ms (${native ? 'native' : 'wasm'})`);
	const summaries = process.argv.includes('--rows') ? null : await buildSummaries(base, 'ds');
	if (summaries) console.log(`summaries built in ${Math.round(summaries.buildMs)} ms: ${JSON.stringify(summaries.rows)}`);
	const best = new Map<string, { wall: number; cpu: number }>();
	/** The figures each statement's result went to (a statement two figures share runs once). */
	const figures = new Map<string, string[]>();
	for (let rep = 0; rep < reps; rep++) {
		const timed = new Timed(base);
		const conn = new CachingConnector(timed);
		useSummaries(conn, 'scores', summaries);
		const m = overviewMetrics(conn, {}, instrument);
		const t1 = performance.now();
		// Requested together, as the page's loaders do; the timing connector runs them one at a time like the browser's worker.
		const results = await Promise.all(OVERVIEW_ORDER.map((k) => (m[k] as () => Promise<StatementsRun>)()));
		results.forEach((r, i) => {
			for (const q of [r.sql, ...(r.also ?? [])].flat()) figures.set(q.text, [...new Set([...(figures.get(q.text) ?? []), OVERVIEW_ORDER[i]])]);
		});
		console.log(`refresh ${rep + 1}: ${Math.round(performance.now() - t1)} ms, ${timed.log.length} statements`);
		for (const q of timed.log) {
			const b = best.get(q.sql);
			best.set(q.sql, { wall: Math.min(b?.wall ?? Infinity, q.wall), cpu: Math.min(b?.cpu ?? Infinity, q.cpu) });
		}
	}
	console.log(`\nleast over ${reps} refreshes, wall / CPU ms:`);
	let wall = 0;
	for (const [text, b] of best) {
		wall += b.wall;
		const label = figures.get(text)?.join(', ') ?? text.replace(/\s+/g, ' ').slice(0, 60);
		console.log(`  ${b.wall.toFixed(1).padStart(7)} ${b.cpu.toFixed(1).padStart(7)}  ${label}`);
	}
	console.log(`  ${wall.toFixed(1).padStart(7)}          sum`);
	if (base instanceof NativeConnector) base.close(); // its directory in /tmp goes with it
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
