// Accessibility and small screens on every page: axe-core (WCAG 2.x A/AA rules) finds no serious or
// critical violation, and at 390 px (a phone) no page scrolls sideways.
import { test, expect } from './guard';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// Seven pages, each waiting for every card on a shared 2-core machine: minutes, not seconds.
test.describe.configure({ timeout: 600_000 });

/** A client with two series in the demo cohort stands for /clients/[id]. */
const PARAMS: Record<string, string> = { '[id]': 'C00027' };
/** Every page of the app: each +page.svelte under src/routes, its parameters filled in. */
const PAGES = (readdirSync('src/routes', { recursive: true }) as string[])
	.filter((f) => path.basename(f) === '+page.svelte')
	.map((f) => '/' + path.dirname(f).split(path.sep).filter((s) => s !== '.').map((s) => PARAMS[s] ?? s).join('/'))
	.sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a.localeCompare(b)));

test('the scans below cover every page of the app', () => {
	expect(PAGES).toEqual(expect.arrayContaining(['/', '/compare', '/clients', '/clients/C00027', '/data', '/safety', '/network']));
	expect(PAGES.every((p) => !p.includes('['))).toBe(true);
});

/** Wait until the engine is up and no card is still loading. */
async function settle(page: Page) {
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 120_000 });
}

/** Navigate inside the app (no reload: the engine starts once per test). */
async function visit(page: Page, path: string) {
	await page.evaluate((p) => {
		const a = document.createElement('a');
		a.href = p;
		document.body.append(a);
		a.click();
		a.remove();
	}, path);
	await page.waitForURL((u) => u.pathname === path);
	await settle(page);
}

test('axe-core: no serious or critical violation on any page', async ({ page }) => {
	// every page in turn, each settled and scanned: about a minute on a quiet machine, more beside other work
	test.setTimeout(300_000);
	await page.goto('/');
	await settle(page);
	const found: string[] = [];
	for (const p of PAGES) {
		if (p !== '/') await visit(page, p);
		const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
		for (const v of r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
			found.push(`${p}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
	}
	expect(found).toEqual([]);
});

test('390 px wide: no page scrolls sideways; tables scroll inside themselves', async ({ page }) => {
	test.setTimeout(300_000);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/');
	await settle(page);
	const wide: string[] = [];
	for (const p of PAGES) {
		if (p !== '/') await visit(page, p);
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		if (w > 390) {
			const culprits = await page.evaluate(() =>
				[...document.querySelectorAll('body *')]
					.filter((e) => e.getBoundingClientRect().right > 391 && e.getBoundingClientRect().width > 0 && (e.parentElement?.getBoundingClientRect().right ?? 0) <= 391)
					.slice(0, 5)
					.map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}[${Math.round(e.getBoundingClientRect().right)}]`)
			);
			wide.push(`${p}: ${w}px (${culprits.join(', ')})`);
		}
		// a forest plot's printed values end inside its chart (which scrolls in its card when the card is too narrow)
		const cut = await page.locator('g.interval text').evaluateAll((ts) =>
			ts.filter((t) => t.getBoundingClientRect().right > t.closest('svg')!.getBoundingClientRect().right + 0.5).map((t) => t.textContent)
		);
		if (cut.length) wide.push(`${p}: forest-plot values cut at the chart's edge: ${cut.slice(0, 3).join(' | ')}`);
		await page.screenshot({ path: `test-results/phone${p.replace(/\//g, '_') || '_root'}.png`, fullPage: true });
	}
	expect(wide).toEqual([]);
});

test('keyboard: a skip link; one tab stop per chart, arrows among its marks; filter pop-overs close on Escape, outside click and focus leaving', async ({ page }) => {
	await page.goto('/');
	await settle(page);
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('main')).toBeFocused();

	// The response chart: its marks hold one tab stop between them.
	const svg = page.getByTestId('response-by-route').locator('svg[role="group"]').first();
	const marks = svg.locator('[tabindex]');
	expect(await marks.count()).toBeGreaterThan(1);
	await expect(svg.locator('[tabindex="0"]')).toHaveCount(1);
	await svg.locator('[tabindex="0"]').focus();
	const first = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
	await page.keyboard.press('ArrowRight');
	const second = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
	expect(second).not.toBe(first);
	await expect(svg.locator('[tabindex="0"]')).toHaveCount(1);
	await page.keyboard.press('Home');
	expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(first);

	// Filter pop-overs.
	const site = page.getByTestId('filter-site');
	const details = page.locator('details', { has: site });
	await site.click();
	await expect(details).toHaveAttribute('open', '');
	await page.keyboard.press('Escape');
	await expect(details).not.toHaveAttribute('open', '');
	await expect(site).toBeFocused();
	await site.click();
	await page.locator('h1:visible').first().click(); // outside the pop-over (the print-only report heading comes first and is hidden)
	await expect(details).not.toHaveAttribute('open', '');
	await site.click();
	await details.locator('input').first().focus();
	await page.getByTestId('filter-series').focus();
	await expect(details).not.toHaveAttribute('open', '');
});

test('/data with a file in the mapping step and its import report: no serious violation, no sideways scroll at 390 px', async ({ page }) => {
	test.setTimeout(240_000);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/data');
	await settle(page);
	await page.getByTestId('file-input').setInputFiles(path.join('tests', 'fixtures', 'import', 'unfamiliar', 'clinic-export.csv'));
	// the state scanned: mapped through the controls (the visit dates give the order) and previewed, 270 rows all accepted
	await expect(page.getByTestId('map-route')).toHaveValue('col:Route');
	await page.getByTestId('map-time').selectOption('Visit Date');
	await page.getByTestId('map-time-means').selectOption('visit_order');
	await expect(page.getByTestId('preview-counts')).toHaveText('270 read → 270 accepted, 0 rejected', { timeout: 60_000 });
	const found: string[] = [];
	const scan = async (where: string) => {
		const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
		for (const v of r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
			found.push(`${where}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		if (w > 390) found.push(`${where}: the page is ${w} px wide`);
	};
	await scan('mapping step');
	await page.screenshot({ path: 'test-results/phone_data_mapping.png', fullPage: true });
	await page.getByTestId('dataset-name').fill('Clinic export');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-accepted')).toHaveText('270', { timeout: 60_000 });
	await scan('import report');
	await page.screenshot({ path: 'test-results/phone_data_report.png', fullPage: true });
	expect(found).toEqual([]);
});
