import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { sql, type Sql } from '../../src/lib/engine/sql';
import { remission, reliableChange, response } from '../../src/lib/metrics/rates';
import { attrition } from '../../src/lib/metrics/attrition';
import { durability, survival } from '../../src/lib/metrics/durability';
import { cohortTable1 } from '../../src/lib/metrics/table1';
import { loadRefdata } from './metrics-fixtures';

/**
 * The app's connector stores the client-series summary once per filters × grouping and lets every
 * metric of a page read it; the CLI and tests inline it. Both must give the same numbers — and the
 * published ones (Claus 2020: PA 9/21, TAU 2/19).
 */
describe('shared (materialised) client-series summary', () => {
	let db: NodeConnector;
	let app: CachingConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadRefdata(db, 'claus2020');
		app = new CachingConnector(db);
	});

	it('gives the same rows as the inlined summary for every metric that uses it', async () => {
		const opts = { groupBy: 'treatment' };
		for (const metric of [response, remission, reliableChange, attrition, durability, survival]) {
			const inline = await metric(db, opts);
			const shared = await metric(app, opts);
			expect(shared.rows, metric.name).toEqual(inline.rows);
		}
		// Table 1 of /compare reads the summary its comparison shares.
		const cohorts = { a: { label: 'PA', filters: { treatment: ['PA'] } }, b: { label: 'TAU', filters: { treatment: ['TAU'] } }, instrument: 'bdi2' };
		const [t1Inline, t1Shared] = [await cohortTable1(db, cohorts), await cohortTable1(app, cohorts)];
		expect(t1Inline.rows.length).toBeGreaterThan(3);
		// It reads two tables: that summary, and the client-series' attributes its two statements share.
		expect(t1Shared.derived).toHaveLength(2);
		const attrs = t1Shared.derived![1].table;
		expect([t1Shared.sql, ...t1Shared.also!].every((q) => q.text.includes(`FROM "${attrs}"`))).toBe(true);
		expect([t1Shared.rows, t1Shared.baseline]).toEqual([t1Inline.rows, t1Inline.baseline]);
		const { rows } = await response(app, { ...opts, instruments: ['bdi2'] });
		expect(rows.map((r) => [r.group, r.count, r.n])).toEqual([['PA', 9, 21], ['TAU', 2, 19], ['(all)', 11, 40]]);
	});

	it('builds the summary once for all metrics with the same filters, and anew after the data change', async () => {
		const made: string[] = [];
		const spy = new CachingConnector(db);
		const materialize = spy.materialize.bind(spy);
		spy.materialize = (q: Sql) => materialize(q).then((t) => (made.push(t), t));
		const opts = { groupBy: 'treatment', filters: { sex: ['female'] } };
		await Promise.all([response(spy, opts), remission(spy, opts), attrition(spy, opts)]);
		expect(new Set(made).size).toBe(1);
		const r = await response(spy, opts);
		expect(r.sql.text).toContain(`FROM "${made[0]}"`);
		expect(r.derived?.map((d) => d.table)).toEqual([made[0]]);
		expect(r.sql.text).not.toMatch(/\/\*|--/); // no SQL inside comments
		await spy.exec(sql`CREATE TABLE unrelated AS SELECT 1 AS x`); // any data change
		await response(spy, opts);
		expect(new Set(made).size).toBe(2);
	});
});
