/**
 * Kept datasets as DuckDB database files (issue 11 item 4): a dataset kept by the previous release
 * (Arrow IPC, store format 1) still opens after the upgrade, is rewritten as a DuckDB file in the
 * background, and opens from that file on the next start with the same counts; a new import is kept
 * as a DuckDB file straight away.
 */
import type { Page } from '@playwright/test';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { test, expect } from './guard';
import type {} from '../../src/lib/data/bench'; // window.__kapBench

const ready = (page: Page) => expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
test.describe.configure({ timeout: 400_000 }); // a shared, loaded machine: engine starts have taken 30+ s

/** The copy of a dataset's summaries kept beside it (store.ts saveDerived), a cache the dataset never needs. */
const SUMMARY_FILES = ['derived.json', 'summaries.duckdb'];
/** A summaries file, or Chromium's swap file for one still being written (`<name>.crswap` until the writable closes). */
const isSummaryFile = (f: string) => SUMMARY_FILES.some((s) => f === s || f === `${s}.crswap`);

/** What the store holds for each dataset: name → { version, files }. */
const kept = (page: Page) =>
	page.evaluate(async () => {
		const out: Record<string, { version: number; engine?: string; files: string[] }> = {};
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets', { create: true });
		for await (const [id] of root as unknown as AsyncIterable<[string]>) {
			const dir = await root.getDirectoryHandle(id);
			const files: string[] = [];
			for await (const [f] of dir as unknown as AsyncIterable<[string]>) files.push(f);
			const meta = JSON.parse(await (await (await dir.getFileHandle('meta.json')).getFile()).text());
			out[meta.name] = { version: meta.version, engine: meta.engine, files: files.sort() };
		}
		return out;
	});

/** The counts each kept dataset's description holds (keeping.ts: saved so a reload need not count), by name. */
const keptCounts = (page: Page) =>
	page.evaluate(async () => {
		const out: Record<string, unknown> = {};
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets', { create: true });
		for await (const [id] of root as unknown as AsyncIterable<[string]>) {
			const meta = JSON.parse(await (await (await (await root.getDirectoryHandle(id)).getFileHandle('meta.json')).getFile()).text());
			out[meta.name] = meta.described;
		}
		return out;
	});

test('a dataset kept in the old Arrow format opens, is migrated to a DuckDB file, and opens from it with the same numbers', async ({ page }) => {
	// 3 clients, 7 rows, written exactly as the previous release kept them (data.arrow + meta version 1)
	const base = { series: 1, week: null, prorated: false, site: 'North' };
	const rows = [
		{ client_id: 'M1', route: 'iv', instrument: 'phq9', phase: 'baseline', session: 0, score: 20 },
		{ client_id: 'M1', route: 'iv', instrument: 'phq9', phase: 'session', session: 1, score: 12 },
		{ client_id: 'M2', route: 'im', instrument: 'phq9', phase: 'baseline', session: 0, score: 18 },
		{ client_id: 'M2', route: 'im', instrument: 'phq9', phase: 'session', session: 1, score: 9 },
		{ client_id: 'M3', route: 'iv', instrument: 'gad7', phase: 'baseline', session: 0, score: 15 },
		{ client_id: 'M3', route: 'iv', instrument: 'gad7', phase: 'session', session: 1, score: 11 },
		{ client_id: 'M3', route: 'iv', instrument: 'gad7', phase: 'session', session: 2, score: 7 }
	].map((r) => ({ ...base, ...r }));
	const ipc = [...toArrowIPC({ rows: rows as never, extraColumns: [] })];
	await page.goto('/data');
	await ready(page);
	await page.evaluate(async (ipc) => {
		const bytes = new Uint8Array(ipc);
		const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
		const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets', { create: true })).getDirectoryHandle('old-release', { create: true });
		const write = async (name: string, data: Uint8Array | string) => {
			const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
			await w.write(data as BufferSource);
			await w.close();
		};
		await write('data.arrow', bytes);
		const meta = {
			id: 'old-release', name: 'Kept last year', fileName: 'old.csv', rows: 7, clients: 3, instruments: ['gad7', 'phq9'],
			importedAt: '2025-11-01T00:00:00.000Z', bytes: bytes.byteLength, sha256: hex, mapping: null,
			counts: { rows_read: 7, rows_accepted: 7, rows_rejected: 0 }, version: 1
		};
		await write('meta.json', JSON.stringify(meta));
	}, ipc);
	await page.reload();
	await ready(page);
	await page.getByTestId('datasets').locator('tr', { hasText: 'Kept last year' }).getByRole('button', { name: 'Use' }).click();
	await expect(page.getByTestId('engine-status')).toContainText('Kept last year · 3 clients · 7 scores');
	// migrated in the background: a DuckDB file replaces the Arrow file, the meta records format 2 (the
	// dataset's summaries may be kept beside it by then: summaries.duckdb, derived.json)
	await expect
		.poll(async () => (await kept(page))['Kept last year'], { timeout: 30_000 })
		.toMatchObject({ version: 2, engine: expect.stringMatching(/^v1\./), files: expect.arrayContaining(['data.duckdb', 'meta.json']) });
	expect((await kept(page))['Kept last year'].files).not.toContain('data.arrow');
	// the counts of the test's 7 rows, saved with the migrated file for the next start
	expect((await keptCounts(page))['Kept last year']).toEqual({ rows: 7, scores: 7, clients: 3, instruments: ['gad7', 'phq9'] });
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('engine-status')).toContainText('Kept last year · 3 clients · 7 scores');
	await page.goto('/?route=iv');
	await ready(page);
	await expect(page.getByTestId('engine-status')).toContainText('Kept last year');
	await expect(page.getByTestId('storage-problem')).toHaveCount(0);
});

