import { test, expect } from './guard';
import path from 'node:path';

const fixture = (...p: string[]) => path.join(process.cwd(), 'tests', 'fixtures', ...p);

test('a real headerless .dat file goes in through the mapping step, is reported, kept across a reload and charted', async ({ page }) => {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await page.getByTestId('file-input').setInputFiles(fixture('refdata', 'riesby', 'riesby.dat'));
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByLabel('Example mappings').selectOption({ label: 'riesby.json' });
	await expect(page.getByTestId('preview')).toContainText('hamd17');
	await page.getByTestId('dataset-name').fill('Riesby 1977');
	await page.getByTestId('run-import').click();
	// SOURCE.md: 396 lines, 21 missing hamd → 375 observed values, 66 patients
	await expect(page.getByTestId('rows-read')).toHaveText('396');
	await expect(page.getByTestId('rows-accepted')).toHaveText('375');
	await expect(page.getByTestId('rows-rejected')).toHaveText('21');
	await expect(page.getByTestId('import-report')).toContainText('66 clients');
	await expect(page.getByTestId('import-reader')).toContainText('JavaScript importer');
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('kept in this browser');
	await expect(page.getByTestId('engine-status')).toContainText('Riesby 1977');
	await page.screenshot({ path: 'test-results/data-after-import.png', fullPage: true });

	await page.reload();
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await expect(page.getByTestId('engine-status')).toContainText('Riesby 1977 · 66 clients · 375 scores');
	await page.goto('/');
	await expect(page.getByTestId('trajectory-hamd17').locator('path.line')).toHaveCount(1);
	await page.screenshot({ path: 'test-results/overview-riesby.png', fullPage: true });
});

test('bad rows are listed with line and reason; discarding leaves the loaded data untouched', async ({ page }) => {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const before = await page.getByTestId('engine-status').textContent();
	const csv = [
		'client_id,series,route,instrument,phase,session,week,score',
		'A1,1,iv,bdi2,baseline,0,,30',
		'A1,1,iv,bdi2,session,1,,99',
		',1,iv,bdi2,session,2,,12',
		'A2,1,teleport,bdi2,baseline,0,,20',
		'A2,1,iv,bdi2,session,-1,,20'
	].join('\n');
	await page.getByTestId('file-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-read')).toHaveText('5');
	await expect(page.getByTestId('rows-accepted')).toHaveText('1');
	await expect(page.getByTestId('rows-rejected')).toHaveText('4');
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('63'); // score 99 outside BDI-II 0–63, on line 3
	await expect(report.locator('tr', { hasText: 'client' }).first()).toContainText('4');
	await expect(page.getByTestId('import-reader')).toContainText("DuckDB's CSV reader");
	await page.screenshot({ path: 'test-results/data-bad-rows.png', fullPage: true });
	await page.getByTestId('discard-import').click();
	await expect(page.getByTestId('engine-status')).toHaveText(before!);
});

test('a CSV goes in through DuckDB\'s own reader, is kept across a reload and charted', async ({ page }) => {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const rows = ['client_id,series,route,instrument,phase,session,week,score,site'];
	for (const [c, route] of [['K1', 'iv'], ['K2', 'iv'], ['K3', 'oral']])
		for (let s = 0; s <= 4; s++) rows.push(`${c},1,${route},phq9,${s === 0 ? 'baseline' : 'session'},${s},,${20 - 3 * s},north`);
	await page.getByTestId('file-input').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\r\n')) });
	await page.getByTestId('dataset-name').fill('Three clients');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-accepted')).toHaveText('15');
	await expect(page.getByTestId('rows-rejected')).toHaveText('0');
	await expect(page.getByTestId('import-reader')).toContainText("DuckDB's CSV reader");
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('kept in this browser');
	await expect(page.getByTestId('engine-status')).toContainText('Three clients · 3 clients · 15 scores');
	await page.reload();
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await expect(page.getByTestId('engine-status')).toContainText('Three clients · 3 clients · 15 scores');
	await page.goto('/');
	await expect(page.getByTestId('trajectory-phq9').locator('path.line')).toHaveCount(2);
	await page.screenshot({ path: 'test-results/overview-duckdb-import.png', fullPage: true });
});

test('a file over the size limit is refused up front with the limit stated', async ({ page }) => {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	// a sparse File object: the size check happens before anything is read
	await page.evaluate(() => {
		const input = document.querySelector('[data-testid=file-input]') as HTMLInputElement;
		const big = new File([new Blob([new ArrayBuffer(600 * 1024 * 1024)])], 'huge.csv');
		const dt = new DataTransfer();
		dt.items.add(big);
		input.files = dt.files;
		input.dispatchEvent(new Event('change', { bubbles: true }));
	});
	await expect(page.getByTestId('import-error')).toContainText('up to 512 MB');
});

test('a file of dosing-session records is recognised without a mapping; an out-of-range SBP is rejected with line, column and reason; /safety shows its records', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	// tests/fixtures/sessions/sessions.csv: 9 records of 4 clients; line 10 (c4 session 2) has sbp_peak 275
	await page.getByTestId('file-input').setInputFiles(fixture('sessions', 'sessions.csv'));
	await expect(page.getByTestId('sessions-recognised')).toContainText('dosing-session records');
	await page.getByTestId('dataset-name').fill('Session records');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-read')).toHaveText('9');
	await expect(page.getByTestId('rows-accepted')).toHaveText('8');
	await expect(page.getByTestId('rows-rejected')).toHaveText('1');
	const bad = page.getByTestId('import-report').locator('tr', { hasText: 'sbp_peak out of range' });
	await expect(bad).toContainText('10');
	await expect(bad).toContainText('260');
	await expect(page.getByTestId('reason-groups')).toContainText('a session measurement outside what can be measured');
	await expect(page.getByTestId('import-reader')).toContainText('read by the JavaScript importer');
	await page.screenshot({ path: 'test-results/data-sessions.png', fullPage: true });
	await page.getByTestId('keep-import').click();
	await expect(page.getByTestId('engine-status')).toContainText('Session records');
	// /safety reads that dataset's 8 records: 4 clients, the one serious AE (c2 session 2)
	await page.getByRole('link', { name: 'Safety' }).click();
	const tiles = page.getByTestId('safety-tiles');
	await expect(tiles).toContainText(/8\s*dosing sessions recorded/, { timeout: 60_000 });
	await expect(tiles).toContainText(/4\s*clients/);
	await expect(page.getByTestId('serious-ae')).toContainText(/^1\s*serious adverse event/);
	await page.screenshot({ path: 'test-results/safety-imported-sessions.png', fullPage: true });
});
