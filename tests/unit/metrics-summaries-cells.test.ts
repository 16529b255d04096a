/**
 * The counts per cell (summary-cells.ts) leave to the filters the client-series whose planned end or
 * cell the filters decide: a series without a plan of its own, and a series whose questionnaires lie in
 * different cells (an attribute the same within each questionnaire's rows but not across them). Here
 * both kinds beside plain ones: attrition and completion from the summaries equal the score rows'.
 * Hand-checked too: client c1's series is one client-series scored on two questionnaires (counted once).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { attrition } from '../../src/lib/metrics/attrition';
import { completionLinks, seriesCompletion } from '../../src/lib/metrics/completion';
import type { MetricOptions } from '../../src/lib/metrics/source';
import { buildSummaries, useSummaries } from '../../src/lib/metrics/summaries';
import { loadCanonical, type Canon } from './metrics-fixtures';

/** One client-series of one questionnaire: baseline, sessions 1…`last`, at `site`, planned `plan`. */
function series(client_id: string, instrument: string, site: string, plan: number | null, last: number): Canon[] {
	const common = { client_id, instrument, site, planned_sessions: plan, route: 'iv' };
	const rows: Canon[] = [{ ...common, phase: 'baseline', session: 0, score: 20 }];
	for (let s = 1; s <= last; s++) rows.push({ ...common, phase: 'session', session: s, score: 20 - s });
	return rows;
}

describe('counts per cell: client-series the filters decide', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		const rows = [
			...series('c1', 'bdi2', 'north', 3, 3), // one client-series in two cells: bdi2 at north …
			...series('c1', 'phq9', 'south', 3, 2), // … phq9 at south
			...series('c2', 'bdi2', 'north', null, 4), // no plan: ends at the largest session of its group
			...series('c3', 'bdi2', 'north', null, 2),
			...series('c4', 'bdi2', 'south', 3, 3),
			...series('c5', 'phq9', 'north', 2, 1)
		];
		await loadCanonical(db, rows, [], 'scores', ['site', 'planned_sessions']);
		const s = await buildSummaries(db, 'scores');
		expect(s.problem).toBeNull();
		useSummaries(db, 'scores', s);
	}, 60_000);

	const states: [string, MetricOptions][] = [
		['everything', {}],
		['by site', { groupBy: 'site' }],
		['north only', { filters: { site: ['north'] } }],
		['by route, bdi2 only', { groupBy: 'route', instruments: ['bdi2'] }]
	];
	for (const [label, opts] of states)
		it(label, async () => {
			for (const metric of [attrition, seriesCompletion, completionLinks]) {
				const fast = await metric(db, opts);
				const rows = await metric(db, { ...opts, source: 'rows' });
				expect(fast.path).toEqual({ source: 'summaries' });
				expect(fast.rows, `${label} ${metric.name}`).toEqual(rows.rows);
			}
		});

	it('by hand: five client-series with a baseline; c1 (bdi2 at its plan), c2 (session 4, the largest), c4 completed', async () => {
		const all = (await seriesCompletion(db, {})).rows.find((r) => r.group === '(all)');
		expect(all).toMatchObject({ with_baseline: 5, completed: 3 });
	});
});
