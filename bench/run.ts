/**
 * `npm run bench [-- --sizes 100k,1m,5m] [--build]` — the performance benchmark
 * (GitHub issue 6). Not part of `npm test`: it takes minutes and measures, it asserts nothing.
 *
 * 1. Builds the app into `bench/build/` (its own directory, so concurrent builds and e2e runs in
 *    the same checkout cannot race it) when missing or older than `src/` (or with `--build`).
 * 2. Generates the synthetic cohorts into `bench/data/` (git-ignored; reused when present) with
 *    the demo generator: the same rows as canonical CSV and as Arrow IPC (bench/make-data.ts).
 * 3. Serves `bench/build/` with scripts/serve.js (own process group, killed as a group) and
 *    hard-links the data into `bench/build/bench-data/` so the page fetches them from its own origin.
 * 4. Drives headless Chromium (the flags of playwright.config.ts) through the app's `?bench` hook
 *    (src/lib/data/bench.ts) and measures, per size, medians and p95 of: engine start; dataset load
 *    per input format (CSV through the importer worker, Arrow IPC, reload from OPFS); full refresh
 *    of `/` and `/compare` up to the `charts-drawn` mark; 20+ filter interactions (input → last
 *    chart drawn, result cache cleared before each so every one really queries); the longest
 *    main-thread task during interactions; JS heap and DuckDB memory; and the SQL the overview ran,
 *    re-run on native DuckDB (bench/native.ts) for a wasm / native ratio.
 * 5. Prints a table and writes `bench/results.json` (one object per size). A step that cannot run at
 *    a size (a file too large for one tab's wasm memory, a step past its time limit) is recorded with
 *    its reason in `not_run` and shown as "not run"; the run goes on with the steps that can.
 *
 * Repetitions shrink with size to keep the whole run near 10–15 minutes on 2 cores (see REPS).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, linkSync, openSync, readSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import { loadAsBrowser, NativeConnector, replayed, replayList } from './native';
import { interactions, type Kind } from './interact';
import { arrowLoads, csvImports, opfsReloads, type SizeRun } from './loads';
import { CHART_SEEN_INIT, CHROMIUM, CHROMIUM_ARGS, firstChartShown, firstDrawn, log, newContext, open, summariesHow, summariesReady, Tabs } from './page';
import { round, stat, type Stat } from './stat';
import { engineState, limitMs, reasonOf, Steps, tabUnusable, within } from './steps';
import { sql, type Statement } from '../src/lib/engine/sql';
import { serveBuild, stopServer } from './serve-build';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, 'bench', 'data');
/** The bench's own build (see ensureBuild): other engineers' builds and e2e runs share `build/`. */
const BUILD = join(ROOT, 'bench', 'build');
const KIT_OUT = join(ROOT, 'bench', '.svelte-kit');

interface SizeSpec {
	label: string;
	rows: number;
	/** Repetitions: CSV imports, Arrow imports, OPFS reloads, refreshes of / and /compare, interactions, SQL timings. */
	reps: { csv: number; arrow: number; opfs: number; refresh: number; compare: number; interactions: number; sql: number };
}

/**
 * Fewer repetitions at larger sizes keep the run bounded (a refresh of `/` at 5M rows took tens of
 * seconds, so 20+ interactions there alone would take ~10 minutes): 5M runs 10 interactions.
 * The CSV import is measured at 1M and 10M rows (issue 11: "works in one tab" at 10M), not at 5M.
 * Every step has a time limit that grows with the rows (bench/steps.ts, bench/loads.ts).
 */
const REPS: Record<string, SizeSpec> = {
	'100k': { label: '100k', rows: 100_000, reps: { csv: 3, arrow: 3, opfs: 3, refresh: 7, compare: 3, interactions: 21, sql: 3 } },
	'1m': { label: '1M', rows: 1_000_000, reps: { csv: 1, arrow: 3, opfs: 3, refresh: 5, compare: 2, interactions: 21, sql: 2 } },
	'5m': { label: '5M', rows: 5_000_000, reps: { csv: 0, arrow: 1, opfs: 2, refresh: 2, compare: 1, interactions: 10, sql: 1 } },
	'10m': { label: '10M', rows: 10_000_000, reps: { csv: 1, arrow: 1, opfs: 1, refresh: 1, compare: 1, interactions: 6, sql: 1 } }
};


// ---------------------------------------------------------------- build, data, server

function newestMtime(dir: string): number {
	let m = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		m = Math.max(m, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
	}
	return m;
}

