import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './guard';
import { CSV, clientsOf, frac, responseOf, type Rec } from './demo-figures';
import { clearStatements, listStatements, settledStatements } from './statements';

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

async function ready(page: Page, url = '/') {
	await page.goto(url);
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	await expect(page.getByTestId('response-by-route').locator('g.bar')).not.toHaveCount(0);
}

test('the overview lists outcome instruments only; the status line counts their scores', async ({ page }) => {
	await ready(page);
	// the demo also holds CADSS, MEQ-30 and EBI rows (data/demo-acute.csv): safety/experience scales, on /safety
	const outcome = [...new Set(CSV.map((r) => r.instrument))].sort();
	expect(outcome).toEqual(['bdi2', 'hama']);
	await expect(page.getByTestId('instrument').locator('option')).toHaveText(['BDI-II', 'HAM-A']);
	await expect(page.locator('[data-testid^="tiles-"]')).toHaveCount(2);
	await expect(page.locator('[data-testid^="trajectory-"]')).toHaveCount(2);
	await expect(page.getByTestId('engine-status')).toContainText(`${CSV.length.toLocaleString('en-US')} scores`);
});

test('tiles and rate bars match response counts computed from the CSV', async ({ page }) => {
	await ready(page);
	const all = responseOf(() => true);
	await expect(page.getByTestId('tile-clients')).toContainText(clientsOf(() => true).toLocaleString('en-US'));
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(all));
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(`${((100 * all.count) / all.n).toFixed(1)} %`);
	await expect(page.getByTestId('tile-response-hama')).toContainText(frac(responseOf(() => true, 'hama')));

	// the IM bar: n above it, and its row in the table view
	const im = responseOf((r) => r.route === 'im');
	const card = page.getByTestId('response-by-route');
	await expect(card.locator('g.bar[data-key="im"] text')).toHaveText(`n = ${im.n}`);
	// its value printed on the bar, and the route named as everywhere else
	await expect(card.locator('text.bar-value[data-key="im"]')).toHaveText(`${((100 * im.count) / im.n).toFixed(1)} %`);
	await expect(card.locator('.axis text.tick-label', { hasText: 'Sublingual' })).toHaveText('Sublingual(troche/lozenge)');
	await card.getByRole('button', { name: 'Table' }).click();
	const row = card.locator('tr', { hasText: 'IM injection' });
	await expect(row.locator('td').nth(1)).toHaveText(String(im.count));
	await expect(row.locator('td').nth(2)).toHaveText(String(im.n));
	await expect(row.locator('td').nth(3)).toHaveText(`${((100 * im.count) / im.n).toFixed(1)} %`);
	await card.getByRole('button', { name: 'SQL' }).click();
	// the SQL view lists the shared summary table's statement first, then the chart's own
	await expect(card.locator('pre.sql').last()).toContainText('GROUPING SETS');
});

test('clicking a route bar filters every chart; Back undoes it', async ({ page }) => {
	await ready(page);
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(4);
	await page.getByTestId('response-by-route').locator('g.bar[data-key="im"]').click();
	await expect(page).toHaveURL(/[?&]route=im\b/);
	const im = responseOf((r) => r.route === 'im');
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(im));
	await expect(page.getByTestId('tile-clients')).toContainText(clientsOf((r) => r.route === 'im').toLocaleString('en-US'));
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(1);
	await expect(page.getByTestId('survival').locator('path.step-line')).toHaveCount(1);
	await expect(page.getByTestId('remission-by-route').locator('g.bar')).toHaveCount(1);
	await page.screenshot({ path: 'test-results/overview-im.png', fullPage: true });
	await page.goBack();
	await expect(page).not.toHaveURL(/route=/);
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(4);
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf(() => true)));

	// by keyboard: focus the KM legend key for IV and press Enter
	await page.getByTestId('survival').locator('ul.legend button', { hasText: 'IV infusion' }).focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/[?&]route=iv\b/);
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf((r) => r.route === 'iv')));
});

