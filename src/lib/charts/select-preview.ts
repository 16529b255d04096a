/**
 * What a chart's selectable keys (legend keys, bars: `onselect`) would show before they are clicked.
 * A page whose charts filter may set a function that a key calls when the pointer comes to rest on it
 * or the keyboard reaches it, and with null when they leave (`previewHandlers`; the page's filter bar
 * and selects use them too); the page can then work that view out
 * ahead of the click (data/prefetch.ts: the overview and /safety). On other pages keys call nothing.
 */
import { getContext, setContext } from 'svelte';

/** `source`: the control (its element) the pointer or keyboard is on, or left (see data/prefetch.ts dwellPreview). */
export type SelectPreview = (key: string | null, source: EventTarget | null) => void;

const KEY = Symbol('select-preview');

/** Set, during a page's setup, what its charts' keys preview. */
export function setSelectPreview(preview: SelectPreview): void {
	setContext(KEY, preview);
}

/** The preview of the page the chart is on, if it set one. */
export function selectPreview(): SelectPreview | undefined {
	return getContext<SelectPreview | undefined>(KEY);
}

/**
 * A control's handlers that call `preview` with `value()` while the pointer or the keyboard is on it
 * (`focusin` also for a control inside the element: a checkbox in its label) and with null once they
 * leave, each time with the element as the source; spread them onto the element.
 */
export function previewHandlers<T>(preview: ((value: T | null, source: EventTarget | null) => void) | undefined, value: () => T) {
	return {
		onpointerenter: (e: Event) => preview?.(value(), e.currentTarget),
		onpointerleave: (e: Event) => preview?.(null, e.currentTarget),
		onfocusin: (e: Event) => preview?.(value(), e.currentTarget),
		onfocusout: (e: Event) => preview?.(null, e.currentTarget)
	};
}
