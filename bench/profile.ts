/**
 * `tsx bench/profile.ts FILE.csv [--instrument bdi2] [--native]` — per-query profile of the
 * overview's refresh outside the browser: the same metric calls as src/routes/overview.svelte.ts,
 * on the browser's engine build (duckdb-wasm's Node bindings, one thread) or native DuckDB, each
 * SQL text timed. A development aid for finding which query dominates a refresh; `npm run bench`
 * is the measurement of record.
 */
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../src/lib/engine/node';
import type { Connector } from '../src/lib/engine/connector';
import { attrition } from '../src/lib/metrics/attrition';
import { cohortCounts } from '../src/lib/metrics/counts';
import { durability, survival } from '../src/lib/metrics/durability';
import { remission, response } from '../src/lib/metrics/rates';
import { trajectories } from '../src/lib/metrics/trajectories';
import { loadCanonicalCsv, NativeConnector } from './native';
import { Timed } from './timed';


async function main() {
	const file = process.argv[2];
	const native = process.argv.includes('--native');
	const instrument = process.argv.includes('--instrument') ? process.argv[process.argv.indexOf('--instrument') + 1] : 'bdi2';
	const header = readFileSync(file, 'utf8').slice(0, 4096).split('\n')[0].split(',');
	let base: Connector;
	const t0 = performance.now();
	if (native) {
		const n = await NativeConnector.open();
		await loadCanonicalCsv(n, file, 'ds', header);
		base = n;
	} else {
		base = await openNodeEngine();
		await base.registerFile('f.csv', new Uint8Array(readFileSync(file)));
		await loadCanonicalCsv(base, 'f.csv', 'ds', header);
	}
	console.log(`loaded in ${Math.round(performance.now() - t0)} ms (${native ? 'native' : 'wasm'})`);
	for (let rep = 0; rep < 2; rep++) {
		const conn = new Timed(base);
		const byRoute = { filters: {}, groupBy: 'route' };
		const one = { ...byRoute, instruments: [instrument] };
		const t1 = performance.now();
		// Sequential, like the single DuckDB connection in the browser's worker.
		await cohortCounts(conn, { filters: {} });
		await response(conn, byRoute);
		await remission(conn, byRoute);
		await trajectories(conn, byRoute);
		await durability(conn, one);
		await survival(conn, one);
		await attrition(conn, byRoute);
		console.log(`\nrefresh ${rep + 1}: ${Math.round(performance.now() - t1)} ms, ${conn.log.length} queries`);
		for (const q of conn.log) console.log(`  ${Math.round(q.wall).toString().padStart(6)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 110)}`);
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
