/**
 * "How this is computed": every chart card on / and /safety has the disclosure (the same component
 * as the completion tile's), closed at first; opening it shows the definition, who is counted and
 * the method, and the card's visible note is left in plain words. With the disclosures open, axe
 * finds no serious or critical violation.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './guard';

test.describe.configure({ timeout: 240_000 });

async function settle(page: Page, path: string) {
	await page.goto(path);
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 120_000 });
}

/** Open a card's disclosure by its summary (as a person would) and return it. */
async function open(card: Locator): Promise<Locator> {
	const how = card.getByTestId('how');
	await expect(how).not.toHaveAttribute('open', '');
	await how.getByText('How this is computed').click();
	await expect(how).toHaveAttribute('open', '');
	return how;
}

async function seriousViolations(page: Page): Promise<string[]> {
	const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
	return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}`);
}

test('overview: every chart card has the disclosure; opened, it gives the definition, N and method', async ({ page }) => {
	await settle(page, '/');
	const cards = page.locator('main section.card');
	const n = await cards.count();
	expect(n).toBeGreaterThanOrEqual(6);
	await expect(page.locator('main section.card:has([data-testid="how"])')).toHaveCount(n);

	const response = page.getByTestId('response-by-route');
	// the visible note is plain words; the estimator's name is behind the disclosure
	await expect(response.locator('.note')).not.toContainText('Wilson');
	const how = await open(response);
	await expect(how).toContainText('Definition. A client-series responds when its last observed dosing-session score is at least 50 % below its baseline score');
	await expect(how).toContainText('Who is counted.');
	await expect(how).toContainText('Wilson score 95 % confidence interval');
	await expect(how).toBeVisible();

	const survival = await open(page.getByTestId('survival'));
	await expect(survival).toContainText('Kaplan–Meier estimate of the share still responding');
	await expect(survival).toContainText('log(−log) scale');
	await expect(survival).toContainText('Log-rank test');

	const trajectory = await open(page.getByTestId('trajectory-bdi2'));
	await expect(trajectory).toContainText('t-based 95 % confidence interval');
	await expect(trajectory).toContainText('Observed cases');

	// the completion tile uses the same component
	await expect(page.getByTestId('tile-completed-series').getByTestId('how')).toContainText('How this is computed');
	expect(await seriousViolations(page)).toEqual([]);
});

test('safety: the disclosures name the threshold and the method; axe stays clean with them open', async ({ page }) => {
	await settle(page, '/safety');
	const cards = page.locator('main section.card');
	await expect(page.locator('main section.card:has([data-testid="how"])')).toHaveCount(await cards.count());
	const bars = await open(page.getByTestId('safety-hypertensive'));
	await expect(bars).toContainText('systolic BP ≥ 180 mmHg or diastolic ≥ 110 mmHg after dosing');
	await expect(bars).toContainText('Wilson score 95 % confidence interval');
	await expect(bars).toContainText('Counts of 1 to 10');
	const minutes = await open(page.getByTestId('safety-minutes'));
	await expect(minutes).toContainText('interquartile range');
	expect(await seriousViolations(page)).toEqual([]);
});
