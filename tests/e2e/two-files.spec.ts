/**
 * A clinic's questionnaire scores and dosing-session records in two files: the scores are imported
 * and kept, then the session records are added to them on /data ("Add these session records to …"),
 * linked by client, series and session. The records that do not link are reported with their counts;
 * /safety, the client's session strip (BP from the records beside CADSS from the scores) and the kept
 * dataset after a reload use both. Session file: tests/fixtures/sessions/sessions.csv; the counts are
 * the hand counts of tests/unit/session-links.test.ts.
 */
import path from 'node:path';
import { test, expect } from './guard';

const SCORES = [
	'client_id,series,route,instrument,phase,session,week,score,site',
	'c1,1,iv,phq9,baseline,0,,20,north',
	'c1,1,iv,phq9,session,1,,15,north',
	'c1,1,iv,phq9,session,2,,11,north',
	'c1,1,iv,phq9,session,3,,8,north',
	'c1,1,iv,cadss,session,1,,30,north',
	'c1,1,iv,cadss,session,2,,22,north',
	'c2,1,iv,phq9,baseline,0,,18,south',
	'c2,1,iv,phq9,session,1,,14,south',
	'c3,2,sublingual,phq9,baseline,0,,16,north',
	'c3,2,sublingual,phq9,session,1,,12,north',
	'c3,2,sublingual,phq9,session,2,,9,north',
	'c5,1,sublingual,phq9,baseline,0,,22,south',
	'c5,1,sublingual,phq9,session,1,,19,south'
].join('\n');
const SESSIONS = path.resolve('tests/fixtures/sessions/sessions.csv');

test('session records in a second file are added to the scores, linked, and used by /safety and the client strip', async ({ page }) => {
	test.setTimeout(300_000);
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await page.getByTestId('file-input').setInputFiles({ name: 'clinic-scores.csv', mimeType: 'text/csv', buffer: Buffer.from(SCORES + '\n') });
	await expect(page.getByTestId('preview-counts')).toHaveText('13 read → 13 accepted, 0 rejected', { timeout: 60_000 });
	// the demo is active and has session records: nothing to add to
	await expect(page.getByTestId('link-to-active')).toHaveCount(0);
	await page.getByTestId('dataset-name').fill('Clinic scores');
	await page.getByTestId('run-import').click();
	await page.getByTestId('keep-import').click();
	await expect(page.getByTestId('engine-status')).toContainText('Clinic scores', { timeout: 60_000 });

	// the second file: session records, offered to the active dataset of scores
	await page.getByTestId('file-input').setInputFiles(SESSIONS);
	await expect(page.getByTestId('map-holds')).toHaveValue('sessions', { timeout: 60_000 });
	await expect(page.getByTestId('link-to-active')).toBeChecked();
	await expect(page.getByTestId('link-to-active').locator('..')).toContainText('Add these session records to “Clinic scores”');
	await expect(page.getByTestId('dataset-name')).toHaveValue('Clinic scores + sessions');
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('rows-read')).toHaveText('9', { timeout: 60_000 });
	await expect(page.getByTestId('rows-accepted')).toHaveText('8');
	await expect(page.getByTestId('rows-rejected')).toHaveText('1');
	await expect(page.getByTestId('link-summary')).toContainText('5 session records of 8 link to the scores (2 client-series; 4 records with a score at the same session)');
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('1 session record of 1 client without any score');
	await expect(report).toContainText('2 session records in 1 client-series the scores do not have');
	await expect(report).toContainText('2 client-series with scores but no session record');
	await page.screenshot({ path: 'test-results/two-files-report.png', fullPage: true });
	await page.getByTestId('keep-import').click();
	await expect(page.getByRole('status')).toContainText('Added 8 session records to “Clinic scores” as “Clinic scores + sessions”', { timeout: 60_000 });
	await expect(page.getByTestId('engine-status')).toContainText('Clinic scores + sessions');
	const datasets = page.getByTestId('datasets');
	await expect(datasets.locator('tr', { hasText: 'Clinic scores + sessions' })).toContainText('8 session records');
	// the dataset added to is still there as it was
	const base = datasets.locator('tr').filter({ has: page.getByRole('cell', { name: 'Clinic scores', exact: true }) });
	await expect(base).toHaveCount(1);
	await expect(base).toContainText('13');
	await expect(base).not.toContainText('session records');

	const safetyUsesTheRecords = async () => {
		const tiles = page.getByTestId('safety-tiles');
		await expect(tiles).toContainText(/8\s*dosing sessions recorded/, { timeout: 60_000 });
		await expect(page.getByTestId('serious-ae')).toContainText(/^1\s*serious adverse event/);
		// ≥ 180/110 after dosing: c1 sessions 2 (185/100) and 3 (160/112) of the 5 IV sessions; none of the
		// 2 sublingual sessions with a post-dose BP (c3 session 2 recorded none)
		const bars = page.getByTestId('safety-hypertensive');
		await expect(bars).toContainText('2/5');
		await expect(bars).toContainText('0/2');
	};
	await page.getByRole('link', { name: 'Safety' }).click();
	await safetyUsesTheRecords();
	await page.screenshot({ path: 'test-results/two-files-safety.png', fullPage: true });

	// c1's strip: BP from the session file beside CADSS from the score file, at the same session
	await page.goto('/clients/c1');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const strip = page.getByTestId('session-strip');
	await expect(strip.getByTestId('session-tile')).toHaveCount(3, { timeout: 60_000 });
	const s2 = strip.locator('[data-testid="session-tile"][data-session="2"]');
	await expect(s2).toContainText('142/88 → 185/100');
	await expect(s2).toContainText('CADSS 22');
	await expect(s2.locator('[data-flag="hypertensive_post"]')).toBeVisible();
	await expect(strip.locator('[data-testid="session-tile"][data-session="1"]')).toContainText('CADSS 30');
	await page.screenshot({ path: 'test-results/two-files-client.png', fullPage: true });

	// one kept dataset: after a reload it is active and /safety still reads both files' rows
	await page.goto('/safety');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.getByTestId('engine-status')).toContainText('Clinic scores + sessions');
	await safetyUsesTheRecords();
});
