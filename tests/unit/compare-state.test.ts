import { describe, expect, it } from 'vitest';
import { cohortsOf, countsStated, defaultCohorts, readState, writeState } from '../../src/routes/compare/cohort';
import { cohortColors, ROUTE_COLORS } from '../../src/lib/charts/colors';

describe('/compare view state in the URL', () => {
	it('defaults to IV vs sublingual only when no cohort is named', () => {
		expect(readState(new URLSearchParams())).toEqual({ a: { route: ['iv'] }, b: { route: ['sublingual'] }, instrument: null, problems: [] });
		expect(readState(new URLSearchParams('a.route=im&instrument=hama'))).toEqual({ a: { route: ['im'] }, b: {}, instrument: 'hama', problems: [] });
	});

	it('round-trips, and an emptied cohort stays "all clients" instead of falling back to the default', () => {
		const s = { a: { route: ['iv'], sex: ['female'] }, b: {}, instrument: 'bdi2' };
		const p = writeState(new URLSearchParams('other=1'), s);
		expect(p.get('b.all')).toBe('1');
		expect(p.get('other')).toBe('1');
		expect(readState(p)).toEqual({ ...s, problems: [] });
		expect(cohortsOf(readState(p)).b.label).toBe('All clients');
		expect(readState(writeState(p, { ...s, b: { route: ['im'] } })).b).toEqual({ route: ['im'] });
	});

	it('a hostile link: the broken cohort filter is dropped with a message naming the cohort, never a throw', () => {
		const s = readState(new URLSearchParams('a.route=%E0%A4%A&b.site=x*/;DROP TABLE scores;--&a.=1'));
		expect(s.a).toEqual({});
		expect(s.b).toEqual({ site: ['x*/;DROP TABLE scores;--'] });
		expect(s.problems).toEqual([
			`Cohort A: The link's filter "a.route" has a malformed value ("\uFFFD%A"); it was ignored.`, // URLSearchParams already turned %E0%A4 into U+FFFD
			`Cohort A: The link's filter "a." is not a column name; it was ignored.`
		]);
	});

	it('labels cohorts and keeps equal labels apart', () => {
		const c = cohortsOf({ a: { route: ['iv'], series: 'first' }, b: { route: ['iv'], series: 'first' }, instrument: null });
		expect([c.a.label, c.b.label]).toEqual(['A: IV infusion; first series', 'B: IV infusion; first series']);
	});
});

describe('default cohorts come from the data', () => {
	const o = (pairs: [string, number][]) => pairs.map(([value, clients]) => ({ value, clients }));
	it('the two largest routes', () => {
		expect(defaultCohorts({ route: o([['im', 40], ['iv', 300], ['sublingual', 120], ['(missing)', 500]]) })).toEqual({ a: { route: ['iv'] }, b: { route: ['sublingual'] } });
	});
	it('one route (an imported trial): the two levels of a two-level attribute, a trial arm among equals', () => {
		const opts = { route: o([['other', 100]]), drug: o([['No', 64], ['Yes', 36]]), treatment: o([['BtheB', 52], ['TAU', 48]]), site: o([['(missing)', 100]]) };
		expect(defaultCohorts(opts)).toEqual({ a: { treatment: ['BtheB'] }, b: { treatment: ['TAU'] } });
	});
	it('nothing to split by: first series vs boosters', () => {
		expect(defaultCohorts({ route: o([['iv', 10]]) })).toEqual({ a: { series: 'first' }, b: { series: 'boosters' } });
	});
	it('the URL still wins over the defaults', () => {
		expect(readState(new URLSearchParams('a.site=A&b.site=B'), { a: { route: ['x'] }, b: {} })).toMatchObject({ a: { site: ['A'] }, b: { site: ['B'] } });
	});
});

describe('cohort colours', () => {
	it('a single-route cohort takes its route colour; others two distinct non-route Okabe–Ito colours', () => {
		expect(cohortColors({ route: ['iv'] }, { route: ['sublingual'] })).toEqual([ROUTE_COLORS.iv, ROUTE_COLORS.sublingual]);
		const [a, b] = cohortColors({ route: ['iv', 'im'] }, {});
		expect(a).not.toBe(b);
		expect(Object.values(ROUTE_COLORS)).not.toContain(a);
		expect(Object.values(ROUTE_COLORS)).not.toContain(b);
		const [x, y] = cohortColors({ route: ['iv'] }, { route: ['iv'] });
		expect(x).not.toBe(y);
		expect(x).not.toBe(ROUTE_COLORS.iv);
		const [p, q] = cohortColors({ route: ['iv'] }, { sex: ['female'] } as never);
		expect(p).toBe(ROUTE_COLORS.iv);
		expect(Object.values(ROUTE_COLORS)).not.toContain(q);
	});
});

describe('a card states its counts once they are known', () => {
	it('not while its first rows load; with rows (even reloading), or when done with none (a true 0)', () => {
		expect(countsStated(true, [])).toBe(false);
		expect(countsStated(true, [{ n: 5 }])).toBe(true);
		expect(countsStated(false, [])).toBe(true);
	});
});