function ensureBuild(force: boolean) {
	const index = join(BUILD, 'index.html');
	const stale = !existsSync(index) || newestMtime(join(ROOT, 'src')) > statSync(index).mtimeMs;
	if (!force && !stale) return;
	log(existsSync(index) ? 'src/ changed since the last bench build: building' : 'no bench/build/: building');
	// tsconfig.json extends .svelte-kit/tsconfig.json, which a fresh clone has only after `svelte-kit sync`
	// (the bench's own build writes its Kit files to bench/.svelte-kit, not there).
	if (!existsSync(join(ROOT, '.svelte-kit', 'tsconfig.json')) && spawnSync('npx', ['svelte-kit', 'sync'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('svelte-kit sync failed');
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: ROOT,
		stdio: 'inherit',
		env: { ...process.env, KAP_BUILD_DIR: BUILD, KAP_KIT_OUT_DIR: KIT_OUT }
	});
	if (r.status !== 0) throw new Error('build failed');
	// Precompressed assets, as `npm start` serves them (scripts/compress.js).
	if (spawnSync(process.execPath, ['scripts/compress.js', BUILD], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('compress failed');
}

const dataFiles = (spec: SizeSpec) => ({
	csv: join(DATA, `scores-${spec.label.toLowerCase()}.csv`),
	arrow: join(DATA, `scores-${spec.label.toLowerCase()}.arrow`)
});

/**
 * The sizes' data files: generated when missing (every missing size in one pass of the seeded
 * generator, bench/make-data.ts), then hard-linked into the build so the page fetches them from its
 * own origin (bench/build/bench-data/; the server is a plain file server).
 */
function ensureData(specs: SizeSpec[]): { csv: string; arrow: string }[] {
	const missing = specs.filter((s) => !existsSync(dataFiles(s).csv) || !existsSync(dataFiles(s).arrow));
	if (missing.length) {
		log(`generating ${missing.map((s) => s.label).join(', ')} rows → bench/data/`);
		const list = (k: 'csv' | 'arrow') => missing.map((s) => dataFiles(s)[k]).join(',');
		const r = spawnSync('npx', ['tsx', 'bench/make-data.ts', '--rows', missing.map((s) => s.rows).join(','), '--csv', list('csv'), '--arrow', list('arrow')], { cwd: ROOT, stdio: 'inherit' });
		if (r.status !== 0) throw new Error('data generation failed');
	}
	const served = join(BUILD, 'bench-data');
	mkdirSync(served, { recursive: true });
	return specs.map((spec) => {
		const files = dataFiles(spec);
		for (const f of [files.csv, files.arrow]) {
			const dest = join(served, f.split('/').pop()!);
			rmSync(dest, { force: true });
			try {
				linkSync(f, dest);
			} catch {
				copyFileSync(f, dest);
			}
		}
		return files;
	});
}

function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const s = createServer();
		s.once('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => res(port));
		});
	});
}

// ---------------------------------------------------------------- measurements

/** How long the pointer rests on a control before the click in the rested pass of the interactions. */
const REST_MS = 300;

/** Median, p95 and n of the clicks of each kind (route, site, …). */
const byKind = (clicks: { kind: Kind; ms: number }[]) => Object.fromEntries([...new Set(clicks.map((x) => x.kind))].map((k) => [k, stat(clicks.filter((x) => x.kind === k).map((x) => x.ms))]));

interface SizeResult {
	rows: number;
	label: string;
	engine_start_ms: Stat | null;
	load_ms: Record<string, Stat | null>;
	refresh_ms: { overview: Stat | null; compare: Stat | null };
	interaction_ms: (Stat & { by_kind: Record<string, Stat | null> }) | null;
	/**
	 * The same interaction script run again at once, in the same tab. A page load starts DuckDB's
	 * wasm on V8's baseline compiler and optimises what runs often; the first pass includes that
	 * warm-up, this one shows the clicks once it is done (what a user meets after a few dozen clicks).
	 */
	interaction_again_ms: Stat | null;
	/**
	 * The interaction script once more, the pointer resting on each control for REST_MS before the click
	 * or the choice (the result cache cleared before the rest), as a hand rests before it presses: the
	 * overview works out meanwhile the view a route key or a site box would show, or a select's other
	 * choices (its prefetch). The uncached clicks above stay the figure of record.
	 */
	interaction_rested_ms: (Stat & { rest_ms: number; by_kind: Record<string, Stat | null> }) | null;
	long_task_ms: { max: number; median: number } | null;
	memory_mb: { js_heap: number | null; duckdb: number };
	native_ratio: { ratio: number; wasm_ms: number; native_ms: number; queries: number; native_threads: number } | null;
	/** 1-minute load average before and after this size: other work on the box distorts timings. */
	load_avg: [number, number];
	notes: string[];
	/** Steps that did not run at this size (or failed, or stopped at their time limit), each with the reason. */
	not_run: Record<string, string>;
}

