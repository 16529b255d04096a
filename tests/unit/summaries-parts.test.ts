/**
 * The client-series table built in parts (summaries.ts: past `partRows` score rows the clients are
 * grouped a hash-chosen part at a time, so a 50M-row registry fits native DuckDB's memory) holds
 * exactly what the one-statement build holds: every summary table compared row for row on the demo
 * cohort, built once whole and once in 7 parts.
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { buildSummaries, summaryTables } from '../../src/lib/metrics/summaries';
import { loadDemoTable } from './metrics-fixtures';

describe('summaries built in parts', () => {
	it('equal the summaries built in one statement, table for table', async () => {
		const db = await openNodeEngine();
		await loadDemoTable(db);
		const whole = await buildSummaries(db, 'demo');
		await db.exec(sql`CREATE TABLE demo_parts AS SELECT * FROM demo`);
		const parted = await buildSummaries(db, 'demo_parts', sql`SELECT * FROM demo_parts`, Math.ceil(whole.rows.scores / 7));
		expect(whole.rows.cs).toBeGreaterThan(1000);
		expect({ ...parted.rows }).toEqual({ ...whole.rows });
		expect(parted.attributes).toEqual(whole.attributes);
		const a = summaryTables('demo');
		const b = summaryTables('demo_parts');
		for (const key of Object.keys(a) as (keyof typeof a)[]) {
			const [diff] = await db.query<{ only_a: number; only_b: number; n: number }>(sql`SELECT
  (SELECT count(*) FROM (SELECT * FROM ${ident(a[key])} EXCEPT ALL SELECT * FROM ${ident(b[key])}))::INT AS only_a,
  (SELECT count(*) FROM (SELECT * FROM ${ident(b[key])} EXCEPT ALL SELECT * FROM ${ident(a[key])}))::INT AS only_b,
  (SELECT count(*) FROM ${ident(a[key])})::INT AS n`);
			expect({ key, ...diff }).toEqual({ key, only_a: 0, only_b: 0, n: diff.n });
			// the demo's client-series all have a plan and one cell: none is left to `mixed` (summary-cells.ts)
			if (key !== 'mixed') expect(diff.n).toBeGreaterThan(0);
		}
	});
});
