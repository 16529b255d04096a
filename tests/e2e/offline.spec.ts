// Installable and offline: after one visit the service worker has cached the app shell, DuckDB's wasm
// and its worker, so with the network off (Chromium offline mode) the app reopens and works.
import { test, expect } from './guard';

test.use({ serviceWorkers: 'allow' });
test.describe.configure({ timeout: 300_000 });

test('after a first visit the app reopens and works with the network off', async ({ page, context }) => {
	await page.goto('/');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const manifest = await page.evaluate(async () => (await fetch(document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href)).json());
	expect(manifest).toMatchObject({ name: expect.stringContaining('kap-outcomes'), display: 'standalone' });
	expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
	// Registered once the engine is ready; active once it has cached every asset.
	// (Polled: waitForFunction takes a returned promise as a truthy value and would not wait.)
	await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none'), { timeout: 180_000 }).toBe('activated');
	const cached = await page.evaluate(async () => {
		const urls: string[] = [];
		for (const key of await caches.keys()) for (const r of await (await caches.open(key)).keys()) urls.push(new URL(r.url).pathname);
		return urls;
	});
	expect(cached.some((u) => u.endsWith('.wasm')), 'the DuckDB wasm is cached').toBe(true);
	// the bundle the engine runs (eh), not duckdb-wasm's unused mvp one (39 MB: src/lib/offline-assets.ts)
	expect(cached.some((u) => /duckdb-eh\.[^/]*\.wasm$/.test(u)), 'the eh wasm is cached').toBe(true);
	expect(cached.filter((u) => u.includes('duckdb-mvp') || u.includes('duckdb-browser-mvp')), 'the mvp bundle is not cached').toEqual([]);
	expect(cached).toContain('/200.html');

	// Requests the service worker answers bypass page.route, so the guard's origin check cannot see
	// them; with the network off nothing can leave the origin anyway.
	await page.unrouteAll({ behavior: 'ignoreErrors' });
	await context.setOffline(true);
	await page.goto('/compare');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.getByTestId('table1')).toContainText('client-series with a baseline', { timeout: 120_000 });
	await page.goto('/clients/C00027');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.locator('h1:visible').first()).toContainText('C00027');
	await expect(page.getByTestId('client-course').locator('circle.point').first()).toBeVisible({ timeout: 60_000 });
	await page.screenshot({ path: 'test-results/offline-client.png', fullPage: false });
	await context.setOffline(false);
});
