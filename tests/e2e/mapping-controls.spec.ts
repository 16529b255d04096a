// Files nobody here wrote a mapping for (tests/fixtures/import/unfamiliar), mapped through the page's
// controls alone — no JSON, no example mapping. Counts are those of the files (see make.mjs).
import { test, expect } from './guard';

// The engine's first start (34 MB of wasm) can take a minute on a loaded machine.
test.describe.configure({ timeout: 240_000 });
import type { Page } from '@playwright/test';
import path from 'node:path';

const unfamiliar = (f: string) => path.join(process.cwd(), 'tests', 'fixtures', 'import', 'unfamiliar', f);

async function open(page: Page, file: string) {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await page.getByTestId('file-input').setInputFiles(unfamiliar(file));
	await expect(page.getByTestId('preview')).toBeVisible();
}

async function importAndKeep(page: Page, name: string, read: string, accepted: string) {
	await page.getByTestId('dataset-name').fill(name);
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-read')).toHaveText(read);
	await expect(page.getByTestId('rows-accepted')).toHaveText(accepted);
	await page.getByTestId('keep-import').click();
	await expect(page.getByTestId('engine-status')).toContainText(name);
}

test('Subject, Days, Reaction: nothing imports until a questionnaire is chosen, then all 180 rows do', async ({ page }) => {
	await open(page, 'sleep-long.csv');
	// The suggestion: Days is the time (0 = baseline, n = session n), Reaction the score — never Days.
	await expect(page.getByTestId('map-time')).toHaveValue('Days');
	await expect(page.getByTestId('map-score-0')).toHaveValue('Reaction');
	await expect(page.getByTestId('map-time-unit')).toHaveValue('day');
	// No questionnaire yet: import is disabled and the reason says what to do, once, with its count.
	await expect(page.getByTestId('run-import')).toBeDisabled();
	await expect(page.getByTestId('reason-groups')).toContainText('180 rows: no questionnaire — choose one above');
	await expect(page.getByTestId('reason-groups').locator('li')).toHaveCount(1);
	await page.getByTestId('map-questionnaire').selectOption('val:bdi2');
	await page.getByTestId('map-route').selectOption('val:iv');
	await expect(page.getByTestId('preview-counts')).toHaveText('180 read → 180 accepted, 0 rejected');
	await page.screenshot({ path: 'test-results/mapping-controls-long.png', fullPage: true });
	await importAndKeep(page, 'Sleep-like long', '180', '180');
	await expect(page.getByTestId('engine-status')).toContainText('18 clients · 180 scores');
});

test("R reshape's wide file: read as ten time-point columns; questionnaire and route through the controls", async ({ page }) => {
	await open(page, 'sleep-wide.csv');
	await expect(page.getByText('Recognised shape: wide')).toBeVisible();
	await expect(page.getByTestId('map-score-9')).toHaveValue('Reaction.9');
	await expect(page.getByTestId('map-when-0')).toHaveValue('baseline');
	await expect(page.getByTestId('run-import')).toBeDisabled();
	await page.getByTestId('map-questionnaire').selectOption('val:bdi2');
	await page.getByTestId('map-route').selectOption('val:sublingual');
	await page.getByTestId('map-time-unit').fill('day');
	await page.getByTestId('map-time-unit').blur();
	await expect(page.getByTestId('preview-counts')).toHaveText('180 read → 180 accepted, 0 rejected');
	await importAndKeep(page, 'Sleep-like wide', '180', '180');
});

test('clinic export with visit dates and repeat visits: dates give the order, not duplicates; the dates are not imported', async ({ page }) => {
	await open(page, 'clinic-export.csv');
	// Read each visit as a plain session number and every repeat visit is rejected: the page says why and how to fix it.
	await page.getByTestId('map-time').selectOption('');
	await expect(page.getByTestId('reason-groups')).toContainText('rows: several rows for the same client and time point — is there a time column?');
	await page.getByTestId('map-time').selectOption('Visit Date');
	await page.getByTestId('map-time-means').selectOption('visit_order');
	await expect(page.getByTestId('deid-visit-dates')).toContainText('the dates themselves are not imported');
	await expect(page.getByTestId('map-instrument-0')).toHaveValue('val:phq9');
	await expect(page.getByTestId('map-instrument-1')).toHaveValue('val:gad7');
	await expect(page.getByTestId('map-route')).toHaveValue('col:Route');
	await expect(page.getByTestId('preview-counts')).toHaveText('270 read → 270 accepted, 0 rejected');
	await expect(page.getByTestId('preview')).not.toContainText('2025-');
	await importAndKeep(page, 'Clinic export', '270', '270');
	await expect(page.getByTestId('engine-status')).toContainText('24 clients');
});

test('leaving an import that is not kept asks first', async ({ page }) => {
	await open(page, 'sleep-long.csv');
	let asked = '';
	page.once('dialog', (d) => {
		asked = d.message();
		void d.dismiss();
	});
	await page.getByRole('link', { name: 'Clinic overview' }).first().click();
	expect(asked).toContain('not kept yet');
	await expect(page).toHaveURL(/\/data$/);
});
