/**
 * `tsx bench/start-profile.ts [BUILD_DIR] [--reps N] [--port P] [--path /]` — where the time of a
 * start goes: a fresh browser context per repetition opens `path?bench` on a build served by
 * scripts/serve.js and reports, in ms after navigation start, the engine start (wasm fetch +
 * compile + open, `engineTimings`), the app ready (the active dataset loaded), the first chart on screen (page.ts: firstChartShown), the
 * first live chart and every chart live, with the main thread's long tasks (≥ 50 ms) until then and
 * the resource timings of the wasm and the demo files. `--sw` lets the app's
 * service worker register and install as on a real first visit (blocked otherwise). A development aid for
 * issue 11's start-up figures; `npm run bench` is the measurement of record. `--fresh-profile` opens
 * each repetition in a new browser profile (a new user-data-dir: no HTTP or compiled-wasm cache, as
 * a first visit and as `npm run bench`'s cold profile). After the last repetition it prints the
 * medians of the first chart, the first live chart and the longest main-thread task before each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { CHART_SEEN_INIT, CHROMIUM, CHROMIUM_ARGS, firstChartShown } from './page';
import { stat } from './stat';
import { serveBuild, stopServer } from './serve-build';

const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const ROOT = resolve(import.meta.dirname, '..');
const build = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join('build'));
const reps = Number(arg('--reps', '3'));
const port = Number(arg('--port', '4222'));
const paths = arg('--path', '/').split(',');

function join(...p: string[]) {
	return resolve(ROOT, ...p);
}

async function main() {
	const server = await serveBuild(build, port);
	const launch = { executablePath: CHROMIUM, args: CHROMIUM_ARGS };
	const browser = await chromium.launch(launch);
	const fresh = process.argv.includes('--fresh-profile');
	const loadBefore = loadavg()[0];
	/** Per repetition: first chart on screen (firstChartShown) and its chart-drawn mark, first live chart, and the longest task that began before each (ms). */
	const summary: { first: number; mark: number; live: number; taskToFirst: number; taskToLive: number }[] = [];
	let shared: BrowserContext | null = null;
	try {
		for (let i = 0; i < reps * paths.length; i++) {
			const path = paths[i % paths.length];
			const same = process.argv.includes('--same-context'); // warm HTTP and wasm code caches after the first
			const contextOptions = { viewport: { width: 1280, height: 800 }, serviceWorkers: process.argv.includes('--sw') ? ('allow' as const) : ('block' as const) };
			const profileDir = fresh ? mkdtempSync(resolve(tmpdir(), 'kap-start-profile-')) : '';
			const ctx: BrowserContext = fresh
				? await chromium.launchPersistentContext(profileDir, { ...launch, ...contextOptions })
				: same && shared
					? shared
					: await browser.newContext(contextOptions);
			if (same) shared = ctx;
			if (!same || i === 0) await ctx.addInitScript(CHART_SEEN_INIT);
			if (!same || i === 0) await ctx.addInitScript(`globalThis.__name = (f) => f;
				globalThis.__tasks = [];
				new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });`);
			const page = await ctx.newPage();
			page.on('pageerror', (e: Error) => console.log('page error:', e.message));
			const cpu = process.argv.includes('--cpu') ? await ctx.newCDPSession(page) : null;
			if (cpu) {
				await cpu.send('Profiler.enable');
				await cpu.send('Profiler.setSamplingInterval', { interval: 500 });
				await cpu.send('Profiler.start');
			}
			await page.goto(`http://127.0.0.1:${port}${path}${path.includes('?') ? '&' : '?'}bench`);
			await page.waitForFunction(() => !!window.__kapBench, null, { timeout: 60_000 });
			const r = await page.evaluate(async () => {
				const ready = await window.__kapBench!.ready();
				const readyAt = performance.now();
				const live = () => performance.getEntriesByName('chart-drawn', 'mark').find((m) => !(m as PerformanceMark).detail?.prebuilt);
				for (let t = 0; t < 600 && !performance.getEntriesByName('charts-drawn', 'mark').length; t++) await new Promise((r) => setTimeout(r, 50));
				await new Promise((r) => setTimeout(r, 1500)); // what runs after the last chart (summaries, export)
				const g = globalThis as unknown as { __tasks: [number, number][] };
				const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
				const pick = (re: RegExp) => res.filter((e) => re.test(e.name)).map((e) => `${e.name.split('/').pop()!.slice(0, 24)} ${Math.round(e.startTime)}→${Math.round(e.responseEnd)}`);
				return {
					engineMs: Math.round(ready.engineMs),
					readyAt: Math.round(readyAt),
					first: Math.round(performance.getEntriesByName('chart-drawn', 'mark')[0]?.startTime ?? -1),
					firstLive: Math.round(live()?.startTime ?? -1),
					allDrawn: Math.round(performance.getEntriesByName('charts-drawn', 'mark')[0]?.startTime ?? -1),
					marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kap:')).map((m) => `${m.name} ${Math.round(m.startTime)}`),
					tasks: g.__tasks,
					res: [...pick(/\.wasm$/), ...pick(/\.csv$/)]
				};
			});
			const shown = await firstChartShown(page);
			console.log(path, JSON.stringify({ shown: shown.shown === null ? null : Math.round(shown.shown), fcp: shown.fcp === null ? null : Math.round(shown.fcp), ...r }));
			const longest = (before: number) => Math.max(0, ...r.tasks.filter(([at]) => at < before).map(([, ms]) => ms));
			const first = shown.shown ?? r.first;
			summary.push({ first, mark: r.first, live: r.firstLive, taskToFirst: longest(first), taskToLive: longest(r.firstLive) });
			if (cpu) {
				// main-thread self time by function (and script), until every chart was live
				const { profile } = (await cpu.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
				const self = new Map<string, number>();
				const byId = new Map(profile.nodes.map((n) => [n.id, n]));
				profile.samples.forEach((id, i) => {
					const f = byId.get(id)!.callFrame;
					const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
					self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
				});
				for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${Math.round(ms).toString().padStart(6)} ms  ${k}`);
			}
			await page.close();
			if (!same) await ctx.close();
			if (fresh) rmSync(profileDir, { recursive: true, force: true });
		}
		const median = (k: keyof (typeof summary)[number]) => stat(summary.map((s) => s[k]))?.median;
		console.log(
			`medians of ${summary.length} (${fresh ? 'fresh profiles' : 'fresh contexts'}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}): first chart on screen ${median('first')} ms (its chart-drawn mark ${median('mark')} ms), longest task before it ${median('taskToFirst')} ms; first live chart ${median('live')} ms, longest task before it ${median('taskToLive')} ms`
		);
	} finally {
		await browser.close();
		stopServer(server);
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
