/**
 * On a first visit to the demo's overview the page shows figures computed when the site was built
 * (routes/prebuilt.server.ts): its HTML holds them, and its first render hydrates them. The engine's
 * start and the demo's files wait until that render's frame (at most MAX_WAIT_MS): the first render
 * is a long main-thread task, and an engine started at once only began after it anyway, and then
 * competed with its layout and paint. In fresh browser profiles at load average 8–10 (medians of
 * three, when that render drew the figures), the first live chart came at 20.5 s with the engine
 * started at once and 16.6 s with it after the paint. Every other start (another page, a link with
 * filters, a kept dataset) starts the engine as soon as the page says it will not show them.
 */
import { startMark } from '../engine/marks';

/** Id of an element only a page showing the prebuilt view has (in `/` as rendered when the site is built). */
export const PREBUILT_ELEMENT_ID = 'kap-prebuilt-overview';

/** Past this the engine starts anyway: a page that never paints must not keep the app from starting. */
const MAX_WAIT_MS = 3000;

let resolve!: () => void;
const released = new Promise<void>((r) => (resolve = r));
function release() {
	startMark('engine-may-start');
	resolve();
}

/** The prebuilt view will not be painted (a filtered link, a kept dataset, nothing inlined): start now. */
export function noPrebuiltPaint(): void {
	release();
}

/** The page's first render shows the prebuilt view: start once its frame has been painted. */
export function prebuiltPaintPending(): void {
	if (typeof requestAnimationFrame === 'undefined') return release();
	// a frame's callbacks run before its paint; a task queued from one runs after it
	requestAnimationFrame(() => setTimeout(release, 0));
}

/** Resolves when the engine may start: at once, unless this page holds a prebuilt view to paint first. */
export function engineMayStart(): Promise<void> {
	if (typeof document === 'undefined' || !document.getElementById(PREBUILT_ELEMENT_ID)) return Promise.resolve();
	return Promise.race([released, new Promise<void>((r) => setTimeout(r, MAX_WAIT_MS))]);
}
