import type { Locator, Page } from '@playwright/test';
import { test, expect } from './guard';
import { CSV } from './demo-figures';

/*
 * Labels that never collide (issue 15, "any screen"): on the demo client with the most series, the
 * course's tick labels, booster titles and end-point marker words, and the item heatmap's column
 * labels and booster titles, have bounding boxes that do not overlap, on a phone (390 px) and a wide
 * screen (1920 px). The heatmap keeps every column's label (it scrolls inside its card rather than
 * squeezing them) and its axis title stays whole in the part of it shown.
 */
const seriesOf = new Map<string, Set<string>>();
for (const r of CSV) (seriesOf.get(r.client_id) ?? seriesOf.set(r.client_id, new Set()).get(r.client_id)!).add(r.series);
const most = Math.max(...[...seriesOf.values()].map((s) => s.size));
const client = [...seriesOf.keys()].sort().find((id) => seriesOf.get(id)!.size === most)!;
const bdi = CSV.filter((r) => r.client_id === client && r.instrument === 'bdi2');
const administrations = bdi.filter((r) => r.score !== '').length;
const items = 21;

type Box = { x: number; y: number; width: number; height: number; text: string };
const boxes = (l: Locator) =>
	l.evaluateAll((els) =>
		els.map((e) => {
			const b = e.getBoundingClientRect();
			return { x: b.x, y: b.y, width: b.width, height: b.height, text: e.textContent ?? '' };
		})
	);
/** Pairs of boxes that overlap (by more than half a pixel each way). */
function overlaps(bs: Box[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < bs.length; i++)
		for (let j = i + 1; j < bs.length; j++) {
			const [a, b] = [bs[i], bs[j]];
			if (a.x + a.width - 0.5 > b.x && b.x + b.width - 0.5 > a.x && a.y + a.height - 0.5 > b.y && b.y + b.height - 0.5 > a.y) out.push(`"${a.text}" × "${b.text}"`);
		}
	return out;
}

async function drawn(page: Page) {
	await page.goto(`/clients/${client}`);
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
	const course = page.getByTestId('client-course');
	const heat = page.getByTestId('client-items');
	// the state asserted on: every administration drawn, every booster separator, every heatmap cell
	await expect(course.locator('circle.point')).toHaveCount(administrations);
	await expect(course.locator('g.vrule')).toHaveCount(most - 1);
	await expect(heat.locator('g.cell')).toHaveCount(items * (administrations + most));
	await expect(heat.locator('g.vrule')).toHaveCount(most - 1);
	// the markers' table has a row per series × instrument scored, and the course is no longer loading
	const scored = new Set(CSV.filter((r) => r.client_id === client && r.score !== '').map((r) => `${r.instrument}:${r.series}`));
	await expect(page.getByTestId('client-markers').locator('tr[data-testid^="markers-"]')).toHaveCount(scored.size);
	await expect(course).toHaveAttribute('aria-busy', 'false');
	return { course, heat };
}

for (const width of [390, 1920]) {
	test(`client ${client} (${most} series) at ${width} px: axis labels and booster titles never overlap`, async ({ page }) => {
		test.setTimeout(150_000); // the client page's queries take 40-50 s at load 11-12 (see client.spec)
		expect(most).toBeGreaterThanOrEqual(3); // the case the issue names
		await page.setViewportSize({ width, height: 1000 });
		const { course, heat } = await drawn(page);

		const [courseTicks, courseRules] = [await boxes(course.locator('text.tick-label')), await boxes(course.locator('text.rule-label'))];
		expect(overlaps([...courseTicks, ...courseRules])).toEqual([]);
		// every series' baseline keeps its label, and each booster series is named (at least "B2")
		expect(courseTicks.filter((b) => b.text === 'BL')).toHaveLength(most);
		expect(courseRules.map((b) => b.text)).toEqual(Array.from({ length: most - 1 }, (_, i) => expect.stringMatching(new RegExp(`^B(ooster( series)? )?${i + 2}$`))));

		const [heatTicks, heatRules] = [await boxes(heat.locator('text.tick-label')), await boxes(heat.locator('text.rule-label'))];
		expect(overlaps([...heatTicks, ...heatRules])).toEqual([]);
		// no column loses its label (administrations plus one Δ per series), nor a booster its title
		expect(heatTicks).toHaveLength(administrations + most);
		expect(heatRules.map((b) => b.text)).toEqual(Array.from({ length: most - 1 }, (_, i) => expect.stringMatching(new RegExp(`^B(ooster )?${i + 2}$`))));
		// a cell's printed value stays inside its cell
		const cellText = await heat.locator('g.cell').evaluateAll((gs) =>
			gs.flatMap((g) => {
				const t = g.querySelector('text');
				if (!t) return [];
				const [a, b] = [g.querySelector('rect')!.getBoundingClientRect(), t.getBoundingClientRect()];
				return b.left < a.left - 0.5 || b.right > a.right + 0.5 ? [t.textContent] : [];
			})
		);
		expect(cellText).toEqual([]);
		// the heatmap scrolls inside its card: its axis title is whole within the part shown
		const room = await heat.locator('.room').boundingBox();
		const title = await heat.locator('text.title', { hasText: 'Administration' }).boundingBox();
		expect(title!.x).toBeGreaterThanOrEqual(room!.x);
		expect(title!.x + title!.width).toBeLessThanOrEqual(room!.x + room!.width + 0.5);

		// the end-point markers' words (Response, Remission, Reliable ↓) stay inside the plot, clear of
		// each other, of the axis labels and of the severity bands' names in the right margin
		const plot = await course.locator('rect.band-bg').first().boundingBox();
		const words = await boxes(course.locator('g.marker text'));
		const bandNames = await boxes(course.locator('g.bands text'));
		expect(overlaps([...words, ...courseTicks, ...courseRules, ...bandNames])).toEqual([]);
		expect(words.filter((b) => b.x < plot!.x - 0.5 || b.x + b.width > plot!.x + plot!.width + 0.5).map((b) => b.text)).toEqual([]);
		// on a wide screen every end point's stack of words is drawn
		const worded = await course.locator('g.marker[data-kind="response"], g.marker[data-kind="remission"], g.marker[data-kind="improved"], g.marker[data-kind="deteriorated"]').count();
		if (width >= 1920) expect(words).toHaveLength(worded);

		// and the page itself does not scroll sideways (the heatmap scrolls inside its card)
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
		await page.screenshot({ path: `test-results/client-labels-${width}.png`, fullPage: true });
		await course.screenshot({ path: `test-results/client-labels-${width}-course.png` });
		await heat.screenshot({ path: `test-results/client-labels-${width}-items.png` });
	});
}
