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
	rci,
	type ChangeClass
} from '../../src/lib/stats/reliable';

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
			const sdiff = Math.SQRT2 * summarize(used.map((d) => d[pre])).sd * Math.sqrt(1 - reliability); // Jacobson & Truax (1991)
			expect(tally(used.map((d) => classifyChange(d[pre], d[post], { sdiff })))).toEqual(expected);
		});
	}

	// The ≥ 50 % counts (BDI-II 11/40, TAU 2/19, PA 9/21; HAM-D 16/40) are checked on the app's own SQL in
	// metrics-rates.test.ts; a JavaScript twin of that rule (classifyPercentChange) had no caller and is gone.

	it('BDI-II anchor rule of 7 points: 25 / 11 / 4', () => {
		const used = data.filter((d) => Number.isFinite(d.bdi1) && Number.isFinite(d.bdi4));
		expect(tally(used.map((d) => classifyChange(d.bdi1, d.bdi4, { points: 7 })))).toEqual({ improved: 25, unchanged: 11, deteriorated: 4 });
	});
});
