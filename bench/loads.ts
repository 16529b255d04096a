/**
 * Loading a size's dataset in the browser, as the benchmark measures it (bench/run.ts): CSV through
 * the app's importer (DuckDB's own reader when it can read the file), Arrow IPC inserted alone and
 * imported as a dataset (insert, keep in OPFS, activate), and the kept dataset reloaded from OPFS by
 * a page reload. Each step is bounded in time; a step that fails is recorded with the engine's
 * memory at that moment (steps.ts), and a tab it left unusable is replaced by a fresh one.
 */
import type { Browser } from '@playwright/test';
import { firstDrawn, log, newTab, open, summariesHow, summariesReady, type Tabs } from './page';
import { engineState, limitMs, Steps, tabUnusable, within } from './steps';

export interface Loads {
	/** File chosen → every chart of the page drawn on the new data. */
	csv_import: number[];
	/** File chosen → the first chart drawn on the new data (the issue's "first chart"). */
	csv_import_first_chart: number[];
	arrow_import: number[];
	arrow_insert: number[];
	opfs_reload: number[];
	opfs_read: number[];
	/** The same reloads from the navigation's start to the app being ready (engine start included). */
	opfs_reload_page: number[];
	summaries_restore: number[];
}

export interface SizeRun {
	rows: number;
	label: string;
	base: string;
	csvUrl: string;
	arrowUrl: string;
	steps: Steps;
	loads: Loads;
	/** Engine start times of every page load. */
	engine: number[];
	notes: string[];
}

/** Time limit of one CSV import: 10 minutes at 10M rows. */
const csvLimit = (rows: number) => limitMs(rows, 60, 55);
/** Time limit of one Arrow insert or import. */
const arrowLimit = (rows: number) => limitMs(rows, 60, 30);

/** One CSV import in `page`'s app; the kept dataset's id, or null (recorded as not run). */
async function csvImport(page: Tabs['page'], run: SizeRun, i: number, reps: number): Promise<string | null> {
	const r = await run.steps.run('csv_import', csvLimit(run.rows), () => page.evaluate(({ u }) => window.__kapBench!.loadCsv(u, 'bench csv'), { u: run.csvUrl }), () => engineState(page));
	if (!r) return null;
	log(`  csv import ${i + 1}/${reps}: ${Math.round(r.totalMs as number)} ms to every chart, ${Math.round(r.firstChartMs as number)} to the first (read ${Math.round(r.readMs as number)}, validate ${Math.round(r.validateMs as number)}, then the charts ${Math.round(r.chartMs as number)}; kept after ${Math.round(r.keptMs as number)}); ${r.rows} rows, read by ${r.reader}`);
	run.loads.csv_import.push(r.totalMs as number);
	run.loads.csv_import_first_chart.push(r.firstChartMs as number);
	if (i === 0) run.notes.push(`CSV import: ${r.rows} rows accepted, ${r.rejected} rejected, read by ${r.reader}; kept after ${Math.round(r.keptMs as number)} ms`);
	return r.id as string;
}

/**
 * CSV imports in a tab of their own (one import's memory does not weigh on the measured tab's),
 * each dataset removed again. Whether one import works in one tab at this size is itself a result.
 */
export async function csvImports(browser: Browser, run: SizeRun, reps: number): Promise<void> {
	const tab = await newTab(browser);
	try {
		const engine = await run.steps.run('csv_import', 180_000, () => open(tab.page, run.base, '/'));
		if (engine === null) return;
		run.engine.push(engine);
		for (let i = 0; i < reps; i++) {
			const id = await csvImport(tab.page, run, i, reps);
			if (!id) return;
			if (i + 1 < reps)
				await within(
					tab.page.evaluate(async ({ id }) => {
						await window.__kapBench!.activate('demo');
						await window.__kapBench!.remove(id);
					}, { id }),
					120_000,
					'removing the imported dataset'
				);
		}
	} finally {
		await within(tab.ctx.close(), 60_000, 'closing the tab').catch(() => {});
	}
}

/**
 * Arrow IPC into the measured tab: inserted alone (then dropped), then imported as a dataset (kept
 * in OPFS, active). The id of the last imported dataset, or null when no import worked; then, when
 * `csvFallback`, the dataset comes from a CSV import in a fresh tab instead (so the reload, refresh
 * and interaction steps still run at a size whose Arrow file is too large for one tab).
 */