test('a new import is kept as a DuckDB database file and comes back after a reload', async ({ page }) => {
	await page.goto('/data');
	await ready(page);
	const csv = Buffer.from(['client_id,route,instrument,phase,session,week,score', 'N1,iv,phq9,baseline,0,,21', 'N1,iv,phq9,session,1,,8', 'N2,oral,phq9,baseline,0,,17'].join('\n') + '\n');
	await page.getByTestId('file-input').setInputFiles({ name: 'new.csv', mimeType: 'text/csv', buffer: csv });
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByTestId('dataset-name').fill('Fresh import');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('import-report')).toBeVisible();
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('kept in this browser');
	// (its summaries' copy, written beside it a moment after it is kept, is the next test's)
	const fresh = (await kept(page))['Fresh import'];
	expect({ ...fresh, files: fresh.files.filter((f) => !isSummaryFile(f)) }).toEqual({ version: 2, engine: expect.stringMatching(/^v1\./), files: ['data.duckdb', 'meta.json'] });
	expect((await keptCounts(page))['Fresh import']).toEqual({ rows: 3, scores: 3, clients: 2, instruments: ['phq9'] });
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('engine-status')).toContainText('Fresh import · 2 clients · 3 scores');
});

test("a kept dataset's summaries are kept beside it and copied back on its next start instead of built", async ({ page }) => {
	// `?bench` installs the app's benchmark hook (src/lib/data/bench.ts), which says how the summaries came
	await page.goto('/data?bench');
	await ready(page);
	const csv = Buffer.from(
		['client_id,route,instrument,phase,session,week,score', 'S1,iv,phq9,baseline,0,,21', 'S1,iv,phq9,session,1,,8', 'S2,oral,phq9,baseline,0,,17', 'S2,oral,phq9,session,1,,11'].join('\n') + '\n'
	);
	await page.getByTestId('file-input').setInputFiles({ name: 'summaries.csv', mimeType: 'text/csv', buffer: csv });
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByTestId('dataset-name').fill('Summaries kept');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('import-report')).toBeVisible();
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('kept in this browser');
	const id = await page.evaluate(() => window.__kapBench!.datasets().find((d) => d.name === 'Summaries kept')!.id);
	// first start: built from the rows after the first view, then written beside the dataset
	await page.waitForFunction((id) => window.__kapBench!.summaries(id)?.stored === true, id, { timeout: 60_000 });
	expect(await page.evaluate((id) => window.__kapBench!.summaries(id), id)).toMatchObject({ kept: false, stored: true });
	expect((await kept(page))['Summaries kept'].files).toEqual(['data.duckdb', 'derived.json', 'meta.json', 'summaries.duckdb']);
	// second start: the same dataset active, its summaries copied from that copy
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('engine-status')).toContainText('Summaries kept · 2 clients · 4 scores');
	await page.waitForFunction((id) => window.__kapBench!.summaries(id) !== null, id, { timeout: 60_000 });
	expect(await page.evaluate((id) => window.__kapBench!.summaries(id), id)).toMatchObject({ kept: true, stored: true });
});