/** Steps that need the size's dataset loaded in the measured tab. */
const DATASET_STEPS = ['opfs_reload', 'refresh_overview', 'interactions', 'native_ratio', 'refresh_compare'];

async function benchSize(browser: Browser, base: string, spec: SizeSpec, files: { csv: string; arrow: string }): Promise<SizeResult> {
	const loadBefore = round(loadavg()[0]);
	const steps = new Steps(log);
	const run: SizeRun = {
		rows: spec.rows,
		label: spec.label,
		base,
		csvUrl: `/bench-data/${files.csv.split('/').pop()}`,
		arrowUrl: `/bench-data/${files.arrow.split('/').pop()}`,
		steps,
		loads: { csv_import: [], csv_import_first_chart: [], arrow_import: [], arrow_insert: [], opfs_reload: [], opfs_reload_page: [], opfs_read: [], summaries_restore: [] },
		engine: [],
		notes: []
	};
	const { notes, engine } = run;
	let rows = spec.rows;
	const overview: number[] = [];
	const compare: number[] = [];
	let overviewSql: Statement[] = [];
	let replayCount = 0;
	let inter: { kind: Kind; ms: number; longTask: number }[] = [];
	let again: number[] = [];
	let rested: typeof inter = [];
	let mem: { jsHeapMb: number | null; duckdbMb: number } = { jsHeapMb: null, duckdbMb: 0 };
	let wasm: number[] = [];
	let native: { ms: number[]; threads: number } = { ms: [], threads: 0 };

	if (spec.reps.csv) await csvImports(browser, run, spec.reps.csv);
	else steps.skip('csv_import', `not part of the ${spec.label} run (issue 11 asks for the CSV import at 1M and 10M rows)`);

	const tabs = await Tabs.start(browser);
	const page = () => tabs.page;
	// A step that left the tab unusable took the kept dataset with it: the steps after it cannot run.
	const failed = async (e: unknown) => {
		const state = await engineState(page());
		if (tabUnusable(e)) await tabs.replace();
		return state;
	};
	const lost = () => !tabs.opened;
	try {
		const started = await steps.run('engine_start', 180_000, () => tabs.ready(base, engine));
		const id = started === null ? null : await arrowLoads(tabs, run, spec.reps.arrow, spec.reps.csv > 0 && steps.ok('csv_import'));
		if (!id) {
			// The cause is named, not copied: its reason is listed under its own step.
			const cause = ['engine_start', 'arrow_import', 'csv_import'].filter((s) => !steps.ok(s)).join(', ') || 'no import step';
			steps.needs(DATASET_STEPS, `the ${spec.label}-row dataset in the tab, which no import loaded (failed: ${cause})`);
			return result();
		}
		if (!(await opfsReloads(tabs, run, id, spec.reps.opfs))) {
			steps.needs(DATASET_STEPS.slice(1), 'the kept dataset, lost with the tab when its reload failed (opfs_reload)');
			return result();
		}
		rows = (await within(page().evaluate(({ id }) => window.__kapBench!.datasets().find((d) => d.id === id)?.rows ?? 0, { id }), 30_000, 'dataset rows').catch(() => 0)) || rows;

		// Full refresh of `/`: cache cleared, every query re-run, up to charts-drawn.
		const refreshLimit = limitMs(spec.rows, 60, 30);
		await firstDrawn(page(), refreshLimit);
		// The dataset's summaries come after its first view; the refreshes and interactions measure the
		// views once they read them, as a user meets an active dataset (issue 11: filters touch the
		// summaries). Until 2026-12-02 12:00 the bench did not wait, and at 5M every view read the rows.
		const summaries = await summariesReady(page(), id, limitMs(spec.rows, 60, 60));
		const summaryNote = summaries ? `summaries ${summariesHow(summaries)}${summaries.failed ? ': the views read the score rows' : ' before the refreshes'}` : `summaries not ready within ${Math.round(limitMs(spec.rows, 60, 60) / 1000)} s: the views read the score rows`;
		log(`  ${summaryNote}`);
		notes.push(summaryNote);
		await steps.run('refresh_overview', refreshLimit * (spec.reps.refresh + 1), async () => {
			for (let i = 0; i < spec.reps.refresh; i++) {
				await page().evaluate(() => window.__kapBench!.clearSqlLog());
				overview.push(await page().evaluate((ms) => window.__kapBench!.refresh(ms), refreshLimit));
				if (i === 0) overviewSql = await page().evaluate(() => window.__kapBench!.sqlLog());
			}
		}, failed);
		log(`  refresh /: ${overview.map(Math.round).join(', ')} ms (${overviewSql.length} queries)`);
		if (lost()) return lostTab('refresh_overview');

		const budget = limitMs(spec.rows, 120, 60);
		const done = await steps.run('interactions', budget + refreshLimit, () => interactions(page(), spec.reps.interactions, refreshLimit, budget), failed);
		if (done) {
			inter = done.done;
			if (done.stopped) notes.push(done.stopped);
			if (!inter.length) steps.skip('interactions', done.stopped ?? 'no filter control on `/` drew charts');
		}
		// A click whose main thread held a task of 50 ms or more shows it in brackets: the longest-task
		// figure is one such task in a pass, and which click it came with is the first clue to its cause.
		const clicks = (done: typeof inter) => done.map((x) => `${x.kind[0]}${Math.round(x.ms)}${x.longTask ? `[${Math.round(x.longTask)}]` : ''}`).join(' ');
		log(`  interactions: ${clicks(inter)}`);
		if (inter.length) {
			const second = await steps.run('interactions_again', budget + refreshLimit, () => interactions(page(), spec.reps.interactions, refreshLimit, budget), failed);
			again = second?.done.map((x) => x.ms) ?? [];
			log(`  interactions again: ${second ? clicks(second.done) : 'failed'}`);
			const third = await steps.run('interactions_rested', budget + refreshLimit, () => interactions(page(), spec.reps.interactions, refreshLimit, budget, REST_MS), failed);
			rested = third?.done ?? [];
			log(`  interactions after a ${REST_MS} ms rest on the control: ${third ? clicks(third.done) : 'failed'}`);
		}
		if (inter.length && !inter.some((x) => x.kind === 'instrument')) notes.push('no instrument control on `/` (it shows every instrument at once): interactions are route, site and series');
		if (lost()) return lostTab('interactions');
		mem = (await within(page().evaluate(() => window.__kapBench!.memory()), 30_000, 'memory').catch(() => null)) ?? mem;

		// Same SQL on both engines: the overview's queries, each run `reps.sql` times uncached. Not a
		// reason to skip /compare when it fails (a statement native DuckDB cannot replay).
		const replay = replayList(overviewSql);
		if (!replay.length) steps.skip('native_ratio', 'no overview SQL was logged (the refresh of / did not run)');
		else
			await steps.run('native_ratio', refreshLimit * (spec.reps.sql + 1) * 2, async () => {
				const reps = spec.reps.sql;
				const w = await page().evaluate(({ s, reps }) => window.__kapBench!.timeSql(s, reps), { s: replay, reps });
				const n = await nativeTimes(files.csv, replay, reps);
				for (let q = 0; q < replay.length; q++) log(`    SQL ${q + 1}: wasm ${Math.round(w[q])} ms, native ${Math.round(n.ms[q])} ms  ${replay[q].text.replace(/\s+/g, ' ').slice(0, 90)}`);
				[wasm, native, replayCount] = [w, n, replay.length];
			}, failed);
		if (lost()) return lostTab('native_ratio');

		// /compare: a fresh page load (the active dataset comes back from OPFS), then refreshes.
		const compareLimit = limitMs(spec.rows, 120, 60);
		await steps.run('refresh_compare', compareLimit * (spec.reps.compare + 2), async () => {
			engine.push(await open(page(), base, '/compare', compareLimit));
			if ((await firstDrawn(page(), compareLimit)) === null) throw new Error(`/compare set no charts-drawn mark within ${Math.round(compareLimit / 1000)} s of loading (page missing, failing, or slower than that)`);
			for (let i = 0; i < spec.reps.compare; i++) compare.push(await page().evaluate((ms) => window.__kapBench!.refresh(ms), compareLimit));
		}, failed);
		if (compare.length) log(`  refresh /compare: ${compare.map(Math.round).join(', ')} ms`);
	} finally {
		await tabs.close();
	}
	return result();

	function lostTab(step: string) {
		const at = DATASET_STEPS.indexOf(step);
		steps.needs(DATASET_STEPS.slice(at + 1), `the kept dataset, lost with the tab when ${step} failed`);
		return result();
	}

	function result(): SizeResult {
		const wasmSum = wasm.reduce((a, b) => a + b, 0);
		const nativeSum = native.ms.reduce((a, b) => a + b, 0);
		const lt = inter.map((x) => x.longTask);
		return {
			rows,
			label: spec.label,
			engine_start_ms: stat(engine),
			load_ms: Object.fromEntries(Object.entries(run.loads).map(([k, v]) => [k, stat(v)])),
			refresh_ms: { overview: stat(overview), compare: stat(compare) },
			interaction_ms: inter.length ? { ...stat(inter.map((x) => x.ms))!, by_kind: byKind(inter) } : null,
			interaction_again_ms: stat(again),
			interaction_rested_ms: rested.length ? { ...stat(rested.map((x) => x.ms))!, rest_ms: REST_MS, by_kind: byKind(rested) } : null,
			long_task_ms: lt.length ? { max: round(Math.max(...lt)), median: stat(lt)!.median } : null,
			memory_mb: { js_heap: mem.jsHeapMb === null ? null : round(mem.jsHeapMb), duckdb: round(mem.duckdbMb) },
			native_ratio: nativeSum > 0 ? { ratio: round(wasmSum / nativeSum), wasm_ms: round(wasmSum), native_ms: round(nativeSum), queries: replayCount, native_threads: native.threads } : null,
			load_avg: [loadBefore, round(loadavg()[0])],
			notes,
			not_run: steps.notRun
		};
	}
}

