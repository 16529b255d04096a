import { describe, expect, it } from 'vitest';
import { definitionsFromParams, definitionsSentence, settingsOf, writeDefinitions } from '../../src/lib/data/definitions-url';
import { filtersFromParams } from '../../src/lib/data/url';
import { defaultSettings } from '../../src/lib/metrics/definitions';
import { MIN_CELL } from '../../src/lib/privacy/policy';

describe('definitions in the URL', () => {
	it('one default threshold: the policy’s, in the URL definitions and the settings', () => {
		expect(MIN_CELL).toBe(11);
		expect(definitionsFromParams(new URLSearchParams()).minCell).toBe(MIN_CELL);
		expect(defaultSettings().minCell).toBe(MIN_CELL);
	});
	it('reads valid values, ignores hostile or out-of-range ones, and round-trips', () => {
		const p = new URLSearchParams("def.end=planned&def.rem=bdi2:le10,phq9:lt99,x':le1&def.rel=bdi2:0.8,gad7:1.5&def.bands=bdi2:nope&route=iv");
		const d = definitionsFromParams(p);
		expect(d.end).toBe('planned');
		expect(d.remission).toEqual({ bdi2: { op: '<=', threshold: 10 } });
		expect(d.reliability).toEqual({ bdi2: 0.8 });
		expect(d.bandSets).toEqual({});
		expect(d.ignored).toHaveLength(4);
		expect(settingsOf(d)).toMatchObject({ end: 'planned', remission: { bdi2: { op: '<=', threshold: 10 } }, minCell: 11 });
		// never read as filters
		expect(filtersFromParams(p)).toEqual({ route: ['iv'] });
		const back = definitionsFromParams(writeDefinitions(new URLSearchParams('route=iv'), d));
		expect({ ...back, ignored: [] }).toEqual({ ...d, ignored: [] });
	});

	it('a small-cell threshold under 11 holds only with the confirmation flag', () => {
		expect(definitionsFromParams(new URLSearchParams('def.mincell=5')).minCell).toBe(11);
		expect(definitionsFromParams(new URLSearchParams('def.mincell=5&def.mincellok=1')).minCell).toBe(5);
		expect(definitionsFromParams(new URLSearchParams('def.mincell=20')).minCell).toBe(20);
		const w = writeDefinitions(new URLSearchParams(), { end: 'last', responsePoints: {}, remission: {}, reliability: {}, bandSets: {}, minCell: 5 });
		expect(w.toString()).toBe('def.mincell=5&def.mincellok=1');
	});

	it('response in points and a follow-up-week end point: read, hostile values ignored and reported, round-trip', () => {
		const p = new URLSearchParams("def.end=week8&def.resp=bdi2:pts6,phq9:pts99,gad7:pts0,x':pts3,hama:6");
		const d = definitionsFromParams(p);
		expect(d.end).toBe('week8');
		// PHQ-9 max is 27, 0 points is no rule, x' is no instrument, "6" lacks the pts prefix.
		expect(d.responsePoints).toEqual({ bdi2: 6 });
		expect(d.ignored).toHaveLength(4);
		expect(settingsOf(d)).toMatchObject({ end: 'week8', responsePoints: { bdi2: 6 } });
		expect(definitionsSentence(d)).toMatch(/end point = follow-up week 8 \(clients without a week-8 score are not analysed\); response = BDI-II fall ≥ 6 points, otherwise ≥ 50 % below baseline/);
		const back = definitionsFromParams(writeDefinitions(new URLSearchParams(), d));
		expect({ ...back, ignored: [] }).toEqual({ ...d, ignored: [] });
		for (const bad of ['week0', 'week-1', 'week1000', 'week8.5', 'weekly', "week8'--"]) {
			const x = definitionsFromParams(new URLSearchParams({ 'def.end': bad }));
			expect(x.end, bad).toBe('last');
			expect(x.ignored, bad).toHaveLength(1);
		}
	});

	it('names the band set in force for the shown instrument', () => {
		expect(definitionsSentence(definitionsFromParams(new URLSearchParams()), 'hama')).toMatch(/HAM-A bands: /);
		const d = definitionsFromParams(new URLSearchParams('def.bands=hama:hama-17-24-30'));
		expect(d.bandSets.hama ?? null).not.toBeNull();
	});
});
