/**
 * Scoring of the instruments added with kinds and scoring rules, against examples scored by hand
 * from each source's rule (the arithmetic is written out next to each expectation).
 */
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, MAX_ITEMS, OUTCOME_IDS, idsOfKind } from '../../src/lib/instruments/definitions';
import { meetsCriterion, parseItem, subscaleScores, totalFromItems } from '../../src/lib/instruments/scoring';

describe('kinds', () => {
	it('outcome instruments carry remission and reliable change; the others do not', () => {
		expect(OUTCOME_IDS).toEqual(['bdi2', 'hama', 'phq9', 'gad7', 'madrs', 'hamd17', 'qids16']);
		expect(idsOfKind('safety')).toEqual(['cadss', 'cadss6']);
		expect(idsOfKind('experience')).toEqual(['meq30', 'ebi']);
		for (const id of OUTCOME_IDS) expect(INSTRUMENTS[id].remission).toBeDefined();
		for (const id of [...idsOfKind('safety'), ...idsOfKind('experience')]) {
			expect(INSTRUMENTS[id].remission).toBeUndefined();
			expect(INSTRUMENTS[id].scoring.source).toMatch(/\d{4}/);
		}
		expect(MAX_ITEMS).toBe(30);
	});
});

describe('QIDS-SR16 (Rush et al. 2003): highest item within sleep 1–4, weight 6–9, psychomotor 15–16', () => {
	it('hand-scored example', () => {
		// items:  1  2  3  4 | 5 | 6  7  8  9 |10 11 12 13 14 |15 16
		const v = [2, 3, 1, 0, 2, 1, 0, 2, 0, 1, 2, 0, 1, 3, 0, 1];
		// sleep max(2,3,1,0)=3; mood 2; weight max(1,0,2,0)=2; concentration 1; self 2; suicide 0;
		// interest 1; energy 3; psychomotor max(0,1)=1 → 3+2+2+1+2+0+1+3+1 = 15 (a plain sum would be 19)
		expect(totalFromItems('qids16', v)).toEqual({ total: 15, prorated: false, answered: 16, missing: 0 });
	});
	it('maximum answers give 27, not 48', () => {
		expect(totalFromItems('qids16', Array(16).fill(3)).total).toBe(27);
	});
	it('an unanswered item inside an answered domain is fine; a whole missing domain is not', () => {
		const v: (number | null)[] = [2, null, null, null, 2, null, 1, null, null, 1, 2, 0, 1, 3, 0, 1];
		// sleep 2, mood 2, weight 1, 1, 2, 0, 1, 3, psychomotor 1 → 13
		expect(totalFromItems('qids16', v).total).toBe(13);
		v[4] = null; // mood domain (item 5 alone) missing → no total (no proration rule)
		expect(totalFromItems('qids16', v).total).toBeNull();
	});
	it('remission ≤ 5 and bands', () => {
		expect(INSTRUMENTS.qids16.remission).toMatchObject({ op: '<=', threshold: 5 });
		expect(INSTRUMENTS.qids16.bandSets[0].bands.map((b) => b.min)).toEqual([0, 6, 11, 16, 21]);
	});
});

