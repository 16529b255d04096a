/**
 * /safety on the demo cohort: figures checked against counts computed here from
 * data/demo-sessions.csv with a few lines of JS (no DuckDB, no app code).
 */
import { readFileSync } from 'node:fs';
import { test, expect } from './guard';
import { clearStatements, listStatements, settledStatements } from './statements';

type Rec = Record<string, string>;
const [head, ...lines] = readFileSync('data/demo-sessions.csv', 'utf8').trim().split('\n');
const cols = head.split(',');
const S: Rec[] = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
const num = (v: string) => (v === '' ? null : Number(v));
const post = (r: Rec) => Math.max(num(r.sbp_peak) ?? 0, num(r.sbp_end) ?? 0) >= 180 || Math.max(num(r.dbp_peak) ?? 0, num(r.dbp_end) ?? 0) >= 110;
const measured = (r: Rec) => [r.sbp_peak, r.sbp_end, r.dbp_peak, r.dbp_end].some((v) => v !== '');

test('safety page: tolerability per route from the demo session records, filters and dose bands', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/safety');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const tiles = page.getByTestId('safety-tiles');
	await expect(tiles).toContainText(new RegExp(`${S.length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });
	const sae = S.filter((r) => r.serious_ae === '1').length;
	await expect(page.getByTestId('serious-ae')).toContainText(new RegExp(`^${sae}\\s*serious adverse events`));

	// BP ≥ 180/110 after dosing, IV: count / sessions with a post-dose BP, printed above the IV bar
	const iv = S.filter((r) => r.route === 'iv' && measured(r));
	const ivHigh = iv.filter(post).length;
	const bars = page.getByTestId('safety-hypertensive');
	await expect(bars.locator('g.bar')).toHaveCount(4);
	await expect(bars).toContainText(`${ivHigh}/${iv.length}`);

	// side-effect heatmap: 5 effects × (4 routes + all)
	await expect(page.getByTestId('safety-side-effects').locator('g.cell')).toHaveCount(25);
	await expect(page.getByTestId('safety-dissociation').locator('path.line')).toHaveCount(4);
	await expect(page.getByTestId('safety-bp').locator('path.line')).toHaveCount(8);
	// the two BP charts share one legend: one entry per route, each named once
	const bpKeys = page.getByTestId('safety-bp').getByRole('list', { name: 'Legend' });
	await expect(bpKeys).toHaveCount(1);
	await expect(bpKeys.locator('li')).toHaveCount(4);
	expect(new Set((await bpKeys.locator('li').allInnerTexts()).map((t) => t.trim())).size).toBe(4);
	// each group drawn in one colour in both charts, and no two groups alike
	const lines = await page.getByTestId('safety-bp').locator('path.line').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-series'), getComputedStyle(l).stroke]));
	const byGroup = new Map<string, Set<string>>();
	for (const [g, stroke] of lines) byGroup.set(String(g), (byGroup.get(String(g)) ?? new Set()).add(String(stroke)));
	expect([...byGroup.values()].map((c) => c.size)).toEqual([1, 1, 1, 1]);
	expect(new Set([...byGroup.values()].map((c) => [...c][0])).size).toBe(4);
	await page.screenshot({ path: 'test-results/safety.png', fullPage: true });
	// its SVG holds both charts side by side, four lines each (it held the systolic chart alone)
	const bpSvg = page.waitForEvent('download');
	await page.getByTestId('safety-bp').getByRole('button', { name: 'SVG', exact: true }).click();
	const svgText = readFileSync(await (await bpSvg).path(), 'utf8');
	expect(svgText).toContain('aria-label="Mean systolic BP before, at peak and before discharge"');
	expect(svgText).toContain('aria-label="Mean diastolic BP before, at peak and before discharge"');
	expect(svgText.match(/class="line[ "]/g)?.length).toBe(8);
	expect(svgText).toMatch(/^<svg[^>]*viewBox="0 0 \d/);
	// and the legend above them, each route once, in the colour its lines have
	for (const label of (await bpKeys.locator('li').allInnerTexts()).map((t) => t.trim())) expect(svgText.split(`>${label}</text>`).length, label).toBe(2);
	const strokeOf = new Map(lines.map(([g, stroke]) => [String(g), String(stroke)]));
	expect(new Set(svgText.match(/<rect [^>]*fill="(rgb\([^"]+\))"/g)?.map((r) => r.match(/fill="([^"]+)"/)![1]))).toEqual(new Set(strokeOf.values()));

	// the bars' CSV comes from the page's one export: this card's rows (IV's count and n as printed above)
	const download = page.waitForEvent('download');
	await bars.getByRole('button', { name: 'CSV' }).click();
	const csv = readFileSync(await (await download).path(), 'utf8').trim().split(/\r?\n/);
	expect(csv.length).toBeGreaterThan(1);
	expect(csv.slice(1).some((l) => l.includes(`,${ivHigh},${iv.length},`))).toBe(true);

	// clicking the IV bar filters every card to IV (URL), Back undoes it
	await bars.locator('g.bar[data-key="iv"]').click();
	await expect(page).toHaveURL(/route=iv/);
	await expect(tiles).toContainText(new RegExp(`${S.filter((r) => r.route === 'iv').length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });
	await page.goBack();
	await expect(tiles).toContainText(new RegExp(`${S.length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });

	// by dose band: the bands present in the records
	await page.getByTestId('safety-group').selectOption('dose_band');
	await expect(page).toHaveURL(/group=dose_band/);
	const under50 = S.filter((r) => r.dose_mg !== '' && Number(r.dose_mg) < 50 && measured(r));
	await expect(bars).toContainText(`${under50.filter(post).length}/${under50.length}`, { timeout: 60_000 });
	await page.screenshot({ path: 'test-results/safety-dose.png', fullPage: true });
});

/*
 * The acute experience against later change, computed here from data/demo-cohort.csv and
 * data/demo-acute.csv (no app code): per client-series the experience score at its first scored dosing
 * session, against the % change of BDI-II from baseline to the last dosing session; Spearman's ρ =
 * Pearson's r of the mid-ranks (R's cor(method = "spearman")).
 */
function readCsv(file: string): Rec[] {
	const [h, ...ls] = readFileSync(file, 'utf8').trim().split('\n');
	const cs = h.split(',');
	return ls.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cs[i], v])));
}
function ranks(x: number[]): number[] {
	const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
	const out = new Array<number>(x.length);
	for (let i = 0; i < order.length; ) {
		let j = i;
		while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
		for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
		i = j + 1;
	}
	return out;
}
function spearmanRho(x: number[], y: number[]): number {
	const [rx, ry] = [ranks(x), ranks(y)];
	const m = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
	const [mx, my] = [m(rx), m(ry)];
	let sxy = 0, sxx = 0, syy = 0;
	rx.forEach((_, i) => ((sxy += (rx[i] - mx) * (ry[i] - my)), (sxx += (rx[i] - mx) ** 2), (syy += (ry[i] - my) ** 2)));
	return sxy / Math.sqrt(sxx * syy);
}
function experiencePairs(instrument: string): { experience: number; change: number }[] {
	const outcome = new Map<string, { baseline?: number; endSession: number; end?: number }>();
	for (const r of readCsv('data/demo-cohort.csv')) {
		if (r.instrument !== 'bdi2' || r.score === '') continue;
		const o = outcome.get(`${r.client_id}|${r.series}`) ?? outcome.set(`${r.client_id}|${r.series}`, { endSession: -1 }).get(`${r.client_id}|${r.series}`)!;
		if (r.phase === 'baseline') o.baseline = Math.max(o.baseline ?? -Infinity, Number(r.score));
		if (r.phase === 'session' && Number(r.session) > o.endSession) [o.endSession, o.end] = [Number(r.session), Number(r.score)];
	}
	const first = new Map<string, { session: number; score: number }>();
	for (const r of readCsv('data/demo-acute.csv')) {
		if (r.instrument !== instrument || r.phase !== 'session' || r.score === '') continue;
		const k = `${r.client_id}|${r.series}`;
		if (!first.has(k) || Number(r.session) < first.get(k)!.session) first.set(k, { session: Number(r.session), score: Number(r.score) });
	}
	return [...first].flatMap(([k, e]) => {
		const o = outcome.get(k);
		return o && o.baseline !== undefined && o.baseline > 0 && o.end !== undefined ? [{ experience: e.score, change: (100 * (o.end - o.baseline)) / o.baseline }] : [];
	});
}

test('safety page: the acute experience (CADSS, MEQ-30, EBI) against the later % change of BDI-II', async ({ page }) => {
	test.setTimeout(180_000);
	await page.goto('/safety');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const card = page.getByTestId('safety-experience');
	for (const [id, label] of [['cadss', 'CADSS'], ['meq30', 'MEQ-30'], ['ebi', 'EBI']] as const) {
		const pairs = experiencePairs(id);
		expect(pairs.length).toBeGreaterThanOrEqual(11);
		const rho = spearmanRho(pairs.map((p) => p.experience), pairs.map((p) => p.change));
		await expect(card).toContainText(`${label} (n ${pairs.length})`, { timeout: 90_000 });
		await expect(card).toContainText(`ρ ${rho.toFixed(2).replace('-', '−')} (`);
	}
	await card.scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/safety-experience.png', fullPage: true });
});

test('safety page at 390 px: every bar is named, by its axis label or by the legend', async ({ page }) => {
	test.setTimeout(180_000);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/safety');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const routes = new Set(S.map((r) => r.route)).size;
	for (const id of ['safety-hypertensive', 'safety-minutes']) {
		const card = page.getByTestId(id);
		// the bars drawn first: the legend is checked against them
		await expect(card.locator('g.bar')).toHaveCount(routes, { timeout: 90_000 });
		const keys = card.getByRole('list', { name: 'Legend' }).locator('li');
		await expect(keys).toHaveCount(routes);
		const names = (await keys.allInnerTexts()).map((t) => t.trim());
		expect(new Set(names).size).toBe(routes);
		expect(names.every((n) => n.length > 0)).toBe(true);
	}
	await page.getByTestId('safety-hypertensive').scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/safety-390.png' });
});

test('the view a /safety control would show is worked out while the pointer or keyboard rests on it: the click reads every figure from the cache', async ({ page }) => {
	test.setTimeout(180_000);
	// `?bench` installs the app's benchmark hook (src/lib/data/bench.ts), which lists the statements sent to the engine
	await page.goto('/safety?bench');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	const tiles = page.getByTestId('safety-tiles');
	await expect(tiles).toContainText(new RegExp(`${S.length.toLocaleString('en-US')}\\s*dosing sessions recorded`), { timeout: 60_000 });
	await listStatements(page);

	// the pointer rests on IM's key in the dissociation legend: IM's view is worked out (the page's statements)
	const im = page.getByTestId('safety-dissociation').locator('ul.legend button', { hasText: 'IM' });
	await im.hover();
	expect(await settledStatements(page)).toBeGreaterThanOrEqual(5);
	await clearStatements(page);
	await im.click();
	await expect(page).toHaveURL(/[?&]route=im\b/);
	const imSessions = S.filter((r) => r.route === 'im').length;
	await expect(tiles).toContainText(new RegExp(`${imSessions.toLocaleString('en-US')}\\s*dosing sessions recorded`));
	expect(await settledStatements(page)).toBe(0);

	// the keyboard on the grouping select (the pointer still rests where the key was: focusing the select may
	// scroll the page from under it, and that key's leave must not cancel the select's preview): the
	// dose-band view is worked out, then chosen without a statement
	await clearStatements(page);
	await page.getByTestId('safety-group').focus();
	// the statements grouped by dose band (the acute experience is pooled over the groups: already in the cache)
	expect(await settledStatements(page)).toBeGreaterThanOrEqual(3);
	await clearStatements(page);
	await page.getByTestId('safety-group').selectOption('dose_band');
	await expect(page).toHaveURL(/group=dose_band/);
	await expect(tiles).toContainText(new RegExp(`${imSessions.toLocaleString('en-US')}\\s*dosing sessions recorded`));
	await expect(page.getByTestId('safety-hypertensive').locator('g.bar')).not.toHaveCount(0);
	expect(await settledStatements(page)).toBe(0);
});
