/**
 * Arrow IPC inserted in slices of rows (src/lib/engine/arrow-slices.ts): the same table as the stream
 * inserted whole, row for row, on the real engine; cuts inside a record batch, dictionary-encoded
 * columns, an empty stream; and the engine's own insert of a stream past one slice.
 */
import { describe, expect, it, vi } from 'vitest';
import { Dictionary, Int32, RecordBatchReader, tableFromArrays, tableToIPC, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { arrowSlices, ARROW_SLICE_ROWS, insertInSlices } from '../../src/lib/engine/arrow-slices';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { toArrowIPC } from '../../src/lib/import/arrow';
import type { CanonicalRow } from '../../src/lib/import/types';

const row = (i: number): CanonicalRow =>
	({
		client_id: `C${i % 997}`, series: 1 + (i % 3), route: ['iv', 'im', 'troche'][i % 3], instrument: 'phq9', phase: i % 2 ? 'session' : 'baseline',
		session: i % 2, week: null, score: i % 28, prorated: i % 5 === 0, site: i % 7 ? 'north' : null, item_1: i % 4
	}) as unknown as CanonicalRow;

const rowsOf = (ipc: Uint8Array) => [...RecordBatchReader.from(ipc)].reduce((n, b) => n + b.numRows, 0);

async function sameTable(db: Awaited<ReturnType<typeof openNodeEngine>>, a: string, b: string) {
	const [d] = await db.query<{ only_a: number; only_b: number; n: number }>(sql`SELECT
		(SELECT count(*) FROM (SELECT * FROM ${ident(a)} EXCEPT ALL SELECT * FROM ${ident(b)}))::INTEGER AS only_a,
		(SELECT count(*) FROM (SELECT * FROM ${ident(b)} EXCEPT ALL SELECT * FROM ${ident(a)}))::INTEGER AS only_b,
		(SELECT count(*) FROM ${ident(a)})::INTEGER AS n`);
	return d;
}

describe('Arrow IPC in slices of rows', () => {
	it('slices of a multi-batch stream, cut inside batches, insert to the same table as the whole stream', async () => {
		const ipc = toArrowIPC({ rows: Array.from({ length: 150_001 }, (_, i) => row(i)), extraColumns: [] });
		const batches = [...RecordBatchReader.from(ipc)].map((b) => b.numRows);
		const max = 40_001; // divides no batch: every slice boundary falls inside a batch
		expect(batches.length).toBeGreaterThan(1);
		const slices = [...arrowSlices(ipc, max)];
		expect(slices.map(rowsOf)).toEqual([40_001, 40_001, 40_001, 29_998]);
		const db = await openNodeEngine();
		await db.insertArrowIPC('whole', ipc, true);
		for (const [i, s] of slices.entries()) await db.insertArrowIPC('sliced', s, i === 0);
		expect(await sameTable(db, 'whole', 'sliced')).toEqual({ only_a: 0, only_b: 0, n: 150_001 });
		const types = async (t: string) => (await db.query<{ column_type: string }>(sql`DESCRIBE ${ident(t)}`)).map((r) => r.column_type);
		expect(await types('sliced')).toEqual(await types('whole'));
	}, 60_000);

	it('dictionary-encoded columns keep their values in every slice', async () => {
		const n = 10_000;
		const words = Array.from({ length: n }, (_, i) => ['alpha', 'beta', null, 'gamma'][i % 4]);
		const t = new Table({ word: vectorFromArray(words, new Dictionary(new Utf8(), new Int32())), k: vectorFromArray(Int32Array.from({ length: n }, (_, i) => i)) });
		const ipc = tableToIPC(t, 'stream');
		const db = await openNodeEngine();
		await db.insertArrowIPC('whole', ipc, true);
		const slices = [...arrowSlices(ipc, 3_333)];
		expect(slices).toHaveLength(4);
		for (const [i, s] of slices.entries()) await db.insertArrowIPC('sliced', s, i === 0);
		expect(await sameTable(db, 'whole', 'sliced')).toEqual({ only_a: 0, only_b: 0, n });
		const [g] = await db.query<{ gamma: number; nulls: number }>(sql`SELECT count(*) FILTER (word = 'gamma')::INTEGER AS gamma, count(*) FILTER (word IS NULL)::INTEGER AS nulls FROM sliced`);
		expect(g).toEqual({ gamma: 2_500, nulls: 2_500 });
	});

	it('a stream within one slice, or empty, is passed as given', () => {
		const small = toArrowIPC({ rows: [row(1), row(2)], extraColumns: [] });
		expect([...arrowSlices(small, 2)]).toEqual([small]);
		const empty = toArrowIPC({ rows: [], extraColumns: [] });
		expect([...arrowSlices(empty)]).toEqual([empty]);
	});

	it("the engine inserts a stream past one slice in slices, and leaves the caller's bytes as they were", async () => {
		const n = ARROW_SLICE_ROWS + 12_345;
		const ipc = tableToIPC(tableFromArrays({ k: Int32Array.from({ length: n }, (_, i) => i), v: Float64Array.from({ length: n }, (_, i) => i / 8) }), 'stream');
		const before = ipc.slice();
		expect([...arrowSlices(ipc)].map(rowsOf)).toEqual([ARROW_SLICE_ROWS, 12_345]);
		const db = await openNodeEngine();
		// the engine's own Arrow insert is called once per slice, the first creating the table
		const engineInsert = vi.spyOn((db as unknown as { conn: { insertArrowFromIPCStream: (b: Uint8Array, o: { create: boolean }) => void } }).conn, 'insertArrowFromIPCStream');
		await db.insertArrowIPC('big', ipc, true);
		expect(engineInsert.mock.calls.map(([b, o]) => [rowsOf(b), o.create])).toEqual([[ARROW_SLICE_ROWS, true], [12_345, false]]);
		const [s] = await db.query<{ n: number; k: number; v: number }>(sql`SELECT count(*)::INTEGER AS n, sum(k)::DOUBLE AS k, sum(v) AS v FROM big`);
		// sum of 0..n-1 = n(n-1)/2; v = k/8
		expect(s).toEqual({ n, k: (n * (n - 1)) / 2, v: (n * (n - 1)) / 16 });
		expect(Buffer.compare(Buffer.from(ipc), Buffer.from(before))).toBe(0);
	}, 60_000);

	it('a table created by a failing insert is dropped; an existing one is left alone', async () => {
		const ipc = toArrowIPC({ rows: Array.from({ length: 25 }, (_, i) => row(i)), extraColumns: [] });
		expect([...arrowSlices(ipc, 10)]).toHaveLength(3);
		// through insertInSlices with slices of 10 rows: the stub engine takes each slice, failing on the one given
		const run = async (create: boolean, failAt: number) => {
			const calls: boolean[] = [];
			const drop = vi.fn(async () => {});
			const insertOne = async (_part: Uint8Array, first: boolean) => {
				calls.push(first);
				if (calls.length === failAt) throw new Error('no room');
			};
			const outcome = await insertInSlices(ipc, create, insertOne, drop, 10).then(() => 'ok', (e: Error) => e.message);
			return { outcome, calls, dropped: drop.mock.calls.length };
		};
		expect(await run(true, 0)).toEqual({ outcome: 'ok', calls: [true, false, false], dropped: 0 });
		expect(await run(true, 2)).toEqual({ outcome: 'no room', calls: [true, false], dropped: 1 });
		// the first slice failed: the table may be someone else's (CREATE failed on it), so it stays
		expect(await run(true, 1)).toEqual({ outcome: 'no room', calls: [true], dropped: 0 });
		// appending: nothing was created here, nothing is dropped
		expect(await run(false, 2)).toEqual({ outcome: 'no room', calls: [false, false], dropped: 0 });
	});
});
