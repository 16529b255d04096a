import { test, expect } from './guard';

test('the clinic overview draws trajectories from the demo cohort in the in-browser database', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await expect(page.getByText('synthetic demo cohort')).toBeVisible();
	const chart = page.getByTestId('trajectory-bdi2');
	// one line per route with data, each with a CI band and points drawn from SQL results
	await expect(chart.locator('path.line')).toHaveCount(4);
	await expect(chart.locator('path.band')).toHaveCount(4);
	expect(await chart.locator('circle.point').count()).toBeGreaterThan(10);
	await chart.locator('circle.point').nth(5).focus();
	await expect(chart.getByRole('status')).toContainText('n = ');
	await page.screenshot({ path: 'test-results/overview.png', fullPage: true });
});