test('the view a control would show is worked out while the pointer or keyboard rests on it: the click reads every figure from the cache', async ({ page }) => {
	// `?bench` installs the app's benchmark hook (src/lib/data/bench.ts), which lists the statements sent to the engine
	await ready(page, '/?bench');
	// the demo's summaries are built after its first view; the figures read them from then on (other statements)
	await listStatements(page);
	const iv = page.getByTestId('survival').locator('ul.legend button', { hasText: 'IV infusion' });
	await iv.hover();
	// the page's 7 statements of a filter change (and the cube summed by route, kept), sent while the pointer rests
	expect(await settledStatements(page)).toBeGreaterThanOrEqual(7);
	await clearStatements(page);
	await iv.click();
	await expect(page).toHaveURL(/[?&]route=iv\b/);
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf((r) => r.route === 'iv')));
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(1);
	expect(await settledStatements(page)).toBe(0);

	// the keyboard on the series select: both other choices are worked out, one after the other
	await clearStatements(page);
	await page.getByTestId('filter-series').focus();
	expect(await settledStatements(page)).toBeGreaterThanOrEqual(14);
	await clearStatements(page);
	await page.getByTestId('filter-series').selectOption('boosters');
	await expect(page).toHaveURL(/series=boosters/);
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf((r) => r.route === 'iv' && r.series !== '1')));
	expect(await settledStatements(page)).toBe(0);
});

test('filter bar and instrument selector drive every chart through the URL', async ({ page }) => {
	// three page loads, a filter, a download and an instrument switch: 60 s at load 10 (the default) was not enough
	test.setTimeout(180_000);
	await ready(page);
	await page.getByTestId('filter-site').click();
	await page.locator('details:has([data-testid="filter-site"]) label', { hasText: 'north' }).locator('input').check();
	await page.getByTestId('filter-series').selectOption('boosters');
	await expect(page).toHaveURL(/site=north/);
	await expect(page).toHaveURL(/series=boosters/);
	const keep = (r: Rec) => r.site === 'north' && r.series !== '1';
	await expect(page.getByTestId('tile-clients')).toContainText(String(clientsOf(keep)));
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf(keep)));

	// CSV download of the bars: no count from 1 to 10 leaves the page
	const download = page.waitForEvent('download');
	await page.getByTestId('response-by-route').getByRole('button', { name: 'CSV' }).click();
	const csv = readFileSync(await (await download).path(), 'utf8').trim().split(/\r?\n/);
	// labelled for a reader (export/labelled.ts): route names, headers with units, shares to 0.1 %
	expect(csv[0]).toBe('Route,Responders,Client-series analysed,Response rate (%),95 % CI lower (%),95 % CI upper (%),Withheld');
	const cells = csv.slice(1).map((l) => l.split(','));
	const small = (v: string) => v !== '' && Number(v) > 0 && Number(v) < 11;
	expect(cells.flatMap((c) => [c[1], c[2]]).filter(small)).toEqual([]);
	const ni = responseOf((r) => keep(r) && r.route === 'intranasal');
	expect(ni.n).toBeLessThan(11); // the case the rule exists for: withheld, not shown
	expect(cells.find((c) => c[0] === 'Intranasal')?.slice(1, 3)).toEqual(['', '']);
	expect(cells.find((c) => c[0] === 'Intranasal')?.at(-1)).toContain('Responders');
	// a shown rate is a percentage to one decimal
	for (const c of cells.filter((c) => c[3] !== '')) expect(c[3]).toMatch(/^\d{1,3}(\.\d)?$/);

	// instrument: HAM-A for the rate bars, durability, KM and funnel; Back returns to BDI-II
	await page.getByTestId('instrument').selectOption('hama');
	await expect(page).toHaveURL(/instrument=hama/);
	await expect(page.getByTestId('response-by-route').locator('h2')).toContainText('HAM-A');
	await expect(page.getByTestId('survival').locator('h2')).toContainText('HAM-A');
	await expect(page.getByTestId('attrition').locator('h2')).toContainText('HAM-A');
	const imHama = responseOf((r) => keep(r) && r.route === 'im', 'hama');
	await expect(page.getByTestId('response-by-route').locator('g.bar[data-key="im"] text')).toHaveText(`n = ${imHama.n}`);
	await page.goBack();
	await expect(page.getByTestId('response-by-route').locator('h2')).toContainText('BDI-II');

	// a link reproduces the view
	await ready(page, '/?instrument=hama&route=sublingual');
	await expect(page.getByTestId('instrument')).toHaveValue('hama');
	await expect(page.getByTestId('tile-response-hama')).toContainText(frac(responseOf((r) => r.route === 'sublingual', 'hama')));
});

