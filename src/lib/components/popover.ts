/**
 * A `<details>` used as a pop-over closes the way people expect: on Escape (focus back on its
 * summary), on a click outside it, and when focus leaves it. While open, its menu is kept inside
 * the window (shifted left on a narrow screen instead of making the page scroll sideways).
 */
export function popover(details: HTMLDetailsElement) {
	const summary = () => details.querySelector('summary');
	const close = () => {
		if (details.open) details.open = false;
	};
	const onKey = (e: KeyboardEvent) => {
		if (e.key === 'Escape' && details.open) {
			e.preventDefault();
			close();
			summary()?.focus();
		}
	};
	const onPointer = (e: PointerEvent) => {
		if (!details.contains(e.target as Node)) close();
	};
	const onFocusOut = (e: FocusEvent) => {
		const next = e.relatedTarget as Node | null;
		if (next && !details.contains(next)) close();
	};
	const onToggle = () => {
		const menu = details.querySelector<HTMLElement>('summary + *');
		if (!menu) return;
		menu.style.left = '';
		if (!details.open) return;
		const r = menu.getBoundingClientRect();
		const over = r.right - (document.documentElement.clientWidth - 8);
		if (over > 0) menu.style.left = `${-Math.min(over, r.left - 8)}px`;
	};
	details.addEventListener('keydown', onKey);
	details.addEventListener('focusout', onFocusOut);
	details.addEventListener('toggle', onToggle);
	document.addEventListener('pointerdown', onPointer);
	return {
		destroy() {
			details.removeEventListener('keydown', onKey);
			details.removeEventListener('focusout', onFocusOut);
			details.removeEventListener('toggle', onToggle);
			document.removeEventListener('pointerdown', onPointer);
		}
	};
}
