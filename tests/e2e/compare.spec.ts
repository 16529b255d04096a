import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './guard';

/**
 * Expected figures computed here from data/demo-cohort.csv with a small reader of our own (no app
 * code): per route, BDI-II client-series with a baseline, clients, those with an end-of-series
 * score (the last dosing-session score), and responders (end ≤ ½ baseline, baseline > 0).
 */
function expected(route: string, instrument = 'bdi2') {
	const text = readFileSync(path.resolve('data/demo-cohort.csv'), 'utf8').trim().split(/\r?\n/);
	const head = text[0].split(',');
	const col = (n: string) => head.indexOf(n);
	const series = new Map<string, { client: string; baseline: number | null; last: { s: number; v: number } | null }>();
	for (const line of text.slice(1)) {
		const f = line.split(',');
		if (f[col('route')] !== route || f[col('instrument')] !== instrument || f[col('score')] === '') continue;
		const key = `${f[col('client_id')]}|${f[col('series')]}`;
		const e = series.get(key) ?? { client: f[col('client_id')], baseline: null, last: null };
		series.set(key, e);
		const v = Number(f[col('score')]);
		if (f[col('phase')] === 'baseline') e.baseline = e.baseline ?? v;
		if (f[col('phase')] === 'session') {
			const s = Number(f[col('session')]);
			if (!e.last || s > e.last.s) e.last = { s, v };
		}
	}
	const withBaseline = [...series.values()].filter((e) => e.baseline !== null);
	const analysed = withBaseline.filter((e) => e.last !== null);
	const responders = analysed.filter((e) => e.baseline! > 0 && e.last!.v <= 0.5 * e.baseline!);
	return {
		series: withBaseline.length,
		clients: new Set(withBaseline.map((e) => e.client)).size,
		analysed: analysed.length,
		respondersN: analysed.filter((e) => e.baseline! > 0).length,
		responders: responders.length
	};
}

/** Screenshots go outside test-results/ when SHOT_DIR is set (other runs clear that folder). */
const SHOTS = process.env.SHOT_DIR ?? 'test-results';

const row = (page: import('@playwright/test').Page, level: string) => page.getByTestId('table1').locator(`tr[data-variable="n"][data-level="${level}"] td`);

