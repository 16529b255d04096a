/**
 * `npm run bench [-- --sizes 100k,1m,5m] [--build] [--quick]` — the performance benchmark
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
 * 5. Prints a table and writes `bench/results.json` (one object per size).
 *
 * Repetitions shrink with size to keep the whole run near 10–15 minutes on 2 cores (see REPS).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, linkSync, openSync, readSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { loadAsBrowser, NativeConnector, replayed } from './native';
import { sql, type Statement } from '../src/lib/engine/sql';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, 'bench', 'data');
/** The bench's own build (see ensureBuild): other engineers' builds and e2e runs share `build/`. */
const BUILD = join(ROOT, 'bench', 'build');
const KIT_OUT = join(ROOT, 'bench', '.svelte-kit');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags of playwright.config.ts, plus precise heap numbers for `performance.memory`. */
const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'
];

interface SizeSpec {
	label: string;
	rows: number;
	/** Repetitions: CSV imports, Arrow imports, OPFS reloads, refreshes of / and /compare, interactions, SQL timings. */
	reps: { csv: number; arrow: number; opfs: number; refresh: number; compare: number; interactions: number; sql: number };
}

/**
 * Fewer repetitions at larger sizes keep the run bounded (a refresh of `/` at 5M rows takes tens of
 * seconds today, so 20+ interactions there alone would take ~10 minutes): 5M runs 10 interactions.
 * CSV through the importer is skipped at 5M and 10M rows: the importer holds every parsed row as a JS
 * object in its worker (several GB at 5M) and takes minutes already at 1M.
 */
const REPS: Record<string, SizeSpec> = {
	'100k': { label: '100k', rows: 100_000, reps: { csv: 3, arrow: 3, opfs: 3, refresh: 7, compare: 3, interactions: 21, sql: 3 } },
	'1m': { label: '1M', rows: 1_000_000, reps: { csv: 1, arrow: 3, opfs: 3, refresh: 5, compare: 2, interactions: 21, sql: 2 } },
	'5m': { label: '5M', rows: 5_000_000, reps: { csv: 0, arrow: 1, opfs: 2, refresh: 2, compare: 1, interactions: 10, sql: 1 } },
	'10m': { label: '10M', rows: 10_000_000, reps: { csv: 0, arrow: 1, opfs: 1, refresh: 1, compare: 1, interactions: 6, sql: 1 } }
};

interface Stat {
	median: number;
	p95: number;
	n: number;
}

