/**
 * `tsx bench/click-trace.ts [--size 1m] [--clicks 21] [--port 4223]` — where a filter click's time
 * goes, from a Chrome trace of the benchmark's own clicks (bench/interact.ts) on its own build and data
 * (`bench/build/`, with `bench/build/bench-data/`: run `npm run bench` once first). The size's Arrow
 * file is added through the app's import, its summaries awaited, then one pass of clicks is traced
 * (the bench's first pass: its figure of record). Per click, in ms from the input event: the
 * `charts-drawn` mark, the main thread's and the engine worker's busy time until then, the task that
 * held the click, when the worker started on the first statement, how long after the worker's last
 * task the mark came (the main thread drawing the last results), and the longest main-thread task that
 * began in the window, with what it did when it took 30 ms or more. The medians close the output.
 * `--reload`: the clicks as the bench meets them, in a page reloaded onto the kept dataset (its summaries
 * copied back, DuckDB's code not yet optimised by V8) after `--refreshes` (5) refreshes of `/`, instead of
 * in the page that imported the file. `KAP_TRACE_OUT=file.json` keeps the trace's events for a closer look.
 * A development aid (15c75e3 was measured with it); `npm run bench` is the measurement of record.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { interactions } from './interact';
import { CHROMIUM, CHROMIUM_ARGS, firstDrawn, newContext, open, summariesReady } from './page';
import { stat } from './stat';
import { serveBuild, stopServer } from './serve-build';

const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const ROOT = resolve(import.meta.dirname, '..');
const BUILD = resolve(ROOT, 'bench/build');
const size = arg('--size', '1m');
const clicks = Number(arg('--clicks', '21'));
const port = Number(arg('--port', '4223'));
const reload = process.argv.includes('--reload');
const refreshes = Number(arg('--refreshes', '5'));

/** A trace event as Chrome reports it (the fields read here). */
interface TraceEvent {
	name: string;
	ph: string;
	pid: number;
	tid: number;
	ts: number;
	dur?: number;
	args?: { name?: string; data?: { type?: string } };
}

type Thread = `${number}:${number}`;
/** Nested trace events that say what a main-thread task did. */
const INNER = new Set(['FunctionCall', 'RunMicrotasks', 'HandlePostMessage', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'FireAnimationFrame', 'EventDispatch']);
const threadOf = (e: TraceEvent): Thread => `${e.pid}:${e.tid}`;

