import { describe, expect, it } from 'vitest';
import { filtersFromParams, toggleValue, writeFilters } from '../../src/lib/data/url';

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
