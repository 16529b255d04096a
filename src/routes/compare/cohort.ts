/**
 * The /compare view state as data: cohorts A and B and the instrument, read from and written to
 * the URL (`a.route=iv&b.route=sublingual&instrument=bdi2`), plus the labels and colours every
 * card uses for the two cohorts.
 */
import type { ShownStatement } from '$lib/engine/sql';
import { readFilters, writeFilters } from '$lib/data/url';
import { MISSING, type Filters } from '$lib/metrics/filters';
import type { FilterOption } from '$lib/metrics/options';
import type { Cohort, Comparison } from '$lib/metrics/compare';
import { ROUTE_LABELS, type Route } from '$lib/model/schema';
import { cohortColors } from '$lib/charts/colors';

/** The comparison a researcher opens first on the demo cohort: IV infusion vs sublingual troche. */
export const DEFAULT_A: Filters = { route: ['iv'] };
/** See DEFAULT_A. */
export const DEFAULT_B: Filters = { route: ['sublingual'] };

/**
 * The comparison to open on *this* dataset: its two largest routes; else the two levels of a
 * two-level attribute (an imported trial's `treatment`), the one with most clients; else first
 * series vs boosters. Never cohorts the data do not have.
 */
export function defaultCohorts(options: Record<string, FilterOption[]>): { a: Filters; b: Filters } {
	const present = (col: string) => (options[col] ?? []).filter((o) => o.value !== MISSING && o.clients > 0).sort((x, y) => y.clients - x.clients);
	const routes = present('route');
	if (routes.length >= 2) return { a: { route: [routes[0].value] }, b: { route: [routes[1].value] } };
	// Most clients first; among equals, a column named like a trial arm (treatment, arm, group).
	const arm = (c: string) => (/^(treatment|arm|group|condition|cohort|allocation)/i.test(c) ? 1 : 0);
	const total = (c: string) => present(c).reduce((s, o) => s + o.clients, 0);
	const two = Object.keys(options)
		.filter((c) => c !== 'route' && present(c).length === 2)
		.sort((x, y) => total(y) - total(x) || arm(y) - arm(x));
	if (two.length) {
		const [l1, l2] = present(two[0]);
		return { a: { [two[0]]: [l1.value] }, b: { [two[0]]: [l2.value] } };
	}
	return { a: { series: 'first' }, b: { series: 'boosters' } };
}

/** Everything the page shows depends on this. */
export interface CompareState {
	a: Filters;
	b: Filters;
	instrument: string | null;
}

const hasPrefix = (p: URLSearchParams, prefix: string) => [...p.keys()].some((k) => k.startsWith(prefix));

/**
 * State from the URL. Defaults apply only when the URL names no cohort at all: once either cohort
 * is edited the other is written too, so an emptied cohort means "all clients", not the default.
 */
export function readState(params: URLSearchParams, defaults: { a: Filters; b: Filters } = { a: DEFAULT_A, b: DEFAULT_B }): CompareState & { problems: string[] } {
	const any = hasPrefix(params, 'a.') || hasPrefix(params, 'b.');
	const problems: string[] = [];
	// `x.all` only marks an emptied cohort in the URL; it is not a column.
	const read = (p: string) => {
		const r = readFilters(params, p);
		problems.push(...r.problems.map((m) => `Cohort ${p[0].toUpperCase()}: ${m}`));
		const { all: _marker, ...f } = r.filters;
		return f as Filters;
	};
	return {
		a: any ? read('a.') : defaults.a,
		b: any ? read('b.') : defaults.b,
		instrument: params.get('instrument'),
		problems: [...new Set(problems)]
	};
}

/** URL parameters for `state` (other keys in `params` kept). An empty cohort is written as `x.all=1` so it survives. */
export function writeState(params: URLSearchParams, state: CompareState): URLSearchParams {
	let next = writeFilters(params, state.a, 'a.');
	next = writeFilters(next, state.b, 'b.');
	for (const p of ['a.', 'b.'] as const) {
		next.delete(`${p}all`);
		if (!hasPrefix(next, p)) next.set(`${p}all`, '1');
	}
	if (state.instrument) next.set('instrument', state.instrument);
	return next;
}

/** Human label of a value in `column` (routes by their full names). */
export function valueLabel(column: string, value: string): string {
	return column === 'route' ? (ROUTE_LABELS[value as Route] ?? value) : value;
}

/** A short description of a cohort's filters, e.g. "IV infusion" or "IV infusion; sex: female". */
export function describe(f: Filters): string {
	const parts: string[] = [];
	for (const [col, v] of Object.entries(f)) {
		if (col === 'series') {
			if (v === 'first') parts.push('first series');
			else if (v === 'boosters') parts.push('booster series');
			continue;
		}
		if (!Array.isArray(v) || !v.length) continue;
		const text = v.map((x) => valueLabel(col, x)).join(' or ');
		parts.push(col === 'route' ? text : `${col.replace('_', ' ')}: ${text}`);
	}
	return parts.length ? parts.join('; ') : 'All clients';
}

/** The two cohorts with distinct labels (the metrics layer needs them apart) and their colours. */
export function cohortsOf(state: CompareState): { a: Cohort; b: Cohort; colors: [string, string] } {
	let [la, lb] = [describe(state.a), describe(state.b)];
	if (la === lb) [la, lb] = [`A: ${la}`, `B: ${lb}`];
	return { a: { label: la, filters: state.a }, b: { label: lb, filters: state.b }, colors: cohortColors(state.a, state.b) };
}

/** What the page hands every comparison card: the result (null while loading), state, and SQL. */
export interface CardState {
	c: Comparison | null;
	sql: readonly ShownStatement[];
	loading: boolean;
	error: string | null;
}

/** What a card's "How this is computed" says of its n while the comparison is still being computed (`c` null): not a count of 0. */
export const NOT_YET = 'given once the comparison is computed.';

/** Whether a card of the page's own loaders states its counts: once rows arrived, or when it is not loading (while the first rows load, an n of 0 would be a claim). */
export const countsStated = (loading: boolean, rows: readonly unknown[]): boolean => !loading || rows.length > 0;

/** A card that draws the two cohorts: CardState plus their colours and labels (A, B). */
export interface CohortCardState extends CardState {
	colors: [string, string];
	labels: [string, string];
}
