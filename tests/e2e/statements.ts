/**
 * The statements a page sends to the engine, as the app's benchmark hook lists them (`?bench`:
 * src/lib/data/bench.ts), for tests of what a control sends before and when it is clicked.
 */
import type { Page } from '@playwright/test';
import { expect } from './guard';
import type {} from '../../src/lib/data/bench'; // window.__kapBench

/**
 * Start listing statements from a quiet page: once the demo's summaries are built (building them clears
 * the result cache: a data change) and the statements under way have been sent, with an empty list.
 */
export async function listStatements(page: Page): Promise<void> {
	await page.evaluate(() => window.__kapBench!.ready()); // the hook lists statements from here on
	await page.waitForFunction(() => { const B = window.__kapBench!; const demo = B.datasets().find((d) => d.builtin); return !!demo && B.summaries(demo.id) !== null; }, null, { timeout: 60_000 });
	await settledStatements(page);
	await clearStatements(page);
}

/** Forget the statements listed so far. */
export async function clearStatements(page: Page): Promise<void> {
	await page.evaluate(() => window.__kapBench!.clearSqlLog());
}

/** Wait until no statement has been sent for a while; how many were sent since the list was cleared. */
export async function settledStatements(page: Page): Promise<number> {
	const sent = () => page.evaluate(() => window.__kapBench!.sqlLog().length);
	let last = -1;
	await expect.poll(async () => { const n = await sent(); const still = n === last; last = n; return still; }, { intervals: [400], timeout: 30_000 }).toBe(true);
	return last;
}