/** Per click: the window to `charts-drawn` and what the main thread and the engine worker did in it (ms). */
function analyse(events: TraceEvent[]) {
	const names = new Map<Thread, string>();
	for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(threadOf(e), e.args?.name ?? '');
	const drawn = events.filter((e) => e.name === 'charts-drawn').map((e) => e.ts).sort((a, b) => a - b);
	const marked = events.find((e) => e.name === 'charts-drawn');
	if (!marked) throw new Error('no charts-drawn mark in the trace');
	const main = threadOf(marked);
	const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.dur !== undefined);
	// The engine worker: the dedicated worker that ran longest (the privacy audit's worker runs briefly).
	const busy = new Map<Thread, number>();
	for (const t of tasks) if (names.get(threadOf(t)) === 'DedicatedWorker thread') busy.set(threadOf(t), (busy.get(threadOf(t)) ?? 0) + t.dur!);
	const worker = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
	const inputs = events.filter((e) => threadOf(e) === main && e.name === 'EventDispatch' && ['click', 'change'].includes(e.args?.data?.type ?? '')).sort((a, b) => a.ts - b.ts);
	const rows: { window: number; main: number; worker: number; clickTask: number; toWorker: number; afterWorker: number; longest: number; longestWhat: string }[] = [];
	/** What a main-thread task spent its time on: its largest nested events (scripting, style, layout, paint, GC). */
	const inside = (task: TraceEvent) => {
		const by = new Map<string, number>();
		for (const e of events)
			if (threadOf(e) === main && e.ph === 'X' && e.dur !== undefined && e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur! && INNER.has(e.name)) by.set(e.name, (by.get(e.name) ?? 0) + e.dur);
		return [...by].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`).join(', ');
	};
	const seen = new Set<number>();
	for (const input of inputs) {
		const t0 = input.ts;
		const t1 = drawn.find((d) => d > t0);
		if (t1 === undefined || seen.has(t1)) continue; // a change event after its click: one interaction
		seen.add(t1);
		const within = (t: TraceEvent) => t.ts + t.dur! > t0 && t.ts < t1;
		const overlap = (t: TraceEvent) => Math.min(t.ts + t.dur!, t1) - Math.max(t.ts, t0);
		const mainTasks = tasks.filter((t) => threadOf(t) === main && within(t));
		const workerTasks = tasks.filter((t) => threadOf(t) === worker && within(t) && t.dur! > 300).sort((a, b) => a.ts - b.ts);
		const clickTask = mainTasks.find((t) => t.ts <= t0 && t0 <= t.ts + t.dur!);
		const last = workerTasks.at(-1);
		// Like the bench's figure: the longest main-thread task that began in the window (not the click's).
		const longest = mainTasks.filter((t) => t.ts >= t0).sort((a, b) => b.dur! - a.dur!)[0];
		rows.push({
			window: (t1 - t0) / 1000,
			main: mainTasks.reduce((s, t) => s + overlap(t), 0) / 1000,
			worker: workerTasks.reduce((s, t) => s + overlap(t), 0) / 1000,
			clickTask: (clickTask?.dur ?? 0) / 1000,
			toWorker: workerTasks.length ? (workerTasks[0].ts - t0) / 1000 : NaN,
			afterWorker: last ? (t1 - (last.ts + last.dur!)) / 1000 : NaN,
			longest: (longest?.dur ?? 0) / 1000,
			longestWhat: longest && longest.dur! >= 30_000 ? inside(longest) : ''
		});
	}
	return rows;
}

async function main() {
	const file = resolve(BUILD, 'bench-data', `scores-${size}.arrow`);
	if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bench -- --sizes ${size}\` once first`);
	const server = await serveBuild(BUILD, port);
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	const loadBefore = loadavg()[0];
	try {
		const ctx = await newContext(browser);
		const page = await ctx.newPage();
		page.on('pageerror', (e: Error) => console.log('page error:', e.message));
		await page.goto(`http://127.0.0.1:${port}/?bench`);
		await page.waitForFunction(() => !!window.__kapBench, null, { timeout: 60_000 });
		await page.evaluate(() => window.__kapBench!.ready());
		const loaded = await page.evaluate((url) => window.__kapBench!.loadArrow(url, 'click-trace'), `/bench-data/scores-${size}.arrow`);
		const id = await page.evaluate(() => window.__kapBench!.datasets().find((d) => d.name === 'click-trace')?.id);
		await page.waitForFunction((id) => { const s = window.__kapBench!.summaries(id!); return s !== null && (s.failed !== null || s.stored); }, id, { timeout: 600_000, polling: 250 });
		console.log(`loaded ${size} in ${Math.round(Number(loaded.totalMs))} ms; summaries ${JSON.stringify(await page.evaluate((id) => window.__kapBench!.summaries(id!), id))}`);
		if (reload) {
			// as bench/run.ts: the page opened again on the kept dataset (the app activates it), its first view, its summaries, the refreshes
			await open(page, `http://127.0.0.1:${port}`, '/');
			await firstDrawn(page, 600_000);
			const again = await summariesReady(page, id!, 600_000);
			for (let i = 0; i < refreshes; i++) await page.evaluate(() => window.__kapBench!.refresh(600_000));
			console.log(`reloaded; summaries ${JSON.stringify(again)}; ${refreshes} refreshes of /`);
		}
		const cdp = await ctx.newCDPSession(page);
		const events: TraceEvent[] = [];
		cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
		await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink.user_timing', transferMode: 'ReportEvents' });
		const { done } = await interactions(page, clicks, 30_000);
		const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
		await cdp.send('Tracing.end');
		await complete;
		if (process.env.KAP_TRACE_OUT) writeFileSync(process.env.KAP_TRACE_OUT, JSON.stringify(events));
		const rows = analyse(events);
		console.log('   window  main  worker  click task  input→worker  worker end→drawn  longest task   (ms; bench figure; the largest parts of a long task)');
		rows.forEach((r, i) => {
			const f = (x: number, w: number) => (Number.isFinite(x) ? x.toFixed(1) : '–').padStart(w);
			console.log(`${f(r.window, 9)}${f(r.main, 6)}${f(r.worker, 8)}${f(r.clickTask, 12)}${f(r.toWorker, 14)}${f(r.afterWorker, 18)}${f(r.longest, 14)}   ${done[i] ? `${done[i].kind} ${Math.round(done[i].ms)}` : ''}${r.longestWhat ? `  [${r.longestWhat}]` : ''}`);
		});
		const m = (k: 'window' | 'main' | 'worker' | 'clickTask' | 'toWorker' | 'afterWorker') => stat(rows.map((r) => r[k]))?.median;
		console.log(`medians of ${rows.length} clicks (load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}): window ${m('window')}, main ${m('main')}, worker ${m('worker')}, click task ${m('clickTask')} (longest ${Math.max(...rows.map((r) => r.clickTask)).toFixed(1)}), input→worker ${m('toWorker')}, worker end→drawn ${m('afterWorker')}, longest task ${Math.max(...rows.map((r) => r.longest)).toFixed(1)}`);
		await ctx.close();
	} finally {
		await browser.close();
		stopServer(server);
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(1);
});