export async function arrowLoads(tabs: Tabs, run: SizeRun, reps: number, csvFallback: boolean): Promise<string | null> {
	const { steps } = run;
	const failed = async (e: unknown) => {
		const state = await engineState(tabs.page);
		await tabs.replace(); // a fresh tab for what follows: wasm memory never shrinks, and a failed allocation may have killed the engine
		return `${state}${tabUnusable(e) ? '; tab replaced' : ''}`;
	};
	for (let i = 0; i < reps; i++) {
		await tabs.ready(run.base, run.engine);
		const ms = await steps.run('arrow_insert', arrowLimit(run.rows), () => tabs.page.evaluate(({ u }) => window.__kapBench!.insertArrowOnly(u), { u: run.arrowUrl }), failed);
		if (ms === null) break;
		run.loads.arrow_insert.push(ms);
	}
	let id: string | null = null;
	for (let i = 0; i < reps; i++) {
		await tabs.ready(run.base, run.engine);
		if (id) {
			const old = id;
			await within(tabs.page.evaluate(async ({ id }) => {
				await window.__kapBench!.activate('demo');
				await window.__kapBench!.remove(id);
			}, { id: old }), 120_000, 'removing the imported dataset');
		}
		const r = await steps.run('arrow_import', arrowLimit(run.rows), () => tabs.page.evaluate(({ u }) => window.__kapBench!.loadArrow(u, 'bench arrow'), { u: run.arrowUrl }), failed);
		if (!r) {
			id = null;
			break;
		}
		id = r.id as string;
		run.loads.arrow_import.push(r.totalMs as number);
		log(`  arrow import ${i + 1}/${reps}: ${Math.round(r.totalMs as number)} ms (${((r.bytes as number) / 1e6).toFixed(0)} MB IPC; insert only ${Math.round(run.loads.arrow_insert[i] ?? NaN)} ms)`);
	}
	if (id || !csvFallback) return id;
	await tabs.replace();
	await tabs.ready(run.base, run.engine);
	log('  the Arrow import did not load the dataset: importing the CSV in a fresh tab for the steps that need it');
	id = await csvImport(tabs.page, run, run.loads.csv_import.length, run.loads.csv_import.length + 1);
	if (id) run.notes.push('the dataset of the reload, refresh, interaction and /compare steps came from a CSV import (the Arrow import could not load it)');
	return id;
}

/**
 * As a user meets it: the kept dataset is the active one, the page is reloaded (a fresh engine),
 * and the app opens that dataset while it starts. Measured from the engine being ready to the app
 * being ready (the kept file, read from OPFS and its SHA-256 checked while the engine started, handed
 * to the engine and attached; its counts saved when it was kept), on the page's own marks; the engine
 * start itself is the separate "engine start" column, and `opfs_reload_page` is the whole, from the
 * navigation. False when a reload failed (and the tab, with the kept dataset, was lost).
 */
export async function opfsReloads(tabs: Tabs, run: SizeRun, id: string, reps: number): Promise<boolean> {
	const page = tabs.page;
	const limit = limitMs(run.rows, 60, 20);
	const lost = async (e: unknown) => {
		const state = await engineState(page);
		if (tabUnusable(e)) await tabs.replace();
		return state;
	};
	const activated = await run.steps.run('opfs_reload', limit, () => page.evaluate(({ id }) => window.__kapBench!.activate(id), { id }), lost);
	if (activated === null) return tabs.page === page;
	// A returning user's dataset has its summaries kept beside it (built after the import's first
	// view, then written). Reloading before that copy is written kills the build, and each reload
	// then builds them again: until 2026-12-02 15:00 every 1M reload did (5.8 s) and no copy was used.
	const t0 = Date.now();
	const first = await summariesReady(page, id, limitMs(run.rows, 60, 60), true);
	const waited = ((Date.now() - t0) / 1000).toFixed(1);
	const firstNote = first
		? first.failed
			? `summaries of the imported dataset ${summariesHow(first)}, after ${waited} s of waiting: none kept beside it, each reload builds them again`
			: `summaries of the imported dataset ${summariesHow(first)} and kept beside it (the reloads waited ${waited} s for that copy)`
		: `summaries of the imported dataset not kept beside it within ${Math.round(limitMs(run.rows, 60, 60) / 1000)} s: the reloads build them`;
	log(`  ${firstNote}`);
	run.notes.push(firstNote);
	for (let i = 0; i < reps; i++) {
		const ok = await run.steps.run('opfs_reload', limit * 2, async () => {
			run.engine.push(await open(page, run.base, '/', limit));
			// the kept file is read and checked while the engine starts (open-kept.ts ReadAhead): the page's
			// whole time to the dataset being active is recorded beside it
			const [ms, fromNavigation] = await page.evaluate(() => {
				const at = (name: string) => performance.getEntriesByName(`kap:${name}`).at(-1)?.startTime ?? NaN;
				return [at('app-ready') - at('engine-ready'), at('app-ready')];
			});
			run.loads.opfs_reload.push(ms);
			run.loads.opfs_reload_page.push(fromNavigation);
			await firstDrawn(page, limit); // its charts first, so the read below does not queue behind their queries
			run.loads.opfs_read.push(await page.evaluate(({ id }) => window.__kapBench!.storeLoadMs(id), { id }));
			// the summaries, after the first view: copied from the kept copy, or built when none was kept
			// (within one reload's limit: this step may take two, and a build that failed says so at once)
			const summaries = await summariesReady(page, id, limit);
			if (summaries?.kept && !summaries.failed) run.loads.summaries_restore.push(summaries.ms);
			log(`  OPFS reload ${i + 1}/${reps}: ${Math.round(ms)} ms from engine ready to the kept dataset active, ${Math.round(fromNavigation)} from the navigation (read+verify alone ${Math.round(run.loads.opfs_read.at(-1)!)} ms; summaries ${summaries ? summariesHow(summaries) : `not there within ${Math.round(limit / 1000)} s`})`);
			return true;
		}, lost);
		if (!ok) return tabs.page === page;
	}
	return true;
}
