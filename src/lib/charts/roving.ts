/**
 * One tab stop per chart: of the focusable marks inside `root`, only one is in the tab order
 * (tabindex 0, the others -1); the arrow keys move among them (Home/End to the first/last), so a
 * keyboard user tabs past a chart in one step and explores it with the arrows. The marks keep their
 * own focus handlers (tooltips) and Enter/Space. Marks are re-found whenever the chart redraws.
 */
const MARK = '[tabindex]:not(svg)';

export function rovingFocus(root: SVGSVGElement): () => void {
	let current = 0;
	const marks = () => [...root.querySelectorAll<SVGElement>(MARK)];
	const apply = () => {
		const all = marks();
		if (current >= all.length) current = Math.max(0, all.length - 1);
		all.forEach((m, i) => {
			const want = i === current ? '0' : '-1';
			if (m.getAttribute('tabindex') !== want) m.setAttribute('tabindex', want);
		});
	};
	const onFocus = (e: FocusEvent) => {
		const i = marks().indexOf(e.target as SVGElement);
		if (i >= 0 && i !== current) {
			current = i;
			apply();
		}
	};
	const onKey = (e: KeyboardEvent) => {
		const all = marks();
		const i = all.indexOf(e.target as SVGElement);
		if (i < 0) return;
		const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[e.key];
		if (next === undefined) return;
		e.preventDefault();
		current = Math.min(all.length - 1, Math.max(0, next));
		apply();
		all[current].focus();
	};
	// Only tabindex changes made by the chart itself (new marks) need a re-apply; ours are filtered out by `apply`'s equality check.
	const observer = new MutationObserver(apply);
	observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['tabindex'] });
	root.addEventListener('focusin', onFocus);
	root.addEventListener('keydown', onKey);
	apply();
	return () => {
		observer.disconnect();
		root.removeEventListener('focusin', onFocus);
		root.removeEventListener('keydown', onKey);
	};
}