/** Median ms of each SQL text on native DuckDB over the same rows (the CSV of this size). */
async function nativeTimes(csv: string, statements: Statement[], reps: number): Promise<{ ms: number[]; threads: number }> {
	const conn = await NativeConnector.open();
	try {
		return await replayNative(conn, csv, statements, reps);
	} finally {
		conn.close(); // removes its directory in /tmp (each bench run left one behind)
	}
}

async function replayNative(conn: NativeConnector, csv: string, statements: Statement[], reps: number): Promise<{ ms: number[]; threads: number }> {
	const head = Buffer.alloc(4096);
	const fd = openSync(csv, 'r');
	readSync(fd, head, 0, head.length, 0); // only the header line: a 5M-row file is larger than a JS string may be
	closeSync(fd);
	const header = head.toString('utf8').split('\n')[0].split(',');
	const built = await loadAsBrowser(conn, csv, header, statements);
	if (built.summariesMs !== null) log(`  native: summaries of ${built.table} built in ${Math.round(built.summariesMs)} ms (as the browser's, for the replay)`);
	const [{ t }] = await conn.query<{ t: number }>(sql`SELECT current_setting('threads')::INT AS t`);
	const ms: number[] = [];
	for (const s of statements) {
		const statement = replayed(s);
		const times: number[] = [];
		for (let i = 0; i < reps; i++) {
			const t0 = performance.now();
			await conn.query(statement);
			times.push(performance.now() - t0);
		}
		ms.push(times.sort((a, b) => a - b)[Math.floor(times.length / 2)]);
	}
	return { ms, threads: t };
}

