/**
 * `tsx bench/compare-profile.ts FILE.csv [--reps 3]` — per-statement profile of /compare's full
 * refresh outside the browser: the metric calls src/routes/compare/+page.svelte and research.svelte.ts
 * make for the default cohorts (the two largest routes, the first outcome instrument), on the
 * browser's engine build (duckdb-wasm's Node bindings, one thread), through the app's caching
 * connector and with the summaries built as the app builds them. Each statement is timed alone
 * (the engine runs one at a time, as the browser's one worker does), in wall and CPU time; what is
 * left of the refresh is JavaScript. A development aid; `npm run bench` is the measurement of record.
 */
import { openNodeEngine } from '../src/lib/engine/node';
import { createDatasetViews } from '../src/lib/metrics/views';
import { loadCanonicalCsvFile } from './native';
import { Timed } from './timed';
import { CachingConnector } from '../src/lib/data/cached';
import { buildSummaries, useSummaries } from '../src/lib/metrics/summaries';
import { filterChoices } from '../src/lib/metrics/options';
import { COHORT, cohortRelation, compareCohorts, type Cohort } from '../src/lib/metrics/compare';
import { cohortTable1 } from '../src/lib/metrics/table1';
import { trajectories } from '../src/lib/metrics/trajectories';
import { flow } from '../src/lib/metrics/flow';
import { subgroupAnalysis } from '../src/lib/metrics/subgroups';
import { mmrmModels } from '../src/lib/metrics/mmrm';
import { compareTolerability } from '../src/lib/metrics/compare-safety';


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
	const file = process.argv[2];
	const reps = process.argv.includes('--reps') ? Number(process.argv[process.argv.indexOf('--reps') + 1]) : 3;
	const engine = await openNodeEngine();
	const loadMs = await loadCanonicalCsvFile(engine, file, 'ds');
	await createDatasetViews(engine, 'ds', null);
	console.log(`${file}: loaded in ${Math.round(loadMs)} ms (wasm, Node)`);
	const t0 = performance.now();
	const summaries = await buildSummaries(engine, 'ds');
	console.log(`summaries built in ${Math.round(performance.now() - t0)} ms${summaries.problem ? ` — not usable: ${summaries.problem}` : ''}`);

	const setup = new CachingConnector(engine);
	useSummaries(setup, 'scores', summaries);
	const routes = ((await filterChoices(setup)).route ?? []).filter((o) => o.clients > 0).sort((x, y) => y.clients - x.clients);
	const a: Cohort = { label: routes[0].value, filters: { route: [routes[0].value] } };
	const b: Cohort = { label: routes[1].value, filters: { route: [routes[1].value] } };
	const instrument = 'bdi2';
	console.log(`cohorts ${a.label} vs ${b.label}, ${instrument}`);

	const totals: { wall: number; cpu: number }[] = [];
	for (let rep = 0; rep < reps; rep++) {
		const timed = new Timed(engine);
		const conn = new CachingConnector(timed);
		useSummaries(conn, 'scores', summaries);
		const opts = { a, b, instrument, timeUnit: 'dosing session', settings: {} };
		const base = async () => ({ relation: await cohortRelation(conn, 'scores', a, b), groupBy: COHORT, instruments: [instrument], settings: {} });
		const c0 = process.cpuUsage();
		const t1 = performance.now();
		// As the page starts them: all at once, the cache sharing identical statements.
		await Promise.all([
			cohortTable1(conn, { ...opts, bandSet: undefined }),
			base().then((o) => trajectories(conn, o)),
			compareCohorts(conn, { ...opts, model: false }),
			compareCohorts(conn, opts),
			base().then((o) => flow(conn, o)),
			subgroupAnalysis(conn, { a, b, instrument, settings: {} }),
			base().then((o) => mmrmModels(conn, { ...o, reference: b.label, groupLabel: 'cohort' })),
			compareTolerability(conn, { a, b })
		]);
		const wall = performance.now() - t1;
		const c = process.cpuUsage(c0);
		const cpu = (c.user + c.system) / 1000;
		totals.push({ wall, cpu });
		const sqlWall = timed.log.reduce((s, q) => s + q.wall, 0);
		const sqlCpu = timed.log.reduce((s, q) => s + q.cpu, 0);
		console.log(`\nrefresh ${rep + 1}: ${Math.round(wall)} ms wall, ${Math.round(cpu)} ms CPU; ${timed.log.length} statements ${Math.round(sqlWall)} ms wall / ${Math.round(sqlCpu)} ms CPU; the rest (JavaScript) ${Math.round(cpu - sqlCpu)} ms CPU`);
		for (const q of [...timed.log].sort((x, y) => y.cpu - x.cpu).slice(0, 25))
			console.log(`  ${Math.round(q.wall).toString().padStart(6)} ms ${Math.round(q.cpu).toString().padStart(6)} cpu  ${q.sql.replace(/\s+/g, ' ').slice(0, 120)}`);
	}
	console.log(`\nmedian of ${reps}: ${Math.round(median(totals.map((t) => t.wall)))} ms wall, ${Math.round(median(totals.map((t) => t.cpu)))} ms CPU`);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
