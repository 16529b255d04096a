/**
 * View state lives in the URL, so a link reproduces a view and Back undoes a filter.
 * Lists are comma-separated (`?route=iv,sublingual&site=north`); cohorts are prefixed (`a.route=iv`).
 *
 * A link is hostile input (it may come from anyone): reading it never throws. A malformed escape,
 * an over-long or over-full value, too many keys or a bad series choice drops that filter and says
 * so in `problems`, which the page shows in place; the values that remain only ever reach SQL as
 * bound parameters (metrics/filters.ts).
 */
import { SERIES_FILTERS, type Filters, type SeriesFilter } from '../metrics/filters';

/** Caps on what a link may ask for; beyond them the filter (or the whole link) is ignored with a message. */
export const URL_LIMITS = {
	/** Characters of all keys and values together. */
	total: 8000,
	/** Filter keys read per prefix. */
	keys: 30,
	keyLength: 64,
	/** Values of one list filter. */
	values: 100,
	valueLength: 200
} as const;

/** Filters read from a link, and what was ignored and why (empty when the link was clean). */
export interface ReadFilters {
	filters: Filters;
	problems: string[];
}

/** Keys that are view settings, not filters. */
const NON_FILTER_KEYS = new Set(['instrument', 'group', 'tab', 'client', 'view']);

/** A key or value as it may be quoted in a message: short, one line. */
export function quoteForMessage(s: string, max = 40): string {
	const one = s.replace(/[\u0000-\u001f\u007f]/g, '·');
	return JSON.stringify(one.length > max ? `${one.slice(0, max)}…` : one);
}

/** One list value as written by `writeFilters` (`%` and `,` escaped), or null when it cannot be read. */
function decodeValue(v: string): string | null {
	try {
		return decodeURIComponent(v);
	} catch {
		return null;
	}
}

/** Escape what would break a comma-separated list; everything else URLSearchParams encodes itself. */
function encodeValue(v: string): string {
	return v.replaceAll('%', '%25').replaceAll(',', '%2C');
}

/** Filters encoded in `params` under an optional `prefix` (e.g. `a.` for cohort A), with problems. Never throws. */
export function readFilters(params: URLSearchParams, prefix = ''): ReadFilters {
	const f: Filters = {};
	const problems: string[] = [];
	let total = 0;
	for (const [k, v] of params) total += k.length + v.length;
	if (total > URL_LIMITS.total) return { filters: f, problems: [`This link is too long (${total} characters); its filters were ignored.`] };
	let keys = 0;
	for (const [key, value] of params) {
		if (!key.startsWith(prefix)) continue;
		const name = key.slice(prefix.length);
		if (name.includes('.') || NON_FILTER_KEYS.has(name)) continue;
		const where = `filter ${quoteForMessage(key)}`;
		if (!name || name.length > URL_LIMITS.keyLength || /[\u0000-\u001f\u007f]/.test(name)) {
			problems.push(`The link's ${where} is not a column name; it was ignored.`);
			continue;
		}
		if (++keys > URL_LIMITS.keys) {
			if (keys === URL_LIMITS.keys + 1) problems.push(`The link has more than ${URL_LIMITS.keys} filters; the rest were ignored.`);
			continue;
		}
		if (name === 'series') {
			if ((SERIES_FILTERS as readonly string[]).includes(value)) f.series = value as SeriesFilter;
			else problems.push(`The link's series choice ${quoteForMessage(value)} is not one of ${SERIES_FILTERS.join(', ')}; all series are shown.`);
			continue;
		}
		if (!value) continue;
		const parts = value.split(',');
		if (parts.length > URL_LIMITS.values) {
			problems.push(`The link's ${where} lists more than ${URL_LIMITS.values} values; it was ignored.`);
			continue;
		}
		const decoded = parts.map(decodeValue);
		if (decoded.some((d) => d === null)) {
			problems.push(`The link's ${where} has a malformed value (${quoteForMessage(value)}); it was ignored.`);
			continue;
		}
		if (decoded.some((d) => d!.length > URL_LIMITS.valueLength)) {
			problems.push(`The link's ${where} has a value longer than ${URL_LIMITS.valueLength} characters; it was ignored.`);
			continue;
		}
		const values = [...new Set(decoded as string[])].filter((d) => d !== '');
		// An own property even for a key like `__proto__`: a plain assignment would set the object's
		// prototype instead (found by the hostile-input property test, seed 20261202).
		if (values.length) Object.defineProperty(f, name, { value: values, enumerable: true, writable: true, configurable: true });
	}
	return { filters: f, problems };
}

/** Filters encoded in `params` under an optional `prefix`; what cannot be read is left out (see `readFilters`). */
export function filtersFromParams(params: URLSearchParams, prefix = ''): Filters {
	return readFilters(params, prefix).filters;
}

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
		} else if (Array.isArray(value) && value.length) next.set(prefix + name, value.map(encodeValue).join(','));
	}
	return next;
}

/** Toggle `value` in the list filter `column` (click a route to filter by it, click again to clear). */
export function toggleValue(filters: Filters, column: string, value: string): Filters {
	const current = (filters[column] as string[] | undefined) ?? [];
	const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
	return { ...filters, [column]: next.length ? next : undefined };
}

/** One message per filter on a column the data lack (none until the columns are known). */
export function unknownColumnProblems(filters: Filters, columns: string[] | undefined): string[] {
	if (!columns) return [];
	return Object.keys(filters)
		.filter((c) => c !== 'series' && filters[c] !== undefined && !columns.includes(c))
		.map((c) => `The link filters on ${quoteForMessage(c)}, a column these data do not have; that filter was ignored.`);
}
