/**
 * A Playwright fixture that fails a test on any request leaving the app's origin, any console
 * error, any page error, and any Content-Security-Policy violation — the "offline and private"
 * promise, checked on every browser test.
 */
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ guard: { offOrigin: string[]; consoleErrors: string[] } }>({
	guard: [
		async ({ page, baseURL }, use) => {
			const origin = new URL(baseURL!).origin;
			const offOrigin: string[] = [];
			const consoleErrors: string[] = [];
			await page.route('**/*', (route) => {
				const url = route.request().url();
				if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
				offOrigin.push(url);
				return route.abort();
			});
			page.on('console', (m) => {
				if (m.type() === 'error') consoleErrors.push(m.text());
			});
			page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
			await page.addInitScript(() => {
				document.addEventListener('securitypolicyviolation', (e) => {
					console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`);
				});
			});
			const guard = { offOrigin, consoleErrors };
			await use(guard);
			expect(offOrigin, 'requests that left the origin').toEqual([]);
			expect(consoleErrors, 'console errors / CSP violations').toEqual([]);
		},
		{ auto: true }
	]
});

export { expect };