/** First chart of the demo cohort after navigation: cold (new context, empty cache) and warm (reload). */
async function demoFirstChart(browser: Browser, base: string): Promise<{ cold: Stat | null; warm: Stat | null; engine: number[]; js: string[] }> {
	const cold: (number | null)[] = [];
	const warm: (number | null)[] = [];
	const engine: number[] = [];
	const js = new Set<string>();
	for (let i = 0; i < 3; i++) {
		const ctx = await newContext(browser);
		const page = await ctx.newPage();
		page.on('response', (r) => {
			const u = new URL(r.url());
			if (u.pathname.endsWith('.js')) js.add(u.pathname);
		});
		const first = async () => {
			const all = await firstDrawn(page, 60_000); // every chart drawn, then read when the first one was
			return all === null ? null : page.evaluate(() => window.__kapBench!.firstChart());
		};
		engine.push(await open(page, base, '/'));
		cold.push(await first());
		for (let j = 0; j < (i === 0 ? 3 : 0); j++) {
			engine.push(await open(page, base, '/'));
			warm.push(await first());
		}
		await ctx.close();
	}
	return { cold: stat(cold), warm: stat(warm), engine, js: [...js] };
}

/**
 * First chart of the demo as a new user meets it: a fresh browser profile (new user-data-dir: no HTTP
 * cache, no compiled-wasm cache, empty OPFS) against the server `npm start` runs (precompressed
 * assets). Reports when the first chart was on screen (the prebuilt figures, in the HTML of `/`:
 * firstChartShown), the first chart drawn from live results, and every chart live; the longest
 * main-thread task that began before the first chart; plus bytes transferred.
 */
