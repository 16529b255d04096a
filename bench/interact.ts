/**
 * Filter interactions of the benchmark, done inside the page so each is timed from the input event
 * to the `charts-drawn` mark (bench/run.ts). Every wait is bounded: at 10M rows one interaction may
 * take minutes, and an unbounded script of them would hold the run for hours.
 */
import type { Page } from '@playwright/test';

export type Kind = 'route' | 'site' | 'series' | 'instrument';

/**
 * One filter interaction on the current page, done inside the page so the time runs from the
 * input event to the `charts-drawn` mark. Returns null when the control is not on the page, or when
 * no charts were drawn within `waitMs` (the input changed nothing the charts depend on, or the
 * charts took longer than that: `timedOut`).
 */
async function interact(page: Page, kind: Kind, index: number, waitMs: number, restMs: number): Promise<{ ms: number; longTask: number } | { timedOut: true } | null> {
	return page.evaluate(
		async ({ kind, index, waitMs, restMs }) => {
			const B = window.__kapBench!;
			let act: (() => void) | null = null;
			/** The element the pointer rests on before the click (`restMs`), when the control has one. */
			let target: Element | null = null;
			if (kind === 'route') {
				// A route key in the first chart's legend (click = filter by it, again = clear).
				const buttons = [...document.querySelectorAll<HTMLButtonElement>('[data-testid^="trajectory-"] button[title^="Filter by"], .legend button')];
				const b = buttons[index % Math.max(1, buttons.length)];
				if (b) act = () => b.click();
				target = b ?? null;
			} else if (kind === 'site') {
				const summary = document.querySelector('[data-testid="filter-site"]');
				const boxes = summary ? [...summary.parentElement!.querySelectorAll<HTMLInputElement>('input[type=checkbox]')] : [];
				const box = boxes[index % Math.max(1, boxes.length)];
				if (box) act = () => box.click();
				target = box?.closest('label') ?? null;
			} else {
				const sel = document.querySelector<HTMLSelectElement>(kind === 'series' ? '[data-testid="filter-series"]' : 'select[data-testid="instrument"], select[name="instrument"]');
				if (sel && sel.options.length > 1) {
					// series: `index` is the option to pick; instrument: the next option, whatever is selected.
					const k = kind === 'series' ? index % sel.options.length : (sel.selectedIndex + 1) % sel.options.length;
					if (k === sel.selectedIndex) return null;
					const next = sel.options[k].value;
					act = () => {
						sel.value = next;
						sel.dispatchEvent(new Event('change', { bubbles: true }));
					};
					target = sel;
				}
			}
			if (!act) return null;
			B.clearCache(); // every interaction really queries (a user's first visit to a filter state)
			if (restMs > 0 && target) {
				// the pointer comes to rest on the control, as a hand does before it presses (the page may start on that view then)
				target.dispatchEvent(new PointerEvent('pointerenter'));
				target.dispatchEvent(new MouseEvent('mouseenter'));
				await new Promise((r) => setTimeout(r, restMs));
			}
			const drawn = B.nextDrawn(waitMs);
			const t0 = performance.now();
			act();
			let t1: number;
			try {
				t1 = await drawn;
			} catch {
				return { timedOut: true as const }; // nothing the charts depend on changed, or they took longer
			}
			await new Promise((r) => setTimeout(r, 120)); // long-task entries are delivered after the task
			if (restMs > 0 && target) {
				target.dispatchEvent(new PointerEvent('pointerleave'));
				target.dispatchEvent(new MouseEvent('mouseleave'));
			}
			return { ms: t1 - t0, longTask: B.longestTask(t0 - 1, t1) };
		},
		{ kind, index, waitMs, restMs }
	);
}

/**
 * The interaction script: route on, site on, series changed, (instrument changed), route off,
 * site off, series back — so each state differs from the previous one and the page returns to
 * unfiltered every cycle; indices rotate so different routes and sites are chosen. Each waits at
 * most `waitMs` for its charts; the script stops when `budgetMs` is spent (`stopped` says why).
 * `restMs`: the pointer rests that long on the control (a route key, a site box, the select) before it
 * is clicked or its option chosen: the result cache cleared first, then the rest, then the timed click.
 */
export async function interactions(page: Page, count: number, waitMs = 60_000, budgetMs = Number.POSITIVE_INFINITY, restMs = 0) {
	const out: { kind: Kind; ms: number; longTask: number }[] = [];
	const cycle: Kind[] = ['route', 'site', 'series', 'instrument', 'route', 'site', 'series'];
	const start = Date.now();
	let timedOut = 0;
	let stopped: string | null = null;
	let cycleNo = 0;
	run: while (out.length < count) {
		for (let i = 0; i < cycle.length && out.length < count; i++) {
			if (Date.now() - start > budgetMs) {
				stopped = `stopped after ${out.length} of ${count} interactions: the step's ${Math.round(budgetMs / 1000)} s were spent${timedOut ? ` (${timedOut} inputs drew nothing within ${Math.round(waitMs / 1000)} s)` : ''}`;
				break run;
			}
			const kind = cycle[i];
			const on = i < 4;
			// Route "off" clicks the only remaining legend key (index 0 after filtering).
			const index = kind === 'route' ? (on ? cycleNo : 0) : kind === 'series' ? (on ? 1 + (cycleNo % 2) : 0) : cycleNo;
			const r = await interact(page, kind, index, waitMs, restMs);
			if (r && 'timedOut' in r) timedOut++;
			else if (r) out.push({ kind, ...r });
		}
		cycleNo++;
		if (cycleNo > count * 2) break; // no controls at all
	}
	return { done: out, stopped };
}
