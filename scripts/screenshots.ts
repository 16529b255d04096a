/**
 * `npm run screenshots` — retakes the README's screenshots (docs/screenshots/*.png) from the built app
 * (`npm run build` first) on the demo cohort, in headless Debian Chromium, at 1280 px wide. Each page is
 * taken once its charts have drawn (the `charts-drawn` mark), so no skeleton is pictured. Not a test:
 * look at the pictures before committing them.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'docs', 'screenshots');
const PORT = Number(process.env.PORT ?? 4199);
const base = `http://127.0.0.1:${PORT}`;

async function drawn(page: Page, charts = true): Promise<void> {
	await page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.getAttribute('data-status') === 'ready', null, { timeout: 180_000 });
	if (charts) await page.waitForFunction(() => performance.getEntriesByName('charts-drawn', 'mark').length > 0, null, { timeout: 180_000 });
	await page.waitForTimeout(500); // transitions settle
}

async function main() {
	const server = spawn(process.execPath, ['scripts/serve.js', 'build'], { cwd: ROOT, env: { ...process.env, PORT: String(PORT) }, stdio: 'ignore', detached: true });
	try {
		await new Promise((r) => setTimeout(r, 1000));
		const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
		const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, serviceWorkers: 'block' });
		const page = await context.newPage();

		await page.goto(`${base}/`);
		await drawn(page);
		await page.screenshot({ path: `${OUT}/overview.png` });

		await page.goto(`${base}/compare`);
		await drawn(page);
		await page.screenshot({ path: `${OUT}/compare.png` });

		await page.goto(`${base}/clients/C00027`);
		await drawn(page);
		await page.screenshot({ path: `${OUT}/client.png` });

		await page.goto(`${base}/safety`);
		await drawn(page);
		await page.screenshot({ path: `${OUT}/safety.png` });

		await page.goto(`${base}/data`);
		await drawn(page, false);
		await page.getByTestId('file-input').setInputFiles(resolve(ROOT, 'tests/fixtures/refdata/btheb/BtheB.csv'));
		await page.getByTestId('preview').waitFor();
		await page.getByLabel('Example mappings').selectOption({ label: 'btheb.json' });
		await page.waitForTimeout(500);
		await page.getByTestId('preview').scrollIntoViewIfNeeded();
		await page.screenshot({ path: `${OUT}/data-mapping.png` });
		await browser.close();
		console.log(`screenshots written to ${OUT}: overview, compare, client, safety, data-mapping`);
	} finally {
		process.kill(-server.pid!);
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
