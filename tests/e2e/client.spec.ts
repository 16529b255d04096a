import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './guard';

/*
 * Numbers checked here are computed independently from data/demo-cohort.csv with a few lines of
 * code (no app module is imported): baseline and last dosing-session BDI-II of series 1, the
 * ≥ 50 % response rule, and which administrations have BDI-II item 9 above 0.
 */
type Rec = Record<string, string>;
const text = readFileSync(path.resolve('data/demo-cohort.csv'), 'utf8').trim().split(/\r?\n/);
const header = text[0].split(',');
const csv: Rec[] = text.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
const byClient = new Map<string, Rec[]>();
for (const r of csv) (byClient.get(r.client_id) ?? byClient.set(r.client_id, []).get(r.client_id)!).push(r);

function bdiSeries1(id: string) {
	const rs = byClient.get(id)!.filter((r) => r.instrument === 'bdi2' && r.series === '1' && r.score !== '');
	const baseline = Number(rs.find((r) => r.phase === 'baseline')?.score);
	const sessions = rs.filter((r) => r.phase === 'session').sort((a, b) => Number(a.session) - Number(b.session));
	const last = sessions[sessions.length - 1];
	return { baseline, end: last ? Number(last.score) : NaN, endSession: last ? Number(last.session) : NaN, n: rs.length };
}
const endorsed = (id: string) => byClient.get(id)!.filter((r) => r.instrument === 'bdi2' && r.item_9 !== '' && Number(r.item_9) > 0).length;
const ids = [...byClient.keys()].sort();
// a client with a booster series who responded in series 1 and endorsed BDI-II item 9 at least once
const responder = ids.find((id) => {
	const s = bdiSeries1(id);
	return byClient.get(id)!.some((r) => r.series === '2') && s.baseline > 0 && s.end <= 0.5 * s.baseline && endorsed(id) > 0;
})!;
// a client with BDI-II data who never endorsed item 9
const quiet = ids.find((id) => byClient.get(id)!.some((r) => r.instrument === 'bdi2') && endorsed(id) === 0)!;

// each test opens one or two client pages with every card; 44-50 s beside other work on 2 cores
test.describe.configure({ timeout: 150_000 });

async function ready(page: import('@playwright/test').Page) {
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
}

