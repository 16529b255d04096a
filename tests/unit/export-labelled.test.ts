/**
 * The cards' CSV (export/labelled.ts): readable headers, words for codes, numbers rounded to their
 * meaning — written from rows the privacy policy has already decided on, so a withheld cell stays
 * withheld. Expected values worked by hand (Wilson intervals checked against R below).
 */
import { describe, expect, it } from 'vitest';
import { csvValue, labelledCsv, pValue, roundTo, type CsvColumn } from '../../src/lib/export/labelled';
import { protect } from '../../src/lib/privacy/policy';
import { RESPONSE } from '../../src/lib/privacy/tables';
import { phaseLabel, rateByRouteColumns, shareColumn } from '../../src/routes/format';

/**
 * Response by route as the engine returns it (full precision): count / n and the Wilson 95 % CI,
 * p̂ = x/n, centre (p̂ + z²/2n) / (1 + z²/n), half-width z·√(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n), z = 1.959964.
 * R 4.x: prop.test(25, 48, correct = FALSE)$conf.int → 0.3832923230 0.6552868382;
 *        prop.test(49, 100, correct = FALSE)$conf.int → 0.3942199893 0.5865198807.
 */
const ROWS = [
	{ instrument: 'bdi2', group: 'iv', count: 20, n: 37, rate: 20 / 37, ci_low: 0.3838404689217949, ci_high: 0.6896143019562697 },
	{ instrument: 'bdi2', group: 'sublingual', count: 25, n: 48, rate: 25 / 48, ci_low: 0.3832923230334281, ci_high: 0.6552868382304838 },
	{ instrument: 'bdi2', group: 'intranasal', count: 4, n: 15, rate: 4 / 15, ci_low: 0.10897453325692374, ci_high: 0.5195043405598057 },
	{ instrument: 'bdi2', group: '(all)', count: 49, n: 100, rate: 0.49, ci_low: 0.3942199893044113, ci_high: 0.5865198806597283 }
];

const lines = (csv: string) => csv.trim().split('\r\n');

describe('labelled, rounded CSV of a card', () => {
	it('response by route: route names, labelled headers, shares to 0.1 %, withheld cells still withheld', () => {
		const exported = protect(ROWS, RESPONSE, 11);
		// the policy decided on the unrounded figures: intranasal's 4 is under 11, and with the (all)
		// row printed, 49 − 20 − 25 would give it back, so the smallest other count (IV's 20) goes too
		expect(exported.rows.map((r) => r.count)).toEqual([null, 25, null, 49]);
		const csv = lines(labelledCsv(exported, rateByRouteColumns('response')));
		expect(csv[0]).toBe('Route,Responders,Client-series analysed,Response rate (%),95 % CI lower (%),95 % CI upper (%),Withheld');
		// 25/48 = 52.083 % → 52.1; CI 38.329… → 38.3, 65.528… → 65.5
		expect(csv[2]).toBe('Sublingual (troche/lozenge),25,48,52.1,38.3,65.5,');
		// 49/100 = 49 %; CI 39.42… → 39.4, 58.65… → 58.7
		expect(csv[4]).toBe('All routes,49,100,49,39.4,58.7,');
		// withheld: empty, never a rounded 0, and named by label (n of 37 and 15 are ≥ 11: shown)
		expect(csv[1]).toBe('IV infusion,,37,,,,Responders; Response rate (%); 95 % CI lower (%); 95 % CI upper (%)');
		expect(csv[3]).toBe('Intranasal,,15,,,,Responders; Response rate (%); 95 % CI lower (%); 95 % CI upper (%)');
		// nothing of the raw figures leaks in another form (26.7 % of 15 would give the 4 back)
		expect(csv.join('\n')).not.toMatch(/26\.7|54\.1|10\.9/);
	});

	it('without anything withheld there is no Withheld column', () => {
		const exported = protect(ROWS.slice(1, 2).map((r) => ({ ...r, group: 'sublingual' })), { ...RESPONSE, slices: [] }, 11);
		expect(lines(labelledCsv(exported, rateByRouteColumns('remission')))[0]).toBe('Route,In remission,Client-series analysed,Remission rate (%),95 % CI lower (%),95 % CI upper (%)');
	});

	it('each kind rounds to its meaning', () => {
		const col = (kind: CsvColumn['kind'], digits?: number): CsvColumn => ({ key: 'v', label: 'V', kind, digits });
		const w = (c: CsvColumn, v: unknown) => csvValue(c, { v });
		expect(w(col('count'), 12)).toBe(12);
		expect(w(col('share'), 0.52083)).toBe(52.1);
		expect(w(col('pp'), -0.1234)).toBe(-12.3);
		expect(w(col('mean'), 17.2549)).toBe(17.3); // a mean of whole-point scores: 0.1
		expect(w(col('mean', 2), 17.2549)).toBe(17.25);
		expect(w(col('estimate'), -1.23456)).toBe(-1.23);
		expect(w(col('p'), 0.045678)).toBe(0.0457); // 3 significant digits
		expect(w(col('p'), 0.5)).toBe(0.5);
		expect(w(col('p'), 0.00042)).toBe('< 0.001');
		expect(w(col('share'), null)).toBe(null); // withheld stays empty
		expect(roundTo(-0.04, 1)).toBe(0); // no "-0"
		expect(pValue(0.0010)).toBe(0.001);
		expect(w({ key: 'v', label: 'Stage', kind: 'label', format: (v) => phaseLabel(String(v)) }, 'followup')).toBe('Follow-up');
		expect(w(shareColumn('v', 'Share of baseline', 0), 0.456)).toBe(45.6); // the table shows 46 %, the CSV keeps 0.1
		// no kind: whole numbers as they are, others to 2 decimals
		expect(w({ key: 'v', label: 'V' }, 3.14159)).toBe(3.14);
	});

	it('a negative rounded number stays a number (not formula-neutralised), text that looks like a formula is', () => {
		const csv = lines(labelledCsv(protect([{ name: '=cmd', change: -3.26 }], { name: 'x', counts: [] }), [
			{ key: 'name', label: 'Name', kind: 'text' },
			{ key: 'change', label: 'Change', csvLabel: 'Change (points)', kind: 'mean' }
		]));
		expect(csv).toEqual(['Name,Change (points)', "'=cmd,-3.3"]);
	});
});
