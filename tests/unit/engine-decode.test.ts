/**
 * decodeRows reads an Arrow result column by column (issue 11: large results such as the cohorts'
 * client-series summary). It must give exactly the rows Arrow's own row-by-row reading gives
 * (`toArray()` and each row's `toJSON()`, then BigInt → number and Date → epoch ms), nulls included,
 * over several record batches: checked on the real engine's results and on tables built by hand.
 */
import { describe, expect, it } from 'vitest';
import { makeTable, RecordBatch, Table, tableFromArrays, vectorFromArray, Bool, Dictionary, Float64, Int32, Int64, Utf8, DateMillisecond } from 'apache-arrow';
import { decodeRows, type ArrowColumns } from '../../src/lib/engine/connector';
import { openNodeEngine } from '../../src/lib/engine/node';

/** The reading decodeRows replaced: Arrow's row proxies. */
function byRows(t: Table): Record<string, unknown>[] {
	return t.toArray().map((r) => {
		const json = r.toJSON() as Record<string, unknown>;
		for (const k in json) {
			const v = json[k];
			json[k] = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : ['number', 'string', 'boolean'].includes(typeof v) ? v : String(v);
		}
		return json;
	});
}

describe('decodeRows', () => {
	it('hand-built batches with nulls in every type: the rows Arrow reads row by row', () => {
		const batch = (k: number) =>
			new RecordBatch({
				i: vectorFromArray([1, null, 3 + k], new Int32()).data[0],
				x: vectorFromArray([0.1, 2.5, null], new Float64()).data[0],
				s: vectorFromArray(['a', null, `c${k}`], new Utf8()).data[0],
				b: vectorFromArray([true, null, false], new Bool()).data[0],
				big: vectorFromArray([1n, null, 2n ** 40n], new Int64()).data[0],
				t: vectorFromArray([new Date(86_400_000), null, new Date(0)], new DateMillisecond()).data[0]
			});
		const t = new Table([batch(0), batch(1)]);
		expect(t.batches.length).toBe(2);
		const rows = decodeRows(t as unknown as ArrowColumns);
		expect(rows).toEqual(byRows(t));
		expect(rows[1]).toEqual({ i: null, x: 2.5, s: null, b: null, big: null, t: null });
		expect(rows[5].big).toBe(2 ** 40);
		// Dictionary-encoded text (as DuckDB sends an ENUM), in a table of its own (each batch would get its own dictionary).
		const dict = new Table({ d: vectorFromArray(['u', 'v', null, 'u'], new Dictionary(new Utf8(), new Int32())) });
		expect(decodeRows(dict as unknown as ArrowColumns)).toEqual(byRows(dict));
		expect(decodeRows(dict as unknown as ArrowColumns).map((r) => r.d)).toEqual(['u', 'v', null, 'u']);
		expect(decodeRows(makeTable({ n: new Int32Array(0) }) as unknown as ArrowColumns)).toEqual([]);
		expect(decodeRows(tableFromArrays({ n: new Float64Array([1, 2]) }) as unknown as ArrowColumns)).toEqual([{ n: 1 }, { n: 2 }]);
	});

	it("the engine's results, lists and structs included, over many batches: the same rows as reading row by row", async () => {
		const db = await openNodeEngine();
		// The Arrow table the connector decodes (its query runs the statement and decodes this).
		const raw = (db as unknown as { conn: { query(text: string): Table } }).conn;
		const t = raw.query(`SELECT i, i * 0.5 AS x, CASE WHEN i % 3 = 0 THEN NULL ELSE 'c' || i END AS s, i % 2 = 0 AS even,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i::BIGINT * 1000000 END AS big, DATE '2026-01-01' + (i % 40)::INTEGER AS day,
  [i, i + 1] AS l, {'s': i, 'score': i % 7} AS st, (i % 4)::DECIMAL(6, 2) AS dec
FROM range(0, 5000) r(i)`);
		expect(t.batches.length).toBeGreaterThan(1);
		const rows = decodeRows(t as unknown as ArrowColumns);
		expect(rows.length).toBe(5000);
		expect(rows).toEqual(byRows(t));
		db.close();
	});
});
