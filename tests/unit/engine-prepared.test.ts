/**
 * Prepared statements kept by text (src/lib/engine/prepared.ts): each text is prepared once, the
 * least recently used idle statement is closed past the capacity, a statement a query holds is never
 * closed under it, and a failing one is not kept. On the real engine (the wasm build the browser
 * runs, whose connector keeps statements the same way): a kept statement answers from the tables as
 * they are now — replaced, dropped, recreated — exactly as a freshly prepared one would; and it holds
 * what its last run built (a hash table) until the statements are released, which the summaries'
 * build does before its statements.
 */
import { describe, expect, it } from 'vitest';
import { PreparedCache } from '../../src/lib/engine/prepared';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql, type Sql } from '../../src/lib/engine/sql';
import type { Connector } from '../../src/lib/engine/connector';
import { buildSummaries } from '../../src/lib/metrics/summaries';
import { attrition } from '../../src/lib/metrics/attrition';
import { loadDemoTable } from './metrics-fixtures';

/** A fake engine: records what was prepared and closed. */
function fake() {
	const prepared: string[] = [];
	const closed: string[] = [];
	const cache = new PreparedCache((text: string) => {
		prepared.push(text);
		if (text.startsWith('bad')) throw new Error(`syntax error in ${text}`);
		return { text, close: () => closed.push(text) };
	}, 2);
	return { cache, prepared, closed };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('PreparedCache', () => {
	it('prepares each text once and runs it with whatever the caller binds', async () => {
		const { cache, prepared } = fake();
		const a = await cache.with('q1', (s) => `${s.text}:1`);
		const b = await cache.with('q1', (s) => `${s.text}:2`);
		expect([a, b]).toEqual(['q1:1', 'q1:2']);
		expect(prepared).toEqual(['q1']);
		expect(cache.size).toBe(1);
	});

	it('closes the least recently used statement past its capacity', async () => {
		const { cache, prepared, closed } = fake();
		await cache.with('q1', () => 0);
		await cache.with('q2', () => 0);
		await cache.with('q1', () => 0); // q1 is now the most recent
		await cache.with('q3', () => 0);
		await settle();
		expect(closed).toEqual(['q2']);
		expect(cache.size).toBe(2);
		await cache.with('q1', () => 0);
		expect(prepared).toEqual(['q1', 'q2', 'q3']); // q1 kept throughout
	});

	it('never closes a statement a query still holds, and closes it when that query ends', async () => {
		const { cache, closed } = fake();
		let release!: () => void;
		const held = cache.with('q1', () => new Promise<void>((r) => (release = r)));
		await settle();
		await cache.with('q2', () => 0);
		await cache.with('q3', () => 0); // over capacity: q1 is the oldest but in use, q2 goes
		await settle();
		expect(closed).toEqual(['q2']);
		cache.clear(); // q3 closes now; q1 when its query ends
		await settle();
		expect(closed).toEqual(['q2', 'q3']);
		release();
		await held;
		await settle();
		expect(closed).toEqual(['q2', 'q3', 'q1']);
		expect(cache.size).toBe(0);
	});

	it('does not keep a statement that failed to prepare or to run', async () => {
		const { cache, prepared, closed } = fake();
		await expect(cache.with('bad q', () => 0)).rejects.toThrow('syntax error in bad q');
		await expect(
			cache.with('q1', () => {
				throw new Error('conversion error');
			})
		).rejects.toThrow('conversion error');
		await settle();
		expect(cache.size).toBe(0);
		expect(closed).toEqual(['q1']);
		await cache.with('q1', () => 0);
		expect(prepared).toEqual(['bad q', 'q1', 'q1']);
	});
});

describe('kept statements on the real engine', () => {
	it('answer from the tables as they are now, as a fresh prepare would', async () => {
		const db = await openNodeEngine();
		const q = (b: string) => db.query(sql`SELECT * FROM t WHERE b = ${b} ORDER BY a`);
		await db.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) v(a, b)`);
		expect(await q('x')).toEqual([{ a: 1, b: 'x' }]);
		expect(await q('y')).toEqual([{ a: 2, b: 'y' }]); // same text, another value

		// The table replaced by one with other rows and another column: the kept plan is rebound.
		await db.exec(sql`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (5, 'x', 0.5), (6, 'x', 1.5)) v(a, b, c)`);
		expect(await q('x')).toEqual([
			{ a: 5, b: 'x', c: 0.5 },
			{ a: 6, b: 'x', c: 1.5 }
		]);

		// Dropped: the same error a fresh prepare gives; recreated: answers again.
		await db.exec(sql`DROP TABLE t`);
		await expect(q('x')).rejects.toThrow(/Table with name t does not exist/);
		await db.exec(sql`CREATE TABLE t AS SELECT 'x' AS b, 9 AS a`);
		expect(await q('x')).toEqual([{ b: 'x', a: 9 }]);

		// A view redefined over another table.
		await db.exec(sql`CREATE TABLE u AS SELECT 'x' AS b, 10 AS a, 'u' AS src`);
		await db.exec(sql`CREATE VIEW w AS SELECT * FROM t`);
		const viaView = (b: string) => db.query(sql`SELECT * FROM w WHERE b = ${b}`);
		expect(await viaView('x')).toEqual([{ b: 'x', a: 9 }]);
		await db.exec(sql`CREATE OR REPLACE VIEW w AS SELECT * FROM u`);
		expect(await viaView('x')).toEqual([{ b: 'x', a: 10, src: 'u' }]);
		db.close();
	});

	it('hold what their last run built until they are released, and the summaries build releases them first', async () => {
		const db = await openNodeEngine();
		await loadDemoTable(db);
		// DuckDB memory that is not table rows: what queries build (hash tables, a common table expression's rows).
		const held = async () => {
			await new Promise((r) => setTimeout(r, 0)); // closing a statement is not awaited (prepared.ts)
			const [{ b }] = await db.query<{ b: number }>(
				sql`SELECT coalesce(sum(memory_usage_bytes) FILTER (WHERE tag NOT IN ('IN_MEMORY_TABLE', 'BASE_TABLE')), 0)::DOUBLE AS b FROM duckdb_memory()`
			);
			return b;
		};
		const before = await held();
		await attrition(db, { groupBy: 'route' }); // its statement, on the score rows, holds a hash table (10M rows: 950 MB)
		const after = await held();
		expect(after - before).toBeGreaterThan(1e6);
		db.releaseStatements();
		expect(await held()).toBeLessThan(before + 1e5);

		await attrition(db, { groupBy: 'route' });
		const seen: number[] = [];
		const watched: Connector = Object.create(db, { exec: { value: async (q: Sql) => (seen.push(await held()), db.exec(q)) } });
		await buildSummaries(watched, 'demo');
		expect(seen[0]).toBeLessThan(before + 1e5);
		db.close();
	});
});
