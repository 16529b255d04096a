/**
 * Reference values:
 * - suddengains R package unit tests (facts.md §2.4, [R29b]) for the Jacobson–Truax quantities;
 * - the R package clinicalsignificance's published outputs for Claus et al. (2020), listed in
 *   tests/fixtures/refdata/claus2020/SOURCE.md (complete cases of time 1 and time 4, N used 40).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/lib/stats/effect';
import {
	classifyChange,
	classifyPercentChange,
	jacobsonTruax,
	rci,
	type ChangeClass
} from '../../src/lib/stats/reliable';

describe('jacobsonTruax', () => {
	it.each([
		[6.396073, 0.931, 1.680111, 2.376036, 4.65703],
		[10.5, 0.961, 2.073584, 2.93249, 5.747681]
	])('SD %f, r %f', (sd, r, sem, sdiff, rcValue) => {
		const jt = jacobsonTruax(sd, r);
		expect(jt.sem).toBeCloseTo(sem, 6);
		expect(jt.sdiff).toBeCloseTo(sdiff, 5);
		expect(jt.rcValue).toBeCloseTo(rcValue, 5);
	});
	it('rejects invalid input', () => {
		expect(jacobsonTruax(NaN, 0.9).sdiff).toBeNaN();
		expect(jacobsonTruax(5, 1.2).sdiff).toBeNaN();
		expect(jacobsonTruax(-1, 0.9).sem).toBeNaN();
	});
});

describe('rci and classifyChange', () => {
	it('computes the index with lower = better', () => {
		expect(rci(20, 10, 2.5)).toBe(-4);
		expect(rci(20, 10, 0)).toBeNaN();
	});
	it('applies |RCI| > 1.96 strictly', () => {
		const sdiff = 1;
		expect(classifyChange(1.96, 0, { sdiff })).toBe('unchanged'); // RCI exactly −1.96
		expect(classifyChange(1.97, 0, { sdiff })).toBe('improved');
		expect(classifyChange(10, 12, { sdiff })).toBe('deteriorated');
	});
	it('applies the IAPT PHQ-9 point rule inclusively (drop ≥ 6)', () => {
		expect(classifyChange(18, 12, { points: 6 })).toBe('improved');
		expect(classifyChange(18, 13, { points: 6 })).toBe('unchanged');
		expect(classifyChange(10, 16, { points: 6 })).toBe('deteriorated');
	});
	it('throws on missing scores instead of guessing', () => {
		expect(() => classifyChange(NaN, 3, { points: 6 })).toThrow(RangeError);
		expect(() => classifyChange(3, 3, { sdiff: 0 })).toThrow(RangeError);
	});
	it('percentage rule', () => {
		expect(classifyPercentChange(20, 10)).toBe('improved'); // exactly 50 %
		expect(classifyPercentChange(20, 11)).toBe('unchanged');
		expect(classifyPercentChange(20, 30)).toBe('deteriorated');
		expect(classifyPercentChange(0, 0)).toBe('unchanged');
	});
});

/** Rows of the hand-extracted fixture (see its header for provenance). */
function loadClaus() {
	const text = readFileSync(new URL('../fixtures/claus2020-bdi.csv', import.meta.url), 'utf8');
	const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
	const [header, ...rows] = lines;
	expect(header).toBe('id,treatment,bdi1,bdi4,hamd1,hamd4');
	const num = (s: string) => (s === '' ? NaN : Number(s));
	return rows.map((l) => {
		const [id, treatment, bdi1, bdi4, hamd1, hamd4] = l.split(',');
		return { id: Number(id), group: treatment === '1' ? 'PA' : 'TAU', bdi1: num(bdi1), bdi4: num(bdi4), hamd1: num(hamd1), hamd4: num(hamd4) };
	});
}

function tally(classes: ChangeClass[]) {
	return {
		improved: classes.filter((c) => c === 'improved').length,
		unchanged: classes.filter((c) => c === 'unchanged').length,
		deteriorated: classes.filter((c) => c === 'deteriorated').length
	};
}

describe('Claus et al. (2020) — counts published by the R package clinicalsignificance', () => {
	const data = loadClaus();
	it('has the documented shape (43 participants, TAU 20, PA 23)', () => {
		expect(data).toHaveLength(43);
		expect(data.filter((d) => d.group === 'TAU')).toHaveLength(20);
	});

	for (const [name, pre, post, reliability, expected] of [
		['BDI-II', 'bdi1', 'bdi4', 0.801, { improved: 18, unchanged: 22, deteriorated: 0 }],
		['HAM-D', 'hamd1', 'hamd4', 0.8, { improved: 29, unchanged: 10, deteriorated: 1 }]
	] as const) {
		const used = data.filter((d) => Number.isFinite(d[pre]) && Number.isFinite(d[post]));
		it(`${name}: Jacobson–Truax RCI with SD of the ${used.length} used baselines, r = ${reliability}`, () => {
			expect(used).toHaveLength(40);
			const { sdiff } = jacobsonTruax(summarize(used.map((d) => d[pre])).sd, reliability);
			expect(tally(used.map((d) => classifyChange(d[pre], d[post], { sdiff })))).toEqual(expected);
		});
	}

	it('BDI-II ≥ 50 % reduction: all 11/40, TAU 2/19, PA 9/21; deterioration 20 % → 3', () => {
		const used = data.filter((d) => Number.isFinite(d.bdi1) && Number.isFinite(d.bdi4));
		const byGroup = (g: string) => tally(used.filter((d) => d.group === g).map((d) => classifyPercentChange(d.bdi1, d.bdi4)));
		expect(tally(used.map((d) => classifyPercentChange(d.bdi1, d.bdi4)))).toEqual({ improved: 11, unchanged: 29, deteriorated: 0 });
		expect(byGroup('TAU')).toEqual({ improved: 2, unchanged: 17, deteriorated: 0 });
		expect(byGroup('PA')).toEqual({ improved: 9, unchanged: 12, deteriorated: 0 });
		expect(tally(used.map((d) => classifyPercentChange(d.bdi1, d.bdi4, 0.5, 0.2)))).toEqual({ improved: 11, unchanged: 26, deteriorated: 3 });
	});

	it('HAM-D ≥ 50 % reduction: 16/40', () => {
		const used = data.filter((d) => Number.isFinite(d.hamd1) && Number.isFinite(d.hamd4));
		expect(tally(used.map((d) => classifyPercentChange(d.hamd1, d.hamd4)))).toEqual({ improved: 16, unchanged: 24, deteriorated: 0 });
	});

	it('BDI-II anchor rule of 7 points: 25 / 11 / 4', () => {
		const used = data.filter((d) => Number.isFinite(d.bdi1) && Number.isFinite(d.bdi4));
		expect(tally(used.map((d) => classifyChange(d.bdi1, d.bdi4, { points: 7 })))).toEqual({ improved: 25, unchanged: 11, deteriorated: 4 });
	});
});
