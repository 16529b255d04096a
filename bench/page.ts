/**
 * The benchmark's handles on a browser tab (bench/run.ts): a fresh context per tab (own HTTP cache
 * and OPFS), the app opened through its `?bench` hook (src/lib/data/bench.ts), the first
 * `charts-drawn` mark of a page load. Every wait here is bounded.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { within } from './steps';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags of playwright.config.ts, plus precise heap numbers for `performance.memory`. */
export const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'
];

export const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** A fresh browser context (own HTTP cache and OPFS). */
export async function newContext(browser: Browser): Promise<BrowserContext> {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' }); // its install (every asset) would run during the measurements
	// tsx (esbuild) wraps named functions in `__name(...)`; the callbacks we send to the page need it too.
	await ctx.addInitScript('globalThis.__name = (f) => f;');
	return ctx;
}

export interface Tab {
	ctx: BrowserContext;
	page: Page;
}

/** A page in a fresh context; its errors and a crash of its renderer are logged. */
export async function newTab(browser: Browser): Promise<Tab> {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	page.on('pageerror', (e) => log('page error:', e.message));
	page.on('crash', () => log('the tab crashed (renderer process gone)'));
	return { ctx, page };
}

/**
 * Navigate to `path?bench`, wait for the hook and the app (at most `timeoutMs` for the app: it opens
 * the active dataset as it starts); returns the engine start time.
 */
export async function open(page: Page, base: string, path: string, timeoutMs = 120_000): Promise<number> {
	await page.goto(`${base}${path}?bench`, { timeout: 60_000 });
	await page.waitForFunction(() => !!window.__kapBench, null, { timeout: 60_000 });
	const r = await within(page.evaluate(() => window.__kapBench!.ready()), timeoutMs, `app start on ${path}`);
	if (r.status !== 'ready') throw new Error(`app status ${r.status}`);
	return r.engineMs;
}

/** Time of the first `charts-drawn` mark of this page load (ms after navigation start), or null. */
export async function firstDrawn(page: Page, timeoutMs: number): Promise<number | null> {
	try {
		await page.waitForFunction(() => window.__kapBench!.drawnMarks().length > 0, null, { timeout: timeoutMs });
		return await page.evaluate(() => window.__kapBench!.drawnMarks()[0]);
	} catch {
		return null;
	}
}

/**
 * Wait until dataset `id`'s summary tables exist (built, or copied from the kept copy, after the first
 * view) and, when `stored`, until their copy is kept beside the dataset for the next start, or until
 * their build failed (`failed`: at 10M rows it ran out of the tab's memory, and nothing more would
 * come): how they came, the ms the app took for them and whether the copy is kept, or null when none
 * of that happened within `timeoutMs` (the views then read the score rows; a reload then builds them again).
 */
export async function summariesReady(page: Page, id: string, timeoutMs: number, stored = false): Promise<{ kept: boolean; ms: number; stored: boolean; failed: string | null } | null> {
	try {
		await page.waitForFunction(
			({ id, stored }) => {
				const s = window.__kapBench!.summaries(id);
				return s !== null && (s.failed !== null || !stored || s.stored);
			},
			{ id, stored },
			{ timeout: timeoutMs, polling: 250 }
		);
		return await page.evaluate((id) => window.__kapBench!.summaries(id), id);
	} catch {
		return null;
	}
}

/** How summaries that came (summariesReady) came: copied, built, or failed, in how many ms. */
export function summariesHow(s: { kept: boolean; ms: number; failed: string | null }): string {
	if (s.failed !== null) return `failed after ${Math.round(s.ms)} ms (${s.failed})`;
	return `${s.kept ? 'copied from the kept copy' : 'built'} in ${Math.round(s.ms)} ms`;
}

/**
 * The tab a size is measured in, replaced by a fresh one (new context: its OPFS, and so the kept
 * datasets, go with the old one) when a step leaves it unusable. `opened` says whether the app runs in it.
 */
export class Tabs {
	opened = false;
	private constructor(
		private readonly browser: Browser,
		public tab: Tab
	) {}

	static async start(browser: Browser): Promise<Tabs> {
		return new Tabs(browser, await newTab(browser));
	}

	get page(): Page {
		return this.tab.page;
	}

	/** Open the app on `/` unless it runs already; its engine start time is added to `engine`. */
	async ready(base: string, engine: number[], timeoutMs?: number): Promise<void> {
		if (this.opened) return;
		engine.push(await open(this.page, base, '/', timeoutMs));
		this.opened = true;
	}

	async replace(): Promise<void> {
		await this.close();
		this.tab = await newTab(this.browser);
		this.opened = false;
	}

	async close(): Promise<void> {
		await within(this.tab.ctx.close(), 60_000, 'closing the tab').catch(() => {});
	}
}

/**
 * An init script (context.addInitScript) that notes when a drawn chart (ChartFrame's layers) is first
 * in the document, whether the HTML brought it (`/` is rendered when the site is built) or a script
 * drew it. `firstChartShown` reads it.
 */
export const CHART_SEEN_INIT = `globalThis.__chartInDocument = null;
	new MutationObserver((_, o) => {
		if (document.querySelector('svg[role="group"] g')) { globalThis.__chartInDocument = performance.now(); o.disconnect(); }
	}).observe(document, { subtree: true, childList: true });`;

/**
 * When the page's first chart was on screen (ms after navigation): the first contentful paint when the
 * chart was in the document by then (a paint's time is when its frame was presented), else the first
 * `chart-drawn` mark (set as the frame that draws it starts: its paint comes a little later). `mark`:
 * the mark alone, the figure of the runs before `/` was rendered when the site is built.
 */
export async function firstChartShown(page: Page): Promise<{ shown: number | null; mark: number | null; fcp: number | null; inDocument: number | null }> {
	return page.evaluate(() => {
		const inDocument = (globalThis as unknown as { __chartInDocument: number | null }).__chartInDocument ?? null;
		const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
		const mark = performance.getEntriesByName('chart-drawn', 'mark')[0]?.startTime ?? null;
		return { shown: inDocument !== null && fcp !== null && inDocument <= fcp ? fcp : mark, mark, fcp, inDocument };
	});
}