function stat(xs: (number | null | undefined)[]): Stat | null {
	const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	if (!v.length) return null;
	const q = (p: number) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
	const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	return { median: round(mid), p95: round(q(0.95)), n: v.length };
}
const round = (x: number) => Math.round(x * 10) / 10;
const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

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
	// The demo's first view computed at build time, as `npm run build` does (scripts/prebuild-demo.ts).
	if (spawnSync('npx', ['tsx', 'scripts/prebuild-demo.ts', BUILD], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('prebuild-demo failed');
	// Precompressed assets, as `npm start` serves them (scripts/compress.js).
	if (spawnSync(process.execPath, ['scripts/compress.js', BUILD], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('compress failed');
}

function ensureData(spec: SizeSpec): { csv: string; arrow: string } {
	const csv = join(DATA, `scores-${spec.label.toLowerCase()}.csv`);
	const arrow = join(DATA, `scores-${spec.label.toLowerCase()}.arrow`);
	if (!existsSync(csv) || !existsSync(arrow)) {
		log(`generating ${spec.label} rows → bench/data/`);
		const r = spawnSync('npx', ['tsx', 'bench/make-data.ts', '--rows', String(spec.rows), '--csv', csv, '--arrow', arrow], { cwd: ROOT, stdio: 'inherit' });
		if (r.status !== 0) throw new Error('data generation failed');
	}
	// Same origin as the app: bench/build/bench-data/ (hard links — the server is a plain file server).
	const served = join(BUILD, 'bench-data');
	mkdirSync(served, { recursive: true });
	for (const f of [csv, arrow]) {
		const dest = join(served, f.split('/').pop()!);
		rmSync(dest, { force: true });
		try {
			linkSync(f, dest);
		} catch {
			copyFileSync(f, dest);
		}
	}
	return { csv, arrow };
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

async function startServer(port: number): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['scripts/serve.js', BUILD], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, detached: true, stdio: 'ignore' });
	for (let i = 0; i < 100; i++) {
		try {
			const r = await fetch(`http://127.0.0.1:${port}/`);
			if (r.ok) return child;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('server did not start');
}

function stopServer(child: ChildProcess | null) {
	if (child?.pid) {
		try {
			process.kill(-child.pid, 'SIGTERM'); // the whole process group we started
		} catch {
			/* already gone */
		}
	}
}

// ---------------------------------------------------------------- page helpers

/** A fresh browser context (own HTTP cache and OPFS). */
async function newContext(browser: Browser): Promise<BrowserContext> {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' }); // its install (every asset) would run during the measurements
	// tsx (esbuild) wraps named functions in `__name(...)`; the callbacks we send to the page need it too.
	await ctx.addInitScript('globalThis.__name = (f) => f;');
	return ctx;
}

/** Navigate to `path?bench`, wait for the hook and the app; returns the engine start time. */
async function open(page: Page, base: string, path: string): Promise<number> {
	await page.goto(`${base}${path}?bench`);
	await page.waitForFunction(() => !!window.__kapBench, null, { timeout: 60_000 });
	const r = await page.evaluate(() => window.__kapBench!.ready());
	if (r.status !== 'ready') throw new Error(`app status ${r.status}`);
	return r.engineMs;
}

/** Time of the first `charts-drawn` mark of this page load (ms after navigation start), or null. */
async function firstDrawn(page: Page, timeoutMs: number): Promise<number | null> {
	try {
		await page.waitForFunction(() => window.__kapBench!.drawnMarks().length > 0, null, { timeout: timeoutMs });
		return await page.evaluate(() => window.__kapBench!.drawnMarks()[0]);
	} catch {
		return null;
	}
}

type Kind = 'route' | 'site' | 'series' | 'instrument';

/**
 * One filter interaction on the current page, done inside the page so the time runs from the
 * input event to the `charts-drawn` mark. Returns null when the control is not on the page.
 */
async function interact(page: Page, kind: Kind, index: number): Promise<{ ms: number; longTask: number } | null> {
	return page.evaluate(
		async ({ kind, index }) => {
			const B = window.__kapBench!;
			let act: (() => void) | null = null;
			if (kind === 'route') {
				// A route key in the first chart's legend (click = filter by it, again = clear).
				const buttons = [...document.querySelectorAll<HTMLButtonElement>('[data-testid^="trajectory-"] button[title^="Filter by"], .legend button')];
				const b = buttons[index % Math.max(1, buttons.length)];
				if (b) act = () => b.click();
			} else if (kind === 'site') {
				const summary = document.querySelector('[data-testid="filter-site"]');
				const boxes = summary ? [...summary.parentElement!.querySelectorAll<HTMLInputElement>('input[type=checkbox]')] : [];
				const box = boxes[index % Math.max(1, boxes.length)];
				if (box) act = () => box.click();
			} else {
				const sel = document.querySelector<HTMLSelectElement>(kind === 'series' ? '[data-testid="filter-series"]' : 'select[data-testid="instrument"], select[name="instrument"]');
				if (sel && sel.options.length > 1) {
					// series: `index` is the option to pick; instrument: the next option, whatever is selected.
					const k = kind === 'series' ? index % sel.options.length : (sel.selectedIndex + 1) % sel.options.length;
					if (k === sel.selectedIndex) return null;
					const next = sel.options[k].value;
					act = () => {
						sel.value = next;
						sel.dispatchEvent(new Event('change', { bubbles: true }));
					};
				}
			}
			if (!act) return null;
			B.clearCache(); // every interaction really queries (a user's first visit to a filter state)
			const drawn = B.nextDrawn(60_000);
			const t0 = performance.now();
			act();
			let t1: number;
			try {
				t1 = await drawn;
			} catch {
				return null; // the input changed nothing the charts depend on
			}
			await new Promise((r) => setTimeout(r, 120)); // long-task entries are delivered after the task
			return { ms: t1 - t0, longTask: B.longestTask(t0 - 1, t1) };
		},
		{ kind, index }
	);
}

/**
 * The interaction script: route on, site on, series changed, (instrument changed), route off,
 * site off, series back — so each state differs from the previous one and the page returns to
 * unfiltered every cycle; indices rotate so different routes and sites are chosen.
 */
async function interactions(page: Page, count: number) {
	const out: { kind: Kind; ms: number; longTask: number }[] = [];
	const cycle: Kind[] = ['route', 'site', 'series', 'instrument', 'route', 'site', 'series'];
	let cycleNo = 0;
	while (out.length < count) {
		for (let i = 0; i < cycle.length && out.length < count; i++) {
			const kind = cycle[i];
			const on = i < 4;
			// Route "off" clicks the only remaining legend key (index 0 after filtering).
			const index = kind === 'route' ? (on ? cycleNo : 0) : kind === 'series' ? (on ? 1 + (cycleNo % 2) : 0) : cycleNo;
			const r = await interact(page, kind, index);
			if (r) out.push({ kind, ...r });
		}
		cycleNo++;
		if (cycleNo > count * 2) break; // no controls at all
	}
	return out;
}

// ---------------------------------------------------------------- measurements

interface SizeResult {
	rows: number;
	label: string;
	engine_start_ms: Stat | null;
	load_ms: Record<string, Stat | null>;
	refresh_ms: { overview: Stat | null; compare: Stat | null };
	interaction_ms: (Stat & { by_kind: Record<string, Stat | null> }) | null;
	long_task_ms: { max: number; median: number } | null;
	memory_mb: { js_heap: number | null; duckdb: number };
	native_ratio: { ratio: number; wasm_ms: number; native_ms: number; queries: number; native_threads: number } | null;
	/** 1-minute load average before and after this size: other work on the box distorts timings. */
	load_avg: [number, number];
	notes: string[];
}

async function benchSize(browser: Browser, base: string, spec: SizeSpec, files: { csv: string; arrow: string }): Promise<SizeResult> {
	const notes: string[] = [];
	const loadBefore = round(loadavg()[0]);
	const engine: number[] = [];
	const load: Record<string, number[]> = { csv_import: [], arrow_import: [], arrow_insert: [], opfs_reload: [], opfs_read: [], summaries_restore: [] };
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	page.on('pageerror', (e) => log('page error:', e.message));
	const csvUrl = `/bench-data/${files.csv.split('/').pop()}`;
	const arrowUrl = `/bench-data/${files.arrow.split('/').pop()}`;
	let rows = spec.rows;
	const overview: number[] = [];
	const compare: number[] = [];
	let overviewSql: Statement[] = [];
	let replayed = 0;
	let inter: { kind: Kind; ms: number; longTask: number }[] = [];
	let mem: { jsHeapMb: number | null; duckdbMb: number } = { jsHeapMb: null, duckdbMb: 0 };
	let wasm: number[] = [];
	let native: { ms: number[]; threads: number } = { ms: [], threads: 0 };
	let phase = 'engine start';
	try {
		engine.push(await open(page, base, '/'));

		phase = 'CSV import';
		for (let i = 0; i < spec.reps.csv; i++) {
			const r = await page.evaluate(({ u }) => window.__kapBench!.loadCsv(u, 'bench csv'), { u: csvUrl });
			log(`  csv import ${i + 1}/${spec.reps.csv}: ${Math.round(r.totalMs as number)} ms (read ${Math.round(r.readMs as number)}, validate+arrow ${Math.round(r.validateMs as number)}, insert+keep ${Math.round(r.addMs as number)}); ${r.rows} rows`);
			load.csv_import.push(r.totalMs as number);
			await page.evaluate(async ({ id }) => {
				await window.__kapBench!.activate('demo');
				await window.__kapBench!.remove(id);
			}, { id: r.id as string });
		}
		if (!spec.reps.csv) notes.push('CSV import through the importer skipped at this size (the worker holds every parsed row as a JS object)');

		phase = 'Arrow import';
		for (let i = 0; i < spec.reps.arrow; i++) {
			load.arrow_insert.push(await page.evaluate(({ u }) => window.__kapBench!.insertArrowOnly(u), { u: arrowUrl }));
		}
		let id = '';
		for (let i = 0; i < spec.reps.arrow; i++) {
			if (id) await page.evaluate(async ({ id }) => {
				await window.__kapBench!.activate('demo');
				await window.__kapBench!.remove(id);
			}, { id });
			const r = await page.evaluate(({ u }) => window.__kapBench!.loadArrow(u, 'bench arrow'), { u: arrowUrl });
			id = r.id as string;
			load.arrow_import.push(r.totalMs as number);
			log(`  arrow import ${i + 1}/${spec.reps.arrow}: ${Math.round(r.totalMs as number)} ms (${((r.bytes as number) / 1e6).toFixed(0)} MB IPC; insert only ${Math.round(load.arrow_insert[i])} ms)`);
		}

		phase = 'OPFS reload';
		// As a user meets it: the kept dataset is the active one, the page is reloaded (a fresh engine),
		// and the app opens that dataset while it starts. Measured from the engine being ready to the app
		// being ready (the kept file read from OPFS, its SHA-256 checked, attached, described), on the
		// page's own marks; the engine start itself is the separate "engine start" column.
		await page.evaluate(({ id }) => window.__kapBench!.activate(id), { id });
		for (let i = 0; i < spec.reps.opfs; i++) {
			engine.push(await open(page, base, '/'));
			const ms = await page.evaluate(() => {
				const at = (name: string) => performance.getEntriesByName(`kap:${name}`).at(-1)?.startTime ?? NaN;
				return at('app-ready') - at('engine-ready');
			});
			load.opfs_reload.push(ms);
			await firstDrawn(page, 120_000); // its charts first, so the read below does not queue behind their queries
			load.opfs_read.push(await page.evaluate(({ id }) => window.__kapBench!.storeLoadMs(id), { id }));
			const summaries = await page.evaluate(({ id }) => window.__kapBench!.summaries(id), { id });
			if (summaries?.kept) load.summaries_restore.push(summaries.ms);
			log(`  OPFS reload ${i + 1}/${spec.reps.opfs}: ${Math.round(ms)} ms from engine ready to the kept dataset active (read+verify alone ${Math.round(load.opfs_read.at(-1)!)} ms; summaries ${summaries ? `${summaries.kept ? 'copied from the kept copy' : 'built'} in ${Math.round(summaries.ms)} ms` : 'not built yet'})`);
		}
		rows = await page.evaluate(({ id }) => window.__kapBench!.datasets().find((d) => d.id === id)?.rows ?? 0, { id });
		phase = 'refresh /';

		// Full refresh of `/`: cache cleared, every query re-run, up to charts-drawn.
		await page.waitForFunction(() => window.__kapBench!.drawnMarks().length > 0, null, { timeout: 120_000 }).catch(() => {});
		for (let i = 0; i < spec.reps.refresh; i++) {
			await page.evaluate(() => window.__kapBench!.clearSqlLog());
			overview.push(await page.evaluate(() => window.__kapBench!.refresh(120_000)));
			if (i === 0) overviewSql = await page.evaluate(() => window.__kapBench!.sqlLog());
		}
		log(`  refresh /: ${overview.map(Math.round).join(', ')} ms (${overviewSql.length} queries)`);

		phase = 'interactions';
		inter = await interactions(page, spec.reps.interactions);
		log(`  interactions: ${inter.map((x) => `${x.kind[0]}${Math.round(x.ms)}`).join(' ')}`);
		if (!inter.some((x) => x.kind === 'instrument')) notes.push('no instrument control on `/` (it shows every instrument at once): interactions are route, site and series');
		mem = await page.evaluate(() => window.__kapBench!.memory());
		phase = 'native ratio';

		// Same SQL on both engines: the overview's queries, each run 3× uncached.
		const reps = spec.reps.sql;
		// The app's derived tables (shared summaries) may be dropped asynchronously after a cache clear;
		// the replay creates its own under other names so such a drop cannot remove them mid-replay.
		// A query of a superseded request may read a derived table made before the log began (its result
		// was dropped by the page anyway): it is left out of the replay.
		const made = new Set<string>();
		const replay = overviewSql
			.map((q) => ({ text: q.text.replace(/\bderived_(\d+)\b/g, 'replay_$1'), params: q.params }))
			.filter((q) => {
				const created = /^CREATE OR REPLACE TEMP TABLE "?(replay_\d+)/.exec(q.text)?.[1];
				if (created) made.add(created);
				return [...q.text.matchAll(/\breplay_\d+\b/g)].every((m) => m[0] === created || made.has(m[0]));
			});
		replayed = replay.length;
		try {
			wasm = await page.evaluate(({ s, reps }) => window.__kapBench!.timeSql(s, reps), { s: replay, reps });
			native = await nativeTimes(files.csv, replay, reps);
			for (let q = 0; q < replay.length; q++)
				log(`    SQL ${q + 1}: wasm ${Math.round(wasm[q])} ms, native ${Math.round(native.ms[q])} ms  ${replay[q].text.replace(/\s+/g, ' ').slice(0, 90)}`);
		} catch (e) {
			// Not a reason to skip /compare: a statement native DuckDB cannot replay (loadAsBrowser makes
			// the browser's names — the attached kept table, the summaries, the views — from the CSV).
			const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
			log(`  wasm/native ratio not measured: ${msg}`);
			notes.push(`wasm/native ratio not measured: ${msg}`);
			wasm = [];
			native = { ms: [], threads: 0 };
			replayed = 0;
		}

		// /compare: a fresh page load (the active dataset comes back from OPFS), then refreshes.
		phase = '/compare';
		engine.push(await open(page, base, '/compare'));
		if ((await firstDrawn(page, 180_000)) === null) notes.push('/compare set no charts-drawn mark within 180 s of loading (page missing, failing, or slower than that): not measured');
		else for (let i = 0; i < spec.reps.compare; i++) compare.push(await page.evaluate(() => window.__kapBench!.refresh(120_000)));
		if (compare.length) log(`  refresh /compare: ${compare.map(Math.round).join(', ')} ms`);
	} catch (e) {
		const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
		log(`  stopped during ${phase}: ${msg}`);
		notes.push(`stopped during ${phase}: ${msg}`);
	} finally {
		await ctx.close();
	}
	const wasmSum = wasm.reduce((a, b) => a + b, 0);
	const nativeSum = native.ms.reduce((a, b) => a + b, 0);
	const lt = inter.map((x) => x.longTask);
	{
		return {
			rows,
			label: spec.label,
			engine_start_ms: stat(engine),
			load_ms: Object.fromEntries(Object.entries(load).map(([k, v]) => [k, stat(v)])),
			refresh_ms: { overview: stat(overview), compare: stat(compare) },
			interaction_ms: inter.length
				? { ...stat(inter.map((x) => x.ms))!, by_kind: Object.fromEntries([...new Set(inter.map((x) => x.kind))].map((k) => [k, stat(inter.filter((x) => x.kind === k).map((x) => x.ms))])) }
				: null,
			long_task_ms: lt.length ? { max: round(Math.max(...lt)), median: stat(lt)!.median } : null,
			memory_mb: { js_heap: mem.jsHeapMb === null ? null : round(mem.jsHeapMb), duckdb: round(mem.duckdbMb) },
			native_ratio: nativeSum > 0 ? { ratio: round(wasmSum / nativeSum), wasm_ms: round(wasmSum), native_ms: round(nativeSum), queries: replayed, native_threads: native.threads } : null,
			load_avg: [loadBefore, round(loadavg()[0])],
			notes
		};
	}
}

/** Median ms of each SQL text on native DuckDB over the same rows (the CSV of this size). */
async function nativeTimes(csv: string, statements: Statement[], reps: number): Promise<{ ms: number[]; threads: number }> {
	const conn = await NativeConnector.open();
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
 * assets). Reports the first chart drawn (the prebuilt figures when the build has them), the first
 * chart drawn from live results, and every chart live; plus bytes transferred.
 */
async function demoColdProfile(base: string, reps: number) {
	const first: (number | null)[] = [];
	const live: (number | null)[] = [];
	const all: (number | null)[] = [];
	const transferred: number[] = [];
	for (let i = 0; i < reps; i++) {
		const dir = mkdtempSync(join(tmpdir(), 'kap-bench-profile-'));
		const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
		try {
			const page = ctx.pages()[0] ?? (await ctx.newPage());
			await page.goto(`${base}/`);
			await page.waitForFunction(() => performance.getEntriesByName('charts-drawn', 'mark').length > 0, null, { timeout: 180_000 });
			const r = await page.evaluate(() => {
				// No named inner function: tsx would wrap it in a __name() helper the page does not have.
				const marks = performance.getEntriesByName('chart-drawn', 'mark') as PerformanceMark[];
				const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
				return {
					first: marks[0]?.startTime ?? null,
					live: marks.find((m) => !(m.detail as { prebuilt?: boolean } | null)?.prebuilt)?.startTime ?? null,
					all: performance.getEntriesByName('charts-drawn', 'mark')[0]?.startTime ?? null,
					bytes: res.reduce((a, e) => a + e.transferSize, 0)
				};
			});
			first.push(r.first);
			live.push(r.live);
			all.push(r.all);
			transferred.push(r.bytes);
			log(`  cold profile ${i + 1}/${reps}: first chart ${Math.round(r.first ?? NaN)} ms, first live chart ${Math.round(r.live ?? NaN)} ms, all live ${Math.round(r.all ?? NaN)} ms, ${(r.bytes / 1e6).toFixed(1)} MB transferred`);
		} finally {
			await ctx.close();
			rmSync(dir, { recursive: true, force: true });
		}
	}
	return { first: stat(first), first_live: stat(live), all_live: stat(all), transferred_mb: round(Math.max(...transferred) / 1e6) };
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
	const files = specs.map(ensureData);
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
		server = await startServer(port);
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
			const r = await benchSize(browser, base, specs[i], files[i]);
			results.push({ ...r, import_csv_ms: r.load_ms.csv_import, demo_first_chart_ms: { cold: demo.cold, warm: demo.warm, cold_profile: coldProfile }, bundle_brotli_kb: bundle, machine, measured_at: new Date().toISOString() });
			writeResults(results);
		}
	} finally {
		await browser?.close().catch(() => {});
		stopServer(server);
	}
	printTable(results);
	log(`done in ${Math.round((Date.now() - started) / 1000)} s; bench/results.json written`);
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
	writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
}

function printTable(results: (SizeResult & Record<string, unknown>)[]) {
	const head = ['rows', 'engine start', 'load CSV', 'load Arrow', 'reload OPFS', 'refresh /', 'refresh /compare', 'interaction', 'longest task', 'JS heap / DuckDB MB', 'wasm/native'];
	const lines = results.map((r) => [
		r.rows.toLocaleString('en-US'),
		fmt(r.engine_start_ms),
		fmt(r.load_ms.csv_import),
		fmt(r.load_ms.arrow_import),
		fmt(r.load_ms.opfs_reload),
		fmt(r.refresh_ms.overview),
		fmt(r.refresh_ms.compare),
		r.interaction_ms ? fmt(r.interaction_ms) : '—',
		r.long_task_ms ? String(r.long_task_ms.max) : '—',
		`${r.memory_mb.js_heap ?? '—'} / ${r.memory_mb.duckdb}`,
		r.native_ratio ? `${r.native_ratio.ratio}×` : '—'
	]);
	console.log('\nms, median / p95 (interaction: input → last chart drawn, uncached)\n');
	console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
	for (const l of lines) console.log(`| ${l.join(' | ')} |`);
	const r0 = results[0];
	if (r0) {
		const d = r0.demo_first_chart_ms as { cold: Stat | null; warm: Stat | null };
		const b = r0.bundle_brotli_kb as ReturnType<typeof bundleSizes>;
		console.log(`\nfirst chart of the demo cohort after navigation: cold ${fmt(d.cold)} ms, warm ${fmt(d.warm)} ms`);
		const cp = (r0.demo_first_chart_ms as { cold_profile?: Awaited<ReturnType<typeof demoColdProfile>> }).cold_profile;
		if (cp) console.log(`fresh browser profile (as a new user): first chart ${fmt(cp.first)} ms, first live chart ${fmt(cp.first_live)} ms, every chart live ${fmt(cp.all_live)} ms; ${cp.transferred_mb} MB transferred`);
		console.log(`app JS (brotli-11, without DuckDB's wasm and worker): ${b.app_js_all_kb} KB in all, ${b.app_js_overview_kb} KB loaded on /; DuckDB worker JS ${b.duckdb_worker_js_kb} KB`);
		const m = r0.machine as Record<string, unknown>;
		console.log(`machine: ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GiB, Node ${m.node}, Chromium ${m.chromium}`);
		for (const r of results) for (const n of r.notes) console.log(`note (${r.label}): ${n}`);
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
