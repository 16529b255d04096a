/**
 * The mixed model and the MMRM read their observations from one table made once when the connector
 * can make it (model-sums.ts `sharedObservations`), instead of each statement computing them from
 * the score rows. Both paths on the real engine, on the demo cohort: the same rows, number for
 * number, and the observations built once for the two metrics of a /compare page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { mixedModels, type ModelOptions } from '../../src/lib/metrics/models';
import { mmrmModels } from '../../src/lib/metrics/mmrm';
import { clientSummary, shownSql } from '../../src/lib/metrics/source';
import { loadDemoTable } from './metrics-fixtures';

describe('mixed model and MMRM over shared observations', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadDemoTable(db);
	});

	const cases: [string, ModelOptions][] = [
		['by route, every score', { groupBy: 'route', instruments: ['bdi2'] }],
		['by route, post-baseline, baseline and sex covariates, REML, intercept', { groupBy: 'route', scores: 'post', covariates: ['baseline', 'sex'], method: 'REML', random: 'intercept' }],
		['iv only, every instrument', { filters: { route: ['iv'] } }]
	];
	for (const [name, opts] of cases)
		it(`mixed model ${name}: the same rows as from the score rows`, async () => {
			const shared = new CachingConnector(db);
			const plain = await mixedModels(db, opts);
			const fromTable = await mixedModels(shared, opts);
			expect(plain.derived ?? []).toEqual([]);
			expect(fromTable.derived?.length).toBe(1);
			expect(fromTable.rows.length).toBeGreaterThan(0);
			expect(fromTable.rows).toEqual(plain.rows);
		});

	it('MMRM by route: the same rows, and one observations table for it and the mixed model', async () => {
		const shared = new CachingConnector(db);
		shared.log = [];
		const opts = { groupBy: 'route', instruments: ['bdi2'] };
		const plain = await mmrmModels(db, opts);
		const [fromTable, model] = await Promise.all([mmrmModels(shared, opts), mixedModels(shared, opts)]);
		expect(fromTable.rows.length).toBe(1);
		expect(fromTable.rows).toEqual(plain.rows);
		expect(model.rows).toEqual((await mixedModels(db, opts)).rows);
		expect(fromTable.derived).toEqual(model.derived);
		expect(shared.log.filter((s) => /^CREATE OR REPLACE TEMP TABLE/.test(s.text))).toHaveLength(1);
	});

	it('the "SQL" view names each temporary table for what it holds', async () => {
		const shared = new CachingConnector(db);
		const opts = { groupBy: 'route', instruments: ['bdi2'] };
		const [first] = shownSql(await mmrmModels(shared, opts));
		expect(first.title).toMatch(/^Temporary table derived_\d+ \(the observations the mixed model and the MMRM read/);
		expect(first.text).toBe((await mmrmModels(shared, opts)).derived![0].sql.text);
		const [summary] = shownSql(await clientSummary(shared, opts));
		expect(summary.title).toMatch(/\(the client-series summary, built once and shared by the page's charts\)/);
	});
});
