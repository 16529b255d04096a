/**
 * Dosing-session records in a clinic's own layout, mapped on /data through the controls alone (no
 * JSON), imported, kept, shown on /safety, and open again after a reload. The file is written here
 * by hand; every expected figure is read off it.
 */
import { test, expect } from './guard';
import AxeBuilder from '@axe-core/playwright';

const CSV = [
	'Patient,Visit,Route,Dose (mg),SBP before,DBP before,BP systolic peak,BP diastolic peak,Sys 2,Dia 2,SpO2 lowest,Nausea,Event',
	'P01,1,IV,40,128,82,150,90,130,80,97,1,0',
	'P01,2,IV,40,131,84,184,104,140,86,96,0,0', // 184 systolic after dosing: ≥ 180
	'P01,3,IV,40,126,80,148,88,129,81,101,0,0', // line 4: SpO₂ 101 → rejected
	'P02,1,ketamine pump,50,140,92,168,98,142,90,95,2,1', // the serious AE
	'P02,2,ketamine pump,50,138,90,172,112,139,88,94,1,0', // 112 diastolic after dosing: ≥ 110
	'P03,1,troche,200,118,76,128,82,120,78,98,0,0',
	'P03,2,troche,200,119,77,129,83,121,79,98,0,0'
].join('\n');

test('session records in another layout are mapped by the controls, validated, kept across a reload and shown on /safety', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await page.getByTestId('file-input').setInputFiles({ name: 'clinic-vitals.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV + '\n') });

	// suggested from the names: session records, Patient / Visit / Route and the vitals with a time word
	await expect(page.getByTestId('map-holds')).toHaveValue('sessions');
	await expect(page.getByTestId('sessions-suggested')).toBeVisible();
	await expect(page.getByTestId('map-client')).toHaveValue('Patient');
	await expect(page.getByTestId('map-session-number')).toHaveValue('Visit');
	await expect(page.getByTestId('map-field-sbp_peak')).toHaveValue('BP systolic peak');
	await expect(page.getByTestId('map-field-spo2_min')).toHaveValue('SpO2 lowest');
	await expect(page.getByTestId('map-field-sbp_end')).toHaveValue('');
	// P02's route label is unknown (2 rows) and line 4's SpO₂ is out of range
	await expect(page.getByTestId('preview-counts')).toHaveText('7 read → 4 accepted, 3 rejected');
	await expect(page.getByTestId('preview-rejected')).toContainText('line 4, column “SpO2 lowest”: spo2_min out of range: 101 % is outside 50–100');

	// what the names did not say, by the dropdowns
	await page.getByTestId('map-field-sbp_end').selectOption('Sys 2');
	await page.getByTestId('map-field-dbp_end').selectOption('Dia 2');
	await page.getByTestId('map-field-serious_ae').selectOption('Event');
	await expect(page.getByTestId('preview').locator('th', { hasText: 'serious_ae' })).toHaveCount(1);
	await page.getByTestId('map-label-ketamine pump').selectOption('iv');
	await expect(page.getByTestId('preview-counts')).toHaveText('7 read → 6 accepted, 1 rejected');
	await expect(page.getByTestId('map-field-serious_ae')).toHaveValue('Event');
	await expect(page.getByLabel('Mapping JSON')).toHaveValue(/"serious_ae": "Event"/);
	await page.screenshot({ path: 'test-results/data-session-mapping.png', fullPage: true });
	// the mapping step's controls pass axe-core (serious and critical rules) like the rest of /data
	const axe = await new AxeBuilder({ page }).include('section[aria-labelledby="import-title"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
	expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

	await page.getByTestId('dataset-name').fill('Clinic vitals');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-read')).toHaveText('7');
	await expect(page.getByTestId('rows-accepted')).toHaveText('6');
	await expect(page.getByTestId('rows-rejected')).toHaveText('1');
	await expect(page.getByTestId('import-report').locator('tr', { hasText: 'spo2_min out of range' })).toContainText('4');
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('kept in this browser');
	await expect(page.getByTestId('engine-status')).toContainText('Clinic vitals · 3 clients');

	const safetyShowsTheRecords = async () => {
		const tiles = page.getByTestId('safety-tiles');
		await expect(tiles).toContainText(/6\s*dosing sessions recorded/, { timeout: 60_000 });
		await expect(tiles).toContainText(/3\s*clients/);
		await expect(page.getByTestId('serious-ae')).toContainText(/^1\s*serious adverse event/);
		// sessions at ≥ 180/110 after dosing: IV 2 of 4 (P01 session 2, P02 session 2), troche 0 of 2
		const bars = page.getByTestId('safety-hypertensive');
		await expect(bars).toContainText('2/4');
		await expect(bars).toContainText('0/2');
	};
	await page.getByRole('link', { name: 'Safety' }).click();
	await safetyShowsTheRecords();
	await page.screenshot({ path: 'test-results/safety-mapped-sessions.png', fullPage: true });

	// a dataset of session records alone is kept like any other: after a reload it is there and active
	await page.reload();
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.getByTestId('engine-status')).toContainText('Clinic vitals · 3 clients');
	await safetyShowsTheRecords();
	await page.goto('/data');
	await expect(page.getByTestId('datasets').locator('tr', { hasText: 'Clinic vitals' })).toContainText('6 session records');
});
