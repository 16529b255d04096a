/**
 * "Every chart of the page has drawn": `performance.mark('charts-drawn')`, set when no chart
 * loader (`MetricLoader`) has a request in flight any more and no card waits to mount (`Staged`), once the DOM they feed has been
 * updated (Svelte `tick`) and the next animation frame has started, i.e. when the browser is about
 * to paint them. Counting in-flight requests across all loaders needs no code in the pages: a page
 * is "drawn" when the loaders it started have all finished. The benchmark (bench/run.ts) measures
 * refreshes and filter interactions up to this mark; otherwise it is a harmless timeline entry.
 */
import { tick } from 'svelte';

/** Name of the mark set when every chart of the page has drawn. */
export const CHARTS_DRAWN = 'charts-drawn';
/** Name of the mark set whenever one chart's data arrived and drew (the first one after navigation is "first chart"). */
export const CHART_DRAWN = 'chart-drawn';

let inFlight = 0;
let round = 0;
let settled: (() => void)[] = [];
/** Cards of the page not mounted yet (charts/staged.svelte.ts): the page is not drawn until they are. */
let mounting = 0;
/** A last request finished while cards were still mounting: the `charts-drawn` mark it held back is due when they are in. */
let heldBack = false;

/**
 * Resolves once no chart request is in flight — after the page has had a turn to start its
 * requests — or after `maxMs` at the latest. Work the page's charts do not need (a dataset's
 * summaries) waits for it, so the one engine worker runs the first view's queries first.
 */
export function chartsSettled(maxMs = 5000): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, maxMs);
		const done = () => (clearTimeout(timer), resolve());
		setTimeout(() => (inFlight === 0 && mounting === 0 ? done() : settled.push(done)), 0);
	});
}

/** A loader started a request. */
export function requestStarted(): void {
	inFlight++;
	round++; // voids a mark still waiting for its frame
}

/** A loader's request finished (current or superseded); marks when it was the last one. */
export function requestFinished(): void {
	inFlight = Math.max(0, inFlight - 1);
	releaseSettled();
	if (typeof performance === 'undefined' || typeof requestAnimationFrame === 'undefined') return;
	tick().then(() => requestAnimationFrame(() => performance.mark(CHART_DRAWN)));
	if (inFlight > 0) return;
	if (mounting > 0) heldBack = true;
	else markAllDrawn();
}

/** Cards of the page wait for their turn to mount: `charts-drawn` and `chartsSettled` wait for them too. */
export function mountsStarted(): void {
	mounting++;
}

/**
 * The waiting cards are mounted. Marks `charts-drawn` only when a last request finished meanwhile
 * (the cards alone, drawing prebuilt figures, are not the page's results drawn).
 */
export function mountsFinished(): void {
	mounting = Math.max(0, mounting - 1);
	releaseSettled();
	if (mounting > 0 || inFlight > 0 || !heldBack) return;
	heldBack = false;
	if (typeof performance !== 'undefined' && typeof requestAnimationFrame !== 'undefined') markAllDrawn();
}

function releaseSettled(): void {
	if (inFlight > 0 || mounting > 0 || !settled.length) return;
	const waiting = settled;
	settled = [];
	for (const w of waiting) w();
}

/** `charts-drawn` once the DOM is updated and the next frame starts, unless a request started meanwhile; held back while cards mount. */
function markAllDrawn(): void {
	const mine = ++round;
	tick().then(() =>
		requestAnimationFrame(() => {
			if (mine !== round || inFlight > 0) return;
			heldBack = mounting > 0;
			if (!heldBack) performance.mark(CHARTS_DRAWN, { detail: { page: location.pathname } });
		})
	);
}

/** A chart was drawn from results computed when the site was built (the demo's first view). */
export function prebuiltDrawn(): void {
	if (typeof performance === 'undefined' || typeof requestAnimationFrame === 'undefined') return;
	tick().then(() => requestAnimationFrame(() => performance.mark(CHART_DRAWN, { detail: { prebuilt: true } })));
}