async function demoColdProfile(base: string, reps: number) {
	const first: (number | null)[] = [];
	const firstMark: (number | null)[] = [];
	const live: (number | null)[] = [];
	const all: (number | null)[] = [];
	const transferred: number[] = [];
	const longestTask: (number | null)[] = [];
	for (let i = 0; i < reps; i++) {
		const dir = mkdtempSync(join(tmpdir(), 'kap-bench-profile-'));
		const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
		try {
			await ctx.addInitScript(CHART_SEEN_INIT);
			await ctx.addInitScript(`globalThis.__longTasks = [];
				new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });`);
			const page = ctx.pages()[0] ?? (await ctx.newPage());
			await page.goto(`${base}/`);
			await page.waitForFunction(() => performance.getEntriesByName('charts-drawn', 'mark').length > 0, null, { timeout: 180_000 });
			const shown = await firstChartShown(page);
			const r = await page.evaluate((shownAt) => {
				// No named inner function: tsx would wrap it in a __name() helper the page does not have.
				const marks = performance.getEntriesByName('chart-drawn', 'mark') as PerformanceMark[];
				const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
				const first = marks[0]?.startTime ?? null;
				const tasks = (globalThis as unknown as { __longTasks: [number, number][] }).__longTasks;
				return {
					first,
					longestTask: shownAt === null ? null : Math.max(0, ...tasks.filter(([at]) => at < shownAt).map(([, ms]) => ms)),
					live: marks.find((m) => !(m.detail as { prebuilt?: boolean } | null)?.prebuilt)?.startTime ?? null,
					all: performance.getEntriesByName('charts-drawn', 'mark')[0]?.startTime ?? null,
					bytes: res.reduce((a, e) => a + e.transferSize, 0)
				};
			}, shown.shown);
			first.push(shown.shown);
			firstMark.push(r.first);
			live.push(r.live);
			all.push(r.all);
			transferred.push(r.bytes);
			longestTask.push(r.longestTask);
			log(`  cold profile ${i + 1}/${reps}: first chart on screen ${Math.round(shown.shown ?? NaN)} ms (${shown.shown === shown.fcp ? 'in the HTML: the first contentful paint' : 'drawn by the page'}; its chart-drawn mark ${Math.round(r.first ?? NaN)} ms; longest task before it ${Math.round(r.longestTask ?? NaN)} ms), first live chart ${Math.round(r.live ?? NaN)} ms, all live ${Math.round(r.all ?? NaN)} ms, ${(r.bytes / 1e6).toFixed(1)} MB transferred`);
		} finally {
			await ctx.close();
			rmSync(dir, { recursive: true, force: true });
		}
	}
	return { first: stat(first), first_mark: stat(firstMark), longest_task_before_first: stat(longestTask), first_live: stat(live), all_live: stat(all), transferred_mb: round(Math.max(...transferred) / 1e6) };
}

// ---------------------------------------------------------------- bundle size

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
const brotli = (f: string) => brotliCompressSync(readFileSync(f), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).byteLength;
const isDuckdbRuntime = (f: string) => /duckdb-browser-.*\.worker|duckdb-.*\.wasm/.test(f);

/** Brotli-11 KB of the app's JS: all of it, and what `/` loaded; DuckDB's worker glue separately. */
function bundleSizes(loadedOnOverview: string[]) {
	const all = walk(join(BUILD, '_app', 'immutable')).filter((f) => f.endsWith('.js'));
	const app = all.filter((f) => !isDuckdbRuntime(f));
	const duck = all.filter(isDuckdbRuntime);
	const onOverview = loadedOnOverview.map((p) => join(BUILD, p)).filter((f) => existsSync(f) && !isDuckdbRuntime(f));
	const kb = (fs: string[]) => round(fs.reduce((a, f) => a + brotli(f), 0) / 1024);
	return { app_js_all_kb: kb(app), app_js_overview_kb: kb(onOverview), duckdb_worker_js_kb: kb(duck.filter((f) => /duckdb-browser-eh/.test(f))) };
}

