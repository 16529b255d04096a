/**
 * The board report prints what the CSVs publish: while printing (the button, or the browser's own
 * print: an emulated print medium here), every card of `/` draws the page's one export. On a small
 * cohort — central site, men: intranasal BDI-II response 2 of 5, computed from the demo CSV below —
 * no count of 1–10 is printed anywhere, "withheld (< 11)" is; back on screen the raw figures return.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './guard';
import { clientsOf, frac, responseOf, type Rec } from './demo-figures';

const SHOTS = process.env.SHOT_DIR ?? 'test-results';
const keep = (r: Rec) => r.site === 'central' && r.sex === 'male';
const nasal = responseOf((r) => keep(r) && r.route === 'intranasal');

/** Every text node a reader sees in the tiles and the cards (axes and tool buttons aside), one string each. */
async function printedTexts(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const out: string[] = [];
		const roots = [...document.querySelectorAll('section.tiles, .grid > section.card, .grid section.card')];
		for (const root of new Set(roots)) {
			const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				const el = n.parentElement!;
				if (el.closest('.axis, .tools, .tooltip, [role="status"]')) continue;
				if (!(el as HTMLElement).checkVisibility?.() && !(el instanceof SVGElement)) continue;
				const t = (n.textContent ?? '').trim();
				if (t) out.push(t);
			}
		}
		return out;
	});
}

/** Counts in the texts: "n = 5", "2 / 5", "7 client-series", "12 responders, 3 lost response", "4 first · 1 booster", a funnel's "9 · 45 %", a tile's "9". */
function countsIn(texts: string[]): number[] {
	const patterns = [/n = ([\d,]+)/g, /([\d,]+) \/ ([\d,]+)/g, /([\d,]+) client-series/g, /([\d,]+) responders, ([\d,]+) lost/g, /([\d,]+) first · ([\d,]+) booster/g, /^([\d,]+) · /g, /^([\d,]+)$/g];
	return texts.flatMap((t) => patterns.flatMap((p) => [...t.matchAll(p)].flatMap((m) => m.slice(1).map((v) => Number(v.replace(/,/g, ''))))));
}

test('board report: in print every card draws the export — no count of 1–10, "withheld (< 11)" instead; the screen gets its figures back', async ({ page }) => {
	// the expectation, from the CSV: intranasal has 2 responders of 5 in this cohort
	expect(nasal).toEqual({ count: 2, n: 5 });
	await page.goto('/?site=central&sex=male');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const bars = page.getByTestId('response-by-route');
	await expect(bars.locator('g.bar[data-key="intranasal"] text')).toHaveText(`n = ${nasal.n}`, { timeout: 60_000 });
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf(keep)));
	await expect(page.getByTestId('flow').getByTestId('flow-n').first()).toContainText('n = ', { timeout: 60_000 });
	// on screen the small counts are there (the test would see them if print drew raw rows)
	expect(countsIn(await printedTexts(page)).filter((v) => v > 0 && v < 11).length).toBeGreaterThan(0);

	await page.emulateMedia({ media: 'print' });
	await expect(page.getByTestId('board-cover')).toBeVisible();
	await expect(page.getByTestId('board-cover')).toContainText('are withheld in every card of this report');
	// the withheld route: no bar, no whisker, its label says why
	await expect(bars.locator('g.bar[data-key="intranasal"]')).toHaveCount(0);
	await expect(bars.locator('text.no-value[data-key="intranasal"]')).toHaveText('withheld (< 11)');
	await expect(page.getByTestId('remission-by-route').locator('text.no-value[data-key="intranasal"]')).toHaveText('withheld (< 11)');
	// 5 intranasal series in all: none of its trajectory points is drawn, and the legend says so
	await expect(page.getByTestId('trajectory-bdi2').locator('.legend')).toContainText('Intranasal (withheld)');
	const texts = await printedTexts(page);
	const counts = countsIn(texts);
	expect(counts.length).toBeGreaterThan(10);
	expect(counts.filter((v) => v > 0 && v < 11)).toEqual([]);
	expect(texts.filter((t) => t.includes('withheld (< 11)')).length).toBeGreaterThan(2);
	await page.screenshot({ path: `${SHOTS}/board-report-print.png`, fullPage: true });
	for (const id of ['response-by-route', 'trajectory-bdi2', 'survival', 'attrition']) await page.getByTestId(id).screenshot({ path: `${SHOTS}/board-report-print-${id}.png` });
	await page.locator('section.tiles').screenshot({ path: `${SHOTS}/board-report-print-tiles.png` });

	await page.emulateMedia({ media: 'screen' });
	await expect(bars.locator('g.bar[data-key="intranasal"] text')).toHaveText(`n = ${nasal.n}`);
	await expect(bars.locator('text.no-value')).toHaveCount(0);
	await expect(page.getByTestId('trajectory-bdi2').locator('.legend')).not.toContainText('withheld');
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf(keep)));
	await expect(page.getByTestId('tile-clients')).toContainText(clientsOf(keep).toLocaleString('en-US'));
});

test('board report: the browser\'s own print (beforeprint / afterprint) enters and leaves the printing state', async ({ page }) => {
	await page.goto('/?site=central&sex=male');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const bars = page.getByTestId('response-by-route');
	await expect(bars.locator('g.bar[data-key="intranasal"] text')).toHaveText(`n = ${nasal.n}`, { timeout: 60_000 });
	// Ctrl+P: the page is drawn from the export before beforeprint returns (the print layout comes next)
	const drawnAtOnce = await page.evaluate(() => {
		dispatchEvent(new Event('beforeprint'));
		return document.querySelector('[data-testid="response-by-route"] text.no-value[data-key="intranasal"]')?.textContent ?? null;
	});
	expect(drawnAtOnce).toBe('withheld (< 11)');
	await page.evaluate(() => dispatchEvent(new Event('afterprint')));
	await expect(bars.locator('g.bar[data-key="intranasal"] text')).toHaveText(`n = ${nasal.n}`);
});
