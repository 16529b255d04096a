/**
 * Working out the view a filter control would show before it is clicked (Mosaic's "activation"): once
 * the pointer or the keyboard has rested on the control for PREVIEW_DWELL_MS, the page sends that
 * view's statements through its caching connector (CachingConnector: same statement, same result), so
 * the click finds them answered or under way. Used by the overview (overview.svelte.ts) and /safety.
 */
import { onDestroy } from 'svelte';

/**
 * How long the pointer or keyboard rests on a control before its views are worked out: a pointer
 * passing over controls on its way elsewhere starts nothing.
 */
export const PREVIEW_DWELL_MS = 80;

/**
 * A run of statements, one at a time, that a newer run or `stop()` ends after its current statement.
 * The engine runs one statement at a time, so a click on another control waits behind one statement
 * at most. Errors are left to the view's own load (a failed statement is not cached, so it asks again).
 */
export class Prefetch {
	private ticket = 0;

	/** Call each step in turn until stopped. */
	async run(steps: Iterable<() => Promise<unknown>>): Promise<void> {
		const ticket = ++this.ticket;
		for (const step of steps) {
			if (ticket !== this.ticket) return;
			await step().catch(() => {});
		}
	}

	/**
	 * Run each view's figure calls in `order`, view after view: `callsOf` gives a page's metric calls for
	 * one view (each call sends its figure's statement through the page's caching connector).
	 */
	views<V, K extends string>(views: V[], callsOf: (view: V) => Record<K, () => Promise<unknown>>, order: readonly K[]): Promise<void> {
		return this.run(
			views.flatMap((view) => {
				const calls = callsOf(view);
				return order.map((k) => calls[k]);
			})
		);
	}

	/** Stop the run under way after its current statement. */
	stop(): void {
		this.ticket++;
	}
}

/**
 * A page's preview function, for its controls (`previewHandlers`, `setSelectPreview`): called with the
 * views a control would show and the control (`source`), it calls `start` with them after
 * PREVIEW_DWELL_MS unless called again first; called with null (the pointer or focus left it), it
 * cancels that and calls `stop`, unless another control has started a preview since (the keyboard moved
 * to a select while the page scrolled away from under a resting pointer: the key's leave must not
 * cancel the select's preview). Call during the component's setup: leaving the page within the dwell
 * would otherwise start this page's work on the next one, so the page's destruction cancels it too.
 */
export function dwellPreview<V>(start: (views: V[]) => void, stop: () => void): (views: V[] | null, source?: unknown) => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let owner: unknown = undefined;
	const preview = (views: V[] | null, source?: unknown) => {
		if (views === null) {
			if (source !== undefined && owner !== undefined && source !== owner) return;
			clearTimeout(timer);
			owner = undefined;
			return stop();
		}
		clearTimeout(timer);
		owner = source;
		timer = setTimeout(() => start(views), PREVIEW_DWELL_MS);
	};
	onDestroy(() => preview(null));
	return preview;
}
