/**
 * The client-series table built in parts (summaries.ts: past `partRows` score rows the clients are
 * grouped a range of client ids at a time, cut at a sample's quantiles, so a 50M-row registry fits
 * native DuckDB's memory) holds
 * exactly what the one-statement build holds: every summary table compared row for row on the demo
 * cohort, built once whole and once in 7 parts.
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql, type Sql } from '../../src/lib/engine/sql';
import type { Connector } from '../../src/lib/engine/connector';
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

	it('cut by client id, a file in no order and ids with quotes give the same client-series as one statement', async () => {
		const db = await openNodeEngine();
		await loadDemoTable(db);
		// Ids that sort unlike the file's order, with a quote, a backslash and a non-ASCII letter, and the
		// rows shuffled: each part's range then spans every row group.
		await db.exec(sql`CREATE TABLE hostile AS SELECT * REPLACE (${"Ö'\\"} || reverse(client_id) AS client_id) FROM demo ORDER BY hash(client_id, session, phase, instrument, series)`);
		await db.exec(sql`CREATE TABLE hostile_parts AS SELECT * FROM hostile`);
		const whole = await buildSummaries(db, 'hostile');
		const parted = await buildSummaries(db, 'hostile_parts', sql`SELECT * FROM hostile_parts`, Math.ceil(whole.rows.scores / 5));
		expect({ ...parted.rows }).toEqual({ ...whole.rows });
		const [diff] = await db.query<{ only_a: number; only_b: number }>(sql`SELECT
  (SELECT count(*) FROM (SELECT * FROM hostile__cs EXCEPT ALL SELECT * FROM hostile_parts__cs))::INT AS only_a,
  (SELECT count(*) FROM (SELECT * FROM hostile_parts__cs EXCEPT ALL SELECT * FROM hostile__cs))::INT AS only_b`);
		expect(diff).toEqual({ only_a: 0, only_b: 0 });
		expect(whole.rows.cs).toBeGreaterThan(1000);
	});

	it('a build that fails part way leaves none of its tables behind, and the error reaches the caller', async () => {
		const db = await openNodeEngine();
		await loadDemoTable(db);
		// Fail at two points: while the parts are grouped (a temporary table exists) and at the cube
		// (cells, client-series, cellmax and timepoints exist by then), as a tab out of memory would.
		for (const [dataset, at] of [['demo_fail_parts', 'INSERT INTO'], ['demo_fail_cube', '__cube']] as const) {
			await db.exec(sql`CREATE TABLE ${ident(dataset)} AS SELECT * FROM demo`);
			const failing: Connector = Object.create(db, {
				exec: { value: (q: Sql) => (q.text.includes(at) && !q.text.startsWith('DROP') ? Promise.reject(new Error(`out of memory at ${at}`)) : db.exec(q)) }
			});
			await expect(buildSummaries(failing, dataset, sql`SELECT * FROM ${ident(dataset)}`, 5000)).rejects.toThrow(`out of memory at ${at}`);
			const left = await db.query<{ name: string }>(sql`SELECT table_name AS name FROM duckdb_tables() WHERE starts_with(table_name, ${dataset + '__'})`);
			expect({ dataset, left }).toEqual({ dataset, left: [] });
		}
	});
});
