/**
 * A page's cards mounted a few at a time, so its first chart is painted before the slower cards
 * are built. Mounting every card of `/` in its first render was one main-thread task of 0.7–0.95 s
 * (a fresh profile at load 7–10), and the first chart was painted only after all of them; now the
 * first cards mount in the page's first render and each later one in its own task after the next
 * paint. While cards wait for their turn the page is not drawn (`drawn.ts`: `charts-drawn` and
 * `chartsSettled` wait for them as for a request in flight, though the cards alone set no mark), so
 * whatever waits for every chart still waits for every card. Once every card is mounted, each stays
 * mounted.
 */
import { mountsFinished, mountsStarted } from '../data/drawn';

export class Staged {
	/** How many cards are mounted (the first `shown` in the page's order). */
	#shown = $state(0);
	#done = $state(false);
	#started = false;

	/** The first `first` cards mount with the page; the rest wait for `start`. */
	constructor(first = 1) {
		this.#shown = first;
	}

	/** Whether card `i` (0-based, in the page's order) is mounted. */
	has(i: number): boolean {
		return this.#done || i < this.#shown;
	}

	/** Every card is mounted. */
	get done(): boolean {
		return this.#done;
	}

	/**
	 * Mounts cards up to `total`, one per task, each after a paint (call it once the first cards are
	 * in the DOM). Returns the cleanup, which stops and counts every card as mounted.
	 */
	start(total: number): () => void {
		if (this.#started || this.#done) return () => {};
		this.#started = true;
		mountsStarted();
		let frame = 0;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const next = () => {
			if (this.#shown >= total) return this.#finish();
			// a frame's callbacks run before its paint; a task queued from one runs after it
			frame = requestAnimationFrame(() => {
				timer = setTimeout(() => {
					this.#shown++;
					next();
				}, 0);
			});
		};
		next();
		return () => {
			cancelAnimationFrame(frame);
			clearTimeout(timer);
			this.#finish();
		};
	}

	#finish(): void {
		if (this.#done) return;
		this.#done = true;
		mountsFinished();
	}
}
