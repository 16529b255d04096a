/**
 * The subgroup card looks up the attributes of only the two cohorts' client-series when the
 * client-series summary is a table (the app's caching connector), instead of every client-series
 * with a score on the instrument. Both paths on the real engine, on the demo cohort: the same
 * estimates, interaction tests and dose cut points, number for number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { subgroupAnalysis } from '../../src/lib/metrics/subgroups';
import { loadDemoTable } from './metrics-fixtures';

describe('subgroups with the client-series summary as a table', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadDemoTable(db);
	});

	it('iv vs sublingual on the BDI-II: the same result as looking up every client-series', async () => {
		const opts = { a: { label: 'iv', filters: { route: ['iv'] } }, b: { label: 'sublingual', filters: { route: ['sublingual'] } }, instrument: 'bdi2' };
		const plain = await subgroupAnalysis(db, opts);
		const shared = await subgroupAnalysis(new CachingConnector(db), opts);
		expect(plain.derived ?? []).toEqual([]);
		expect(shared.derived?.length).toBe(1);
		expect(shared.sql[1].text).toContain(shared.derived![0].table);
		const numbers = (r: typeof plain) => ({ overall: r.overall, nnt: r.nnt, rows: r.rows, variables: r.variables });
		expect(plain.rows.length).toBeGreaterThan(10);
		expect(plain.variables.some((v) => v.variable === 'dose_band')).toBe(true);
		expect(numbers(shared)).toEqual(numbers(plain));
	});
});
