/**
 * Whether the overview is being printed (the board report). Entered by the report's button and by
 * the browser's own print (Ctrl+P fires `beforeprint`; `matchMedia('print')` turns on too, also
 * under an emulated print medium), left on `afterprint`. The DOM is updated synchronously
 * (`flushSync`) on entry, because the browser lays out the printed pages right after the event:
 * a card still drawing its raw rows then would print them.
 */
import { flushSync } from 'svelte';

export class Printing {
	/** True while printing: the cards draw the page's export, not their raw rows. */
	active = $state(false);
	/** When printing began ("2026-12-01 23:48 UTC"), for the cover. */
	since = $state('');

	/** Enter the printing state now, with the DOM updated before this returns. */
	enter = (): void => {
		if (this.active) return;
		flushSync(() => {
			this.active = true;
			this.since = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
		});
	};

	leave = (): void => {
		this.active = false;
	};

	/** The button: draw the export, then open the browser's print dialog (A4 or Letter, save as PDF). */
	print = (): void => {
		this.enter();
		window.print();
	};

	/** Follow the browser's own print; returns the cleanup (for `onMount` / `$effect`). */
	listen(): () => void {
		const media = matchMedia('print');
		const change = (e: MediaQueryListEvent) => (e.matches ? this.enter() : this.leave());
		addEventListener('beforeprint', this.enter);
		addEventListener('afterprint', this.leave);
		media.addEventListener('change', change);
		// already printing when the page mounts (no event to wait for; an effect may not flushSync)
		if (media.matches) this.active = true;
		return () => {
			removeEventListener('beforeprint', this.enter);
			removeEventListener('afterprint', this.leave);
			media.removeEventListener('change', change);
		};
	}
}