test('every chart has a legend, axis titles, tooltips with n and the shared tools', async ({ page }) => {
	await ready(page);
	for (const id of ['response-by-route', 'remission-by-route', 'trajectory-bdi2', 'durability', 'survival', 'attrition']) {
		const card = page.getByTestId(id);
		await expect(card.locator('ul.legend li'), id).not.toHaveCount(0);
		await expect(card.locator('text.title').first(), id).not.toBeEmpty();
		for (const name of ['Table', 'SQL', 'SVG', 'PNG', 'CSV']) await expect(card.getByRole('button', { name, exact: true }), `${id} ${name}`).toBeEnabled();
		await expect(card.locator('.note'), id).toContainText('under 11');
	}
	const tips: [string, string][] = [
		['response-by-route', 'g.bar'],
		['survival', 'circle.point'],
		['attrition', 'rect.hbar'],
		['durability', 'circle.point']
	];
	for (const [id, sel] of tips) {
		const card = page.getByTestId(id);
		await card.locator(sel).first().focus();
		await expect(card.getByRole('status'), id).toContainText('n = ');
	}
	// KM: one curve per route, each with censor marks
	await expect(page.getByTestId('survival').locator('path.step-line')).toHaveCount(4);
	expect(await page.getByTestId('survival').locator('path.censor').count()).toBeGreaterThan(3);
	// the funnel starts at everyone with a baseline
	const baseline = new Set(CSV.filter((r) => r.instrument === 'bdi2' && r.phase === 'baseline' && r.score !== '').map((r) => `${r.client_id}/${r.series}`)).size;
	await expect(page.getByTestId('attrition').locator('g.hbar-row').first().locator('text')).toHaveText(`${baseline.toLocaleString('en-US')} · 100 %`);
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.screenshot({ path: 'test-results/overview-fold.png' });
});

/** Per route, from the CSV alone: baseline, last dosing-session score, planned last session's score, follow-up scores by week. */
function seriesOf(instrument: string) {
	const out = new Map<string, { route: string; base: number | null; last: number | null; lastSession: number; plan: number; planScore: number | null; fu: Map<number, number> }>();
	for (const r of CSV) {
		if (r.instrument !== instrument || r.score === '') continue;
		const k = `${r.client_id}/${r.series}`;
		const s = out.get(k) ?? out.set(k, { route: r.route, base: null, last: null, lastSession: -1, plan: Number(r.planned_sessions), planScore: null, fu: new Map() }).get(k)!;
		const v = Number(r.score);
		if (r.phase === 'baseline') s.base = v;
		else if (r.phase === 'session') {
			if (Number(r.session) > s.lastSession) [s.lastSession, s.last] = [Number(r.session), v];
			if (Number(r.session) === s.plan) s.planScore = v;
		} else if (r.phase === 'followup') s.fu.set(Number(r.week), v);
	}
	return [...out.values()];
}

