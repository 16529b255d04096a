/**
 * The filter wiring the overview (/) and /safety share: the filters live in the URL, every view
 * change is a navigation (so the URL reproduces the view and Back undoes it), clicking a route
 * toggles it, and the filter bar offers every categorical column of the active data (site,
 * route … and an imported file's own, e.g. treatment arm). Create one per page, during its setup.
 */
import { page } from '$app/state';
import { building } from '$app/environment';
import { goto } from '$app/navigation';
import { app } from '$lib/data/app.svelte';
import type { Connector } from '$lib/engine/connector';
import { readFilters, toggleValue, unknownColumnProblems, writeFilters } from '$lib/data/url';
import { filterChoicesAndColumns, type FilterOption } from '$lib/metrics/options';
import type { Filters } from '$lib/metrics/filters';
import { routeLabel } from './format';

/** The parameters of the view last asked for, until SvelteKit has made them the page's URL. */
let asked = $state.raw<URLSearchParams | null>(null);

/**
 * The view's parameters as text: the same string when `asked` gives way to the page's URL once
 * `goto` has finished, so nothing downstream of the view (filters, definitions, the figures' loads)
 * is worked out a second time for the same view (a derived value changes only when it is unequal).
 */
const viewText = $derived((asked ?? (building ? new URLSearchParams() : page.url.searchParams)).toString());
const view = $derived(new URLSearchParams(viewText));

/**
 * The parameters of the view on screen: those asked for at once, then the page's URL. Pages read
 * their view from here, not from `page.url`, so a click starts its queries in the same task: `goto`
 * first saves the scroll state (a forced layout) and updates the history, and the engine worker,
 * whose queries set how long a click takes, waited 12–16 ms for that at 1M rows (a trace, 21 clicks).
 */
export function viewParams(): URLSearchParams {
	return view;
}

/**
 * Show the view `params` describe (a navigation: Back undoes it). The navigation itself runs in a
 * task of its own, after this one has sent the new view's queries: called here, SvelteKit's `goto`
 * ran before them, in the click's task (its scroll-state save, history update and route check).
 */
export function navigate(params: URLSearchParams): void {
	asked = params;
	setTimeout(() => {
		if (asked !== params) return; // a later view was asked for meanwhile: only its navigation runs
		goto(`?${params}`, { keepFocus: true, noScroll: true }).finally(() => {
			if (asked === params) asked = null;
		});
	}, 0);
}

/** The view's parameters with `key` set to `value`, or removed when `value` is null. */
export function withParam(key: string, value: string | null): URLSearchParams {
	const next = new URLSearchParams(viewParams());
	if (value === null) next.delete(key);
	else next.set(key, value);
	return next;
}

/** How the filter bar names a value: routes by their label, anything else as it is. */
export const filterValueLabel = (column: string, value: string): string => (column === 'route' ? routeLabel(value) : value);

export class UrlFilters {
	/** The filters of the URL and what was wrong with them (shown by LinkProblems). */
	link = $derived(readFilters(viewParams()));
	filters = $derived(this.link.filters);
	activeRoutes = $derived((this.filters.route as string[] | undefined) ?? []);
	/** Values of each filterable column of the active data. */
	options = $state<Record<string, FilterOption[]>>({});
	/** Every column of the active data's scores (undefined until described): a filter on any other is ignored by the metrics. */
	columns = $state<string[] | undefined>(undefined);
	/** What was wrong with the link, including filters on columns these data lack (the metrics drop those). */
	problems = $derived([...this.link.problems, ...unknownColumnProblems(this.filters, this.columns)]);

	/**
	 * `load` (re)computes the page's figures for the filters; it runs when they, the data, or any
	 * state it reads (instrument, grouping …) change, once the engine is ready. The filter choices
	 * are asked for after it, so the first chart's queries reach the engine first.
	 */
	constructor(load: (conn: Connector, filters: Filters) => void) {
		$effect(() => {
			const f = this.filters;
			const _v = app.version;
			if (app.status !== 'ready' || !app.conn) return;
			load(app.conn, f);
		});
		$effect(() => {
			const _v = app.version;
			if (app.status !== 'ready' || !app.conn) return;
			filterChoicesAndColumns(app.conn).then(({ options, columns }) => {
				this.options = options;
				this.columns = columns;
			});
		});
	}

	readonly set = (f: Filters): void => navigate(writeFilters(viewParams(), f));
	readonly toggleRoute = (route: string): void => this.set(toggleValue(this.filters, 'route', route));
}
