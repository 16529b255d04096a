// /compare on an imported reference dataset (BtheB, mappings/btheb.json): the page starts from the
// data — its trial arms, not routes it does not have — and says n = 0 in words. Counts from
// tests/fixtures/refdata/btheb/SOURCE.md: 100 patients, 52 BtheB, 48 TAU, all with a baseline BDI.
import { test, expect } from './guard';

// The engine's first start (34 MB of wasm) can take a minute on a loaded machine.
test.describe.configure({ timeout: 240_000 });
import path from 'node:path';
import { importWithExampleMapping } from './import-helper';

const btheb = path.join(process.cwd(), 'tests', 'fixtures', 'refdata', 'btheb', 'BtheB.csv');

test('compare defaults on an imported dataset: its two arms, its own attributes, months, no NA', async ({ page }) => {
	await importWithExampleMapping(page, btheb, 'btheb.json', 'BtheB');
	// Within the app (no reload, so the engine does not start again).
	await page.getByRole('link', { name: 'Compare cohorts' }).click();
	const t1 = page.getByTestId('table1');
	await expect(t1).toContainText('BtheB', { timeout: 60_000 });
	await expect(t1).toContainText('TAU');
	await expect(t1.locator('tr[data-variable="n"][data-level="client-series with a baseline"]')).toContainText('52');
	await expect(t1.locator('tr[data-variable="n"][data-level="client-series with a baseline"]')).toContainText('48');
	// The file's own attributes are rows; site / age / sex (all missing in this file) are not.
	await expect(t1.locator('tr[data-variable="drug"]').first()).toBeVisible();
	await expect(t1.locator('tr[data-variable="length"]').first()).toBeVisible();
	await expect(t1.locator('tr[data-variable="site"]')).toHaveCount(0);
	await expect(t1.locator('tr[data-variable="sex"]')).toHaveCount(0);
	await expect(t1).not.toContainText('(missing)');
	const methods = page.getByTestId('methods-text');
	await expect(methods).toContainText('time was counted in months', { timeout: 60_000 });
	await expect(methods).not.toContainText('Kaplan');
	const results = page.getByTestId('results-text');
	await expect(results).toContainText('percentage points');
	await expect(results).not.toContainText(/\bNA\b/);
	await expect(page.getByTestId('model')).toContainText('month');
	await expect(page.getByTestId('model')).not.toContainText('fitting…');
	// BtheB has no dosing-session records: the tolerability card says so in words
	await expect(page.getByTestId('tolerability-none')).toContainText('no dosing-session records');
	await page.screenshot({ path: 'test-results/compare-btheb.png', fullPage: true });

	// A cohort that exists in no row: n = 0 in words, the model says why it was not fitted.
	await page.goto('/compare?a.treatment=BtheB&b.treatment=TAU&b.drug=Nobody');
	await expect(page.getByTestId('empty-cohort')).toContainText('n = 0: no client-series in', { timeout: 120_000 });
	await expect(page.getByTestId('model')).toContainText('could not be fitted', { timeout: 60_000 });
	await expect(page.getByTestId('results-text')).not.toContainText(/\bNA\b|NaN/);
});
