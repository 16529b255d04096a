import { test, expect } from './guard';
import { CSV, responseOf } from './demo-figures';

/**
 * Issue 14 item 5: a changed definition carried in the URL changes the response figure on `/`.
 * Response = a BDI-II fall of at least 6 points, measured at follow-up week 8; the expectation is
 * counted here from the demo CSV (no app code): client-series with a baseline > 0 and a week-8
 * score, and among them those whose week-8 score is at least 6 points under the baseline.
 */
test.setTimeout(300_000);
const SHOTS = process.env.SHOT_DIR ?? 'test-results';

function responseAtWeek(week: number, points: number, instrument = 'bdi2'): { count: number; n: number } {
	const series = new Map<string, { base: number | null; atWeek: number | null }>();
	for (const r of CSV) {
		if (r.instrument !== instrument || r.score === '') continue;
		const k = `${r.client_id}/${r.series}`;
		const s = series.get(k) ?? series.set(k, { base: null, atWeek: null }).get(k)!;
		if (r.phase === 'baseline') s.base = Number(r.score);
		else if (r.phase === 'followup' && Number(r.week) === week) s.atWeek = Number(r.score);
	}
	const used = [...series.values()].filter((s) => s.base !== null && s.base > 0 && s.atWeek !== null);
	return { n: used.length, count: used.filter((s) => s.base! - s.atWeek! >= points).length };
}

test('response ≥ 6 points at follow-up week 8, from a link: the card’s figure, its text and the definitions line', async ({ page }) => {
	const want = responseAtWeek(8, 6);
	// The changed definition must change the figure, or the test would prove nothing.
	expect(want).not.toEqual(responseOf(() => true));
	expect(want.n).toBeGreaterThan(100);

	await page.goto('/?instrument=bdi2&def.end=week8&def.resp=bdi2:pts6');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const defs = page.getByTestId('definitions');
	await expect(defs).toContainText('end point = follow-up week 8 (clients without a week-8 score are not analysed)');
	await expect(defs).toContainText('response = BDI-II fall ≥ 6 points');
	await expect(defs).toContainText('BDI-II bands: ');

	const card = page.getByTestId('response-by-route');
	await expect(card).toContainText('at least 6 points below its baseline BDI-II score', { timeout: 90_000 });
	await expect(card).toContainText('follow-up week 8');
	await expect(card).toContainText(`(${want.n} in all)`, { timeout: 90_000 });
	await card.getByRole('button', { name: 'Table' }).click();
	const all = card.locator('tr', { hasText: 'All routes' });
	await expect(all.locator('td').nth(1)).toHaveText(want.count.toLocaleString('en-US'), { timeout: 90_000 });
	await expect(all.locator('td').nth(2)).toHaveText(want.n.toLocaleString('en-US'));
	await card.screenshot({ path: `${SHOTS}/definitions-response-week8.png` });

	// The form shows what the link says; a hostile end point is ignored and said so.
	await defs.locator('summary').click();
	await expect(page.getByTestId('def-end')).toHaveValue('week');
	await expect(page.getByTestId('def-week')).toHaveValue('8');
	await expect(page.getByTestId('def-points')).toHaveValue('6');
	await page.goto("/?instrument=bdi2&def.end=week8'--");
	await expect(page.getByTestId('definitions')).toContainText('end point = the last observed dosing session');
	await expect(page.getByTestId('definitions')).toContainText('Ignored in the link');
});

test('the band set from the link draws the client course’s bands and is named on the card', async ({ page }) => {
	// C00001's HAM-A baseline is 20: under CamCOPS / MDCalc that is "mild–moderate" (18–24); Matza 2010 has no such band.
	const base = CSV.find((r) => r.client_id === 'C00001' && r.instrument === 'hama' && r.phase === 'baseline')!;
	expect(Number(base.score)).toBeGreaterThanOrEqual(18);
	expect(Number(base.score)).toBeLessThanOrEqual(24);
	await page.goto('/clients/C00001?instrument=hama&def.bands=hama:hama-17-24-30');
	const card = page.getByTestId('client-course');
	await expect(card).toContainText('Bands: CamCOPS / MDCalc', { timeout: 120_000 });
	await expect(card.locator('[data-band="mild–moderate"]')).toHaveCount(1, { timeout: 90_000 });
	await expect(card.locator('[data-band="none/minimal"]')).toHaveCount(0);
	await page.goto('/clients/C00001?instrument=hama');
	await expect(card).toContainText('Bands: Matza et al. 2010', { timeout: 120_000 });
	await expect(card.locator('[data-band="moderate"]')).toHaveCount(1, { timeout: 90_000 });
	// The end point from the link moves the markers and is named on the card.
	await page.goto('/clients/C00001?instrument=hama&def.end=week8');
	await expect(card).toContainText('Markers sit on the end-point score (score at follow-up week 8', { timeout: 120_000 });
});

test('the definitions form writes a points rule and a follow-up-week end point to the URL', async ({ page }) => {
	const want = responseAtWeek(4, 5);
	await page.goto('/?instrument=bdi2');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const defs = page.getByTestId('definitions');
	await defs.locator('summary').click();
	await page.getByTestId('def-end').selectOption('week');
	await page.getByTestId('def-week').fill('4');
	await page.getByTestId('def-response').selectOption('points');
	await page.getByTestId('def-points').fill('5');
	await page.getByTestId('def-apply').click();
	await expect(page).toHaveURL(/def\.end=week4/);
	await expect(page).toHaveURL(/def\.resp=bdi2%3Apts5/);
	const card = page.getByTestId('response-by-route');
	await expect(card).toContainText('at least 5 points below its baseline BDI-II score', { timeout: 90_000 });
	await card.getByRole('button', { name: 'Table' }).click();
	const all = card.locator('tr', { hasText: 'All routes' });
	await expect(all.locator('td').nth(1)).toHaveText(want.count.toLocaleString('en-US'), { timeout: 90_000 });
	await expect(all.locator('td').nth(2)).toHaveText(want.n.toLocaleString('en-US'));
	await defs.screenshot({ path: `${SHOTS}/definitions-form.png` });
});

test('/compare: the band set from the link decides Table 1’s severity rows and is named', async ({ page }) => {
	// HAM-A baselines of IV client-series at 25–30: "moderate–severe (25–30)" exists only in the CamCOPS / MDCalc set.
	const ivSeries = new Set(CSV.filter((r) => r.instrument === 'hama' && r.phase === 'baseline' && r.route === 'iv' && Number(r.score) >= 25 && Number(r.score) <= 30).map((r) => `${r.client_id}/${r.series}`));
	expect(ivSeries.size).toBeGreaterThan(10);
	await page.goto('/compare?a.route=iv&b.route=sublingual&instrument=hama&def.bands=hama:hama-17-24-30');
	const card = page.getByTestId('table1');
	await expect(card).toContainText('Severity bands: CamCOPS / MDCalc', { timeout: 120_000 });
	await expect(card).toContainText('moderate–severe (25–30)', { timeout: 90_000 });
	await expect(card).not.toContainText('none/minimal');
});
