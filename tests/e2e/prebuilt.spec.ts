/**
 * Issue 11 item 5: a first visit paints the demo's overview from figures computed when the site was
 * built, says "loading live data" meanwhile, and then shows live figures — the same numbers.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './guard';

test.describe.configure({ timeout: 300_000 });

/**
 * Every number the overview shows: tiles, chart labels, tables, SQL (text of the main area, whitespace
 * folded), without the filter bar (its choices are read from the live engine) and the prebuilt note.
 */
const figures = (page: Page) =>
	page.locator('main').evaluate((m) => {
		const copy = m.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('[aria-label="Filters"], [data-testid="prebuilt-note"], .synthetic').forEach((e) => e.remove());
		return (copy.textContent ?? '').replace(/\s+/g, ' ').replace(/derived_\d+/g, 'derived_n'); // the result cache's table numbers differ between runs
	});

test('the demo overview paints prebuilt figures while the engine starts, then the live ones are identical', async ({ page }) => {
	// hold DuckDB's wasm back so the prebuilt view stays up long enough to read it
	let release!: () => void;
	const held = new Promise<void>((r) => (release = r));
	await page.route(/duckdb-.*\.wasm$/, async (route) => {
		await held;
		await route.continue();
	});
	await page.goto('/');
	await expect(page.getByTestId('prebuilt-note')).toContainText('loading live data');
	await expect(page.getByTestId('engine-status')).not.toHaveAttribute('data-status', 'ready');
	await expect(page.locator('svg').first()).toBeVisible();
	// the flow card draws from the page's one export, worked out in a worker once the prebuilt figures are in:
	// read the figures once it is drawn too (read earlier, the flow was missing from "before" in one CI run)
	await expect(page.getByTestId('flow').getByTestId('flow-n').first()).toContainText('n = ', { timeout: 60_000 });
	const before = await figures(page);
	expect(before).toMatch(/\d/);
	await page.screenshot({ path: 'test-results/prebuilt-overview.png', fullPage: true });
	// The prebuilt view sets the mark too: wait for one set after the live queries ran.
	const prebuiltMarks = await page.evaluate(() => performance.getEntriesByName('charts-drawn', 'mark').length);
	// Each tile figure is faded while its own live result loads, and clear once it is in: record any
	// moment a card drew its live result while the tile figure from the same result was still faded.
	await page.evaluate(() => {
		const w = window as unknown as { tilesFadedLate: string[] };
		w.tilesFadedLate = [];
		const pairs = [['response-by-route', 'tile-response-'], ['remission-by-route', 'tile-remission-'], ['attrition', 'tile-completed-']];
		const check = () => {
			for (const [card, tile] of pairs) {
				if (document.querySelector(`[data-testid="${card}"]`)?.getAttribute('aria-busy') !== 'false') continue;
				for (const t of document.querySelectorAll(`[data-testid^="${tile}"]`)) {
					const id = t.getAttribute('data-testid')!;
					if (id !== 'tile-completed-series' && t.classList.contains('stale') && !w.tilesFadedLate.includes(id)) w.tilesFadedLate.push(id);
				}
			}
		};
		new MutationObserver(check).observe(document.querySelector('main')!, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'aria-busy'] });
	});
	release();
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
	await expect(page.getByTestId('prebuilt-note')).toHaveCount(0, { timeout: 120_000 });
	await page.waitForFunction((n) => performance.getEntriesByName('charts-drawn', 'mark').length > n, prebuiltMarks, { timeout: 120_000 });
	// (Polled: the page's one export is worked out once the figures have loaded, a moment after the mark.)
	await expect.poll(() => figures(page), { timeout: 30_000 }).toBe(before);
	// every live result is in: no tile is faded, and none stayed faded after its card drew live
	const tiles = page.getByRole('region', { name: 'Headline figures' });
	await expect(tiles).toHaveAttribute('aria-busy', 'false');
	await expect(tiles.locator('.stale')).toHaveCount(0);
	expect(await page.evaluate(() => (window as unknown as { tilesFadedLate: string[] }).tilesFadedLate), 'tile figures faded after their live result was drawn').toEqual([]);
	await page.screenshot({ path: 'test-results/prebuilt-overview-live.png', fullPage: true });
});

test('a filtered view or a second visit does not use the prebuilt figures', async ({ page }) => {
	await page.goto('/?route=iv');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
	await expect(page.getByTestId('prebuilt-note')).toHaveCount(0);
});

test("the first view is in the page's HTML: shown before any of the app's JavaScript runs, and not for a view it is not", async ({ page }) => {
	// the app's modules are held back: what shows is the HTML as built, and app.html's head script
	let release!: () => void;
	const held = new Promise<void>((r) => (release = r));
	await page.route(/\/_app\/.*\.js$/, async (route) => {
		await held;
		await route.continue().catch(() => {}); // a request the next navigation ended
	});
	await page.goto('/');
	await expect(page.getByTestId('prebuilt-note')).toContainText('loading live data');
	await expect(page.getByTestId('tile-clients')).toContainText('1,500');
	const chart = page.getByTestId('response-by-route').locator('svg[role="group"]');
	await expect(chart).toBeVisible();
	// one bar per route, each labelled with its n, as the live chart draws them
	await expect(chart.getByText(/^n = \d+$/)).toHaveCount(4);
	await page.screenshot({ path: 'test-results/prebuilt-html-only.png' });
	// a link with a view in it: the built figures are not that view's, so they stay hidden until the page has started
	await page.goto('/?route=iv');
	await expect(page.locator('main')).toBeHidden();
	await expect(page.locator('header nav')).toBeVisible();
	// nor for a browser whose last dataset was its own
	await page.evaluate(() => localStorage.setItem('kap-outcomes.active-dataset', 'ds-kept-elsewhere'));
	await page.goto('/');
	await expect(page.locator('main')).toBeHidden();
	// once the page has started it shows this browser's view: the kept dataset is gone, so the demo, live
	release();
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
	await expect(page.locator('main')).toBeVisible();
	await expect(page.getByTestId('prebuilt-note')).toHaveCount(0);
});
