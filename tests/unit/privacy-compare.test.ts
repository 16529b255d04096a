/**
 * The comparison's text as copied or downloaded (src/lib/privacy/compare.ts) on claus2020, PA vs
 * TAU (published ≥ 50 % reduction: PA 9/21, TAU 2/19): both response counts are under 11, so the
 * shared sentences read "withheld" where the screen shows 9/21 and 2/19, and the rest is intact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { compareCohorts, type Comparison } from '../../src/lib/metrics/compare';
import { sharedText } from '../../src/lib/privacy/compare';
import { loadRefdata } from './metrics-fixtures';

describe('shared methods and results text (claus2020, PA vs TAU)', () => {
	let db: NodeConnector;
	let c: Comparison;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadRefdata(db, 'claus2020');
		c = await compareCohorts(db, { instrument: 'bdi2', a: { label: 'PA', filters: { treatment: ['PA'] } }, b: { label: 'TAU', filters: { treatment: ['TAU'] } } });
	}, 120_000);

	it('on screen the counts; shared: withheld counts and rates, n of 21 and 19 kept', () => {
		expect(c.results.join(' ')).toContain('Response: 9/21');
		const shared = sharedText(c).results.join(' ');
		expect(shared).toContain('Response: withheld/21 (withheld) in PA vs withheld/19 (withheld) in TAU; difference withheld');
		expect(shared).not.toMatch(/\b9\/21\b|\b2\/19\b/);
		// change n (21, 19 ≥ 11) and the model fitted on 23 and 20 client-series stay
		expect(shared).toContain('n = 21) in PA');
		expect(shared).toContain('In the mixed model the change per');
	});

	it('with min cell 25 the cohorts themselves are withheld and the model keeps no coefficients', () => {
		const shared = sharedText(c, 25).results.join(' ');
		expect(shared).toContain('Mean change from baseline was withheld');
		expect(shared).toContain('Mixed model: fitted on a group with fewer than 25 client-series');
		expect(shared).not.toContain('In the mixed model the change per');
	});
});
