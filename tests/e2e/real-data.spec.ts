import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './guard';
import { importWithExampleMapping } from './import-helper';

/**
 * The researcher's and the therapist's questions answered on a real, imported dataset rather than the
 * demo: Claus et al. 2020 (placebo amplification vs treatment as usual), expected values from its
 * SOURCE.md (published by the study authors' R package), not from our code.
 */
const file = path.join('tests', 'fixtures', 'refdata', 'claus2020', 'claus-2020.xlsx');

test('Claus 2020 through /data, then PA vs TAU on /compare reproduces the published counts and one participant opens on /clients', async ({ page }) => {
	await importWithExampleMapping(page, file, 'claus2020.json', 'Claus 2020');
	await expect(page.getByTestId('engine-status')).toContainText('Claus 2020 · 43 clients');

	await page.goto('/compare?a.treatment=PA&b.treatment=TAU&instrument=bdi2');
	await expect(page.getByTestId('cohort-a-label')).toContainText('PA');
	const n = (level: string) => page.getByTestId('table1').locator(`tr[data-variable="n"][data-level="${level}"] td`);
	// SOURCE.md: 43 participants, TAU 20, PA 23; BDI-II observed at the end for 21 PA and 19 TAU
	await expect(n('clients')).toHaveText(['23', '20']);
	await expect(n('with an end-of-series score (analysed)')).toHaveText(['21', '19']);
	// published ≥ 50 % reduction: PA 9/21, TAU 2/19
	const rates = page.getByTestId('rates');
	await expect(rates.locator('[data-row="Response · A"] text')).toContainText('9/21');
	await expect(rates.locator('[data-row="Response · B"] text')).toContainText('2/19');
	await expect(page.getByTestId('results-text')).toContainText('Response: 9/21', { timeout: 30_000 });
	await page.screenshot({ path: 'test-results/compare-claus.png', fullPage: true });

	// the therapist's view of one participant, against the workbook's own totals (BDI1.total, BDI4.total)
	const [id, , bdi1, bdi4] = readFileSync(path.join('tests', 'fixtures', 'claus2020-bdi.csv'), 'utf8')
		.split('\n').filter((l) => /^\d/.test(l))[0].split(',');
	await page.goto(`/clients/${id}?instrument=bdi2`);
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const markers = page.getByTestId(`markers-bdi2-1`);
	await expect(markers.locator('[data-field=baseline]')).toHaveText(bdi1);
	await expect(markers.locator('[data-field=end]')).toContainText(`${bdi4} (S3)`);
	await expect(page.getByTestId('client-course').locator('path.line').first()).toBeVisible();
	await expect(page.getByTestId('no-items')).toContainText('only BDI-II totals'); // the workbook mapping uses totals
	await page.screenshot({ path: 'test-results/client-claus.png', fullPage: true });
});
