import { describe, expect, it, beforeAll } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';

describe('node engine (same duckdb-wasm as the browser)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});

	it('runs the browser engine version', async () => {
		const [row] = await db.query<{ v: string }>(sql`SELECT version() AS v`);
		expect(row.v).toBe('v1.4.3');
	});

	it('returns plain numbers, never BigInt', async () => {
		const [row] = await db.query<{ n: number; s: number }>(sql`SELECT count(*) AS n, sum(x) AS s FROM range(10) t(x)`);
		expect(row).toEqual({ n: 10, s: 45 });
	});

	it('never fetches extensions: read_parquet fails fast instead of hanging', async () => {
		await expect(db.query(sql`SELECT * FROM read_parquet('nope.parquet')`)).rejects.toThrow(/parquet/i);
	});
});