test('search a client, read their course, markers and item-9 prompt; Back returns to the previous client', async ({ page }) => {
	const r = bdiSeries1(responder);
	expect(r.end).toBeLessThanOrEqual(0.5 * r.baseline); // the premise of the response check below

	await page.goto('/clients');
	await ready(page);
	const box = page.getByRole('combobox', { name: 'Client id' });
	await box.click();
	const prefix = responder.slice(0, -1); // e.g. "C0002" for C00027
	await box.pressSequentially(prefix);
	const list = page.getByTestId('client-suggestions');
	const options = list.getByRole('option');
	// the suggestions for the whole prefix, not an earlier keystroke's list still on screen
	await expect(list).toHaveAttribute('aria-busy', 'false');
	await expect(options.first()).toContainText(prefix);
	await expect(options).toHaveCount(10);
	// keyboard: ArrowDown until the responder is highlighted, then Enter
	const index = Number(responder.slice(-1));
	for (let i = 0; i <= index; i++) await box.press('ArrowDown');
	await expect(options.nth(index)).toHaveAttribute('aria-selected', 'true');
	await expect(options.nth(index)).toContainText('series (booster)');
	await box.press('Enter');

	await expect(page).toHaveURL(new RegExp(`/clients/${responder}$`));
	const course = page.getByTestId('client-course');
	await expect(course.locator('circle.point')).toHaveCount(byClient.get(responder)!.filter((x) => x.instrument === 'bdi2' && x.score !== '').length);
	await expect(course.locator('path.line')).toHaveCount(new Set(byClient.get(responder)!.filter((x) => x.instrument === 'bdi2').map((x) => x.series)).size);
	await expect(course.getByText('Booster series 2')).toBeVisible();
	await expect(course.locator('rect.band-bg')).toHaveCount(4);

	// baseline, end of series and the response marker against the CSV
	const row = page.getByTestId('markers-bdi2-1');
	await expect(row.locator('[data-field=baseline]')).toHaveText(String(r.baseline));
	await expect(row.locator('[data-field=end]')).toHaveText(`${r.end} (S${r.endSession})`);
	await expect(row.locator('[data-field=response]')).toHaveText('yes');
	await expect(row.locator('[data-field=change]')).toContainText(`−${r.baseline - r.end} (−${Math.round((100 * (r.baseline - r.end)) / r.baseline)} %)`);
	const marker = course.locator('[data-kind=response]');
	await expect(marker).toHaveCount(1);
	await marker.focus();
	await expect(course.getByRole('status')).toContainText(`${r.baseline} → ${r.end}`);
	await course.locator('circle.point').first().focus();
	await expect(course.getByRole('status')).toContainText('n = 1 administration');

	// item 9: endorsed by this client → a review prompt, worded as such
	const prompt = page.getByTestId('review-prompt');
	await expect(prompt).toContainText(`answered above 0 at ${endorsed(responder)} of`);
	await expect(prompt).toContainText('not a suicide screen');
	await expect(course.locator('[data-kind=item9]')).toHaveCount(
		byClient.get(responder)!.filter((x) => x.instrument === 'bdi2' && x.item_9 !== '' && Number(x.item_9) > 0).length
	);

	// the exported figure names what its marks mean: every key of the card's legend, a marker as its symbol
	const keys = (await course.getByRole('list', { name: 'Legend' }).locator('li').allInnerTexts()).map((t) => t.trim());
	expect(keys).toContain('Response');
	const svgDownload = page.waitForEvent('download');
	await course.getByRole('button', { name: 'SVG', exact: true }).click();
	const svg = readFileSync((await (await svgDownload).path())!, 'utf8');
	for (const key of keys) expect(svg, key).toContain(`>${key.replaceAll('&', '&amp;').replaceAll('>', '&gt;')}</text>`);
	const symbol = await course.getByRole('list', { name: 'Legend' }).locator('li', { hasText: 'Response' }).locator('svg path').getAttribute('d');
	// in the legend, drawn before the chart (the figure's first nested svg)
	expect(svg.slice(0, svg.indexOf('<svg', 1))).toContain(`d="${symbol}"`);

	// the heatmap has one row per BDI-II item and a change column per series
	const items = page.getByTestId('client-items');
	await expect(items.getByText('9 suicidal thoughts')).toBeVisible();

	// table and SQL toggles
	await course.getByRole('button', { name: 'Table' }).click();
	await expect(course.locator('table tbody tr')).toHaveCount(byClient.get(responder)!.filter((x) => x.instrument === 'bdi2').length);
	await course.getByRole('button', { name: 'SQL' }).click();
	// the statement as it ran: the client id is a bound value shown beside the text, never in it
	await expect(course.locator('pre.sql').first()).toContainText(/client_id = \$\d+/);
	for (const text of await course.locator('pre.sql').allInnerTexts()) expect(text).not.toContain(responder);
	// The card shows several statements (the course and its band lookups); the client id is bound in one of them.
	await expect(course.getByRole('list', { name: 'Bound values' }).filter({ hasText: `= "${responder}"` }).first()).toBeVisible();
	await course.getByRole('button', { name: 'SQL' }).click();
	await expect(course.locator('circle.point').first()).toBeVisible();

	await page.screenshot({ path: 'test-results/client.png', fullPage: true });

	// another client via the search box on the client page: no endorsement → no prompt
	const other = page.getByRole('combobox', { name: 'Another client' });
	// typed and Enter at once, before the suggestions arrive: the Enter waits for them and opens the exact match
	await other.pressSequentially(quiet);
	await other.press('Enter');
	await expect(page).toHaveURL(new RegExp(`/clients/${quiet}$`));
	await expect(page.getByTestId('review-none')).toContainText('not answered above 0');
	await expect(page.getByTestId('review-prompt')).toHaveCount(0);
	await expect(page.getByTestId('markers-bdi2-1').locator('[data-field=baseline]')).toHaveText(String(bdiSeries1(quiet).baseline));

	// Back returns to the previous client
	await page.goBack();
	await expect(page).toHaveURL(new RegExp(`/clients/${responder}$`));
	await expect(page.getByTestId('client-id')).toHaveText(responder);
	await expect(page.getByTestId('review-prompt')).toBeVisible();
	await expect(page.getByTestId('markers-bdi2-1').locator('[data-field=baseline]')).toHaveText(String(r.baseline));
});

