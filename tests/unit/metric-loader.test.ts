// MetricLoader query hygiene: one request in flight per chart, superseded results dropped,
// requests superseded before they start never run.
import { describe, expect, it } from 'vitest';
import { MetricLoader } from '../../src/lib/data/metric.svelte';
import { CachingConnector } from '../../src/lib/data/cached';
import type { Connector } from '../../src/lib/engine/connector';
import { sql } from '../../src/lib/engine/sql';

function deferred<T>() {
	let resolve!: (v: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

describe('MetricLoader', () => {
	it('keeps only the newest result and never starts a request superseded while waiting', async () => {
		const loader = new MetricLoader<number>();
		const started: number[] = [];
		const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
		const job = (k: number) => async () => {
			started.push(k);
			await gates[k].promise;
			return { rows: [k], sql: sql`SELECT ${k}` };
		};
		const r0 = loader.run(job(0));
		const r1 = loader.run(job(1)); // superseded by 2 before 0 finishes: must never start
		const r2 = loader.run(job(2));
		await Promise.resolve();
		expect(started).toEqual([0]); // one in flight
		gates[0].resolve();
		gates[2].resolve();
		await Promise.all([r0, r1, r2]);
		expect(started).toEqual([0, 2]);
		expect(loader.rows).toEqual([2]);
		expect(loader.sql).toEqual([{ text: 'SELECT $1', params: ['$1 = 2'] }]);
		expect(loader.loading).toBe(false);
	});

	it('applies a result in a later task than the one its computation finished in', async () => {
		// The next task is granted by the test (`scheduler.yield`, as the browser's): until then, however
		// many turns pass, the computation has finished and its result is not applied.
		const g = globalThis as { scheduler?: { yield: () => Promise<void> } };
		const granted = deferred<void>();
		let asked = 0;
		g.scheduler = { yield: () => (asked++, granted.promise) };
		try {
			const loader = new MetricLoader<number>();
			const done = loader.run(async () => ({ rows: [7], sql: sql`SELECT 7` }));
			await new Promise((r) => setTimeout(r, 10));
			expect(asked).toBe(1);
			expect(loader.rows).toEqual([]);
			expect(loader.loading).toBe(true);
			granted.resolve();
			await done;
			expect(loader.rows).toEqual([7]);
			expect(loader.loading).toBe(false);
		} finally {
			delete g.scheduler;
		}
	});

	it('drops a superseded error and recovers after a failure', async () => {
		const loader = new MetricLoader<number>();
		await loader.run(async () => {
			throw new Error('boom');
		});
		expect(loader.error).toBe('boom');
		await loader.run(async () => ({ rows: [1], sql: sql`SELECT 1` }));
		expect(loader.error).toBeNull();
		expect(loader.rows).toEqual([1]);
	});
});

describe('CachingConnector', () => {
	it('shares identical SQL, logs misses when asked, and clears on data change', async () => {
		let calls = 0;
		const inner = { query: async () => [{ n: ++calls }], exec: async () => {}, registerFile: async () => {}, dropFile: async () => {}, insertArrowIPC: async () => {} } as unknown as Connector;
		const c = new CachingConnector(inner);
		c.log = [];
		const [a, b] = await Promise.all([c.query(sql`SELECT 1`), c.query(sql`SELECT 1`)]);
		expect(a).toBe(b);
		expect(c.log).toEqual([{ text: 'SELECT 1', params: [] }]);
		await c.exec(sql`CREATE TABLE t (x INT)`);
		await c.query(sql`SELECT 1`);
		expect(calls).toBe(2);
	});
});
