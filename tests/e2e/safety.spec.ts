/**
 * /safety on the demo cohort: figures checked against counts computed here from
 * data/demo-sessions.csv with a few lines of JS (no DuckDB, no app code).
 */
import { readFileSync } from 'node:fs';
import { test, expect } from './guard';

type Rec = Record<string, string>;
const [head, ...lines] = readFileSync('data/demo-sessions.csv', 'utf8').trim().split('\n');
const cols = head.split(',');
const S: Rec[] = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
const num = (v: string) => (v === '' ? null : Number(v));
const post = (r: Rec) => Math.max(num(r.sbp_peak) ?? 0, num(r.sbp_end) ?? 0) >= 180 || Math.max(num(r.dbp_peak) ?? 0, num(r.dbp_end) ?? 0) >= 110;
const measured = (r: Rec) => [r.sbp_peak, r.sbp_end, r.dbp_peak, r.dbp_end].some((v) => v !== '');

test('safety page: tolerability per route from the demo session records, filters and dose bands', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/safety');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const tiles = page.getByTestId('safety-tiles');
	await expect(tiles).toContainText(new RegExp(`${S.length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });
	const sae = S.filter((r) => r.serious_ae === '1').length;
	await expect(page.getByTestId('serious-ae')).toContainText(new RegExp(`^${sae}\\s*serious adverse events`));

	// BP ≥ 180/110 after dosing, IV: count / sessions with a post-dose BP, printed above the IV bar
	const iv = S.filter((r) => r.route === 'iv' && measured(r));
	const ivHigh = iv.filter(post).length;
	const bars = page.getByTestId('safety-hypertensive');
	await expect(bars.locator('g.bar')).toHaveCount(4);
	await expect(bars).toContainText(`${ivHigh}/${iv.length}`);

	// side-effect heatmap: 5 effects × (4 routes + all)
	await expect(page.getByTestId('safety-side-effects').locator('g.cell')).toHaveCount(25);
	await expect(page.getByTestId('safety-dissociation').locator('path.line')).toHaveCount(4);
	await expect(page.getByTestId('safety-bp').locator('path.line')).toHaveCount(8);
	await page.screenshot({ path: 'test-results/safety.png', fullPage: true });

	// the bars' CSV comes from the page's one export: this card's rows (IV's count and n as printed above)
	const download = page.waitForEvent('download');
	await bars.getByRole('button', { name: 'CSV' }).click();
	const csv = readFileSync(await (await download).path(), 'utf8').trim().split(/\r?\n/);
	expect(csv.length).toBeGreaterThan(1);
	expect(csv.slice(1).some((l) => l.includes(`,${ivHigh},${iv.length},`))).toBe(true);

	// clicking the IV bar filters every card to IV (URL), Back undoes it
	await bars.locator('g.bar[data-key="iv"]').click();
	await expect(page).toHaveURL(/route=iv/);
	await expect(tiles).toContainText(new RegExp(`${S.filter((r) => r.route === 'iv').length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });
	await page.goBack();
	await expect(tiles).toContainText(new RegExp(`${S.length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });

	// by dose band: the bands present in the records
	await page.getByTestId('safety-group').selectOption('dose_band');
	await expect(page).toHaveURL(/group=dose_band/);
	const under50 = S.filter((r) => r.dose_mg !== '' && Number(r.dose_mg) < 50 && measured(r));
	await expect(bars).toContainText(`${under50.filter(post).length}/${under50.length}`, { timeout: 60_000 });
	await page.screenshot({ path: 'test-results/safety-dose.png', fullPage: true });
});