test('the instrument is in the URL; a deep link reloads; the page prints on one page', async ({ page }) => {
	await page.goto(`/clients/${responder}`);
	await ready(page);
	await page.getByRole('navigation', { name: 'Instrument' }).getByRole('link', { name: 'HAM-A' }).click();
	await expect(page).toHaveURL(new RegExp(`/clients/${responder}\\?instrument=hama$`));
	await expect(page.getByTestId('client-course').getByRole('heading')).toHaveText('HAM-A over the series');
	await page.goBack();
	await expect(page.getByTestId('client-course').getByRole('heading')).toHaveText('BDI-II over the series');
	await page.goForward();
	// reload the deep link: served by the SPA fallback, same view
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('client-course').getByRole('heading')).toHaveText('HAM-A over the series');
	await expect(page.getByTestId('client-items').getByText('14 behaviour at interview')).toBeVisible();
	await page.getByRole('navigation', { name: 'Instrument' }).getByRole('link', { name: 'BDI-II' }).click();
	await expect(page.getByTestId('client-course').locator('circle.point').first()).toBeVisible();

	await page.emulateMedia({ media: 'print' });
	await page.setViewportSize({ width: 1047, height: 718 }); // A4 landscape at 96 dpi minus 9 mm margins
	await page.screenshot({ path: 'test-results/client-print.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.emulateMedia({ media: null }); // 'screen' would also apply to page.pdf()
	for (const format of ['A4', 'Letter'] as const) {
		const pdf = await page.pdf({ path: `test-results/client-print-${format}.pdf`, format, preferCSSPageSize: true, printBackground: true });
		const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
		expect(pages.length, `${format} pages`).toBe(1);
	}
});

test('an unknown client id says so in place; /clients?id= opens the client', async ({ page }) => {
	await page.goto('/clients/NOPE123');
	await ready(page);
	await expect(page.getByTestId('client-not-found')).toContainText('No client “NOPE123”');
	await page.goto(`/clients?id=${quiet}`);
	await expect(page).toHaveURL(new RegExp(`/clients/${quiet}$`));
	await expect(page.getByTestId('client-course').locator('circle.point').first()).toBeVisible();
});

/**
 * The session strip, checked against data/demo-sessions.csv and data/demo-acute.csv read here: a
 * client with a session at ≥ 180/110 after dosing; one tile per session (record or CADSS), the
 * flags each session should carry by the thresholds, CADSS where scored.
 */
function sessionsOf() {
	const read = (f: string) => {
		const lines = readFileSync(path.resolve(f), 'utf8').trim().split(/\r?\n/);
		const head = lines[0].split(',');
		return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])) as Rec);
	};
	const recs = read('data/demo-sessions.csv');
	const acute = read('data/demo-acute.csv').filter((r) => r.instrument === 'cadss' || r.instrument === 'cadss6');
	const n = (v: string) => (v === '' ? null : Number(v));
	const flagsOf = (r: Rec) => [
		...(Math.max(n(r.sbp_peak) ?? 0, n(r.sbp_end) ?? 0) >= 180 || Math.max(n(r.dbp_peak) ?? 0, n(r.dbp_end) ?? 0) >= 110 ? ['hypertensive_post'] : []),
		...((n(r.sbp_pre) ?? 0) >= 140 || (n(r.dbp_pre) ?? 0) >= 90 ? ['hypertensive_pre'] : []),
		...(n(r.spo2_min) !== null && n(r.spo2_min)! < 90 ? ['spo2_low'] : []),
		...(r.serious_ae === '1' ? ['serious_ae'] : [])
	];
	const client = recs.find((r) => flagsOf(r).includes('hypertensive_post') && acute.some((a) => a.client_id === r.client_id))!.client_id;
	const mine = recs.filter((r) => r.client_id === client);
	const keys = new Set([...mine, ...acute.filter((a) => a.client_id === client)].map((r) => `${r.series}-${r.session}`));
	return { client, mine, tiles: keys.size, flagsOf, cadss: acute.filter((a) => a.client_id === client) };
}

test('the session strip: BP, SpO₂, CADSS and side effects per session, flags where a threshold was crossed, readable at 390 px', async ({ page }) => {
	const s = sessionsOf();
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`/clients/${s.client}`);
	await ready(page);
	const strip = page.getByTestId('session-strip');
	const tiles = strip.getByTestId('session-tile');
	await expect(tiles).toHaveCount(s.tiles, { timeout: 30_000 });
	for (const r of s.mine) {
		const tile = strip.locator(`[data-testid="session-tile"][data-series="${r.series}"][data-session="${r.session}"]`);
		await expect(tile).toContainText(`${r.sbp_pre}/${r.dbp_pre} → ${r.sbp_peak}/${r.dbp_peak}`);
		await expect(tile).toContainText(`SpO₂ min ${r.spo2_min} %`);
		await expect(tile.getByTestId('session-flag')).toHaveCount(s.flagsOf(r).length);
		for (const f of s.flagsOf(r)) await expect(tile.locator(`[data-flag="${f}"]`)).toBeVisible();
		const cadss = s.cadss.find((a) => a.series === r.series && a.session === r.session);
		if (cadss) await expect(tile).toContainText(`CADSS ${cadss.score}`);
	}
	// no sideways scrolling of the page at phone width, and the strip inside it
	const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
	expect(widths.doc).toBeLessThanOrEqual(widths.view);
	const box = await strip.boundingBox();
	expect(box!.x + box!.width).toBeLessThanOrEqual(390);
	await strip.scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${process.env.SHOT_DIR ?? 'test-results'}/client-sessions-390.png`, fullPage: true });
});
