/**
 * The benchmark hook: `window.__kapBench`, installed only when the page URL has `?bench` (the
 * layout imports this module lazily then, so it costs nothing otherwise and is its own chunk).
 * `npm run bench` (bench/run.ts) drives it through headless Chromium to load big datasets through
 * the app's own code paths — importer worker for CSV, `app.addImported` for Arrow IPC, OPFS for
 * kept datasets — without clicking through the Data page, and to read timings, long tasks and
 * memory. It adds no UI and changes no behaviour; it only records the SQL the pages send.
 */
import { app } from './app.svelte';
import { CHART_DRAWN, CHARTS_DRAWN } from './drawn';
import { ImportSession } from './import-session';
import type { SummaryTiming } from './dataset-summaries';
import { engineTimings, getEngine } from '../engine/browser';
import { COMPRESSED_STORAGE } from '../engine/connector';
import { ident, sql, type Statement } from '../engine/sql';

type Waiter = { since: number; resolve: (t: number) => void };

/** What `window.__kapBench` offers (every time in ms on the page's `performance.now()` clock). */
export interface BenchHook {
	/** Start the app (engine + active dataset); returns the engine start time. */
	ready(): Promise<{ engineMs: number; status: string }>;
	/** Resolves with the time of the first `charts-drawn` mark after now (rejects after `timeoutMs`). */
	nextDrawn(timeoutMs?: number): Promise<number>;
	/** Times of all `charts-drawn` marks so far (ms since navigation start). */
	drawnMarks(): number[];
	/** Time of the first `chart-drawn` mark (first chart of this page load), or null. */
	firstChart(): number | null;
	/** Longest main-thread task (ms) that started between `from` and `to`; 0 when none. */
	longestTask(from: number, to: number): number;
	/**
	 * Import a CSV file fetched from `url` with its suggested mapping as the Data page does (DuckDB's reader
	 * when it can read the file, else the importer worker), keep it, and time file → every chart of the page
	 * drawn on the new data (`totalMs`) and file → its first chart drawn (`firstChartMs`).
	 */
	loadCsv(url: string, name: string): Promise<Record<string, number | string>>;
	/** Add an Arrow IPC file fetched from `url` as an imported dataset (insert, keep in OPFS, activate). */
	loadArrow(url: string, name: string): Promise<Record<string, number | string>>;
	/** Insert an Arrow IPC file into a scratch table only (pure DuckDB insert time), then drop it. */
	insertArrowOnly(url: string): Promise<number>;
	/** Activate dataset `id` (loaded from OPFS when not yet in DuckDB); returns ms. */
	activate(id: string): Promise<number>;
	/** Time to read + verify dataset `id` from OPFS alone (no insert). */
	storeLoadMs(id: string): Promise<number>;
	/**
	 * How dataset `id`'s summaries came to be: copied from the kept copy (`kept`) or built, in how many
	 * ms, and whether a copy is kept beside it for the next start (`stored`); why they could not be had
	 * (`failed`); null until they exist or failed.
	 */
	summaries(id: string): SummaryTiming | null;
	/** Datasets the app knows. */
	datasets(): { id: string; name: string; rows: number; builtin: boolean }[];
	/** Delete a kept dataset. */
	remove(id: string): Promise<void>;
	/** Clear the result cache and re-run every query of the current page; ms to `charts-drawn`. */
	refresh(timeoutMs?: number): Promise<number>;
	/** Forget cached results (so the next interaction really queries, as a new filter state does); relations' columns stay known until the data change. */
	clearCache(): void;
	/** Statements (text and bound values) sent to the engine since the last `clearSqlLog()`. */
	sqlLog(): Statement[];
	clearSqlLog(): void;
	/**
	 * Median ms of each logged statement run `reps` times on the engine directly (no cache), on a
	 * connection of its own. Only statements the app itself built (from `sqlLog`, temporary table names
	 * renamed by the benchmark) are replayed here; the app's own code runs `Sql` through the `Connector`.
	 */
	timeSql(statements: Statement[], reps: number): Promise<number[]>;
	/** JS heap in use and DuckDB's own memory, MB. */
	memory(): Promise<{ jsHeapMb: number | null; duckdbMb: number }>;
	/** A DuckDB setting's current value (e.g. `memory_limit`), as text. */
	setting(name: string): Promise<string>;
}

declare global {
	interface Window {
		__kapBench?: BenchHook;
	}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function fetchBytes(url: string): Promise<Uint8Array> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
	return new Uint8Array(await res.arrayBuffer());
}

