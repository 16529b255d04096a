/**
 * Issue 10 in the built app: crafted links on `/`, `/compare` and `/clients/…` — SQL-looking filter
 * values, quotes, `$1`, a bare `%`, NUL, over-long values, unknown columns, instruments and routes —
 * say in place what they could not use and raise no page error (the `guard` fixture fails on any).
 * All of them are opened by in-app navigation in one tab, on one in-browser database; then the
 * unfiltered overview in that same tab draws every chart with the demo cohort's numbers, computed
 * here from the demo CSV (demo-figures.ts), not read from the app.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './guard';
import { CSV, clientsOf, frac, responseOf } from './demo-figures';

const DROP = "'; DROP TABLE scores; --";
const COMMENT = "x*/; DELETE FROM scores; /*";
const enc = encodeURIComponent;

/** Follow `href` inside the app (a link click SvelteKit routes), so the page and its database stay. */
async function follow(page: Page, href: string) {
	await page.evaluate((h) => {
		const a = document.createElement('a');
		a.href = h;
		a.textContent = 'crafted link';
		document.body.append(a);
		a.click();
		a.remove();
	}, href);
	await page.waitForURL((u) => u.pathname === new URL(href, u).pathname);
}

test('crafted links say what they ignored, break nothing, and the unfiltered overview then draws every chart with the demo numbers', async ({ page }) => {
	test.setTimeout(180_000);
	await page.goto('/');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
	// marks this document: still there at the end means no reload happened (same tab, same database)
	await page.evaluate(() => ((window as unknown as { __sameDocument: number }).__sameDocument = 1));
	const firstClient = CSV[0].client_id;

	// 1. the overview: a bare %, an over-long value, a key that is not a column name, an unknown instrument,
	// a bad series and definitions; SQL-looking values and `$1` are plain values (they match no client)
	const long = 'y'.repeat(500);
	await follow(
		page,
		`/?site=100%&route=${enc(DROP)}&diagnosis=${enc(COMMENT)},x%00y&sex=$1&%00=1&age_band=${long}&instrument=${enc("bdi2' OR 1=1 --")}&series=${enc(DROP)}&def.mincell=${enc('1; DROP')}&nosuchcolumn=${enc('"')}&site_name=a%00b`
	);
	const problems = page.getByTestId('link-problems');
	await expect(problems).toContainText('The link\'s filter "site" has a malformed value ("100%"); it was ignored.');
	await expect(problems).toContainText('The link\'s filter "age_band" has a value longer than 200 characters; it was ignored.');
	await expect(problems).toContainText('is not a column name; it was ignored.');
	await expect(problems).toContainText('The link filters on "nosuchcolumn", a column these data do not have; that filter was ignored.');
	await expect(problems).toContainText(`The link asks for instrument "bdi2' OR 1=1 --", which these data do not have; showing BDI-II.`);
	await expect(problems).toContainText(`The link's series choice ${JSON.stringify(DROP)} is not one of all, first, boosters; all series are shown.`);
	// (definitions say it inside the Definitions panel, which starts folded)
	await expect(page.getByText('Ignored in the link: small-cell threshold "1; DROP"')).toHaveCount(1);
	// the hostile route is a filter value like any other: nobody has it, so the tiles count no one
	await expect(page.getByTestId('tile-clients').locator('.value')).toHaveText('0');
	await expect(page.getByTestId('response-by-route').locator('g.bar')).toHaveCount(0);
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(0);
	// the values (a NUL among them) were bound and ran: empty charts, no error in any card
	await expect(page.locator('main [role="alert"]')).toHaveCount(0);
	await page.screenshot({ path: 'test-results/hostile-link-overview.png', fullPage: false });

	// 2. compare: the same values in both cohorts, a malformed escape, an unknown instrument
	await follow(page, `/compare?a.route=${enc(DROP)}&a.site=${enc(COMMENT)}&b.site=%E0%A4%A&b.%01=x&instrument=${enc('phq9"; --')}`);
	const compareProblems = page.getByTestId('link-problems');
	await expect(compareProblems).toContainText('Cohort B: The link\'s filter "b.site" has a malformed value');
	await expect(compareProblems).toContainText('Cohort B: The link\'s filter "b.\u00b7" is not a column name');
	await expect(compareProblems).toContainText('The link asks for instrument "phq9\\"; --", which these data do not have; showing BDI-II.');
	await expect(page.locator('main')).not.toBeEmpty();
	await page.screenshot({ path: 'test-results/hostile-link-compare.png', fullPage: false });

	// 3. a client page: an id that is SQL, then a real client with a hostile instrument
	await follow(page, `/clients/${enc(DROP)}?instrument=$1`);
	await expect(page.getByTestId('client-not-found')).toContainText(`No client “${DROP}” in the active dataset.`);
	await follow(page, `/clients/${enc(firstClient)}?instrument=${enc(COMMENT)}`);
	await expect(page.getByTestId('client-id')).toHaveText(firstClient);
	await expect(page.getByTestId('link-problems')).toContainText(`The link asks for instrument ${JSON.stringify(COMMENT)}, which this client has no scores on; showing`);
	await expect(page.getByTestId('client-course').locator('path').first()).toBeVisible();

	// 4. the unfiltered overview in the same tab and database: every chart draws, with the demo's numbers
	await follow(page, '/');
	expect(await page.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument)).toBe(1);
	await expect(page.getByTestId('link-problems')).toHaveCount(0);
	await expect(page.getByTestId('tile-clients').locator('.value')).toHaveText(clientsOf(() => true).toLocaleString('en-US'));
	await expect(page.getByTestId('tile-clients').locator('.value')).toHaveText('1,500');
	await expect(page.getByTestId('tile-response-bdi2')).toContainText(frac(responseOf(() => true)));
	await expect(page.getByTestId('tile-response-hama')).toContainText(frac(responseOf(() => true, 'hama')));
	const routes = new Set(CSV.map((r) => r.route)).size;
	const im = responseOf((r) => r.route === 'im');
	await expect(page.getByTestId('response-by-route').locator('g.bar')).toHaveCount(routes);
	await expect(page.getByTestId('response-by-route').locator('g.bar[data-key="im"] text')).toHaveText(`n = ${im.n}`);
	await expect(page.getByTestId('remission-by-route').locator('g.bar')).toHaveCount(routes);
	for (const inst of new Set(CSV.map((r) => r.instrument)))
		if (await page.getByTestId(`trajectory-${inst}`).count()) await expect(page.getByTestId(`trajectory-${inst}`).locator('path.line'), inst).not.toHaveCount(0);
	await expect(page.getByTestId('trajectory-bdi2').locator('path.line')).toHaveCount(routes);
	await expect(page.getByTestId('durability').locator('circle.point')).not.toHaveCount(0);
	await expect(page.getByTestId('survival').locator('path.step-line')).toHaveCount(routes);
	const baseline = new Set(CSV.filter((r) => r.instrument === 'bdi2' && r.phase === 'baseline' && r.score !== '').map((r) => `${r.client_id}/${r.series}`)).size;
	await expect(page.getByTestId('attrition').locator('g.hbar-row').first().locator('text')).toHaveText(`${baseline.toLocaleString('en-US')} · 100 %`);
	await expect(page.getByTestId('flow-n').first()).toBeVisible();
	for (const id of ['response-by-route', 'remission-by-route', 'trajectory-bdi2', 'durability', 'survival', 'attrition'])
		await expect(page.getByTestId(id).locator('[role="alert"]'), id).toHaveCount(0);
	await page.screenshot({ path: 'test-results/hostile-link-after.png', fullPage: true });
});