test('compare IV with sublingual, then set cohort B to intranasal: numbers match the CSV, URL holds the state, Back works', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.goto('/compare');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await expect(page.getByTestId('cohort-a-label')).toHaveText('IV infusion');
	await expect(page.getByTestId('cohort-b-label')).toHaveText('Sublingual (troche/lozenge)');

	const iv = expected('iv');
	const sl = expected('sublingual');
	// Table 1: population rows, A then B
	await expect(row(page, 'clients')).toHaveText([String(iv.clients), String(sl.clients)]);
	await expect(row(page, 'client-series with a baseline')).toHaveText([String(iv.series), String(sl.series)]);
	await expect(row(page, 'with an end-of-series score (analysed)')).toHaveText([String(iv.analysed), String(sl.analysed)]);

	// response counts in the forest plot and in the results sentences
	const rates = page.getByTestId('rates');
	await expect(rates.locator('[data-row="Response · A"] text')).toContainText(`${iv.responders}/${iv.respondersN}`);
	await expect(rates.locator('[data-row="Response · B"] text')).toContainText(`${sl.responders}/${sl.respondersN}`);
	await expect(page.getByTestId('change').locator('.interval')).toHaveCount(3);
	await expect(page.getByTestId('hedges').locator('.interval')).toHaveCount(1);

	// the model card and the text arrive after the mixed model fits
	await expect(page.getByTestId('model').locator('.interval')).toHaveCount(1, { timeout: 30_000 });
	const results = page.getByTestId('results-text');
	await expect(results).toContainText(`Response: ${iv.responders}/${iv.respondersN}`);
	await expect(results).toContainText(`vs ${sl.responders}/${sl.respondersN}`);
	await expect(results).toContainText('Wald p');
	await expect(results).toContainText('Log-rank test');
	await expect(page.getByTestId('methods-text')).toContainText('Hedges');

	// KM overlay: two step curves, legend, tooltip with n at risk
	const km = page.getByTestId('km');
	await expect(km.locator('path.step-line')).toHaveCount(2);
	await expect(km.locator('.legend li')).toHaveCount(2);
	await km.locator('circle.point').first().focus();
	await expect(km.getByRole('status')).toContainText('n at risk = ');
	// trajectories side by side, each with a tooltip giving n
	await page.getByTestId('trajectory-a').locator('circle.point').first().focus();
	await expect(page.getByTestId('trajectory-a').getByRole('status')).toContainText(`n = ${iv.series}`);
	// table and SQL toggles
	await rates.getByRole('button', { name: 'Table' }).click();
	await expect(rates.locator('table')).toContainText('Newcombe');
	await rates.getByRole('button', { name: 'SQL' }).click();
	await expect(rates.locator('pre.sql').first()).toContainText('SELECT');
	await rates.getByRole('button', { name: 'SQL' }).click();

	// copy the text
	await page.getByTestId('methods').getByRole('button', { name: 'Copy' }).click();
	await expect(page.getByTestId('methods').getByRole('status')).toHaveText('Copied to the clipboard.');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`${iv.responders}/${iv.respondersN}`);
	// .md download
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('methods').getByRole('button', { name: '.md' }).click()]);
	expect(download.suggestedFilename()).toMatch(/\.md$/);

	await page.screenshot({ path: `${SHOTS}/compare-iv-sublingual.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: `${SHOTS}/compare-first-screen.png` });

	// set cohort B: untick sublingual, tick intranasal (keyboard-reachable checkboxes)
	const b = page.getByTestId('cohort-b');
	await b.getByTestId('filter-route').click();
	await b.getByRole('checkbox', { name: /Intranasal/ }).check();
	await expect(page).toHaveURL(/b\.route=sublingual%2Cintranasal|b\.route=sublingual,intranasal/);
	await b.getByRole('checkbox', { name: /Sublingual/ }).uncheck();
	await expect(page).toHaveURL(/b\.route=intranasal/);
	await expect(page).toHaveURL(/a\.route=iv/);
	await expect(page).toHaveURL(/instrument=bdi2/);
	await expect(page.getByTestId('cohort-b-label')).toHaveText('Intranasal');
	const inl = expected('intranasal');
	await expect(row(page, 'client-series with a baseline')).toHaveText([String(iv.series), String(inl.series)]);
	await expect(rates.locator('[data-row="Response · B"] text')).toContainText(`${inl.responders}/${inl.respondersN}`);
	await expect(results).toContainText(`vs ${inl.responders}/${inl.respondersN}`, { timeout: 30_000 });
	await page.keyboard.press('Escape');
	await page.screenshot({ path: `${SHOTS}/compare-iv-intranasal.png`, fullPage: true });

	// a link reproduces the view; Back undoes the edit
	const url = page.url();
	await page.goBack();
	await expect(page.getByTestId('cohort-b-label')).toHaveText('Sublingual (troche/lozenge) or Intranasal');
	await page.goBack();
	await expect(page.getByTestId('cohort-b-label')).toHaveText('Sublingual (troche/lozenge)');
	await expect(row(page, 'client-series with a baseline')).toHaveText([String(iv.series), String(sl.series)]);
	await page.goto(url);
	await expect(page.getByTestId('cohort-b-label')).toHaveText('Intranasal', { timeout: 30_000 });
	await expect(row(page, 'client-series with a baseline')).toHaveText([String(iv.series), String(inl.series)], { timeout: 30_000 });
});

test('switching the instrument recomputes every card for HAM-A', async ({ page }) => {
	await page.goto('/compare?a.route=iv&b.route=sublingual&instrument=bdi2');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await page.getByTestId('instrument').selectOption('hama');
	await expect(page).toHaveURL(/instrument=hama/);
	const iv = expected('iv', 'hama');
	await expect(row(page, 'client-series with a baseline')).toHaveText([String(iv.series), String(expected('sublingual', 'hama').series)]);
	await expect(page.getByTestId('results-text')).toContainText(`Response: ${iv.responders}/${iv.respondersN}`, { timeout: 30_000 });
	await expect(page.getByTestId('methods-text')).toContainText('HAM-A');
});

/**
 * Expected tolerability of one route, read here from data/demo-sessions.csv (no app code): session
 * records, distinct clients, and sessions at ≥ 180/110 after dosing (peak or end) among those with
 * any post-dose reading.
 */
function sessionsOf(route: string) {
	const lines = readFileSync(path.resolve('data/demo-sessions.csv'), 'utf8').trim().split(/\r?\n/);
	const head = lines[0].split(',');
	const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
	const mine = rows.filter((r) => r.route === route);
	const num = (v: string) => (v === '' ? null : Number(v));
	const post = mine.filter((r) => ['sbp_peak', 'sbp_end', 'dbp_peak', 'dbp_end'].some((c) => num(r[c]) !== null));
	const high = post.filter((r) => Math.max(num(r.sbp_peak) ?? 0, num(r.sbp_end) ?? 0) >= 180 || Math.max(num(r.dbp_peak) ?? 0, num(r.dbp_end) ?? 0) >= 110);
	return { sessions: mine.length, clients: new Set(mine.map((r) => r.client_id)).size, high: high.length, post: post.length };
}

test('tolerability beside efficacy: sessions, clients and ≥ 180/110 sessions per cohort match the session file', async ({ page }) => {
	// the engine start, the page's cards and a download: more than the 60 s default at load 10+
	test.setTimeout(180_000);
	await page.goto('/compare');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const card = page.getByTestId('tolerability');
	const summary = card.getByTestId('tolerability-summary');
	const [iv, sl] = [sessionsOf('iv'), sessionsOf('sublingual')];
	await expect(summary.locator('tbody tr').first()).toHaveText(`Sessions (clients)${iv.sessions} (${iv.clients})${sl.sessions} (${sl.clients})`, { timeout: 60_000 });
	const high = summary.locator('tbody tr', { hasText: 'BP ≥ 180/110 after dosing, sessions' });
	await expect(high.locator('td').nth(0)).toContainText(`· ${iv.high}/${iv.post}`);
	await expect(high.locator('td').nth(1)).toContainText(`· ${sl.high}/${sl.post}`);
	// the difference is of the client shares, in percentage points, on the line below
	await expect(summary.locator('tbody tr.sub').first().locator('td').nth(2)).toContainText('pp');
	await expect(summary).toContainText('Minutes to ready, median (IQR)');
	// the forest plot draws A, B and A − B for each of the three shares
	await expect(card.locator('g.interval')).toHaveCount(9);
	// the CSV is the page's one export: no count of 1–10 in it
	const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'CSV' }).click()]);
	const csv = readFileSync(await download.path(), 'utf8');
	expect(csv).toContain('BP ≥ 180/110 after dosing');
	const head = csv.split(/\r?\n/)[0].split(',');
	for (const line of csv.trim().split(/\r?\n/).slice(1)) {
		const cells = line.split(',');
		for (const k of ['Sessions', 'Clients', 'With event', 'n']) {
			expect(head).toContain(k);
			const v = cells[head.indexOf(k)];
			if (v !== '' && v !== undefined && /^\d+$/.test(v)) expect(Number(v) === 0 || Number(v) >= 11).toBe(true);
		}
	}
	await card.scrollIntoViewIfNeeded();
	await card.screenshot({ path: `${SHOTS}/compare-tolerability.png` });
});
