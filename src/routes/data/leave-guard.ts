import { beforeNavigate } from '$app/navigation';

const LEAVE = 'The import is not kept yet. Leave the page and drop it?';

/**
 * While `unsaved()` (a file is open but not kept), leaving the page would drop it silently: ask first,
 * on a link inside the app and on closing or reloading the tab. Call during component set-up; returns
 * the handler for `<svelte:window onbeforeunload>`.
 */
export function guardLeaving(unsaved: () => boolean): (e: BeforeUnloadEvent) => void {
	beforeNavigate((nav) => {
		if (unsaved() && nav.type !== 'leave' && !confirm(LEAVE)) nav.cancel();
	});
	return (e) => {
		if (!unsaved()) return;
		e.preventDefault();
		e.returnValue = LEAVE;
	};
}
