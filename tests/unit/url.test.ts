import { describe, expect, it } from 'vitest';
import { filtersFromParams, quoteForMessage, readFilters, toggleValue, unknownColumnProblems, URL_LIMITS, writeFilters } from '../../src/lib/data/url';

describe('URL view state', () => {
	it('round-trips filters, including values with commas and spaces', () => {
		const f = { route: ['iv', 'sublingual'], site: ['North, main'], series: 'first' as const };
		const params = writeFilters(new URLSearchParams('instrument=bdi2'), f);
		expect(params.get('instrument')).toBe('bdi2');
		expect(filtersFromParams(params)).toEqual(f);
	});

	it('keeps cohort prefixes apart', () => {
		let p = writeFilters(new URLSearchParams(), { route: ['iv'] }, 'a.');
		p = writeFilters(p, { route: ['sublingual'] }, 'b.');
		expect(filtersFromParams(p, 'a.')).toEqual({ route: ['iv'] });
		expect(filtersFromParams(p, 'b.')).toEqual({ route: ['sublingual'] });
		expect(filtersFromParams(p)).toEqual({});
	});

	it('toggles a value on and off', () => {
		const on = toggleValue({}, 'route', 'iv');
		expect(on.route).toEqual(['iv']);
		expect(toggleValue(on, 'route', 'iv').route).toBeUndefined();
	});
});

describe('URL view state from a hostile link never throws', () => {
	const read = (q: string, prefix = '') => readFilters(new URLSearchParams(q), prefix);

	it('a bare % or a malformed escape drops that filter with a message; the rest still applies', () => {
		const r = read('site=100%&route=iv');
		expect(r.filters).toEqual({ route: ['iv'] });
		expect(r.problems).toEqual([`The link's filter "site" has a malformed value ("100%"); it was ignored.`]);
		expect(read('a.route=%25E0%25A4%25A', 'a.').filters).toEqual({}); // %E0%A4%A after URLSearchParams: not UTF-8
		expect(read('a.route=%25E0%25A4%25A', 'a.').problems).toHaveLength(1);
		expect(() => filtersFromParams(new URLSearchParams('site=%'))).not.toThrow();
	});

	it('SQL-looking values stay values (bound later), quotes and comments included', () => {
		expect(read('site=x*/;DROP TABLE scores;--').filters).toEqual({ site: ['x*/;DROP TABLE scores;--'] });
		expect(read(`site=${encodeURIComponent("o'brien")}`).filters).toEqual({ site: ["o'brien"] });
	});

	it('caps lengths and counts', () => {
		const long = 'x'.repeat(URL_LIMITS.valueLength + 1);
		expect(read(`site=${long}`)).toEqual({ filters: {}, problems: [`The link's filter "site" has a value longer than ${URL_LIMITS.valueLength} characters; it was ignored.`] });
		const many = Array.from({ length: URL_LIMITS.values + 1 }, (_, i) => `v${i}`).join(',');
		expect(read(`site=${many}`).filters).toEqual({});
		const keys = Array.from({ length: URL_LIMITS.keys + 5 }, (_, i) => `k${i}=v`).join('&');
		const r = read(keys);
		expect(Object.keys(r.filters)).toHaveLength(URL_LIMITS.keys);
		expect(r.problems).toEqual([`The link has more than ${URL_LIMITS.keys} filters; the rest were ignored.`]);
		const huge = read(`site=${'y'.repeat(URL_LIMITS.total + 1)}`);
		expect(huge.filters).toEqual({});
		expect(huge.problems[0]).toMatch(/too long/);
		const longKey = read(`${'k'.repeat(URL_LIMITS.keyLength + 1)}=v`);
		expect(longKey.filters).toEqual({});
		expect(longKey.problems).toHaveLength(1);
	});

	it('unknown keys are plain column filters (dropped later when the data lack the column); view keys and dotted keys are not filters', () => {
		expect(read('nosuchcolumn=1&instrument=zzz&x.y=1&view=q').filters).toEqual({ nosuchcolumn: ['1'] });
	});

	it('a key such as __proto__ is a plain filter (an own property), not the object\'s prototype', () => {
		const r = read('__proto__=a&constructor=b&route=iv');
		expect(Object.getPrototypeOf(r.filters)).toBe(Object.prototype);
		expect(Object.entries(r.filters)).toEqual([['__proto__', ['a']], ['constructor', ['b']], ['route', ['iv']]]);
		expect(readFilters(writeFilters(new URLSearchParams(), r.filters)).filters).toEqual(r.filters);
	});

	it('a filter on a column the data lack is reported once the columns are known', () => {
		const f = read('nosuchcolumn=1&site=A&series=first').filters;
		expect(unknownColumnProblems(f, undefined)).toEqual([]);
		expect(unknownColumnProblems(f, ['client_id', 'site', 'series'])).toEqual(['The link filters on "nosuchcolumn", a column these data do not have; that filter was ignored.']);
		expect(unknownColumnProblems(f, ['client_id', 'site', 'nosuchcolumn'])).toEqual([]);
	});

	it('a bad series choice shows all series, with a message', () => {
		const r = read('series=DROP');
		expect(r.filters).toEqual({});
		expect(r.problems[0]).toMatch(/series choice "DROP"/);
	});

	it('cohort prefixes with junk: empty names and control characters are refused, deeper dots ignored', () => {
		const r = read('a.=x&a.%00=y&a.b.route=iv&a.route=im', 'a.');
		expect(r.filters).toEqual({ route: ['im'] });
		expect(r.problems).toHaveLength(2);
	});

	it('values with % and commas round-trip; old links written with encodeURIComponent still read', () => {
		const f = { site: ['100%', 'a,b', '%E0'] };
		expect(filtersFromParams(writeFilters(new URLSearchParams(), f))).toEqual(f);
		expect(filtersFromParams(new URLSearchParams(`site=${encodeURIComponent(encodeURIComponent('North, main'))}`))).toEqual({ site: ['North, main'] });
	});

	it('quoteForMessage keeps messages short and on one line', () => {
		expect(quoteForMessage('a\nb'.padEnd(100, 'c'))).toBe(JSON.stringify(`a·b${'c'.repeat(37)}…`));
	});
});
