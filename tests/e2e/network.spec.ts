import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './guard';

/**
 * A clinic network as its coordinator meets it: the demo cohort split into one file per site, each
 * bundled by the command line with the default small-cell threshold, then dropped on /network. The
 * numbers on the page are checked against `kap-outcomes pool --json` of the same bundles, and a
 * tampered bundle is refused with a message.
 */
let dir: string;
let bundles: string[];
let pooled: {
	meta: { sites: string[]; incomplete: string[] };
	response: { instrument: string; group: string; count: number; n: number }[];
	network: { instrument: string; route: string; measure: string; reml: { shown: { estimate: number } } | null }[];
};

test.beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'kap-network-'));
	const [header, ...lines] = readFileSync('data/demo-cohort.csv', 'utf8').trim().split('\n');
	const siteAt = header.split(',').indexOf('site');
	const sites = [...new Set(lines.map((l) => l.split(',')[siteAt]))].sort();
	bundles = sites.map((site) => {
		const csv = path.join(dir, `${site}.csv`);
		writeFileSync(csv, [header, ...lines.filter((l) => l.split(',')[siteAt] === site)].join('\n') + '\n');
		const out = path.join(dir, `${site}.bundle.json`);
		execFileSync('node', ['bin/kap-outcomes.js', 'bundle', csv, '--site', site, '--out', out], { encoding: 'utf8' });
		return out;
	});
	pooled = JSON.parse(execFileSync('node', ['bin/kap-outcomes.js', 'pool', ...bundles, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a coordinator drops the sites’ bundles and reads pooled rates, forest plots and what is incomplete', async ({ page }) => {
	await page.goto('/network');
	await page.getByTestId('bundle-input').setInputFiles(bundles);
	await expect(page.getByTestId('bundle-list').locator('li')).toHaveCount(bundles.length);
	await expect(page.getByTestId('pool-summary')).toContainText(`Pooled over ${pooled.meta.sites.length} sites`);

	// pooled response bars: the same counts as the command line's pool of the same bundles
	const iv = pooled.response.find((r) => r.instrument === 'bdi2' && r.group === 'iv')!;
	const card = page.getByTestId('response-by-route');
	await card.getByRole('button', { name: 'Table' }).click();
	await expect(card.locator('tbody')).toContainText(`${iv.count}`);
	await expect(card.locator('tbody')).toContainText(`${iv.n}`);

	// one forest plot per route: each site, the pooled diamond and the prediction interval
	const forest = page.getByTestId('forest-response-iv');
	await expect(forest.locator('[data-row]')).toHaveCount(pooled.meta.sites.length + 2);
	await expect(forest.locator('[data-row="Pooled (REML)"]')).toBeVisible();
	const reml = pooled.network.find((m) => m.instrument === 'bdi2' && m.route === 'iv' && m.measure === 'response')!.reml!;
	await expect(forest).toContainText(`${(100 * reml.shown.estimate).toFixed(1)} %`);
	await expect(forest.locator('.note')).toContainText(/Sites (agree|differ)|variation between sites/);

	// small cells the sites withheld: said, never silently summed
	if (pooled.meta.incomplete.length) await expect(page.getByTestId('pool-incomplete')).toContainText('incomplete');
	else await expect(page.getByTestId('pool-complete')).toBeVisible();
	await page.screenshot({ path: 'test-results/network.png', fullPage: true });

	// an altered bundle is refused with the reason, the good ones stay pooled
	const bad = JSON.parse(readFileSync(bundles[0], 'utf8'));
	bad.site = 'tampered';
	bad.cells[0].series.responders = (bad.cells[0].series.response_n ?? 0) + 50;
	const badFile = path.join(dir, 'tampered.bundle.json');
	writeFileSync(badFile, JSON.stringify(bad));
	await page.getByTestId('bundle-input').setInputFiles([badFile]);
	await expect(page.getByTestId('bundle-list')).toContainText('inconsistent');
	await expect(page.getByTestId('pool-summary')).toContainText(`Pooled over ${pooled.meta.sites.length} sites`);
});

test('with the bundles open: axe-core finds no serious or critical violation, and at 390 px the page does not scroll sideways', async ({ page }) => {
	test.setTimeout(180_000);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/network');
	await page.getByTestId('bundle-input').setInputFiles(bundles);
	// the state scanned: every bundle listed, pooled, the forest plots and the pooled charts drawn
	await expect(page.getByTestId('bundle-list').locator('li')).toHaveCount(bundles.length);
	await expect(page.getByTestId('pool-summary')).toContainText(`Pooled over ${pooled.meta.sites.length} sites`);
	await expect(page.getByTestId('forest-response-iv').locator('[data-row]')).toHaveCount(pooled.meta.sites.length + 2);
	await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 60_000 });
	const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
	const serious = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
	expect(serious).toEqual([]);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await page.screenshot({ path: 'test-results/phone_network_pooled.png', fullPage: true });
});