// ---------------------------------------------------------------- main

function fmt(s: Stat | null | undefined, digits = 0) {
	return s ? `${s.median.toFixed(digits)} / ${s.p95.toFixed(digits)}` : '—';
}

async function main() {
	const argv = process.argv.slice(2);
	const sizesArg = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1] : '100k,1m,5m,10m';
	const specs = sizesArg.split(',').map((s) => {
		const spec = REPS[s.trim().toLowerCase()];
		if (!spec) throw new Error(`unknown size ${s} (100k, 1m, 5m, 10m)`);
		return spec;
	});
	const started = Date.now();
	ensureBuild(argv.includes('--build'));
	const files = ensureData(specs);
	const port = await freePort();
	let server: ChildProcess | null = null;
	let browser: Browser | null = null;
	const results: (SizeResult & Record<string, unknown>)[] = [];
	// Ctrl-C / kill: close the browser and the server's process group before exiting.
	for (const sig of ['SIGINT', 'SIGTERM'] as const)
		process.once(sig, () => {
			stopServer(server);
			void browser?.close().finally(() => process.exit(130));
			setTimeout(() => process.exit(130), 3000).unref();
		});
	try {
		server = await serveBuild(BUILD, port);
		const base = `http://127.0.0.1:${port}`;
		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
		const version = browser.version();
		log(`chromium ${version}; server on ${base}`);
		const demo = await demoFirstChart(browser, base);
		log(`demo first chart: cold ${fmt(demo.cold)} ms, warm ${fmt(demo.warm)} ms`);
		const coldProfile = await demoColdProfile(base, 3);
		const bundle = bundleSizes(demo.js);
		log(`bundle (brotli-11): app JS ${bundle.app_js_all_kb} KB in all, ${bundle.app_js_overview_kb} KB loaded on /; DuckDB worker JS ${bundle.duckdb_worker_js_kb} KB`);
		const machine = { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? '', memory_gb: round(totalmem() / 2 ** 30), node: process.version, chromium: version, platform: `${process.platform} ${process.arch}` };
		for (let i = 0; i < specs.length; i++) {
			log(`size ${specs[i].label}`);
			// A size that stops the browser itself is recorded, and the next size gets a new browser.
			if (!browser.isConnected()) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
			const r = await benchSize(browser, base, specs[i], files[i]).catch((e: unknown) => failedSize(specs[i], e));
			results.push({ ...r, import_csv_ms: r.load_ms.csv_import ?? null, import_csv_first_chart_ms: r.load_ms.csv_import_first_chart ?? null, demo_first_chart_ms: { cold: demo.cold, warm: demo.warm, cold_profile: coldProfile }, bundle_brotli_kb: bundle, machine, measured_at: new Date().toISOString() });
			writeResults(results);
		}
	} finally {
		await browser?.close().catch(() => {});
		stopServer(server);
	}
	printTable(results);
	log(`done in ${Math.round((Date.now() - started) / 1000)} s; bench/results.json written`);
}

/** A size whose run stopped outside any step (the browser gone): every step not run, with the reason. */
function failedSize(spec: SizeSpec, e: unknown): SizeResult {
	const reason = `the size's run stopped: ${reasonOf(e)}`;
	log(`  ${reason}`);
	const steps = ['engine_start', 'csv_import', 'arrow_insert', 'arrow_import', 'opfs_reload', 'refresh_overview', 'interactions', 'native_ratio', 'refresh_compare'];
	return {
		rows: spec.rows, label: spec.label, engine_start_ms: null, load_ms: {}, refresh_ms: { overview: null, compare: null }, interaction_ms: null, interaction_again_ms: null, interaction_rested_ms: null, long_task_ms: null,
		memory_mb: { js_heap: null, duckdb: 0 }, native_ratio: null, load_avg: [round(loadavg()[0]), round(loadavg()[0])], notes: [reason], not_run: Object.fromEntries(steps.map((s) => [s, reason]))
	};
}

/**
 * Write bench/results.json: the sizes just measured replace their earlier entries, other sizes'
 * entries stay (so `--sizes 5m` re-measures one size without discarding the others).
 */
