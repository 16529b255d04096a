/**
 * View state lives in the URL, so a link reproduces a view and Back undoes a filter.
 * Lists are comma-separated (`?route=iv,sublingual&site=north`); cohorts are prefixed (`a.route=iv`).
 */
import type { Filters, SeriesFilter } from '../metrics/filters';

/** Filters encoded in `params` under an optional `prefix` (e.g. `a.` for cohort A). */
export function filtersFromParams(params: URLSearchParams, prefix = ''): Filters {
	const f: Filters = {};
	for (const [key, value] of params) {
		if (!key.startsWith(prefix)) continue;
		const name = key.slice(prefix.length);
		if (!name || name.includes('.') || NON_FILTER_KEYS.has(name)) continue;
		if (name === 'series') f.series = (['first', 'boosters'].includes(value) ? value : 'all') as SeriesFilter;
		else if (value) f[name] = value.split(',').map(decodeURIComponent);
	}
	return f;
}

/** Keys that are view settings, not filters. */
const NON_FILTER_KEYS = new Set(['instrument', 'group', 'tab', 'client', 'view']);

/** `params` with the filters of `filters` written under `prefix` (other keys untouched). */
export function writeFilters(params: URLSearchParams, filters: Filters, prefix = ''): URLSearchParams {
	const next = new URLSearchParams(params);
	for (const key of [...next.keys()]) {
		const name = key.slice(prefix.length);
		if (key.startsWith(prefix) && !name.includes('.') && !NON_FILTER_KEYS.has(name)) next.delete(key);
	}
	for (const [name, value] of Object.entries(filters)) {
		if (name === 'series') {
			if (value && value !== 'all') next.set(prefix + name, value as string);
		} else if (Array.isArray(value) && value.length) next.set(prefix + name, value.map(encodeURIComponent).join(','));
	}
	return next;
}

/** Toggle `value` in the list filter `column` (click a route to filter by it, click again to clear). */
export function toggleValue(filters: Filters, column: string, value: string): Filters {
	const current = (filters[column] as string[] | undefined) ?? [];
	const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
	return { ...filters, [column]: next.length ? next : undefined };
}