/** Meta for a benchmark dataset (counts are filled from DuckDB by the app; these are placeholders). */
function benchMeta(name: string, fileName: string, rows: number, clients: number, instruments: string[]) {
	const id = `bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
	return { id, name, fileName, rows, clients, instruments, importedAt: new Date().toISOString(), mapping: null, counts: { rows_read: rows, rows_accepted: rows, rows_rejected: 0 } };
}

/** Install `window.__kapBench` (idempotent). */
export function installBenchHook(): void {
	if (window.__kapBench) return;
	const longTasks: { start: number; duration: number }[] = [];
	try {
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
		}).observe({ type: 'longtask', buffered: true });
	} catch {
		/* longtask timing unsupported: longestTask reports 0 */
	}
	const marks: number[] = [];
	let waiters: Waiter[] = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			if (e.name !== CHARTS_DRAWN) continue;
			marks.push(e.startTime);
			const still: Waiter[] = [];
			for (const w of waiters) (e.startTime >= w.since ? w.resolve(e.startTime) : still.push(w));
			waiters = still;
		}
	}).observe({ type: 'mark', buffered: true });

	const nextDrawn = (timeoutMs = 60_000) =>
		new Promise<number>((resolve, reject) => {
			const w: Waiter = { since: performance.now(), resolve: (t) => (clearTimeout(timer), resolve(t)) };
			const timer = setTimeout(() => {
				waiters = waiters.filter((x) => x !== w);
				reject(new Error(`no ${CHARTS_DRAWN} mark within ${timeoutMs} ms`));
			}, timeoutMs);
			waiters.push(w);
		});

	const conn = async () => {
		const c = await app.ready();
		c.log ??= [];
		return c;
	};

	window.__kapBench = {
		async ready() {
			await conn();
			return { engineMs: engineTimings.startMs, status: app.status };
		},
		nextDrawn,
		drawnMarks: () => [...marks],
		firstChart: () => performance.getEntriesByName(CHART_DRAWN, 'mark')[0]?.startTime ?? null,
		longestTask(from, to) {
			let m = 0;
			for (const t of longTasks) if (t.start >= from && t.start <= to) m = Math.max(m, t.duration);
			return m;
		},
		async loadCsv(url, name) {
			await conn();
			const bytes = await fetchBytes(url);
			const session = new ImportSession();
			try {
				const t0 = performance.now();
				const fileName = url.split('/').pop() ?? 'bench.csv'; // the reader sniffs by extension too
				const summary = await session.read(bytes, fileName);
				const t1 = performance.now();
				const result = await session.apply(summary.suggested, () => {});
				const t2 = performance.now();
				const r = result.report;
				const meta = benchMeta(name, fileName, r.rows_accepted, r.clients, r.instruments);
				// The user's wait: file chosen → the page's charts drawn on the new data (keeping it in
				// the browser may still be running then, on the DuckDB path).
				const drawn = nextDrawn(300_000);
				if (result.table) session.kept(result.table);
				const kept = result.table ? app.addImportedTable(meta, result.table) : app.addImported(meta, result.ipc!);
				const chart = await drawn;
				// The first card drawn on the new data: the first `chart-drawn` mark after the import returned.
				const first = performance.getEntriesByName(CHART_DRAWN, 'mark').find((m) => m.startTime > t2)?.startTime ?? chart;
				await kept;
				const t3 = performance.now();
				return {
					id: meta.id, rows: r.rows_accepted, rejected: r.rows_rejected, reader: r.reader?.path ?? 'javascript',
					readMs: t1 - t0, validateMs: t2 - t1, addMs: t3 - t2, chartMs: chart - t2, totalMs: chart - t0, firstChartMs: first - t0, keptMs: t3 - t0
				};
			} finally {
				session.cancel();
			}
		},
		async loadArrow(url, name) {
			await conn();
			const bytes = await fetchBytes(url);
			const meta = benchMeta(name, name, 0, 0, []);
			const t0 = performance.now();
			await app.addImported(meta, bytes);
			return { id: meta.id, totalMs: performance.now() - t0, bytes: bytes.byteLength };
		},
		async insertArrowOnly(url) {
			const c = await conn();
			const bytes = await fetchBytes(url);
			const t0 = performance.now();
			await c.insertArrowIPC('bench_scratch', bytes, true);
			const ms = performance.now() - t0;
			await c.exec(sql`DROP TABLE IF EXISTS ${ident('bench_scratch')}`);
			return ms;
		},
		async activate(id) {
			await conn();
			const t0 = performance.now();
			await app.activate(id);
			return performance.now() - t0;
		},
		async storeLoadMs(id) {
			const ds = app.datasets.find((d) => d.id === id);
			if (!ds?.stored || !app.store) throw new Error(`dataset ${id} is not kept`);
			const t0 = performance.now();
			await app.store.load(ds.stored);
			return performance.now() - t0;
		},
		summaries: (id) => app.summaryTiming(id),
		datasets: () => app.datasets.map((d) => ({ id: d.id, name: d.name, rows: d.rows, builtin: d.builtin })),
		remove: (id) => app.remove(id),
		async refresh(timeoutMs) {
			const c = await conn();
			c.clear();
			const drawn = nextDrawn(timeoutMs);
			const t0 = performance.now();
			app.version++;
			return (await drawn) - t0;
		},
		clearCache: () => app.conn?.forgetResults(),
		sqlLog: () => [...(app.conn?.log ?? [])],
		clearSqlLog() {
			if (app.conn?.log) app.conn.log.length = 0;
		},
		async timeSql(statements, reps) {
			const replay = await (await getEngine()).db.connect();
			const run = async (s: Statement) => {
				if (!s.params.length) return replay.query(s.text);
				const prepared = await replay.prepare(s.text);
				try {
					return await prepared.query(...s.params);
				} finally {
					await prepared.close();
				}
			};
			const out: number[] = [];
			try {
				await replay.query(COMPRESSED_STORAGE.text); // the app's tables, as the engine's own connection sees them
				for (const s of statements) {
					const times: number[] = [];
					for (let i = 0; i < reps; i++) {
						const t0 = performance.now();
						await run(s);
						times.push(performance.now() - t0);
					}
					out.push(median(times));
				}
			} finally {
				await replay.close();
			}
			return out;
		},
		async memory() {
			const engine = await getEngine();
			const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
			return { jsHeapMb: heap === undefined ? null : heap / 2 ** 20, duckdbMb: (await engine.memoryBytes()) / 2 ** 20 };
		},
		async setting(name) {
			const [{ v }] = await (await getEngine()).query<{ v: string }>(sql`SELECT current_setting(${name})::VARCHAR AS v`);
			return v;
		}
	};
}