function writeResults(results: (SizeResult & Record<string, unknown>)[]) {
	const file = join(ROOT, 'bench', 'results.json');
	let old: (SizeResult & Record<string, unknown>)[] = [];
	try {
		old = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		/* first run */
	}
	const fresh = new Set(results.map((r) => r.label));
	const merged = [...old.filter((r) => !fresh.has(r.label)), ...results].sort((a, b) => a.rows - b.rows);
	// Tab-indented, as the committed file is (a run's diff then shows its figures, not a re-indent).
	writeFileSync(file, JSON.stringify(merged, null, '\t') + '\n');
}

function printTable(results: (SizeResult & Record<string, unknown>)[]) {
	const head = ['rows', 'engine start', 'load CSV', 'load Arrow', 'reload OPFS', 'refresh /', 'refresh /compare', 'interaction', 'longest task', 'JS heap / DuckDB MB', 'wasm/native'];
	// A figure that is missing because its step did not run says so (the reasons are listed below the table).
	const cell = (r: SizeResult, step: string, text: string) => (text === '—' && r.not_run?.[step] ? 'not run' : text);
	const lines = results.map((r) => [
		r.rows.toLocaleString('en-US'),
		cell(r, 'engine_start', fmt(r.engine_start_ms)),
		cell(r, 'csv_import', r.load_ms.csv_import ? `${fmt(r.load_ms.csv_import)} (first chart ${fmt(r.load_ms.csv_import_first_chart)})` : '—'),
		cell(r, 'arrow_import', fmt(r.load_ms.arrow_import)),
		cell(r, 'opfs_reload', fmt(r.load_ms.opfs_reload)),
		cell(r, 'refresh_overview', fmt(r.refresh_ms.overview)),
		cell(r, 'refresh_compare', fmt(r.refresh_ms.compare)),
		cell(r, 'interactions', r.interaction_ms ? fmt(r.interaction_ms) + (r.interaction_again_ms ? ` (again ${fmt(r.interaction_again_ms)})` : '') + (r.interaction_rested_ms ? ` (after a rest ${fmt(r.interaction_rested_ms)})` : '') : '—'),
		// the browser reports tasks of 50 ms or more only: a 0 is no such task, not a task of 0 ms
		cell(r, 'interactions', r.long_task_ms ? (r.long_task_ms.max >= 50 ? String(r.long_task_ms.max) : 'none ≥ 50') : '—'),
		`${r.memory_mb.js_heap ?? '—'} / ${r.memory_mb.duckdb}`,
		cell(r, 'native_ratio', r.native_ratio ? `${r.native_ratio.ratio}×` : '—')
	]);
	console.log(`\nms, median / p95 (load CSV: file chosen → every chart of the page drawn on the new data, and → its first chart; interaction: input → last chart drawn, uncached; "again": the same clicks repeated at once, DuckDB's code optimised by V8; "after a rest": the clicks once more, the pointer resting ${REST_MS} ms on the control first)\n`);
	console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
	for (const l of lines) console.log(`| ${l.join(' | ')} |`);
	const r0 = results[0];
	if (r0) {
		const d = r0.demo_first_chart_ms as { cold: Stat | null; warm: Stat | null };
		const b = r0.bundle_brotli_kb as ReturnType<typeof bundleSizes>;
		console.log(`\nfirst chart of the demo cohort after navigation: cold ${fmt(d.cold)} ms, warm ${fmt(d.warm)} ms`);
		const cp = (r0.demo_first_chart_ms as { cold_profile?: Awaited<ReturnType<typeof demoColdProfile>> }).cold_profile;
		if (cp) console.log(`fresh browser profile (as a new user): first chart on screen ${fmt(cp.first)} ms (its chart-drawn mark ${fmt(cp.first_mark)} ms; longest task before it ${fmt(cp.longest_task_before_first)} ms), first live chart ${fmt(cp.first_live)} ms, every chart live ${fmt(cp.all_live)} ms; ${cp.transferred_mb} MB transferred`);
		console.log(`app JS (brotli-11, without DuckDB's wasm and worker): ${b.app_js_all_kb} KB in all, ${b.app_js_overview_kb} KB loaded on /; DuckDB worker JS ${b.duckdb_worker_js_kb} KB`);
		const m = r0.machine as Record<string, unknown>;
		console.log(`machine: ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GiB, Node ${m.node}, Chromium ${m.chromium}`);
		for (const r of results) for (const n of r.notes) console.log(`note (${r.label}): ${n}`);
		for (const r of results) for (const [step, why] of Object.entries(r.not_run ?? {})) console.log(`not run (${r.label}) ${step}: ${why}`);
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
