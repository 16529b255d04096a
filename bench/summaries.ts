/**
 * `tsx bench/summaries.ts FILE.csv [--reps 5]` — a filter interaction on the overview (its metric
 * set, as src/routes/overview.svelte.ts loads it) read from the score rows and from the summaries
 * built once per dataset (src/lib/metrics/summaries.ts), on the browser's engine build
 * (duckdb-wasm's Node bindings, one thread). Prints the summary build time and, per filter state,
 * the median of `reps` interactions each way. A development measurement; `npm run bench` is the
 * measurement of record (it runs the app in a browser).
 */
import { openNodeEngine } from '../src/lib/engine/node';
import { loadCanonicalCsvFile } from './native';
import { CachingConnector } from '../src/lib/data/cached';
import { buildSummaries, useSummaries } from '../src/lib/metrics/summaries';
import { attrition } from '../src/lib/metrics/attrition';
import { cohortCounts } from '../src/lib/metrics/counts';
import { durability, survival } from '../src/lib/metrics/durability';
import { remission, response } from '../src/lib/metrics/rates';
import { trajectories } from '../src/lib/metrics/trajectories';
import type { Filters } from '../src/lib/metrics/filters';

const STATES: [string, Filters][] = [
	['site = north', { site: ['north'] }],
	['route iv + im', { route: ['iv', 'im'] }],
	['sex female, first series', { sex: ['female'], series: 'first' }],
	['no filter', {}]
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
	const file = process.argv[2];
	const reps = process.argv.includes('--reps') ? Number(process.argv[process.argv.indexOf('--reps') + 1]) : 5;
	const engine = await openNodeEngine();
	const loadMs = await loadCanonicalCsvFile(engine, file, 'ds'); // also points the view scores at ds
	console.log(`${file}: loaded in ${Math.round(loadMs)} ms (wasm, Node)`);
	const t0 = performance.now();
	const s = await buildSummaries(engine, 'ds');
	console.log(`summaries built in ${Math.round(performance.now() - t0)} ms: ${JSON.stringify(s.rows)}${s.problem ? ` — not usable: ${s.problem}` : ''}`);

	/** The overview's refresh on a fresh app connector (empty cache), as the browser runs it. */
	async function interaction(filters: Filters, useThem: boolean): Promise<number> {
		const conn = new CachingConnector(engine);
		useSummaries(conn, 'scores', useThem ? s : null);
		const byRoute = { filters, groupBy: 'route' };
		const one = { ...byRoute, instruments: ['bdi2'] };
		const t = performance.now();
		const km = survival(conn, one);
		const results = await Promise.all([
			cohortCounts(conn, { filters }),
			response(conn, byRoute),
			remission(conn, byRoute),
			trajectories(conn, byRoute),
			durability(conn, one),
			km,
			attrition(conn, byRoute)
		]);
		const ms = performance.now() - t;
		const paths = new Set(results.map((r) => r.path?.source));
		if (paths.size !== 1 || [...paths][0] !== (useThem ? 'summaries' : 'rows')) throw new Error(`unexpected paths ${[...paths]}`);
		conn.clear();
		return ms;
	}

	console.log(`\nfilter interaction (overview metric set), median of ${reps}, ms:`);
	console.log('state'.padEnd(28), 'rows'.padStart(8), 'summaries'.padStart(10));
	for (const [label, filters] of STATES) {
		const raw: number[] = [];
		const fast: number[] = [];
		for (let i = 0; i < reps; i++) {
			raw.push(await interaction(filters, false));
			fast.push(await interaction(filters, true));
		}
		console.log(label.padEnd(28), Math.round(median(raw)).toString().padStart(8), Math.round(median(fast)).toString().padStart(10));
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