test('one answer per question: completion per questionnaire, the durability headline (Kaplan–Meier and observed), the funnel', async ({ page }) => {
	await ready(page);
	// completion, counted per questionnaire: a score at the series' planned last session (planned_sessions) over series with a baseline
	for (const inst of ['bdi2', 'hama']) {
		const withBase = seriesOf(inst).filter((s) => s.base !== null);
		const done = withBase.filter((s) => s.planScore !== null).length;
		const tile = page.getByTestId(`tile-completed-${inst}`);
		await expect(tile).toContainText(`${((100 * done) / withBase.length).toFixed(0)} %`);
		await expect(tile).toContainText(`${done.toLocaleString('en-US')} / ${withBase.length.toLocaleString('en-US')}`);
		await expect(tile).toContainText('counted per questionnaire');
	}
	// and one figure per client-series, whatever questionnaire: a baseline on any, a score at the planned last session on any
	const perSeries = new Map<string, { base: boolean; done: boolean }>();
	for (const r of CSV) {
		if (r.score === '') continue;
		const s = perSeries.get(`${r.client_id}/${r.series}`) ?? perSeries.set(`${r.client_id}/${r.series}`, { base: false, done: false }).get(`${r.client_id}/${r.series}`)!;
		if (r.phase === 'baseline') s.base = true;
		if (r.phase === 'session' && r.session === r.planned_sessions) s.done = true;
	}
	const based = [...perSeries.values()].filter((s) => s.base);
	const completed = based.filter((s) => s.done).length;
	const seriesTile = page.getByTestId('tile-completed-series');
	await expect(seriesTile).toContainText(`${((100 * completed) / based.length).toFixed(0)} %`);
	await expect(seriesTile).toContainText(`${completed.toLocaleString('en-US')} / ${based.length.toLocaleString('en-US')} client-series with a baseline`);
	await seriesTile.getByText('How this is computed').click();
	await expect(seriesTile).toContainText('completion.series.any-questionnaire@1');
	// durability at week 8 (BDI-II): responders = ≥ 50 % below a positive baseline at the last dosing session
	const card = page.getByTestId('durability');
	for (const route of ['iv', 'sublingual']) {
		const resp = seriesOf('bdi2').filter((s) => s.route === route && s.base !== null && s.base > 0 && s.last !== null && s.last <= 0.5 * s.base);
		const base = (s: (typeof resp)[number]) => s.base as number;
		// observed: responders with a week-8 score, and those of them still ≥ 50 % below baseline
		const seen = resp.filter((s) => s.fu.has(8));
		const still = seen.filter((s) => s.fu.get(8)! <= 0.5 * base(s)).length;
		// Kaplan–Meier: time = first follow-up week no longer responding (event), else the last follow-up week (censored)
		const times = resp.filter((s) => s.fu.size).map((s) => {
			const weeks = [...s.fu.keys()].sort((a, b) => a - b);
			const lost = weeks.find((w) => s.fu.get(w)! > 0.5 * base(s));
			return { t: lost ?? weeks[weeks.length - 1], event: lost !== undefined };
		});
		let S = 1;
		for (const t of [...new Set(times.filter((x) => x.event).map((x) => x.t))].sort((a, b) => a - b).filter((t) => t <= 8))
			S *= 1 - times.filter((x) => x.event && x.t === t).length / times.filter((x) => x.t >= t).length;
		const line = card.getByTestId(`durability-headline-${route}`);
		await expect(line).toContainText(`${(100 * S).toFixed(1)} % of`);
		await expect(line).toContainText('still responding at week 8');
		await expect(line).toContainText('Kaplan–Meier estimate');
		await expect(line).toContainText(`observed at week 8: ${((100 * still) / seen.length).toFixed(1)} %`);
		await expect(line).toContainText(`${still} / ${seen.length} responders seen that week`);
	}
	const funnel = page.getByTestId('attrition');
	await expect(funnel).toContainText('Planned lengths differ');
	await expect(funnel).toContainText('Reached planned last session');
});