describe('CADSS (Bremner 1998) and CADSS-6 (Rodrigues 2021)', () => {
	it('23 items 0–4 summed, 0–92; the CADSS-6 subscale is items 1, 2, 6, 7, 15, 22', () => {
		const v = Array.from({ length: 23 }, (_, i) => (i % 5 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
		// items with i%5==0 (i=0,5,10,15,20) → 2 each = 10; i%3==0 and not %5 (3,6,9,12,18,21) → 1 each = 6 → 16
		expect(totalFromItems('cadss', v).total).toBe(16);
		// CADSS-6: items 1,2,6,7,15,22 = indexes 0,1,5,6,14,21 → 2+0+2+1+0+1 = 6
		expect(subscaleScores('cadss', v)).toEqual([expect.objectContaining({ id: 'cadss6', score: 6, max: 24 })]);
		expect(totalFromItems('cadss', Array(23).fill(4)).total).toBe(92);
		expect(parseItem(INSTRUMENTS.cadss, 3, 5)).toMatchObject({ ok: false });
	});
	it('the stand-alone short form: 6 items, 0–24', () => {
		expect(totalFromItems('cadss6', [2, 0, 2, 1, 0, 1]).total).toBe(6);
		expect(INSTRUMENTS.cadss6.totalMax).toBe(24);
	});
});

describe('MEQ-30 (Barrett et al. 2015)', () => {
	const mystical = [4, 5, 6, 9, 14, 15, 16, 18, 20, 21, 23, 24, 25, 26, 28];
	it('four subscales cover the 30 items once; maxima 75 / 30 / 30 / 15', () => {
		const subs = INSTRUMENTS.meq30.subscales!;
		expect(subs.flatMap((s) => s.items).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
		expect(subscaleScores('meq30', Array(30).fill(5)).map((s) => s.max)).toEqual([75, 30, 30, 15]);
	});
	it('complete mystical experience: every subscale ≥ 60 % of its maximum', () => {
		const v = Array(30).fill(3); // 3/5 = 60 % on every item → every subscale exactly 60 %
		expect(totalFromItems('meq30', v).total).toBe(90);
		expect(meetsCriterion('meq30', v)).toBe(true);
		// ineffability (items 3, 10, 29) drops to 2 + 2 + 3 = 7/15 = 47 % → not complete
		v[2] = 2;
		v[9] = 2;
		expect(subscaleScores('meq30', v).find((s) => s.id === 'ineffability')).toMatchObject({ score: 7, max: 15 });
		expect(meetsCriterion('meq30', v)).toBe(false);
		// a very strong mystical factor cannot make up for it
		for (const i of mystical) v[i - 1] = 5;
		expect(meetsCriterion('meq30', v)).toBe(false);
	});
	it('hand-scored: each factor sums its own items (item n answered n mod 6)', () => {
		// items 1–30 answered 1 2 3 4 5 0 1 2 3 4 5 0 …; sums by hand from the MEQ30 key:
		// mystical  4 5 6 9 14 15 16 18 20 21 23 24 25 26 28 → 4+5+0+3+2+3+4+0+2+3+5+0+1+2+4 = 38 of 75
		// positive mood 2 8 12 17 27 30 → 2+2+0+5+3+0 = 12 of 30
		// transcendence 1 7 11 13 19 22 → 1+1+5+1+1+4 = 13 of 30
		// ineffability 3 10 29 → 3+4+5 = 12 of 15; total 5 × (0+1+2+3+4+5) = 75
		const v = Array.from({ length: 30 }, (_, i) => (i + 1) % 6);
		expect(subscaleScores('meq30', v).map((s) => [s.id, s.score, s.max])).toEqual([
			['mystical', 38, 75],
			['positive_mood', 12, 30],
			['transcendence', 13, 30],
			['ineffability', 12, 15]
		]);
		expect(totalFromItems('meq30', v).total).toBe(75);
		// 38/75 = 51 %, 12/30 = 40 %, 13/30 = 43 %: not complete, although ineffability is at 80 %
		expect(meetsCriterion('meq30', v)).toBe(false);
		// the criterion is inclusive at 60 %: mystical 45/75, positive 18/30, transcendence 18/30, ineffability 9/15
		expect(meetsCriterion('meq30', Array(30).fill(3))).toBe(true);
		const justBelow = Array(30).fill(3);
		justBelow[28] = 2; // item 29 (ineffability): 8/15 = 53 %
		expect(meetsCriterion('meq30', justBelow)).toBe(false);
	});
	it('not computable with a missing item in a subscale', () => {
		const v: (number | null)[] = Array(30).fill(4);
		v[0] = null;
		expect(meetsCriterion('meq30', v)).toBeNull();
	});
});

describe('EBI (Roseman et al. 2019): mean of six 0–100 items', () => {
	it('hand-scored example', () => {
		// (80 + 65 + 90 + 70 + 40 + 55) / 6 = 400 / 6 = 66.67
		expect(totalFromItems('ebi', [80, 65, 90, 70, 40, 55]).total).toBeCloseTo(66.6667, 3);
		expect(parseItem(INSTRUMENTS.ebi, 1, '100')).toEqual({ ok: true, value: 100 });
		expect(parseItem(INSTRUMENTS.ebi, 1, '101')).toMatchObject({ ok: false });
		expect(totalFromItems('ebi', [80, null, 90, 70, 40, 55]).total).toBeNull();
	});
});
