/**
 * A Parquet column stored as numbers has its distinct texts made from its distinct values (dict.ts
 * readTexts with `values`), not from every cell made text. Same texts as every cell made text, where a
 * value has two texts too: a double's -0.0 and 0.0 (one value), NaN; and integer columns, whose zero
 * has one text. Checked on native DuckDB (the command line's engine) and the wasm engine.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeConnector } from '../../src/lib/engine/native';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import type { Connector } from '../../src/lib/engine/connector';
import { readTexts } from '../../src/lib/import/duck/dict';

const file = path.join(os.tmpdir(), `kap-distinct-${process.pid}.parquet`);
const VALUES = sql`(VALUES (-0.0::DOUBLE, 0::INTEGER, 1::BIGINT), (0.0, -0, 2), ('NaN'::DOUBLE, 5, 2), (-('NaN'::DOUBLE), 5, NULL),
	(2.5, NULL, 3), (1e300, 7, 3), ('-inf'::DOUBLE, 7, 0), (NULL, 0, 0), (0.1 + 0.2, 1, 1)) t(d, i, b)`;

async function both(conn: Connector, reader: ReturnType<typeof sql>) {
	const cols = [0, 1, 2];
	const looked = new Map(cols.map((i) => [i, ident(`c${i}`)]));
	const byCell = await readTexts(conn, reader, sql`TRUE`, looked, new Map(), new Set(), true);
	const byValue = await readTexts(conn, reader, sql`TRUE`, looked, new Map(), new Set(), true, new Map(cols.map((i) => [i, { stored: ident(`o${i}`), double: i === 0 }])));
	const sorted = (t: typeof byCell) => [...t.distinct].map(([i, v]) => [i, [...v].sort()]);
	return { byCell: sorted(byCell), byValue: sorted(byValue) };
}

describe('distinct texts of a number column from its distinct values', () => {
	it('equal the texts of every cell, -0.0, 0.0 and NaN included', async () => {
		const native = await NativeConnector.open({ threads: 2 });
		try {
			await native.exec(sql`COPY (SELECT * FROM ${VALUES}) TO ${file} (FORMAT parquet)`);
			const reader = sql`(SELECT file_row_number AS ord, CAST(d AS VARCHAR) AS c0, CAST(i AS VARCHAR) AS c1, CAST(b AS VARCHAR) AS c2, d AS o0, i AS o1, b AS o2 FROM read_parquet(${file}, file_row_number = true))`;
			const n = await both(native, reader);
			expect(n.byValue).toEqual(n.byCell);
			// -0.0 and 0.0 both there: one value, two texts
			expect(n.byCell[0][1]).toEqual(expect.arrayContaining(['-0.0', '0.0', 'nan', '2.5']));
			const wasm = await openNodeEngine();
			try {
				await wasm.exec(sql`CREATE TABLE src AS SELECT row_number() OVER () - 1 AS ord, * FROM ${VALUES}`);
				const w = await both(wasm, sql`(SELECT ord, CAST(d AS VARCHAR) AS c0, CAST(i AS VARCHAR) AS c1, CAST(b AS VARCHAR) AS c2, d AS o0, i AS o1, b AS o2 FROM src)`);
				expect(w.byValue).toEqual(w.byCell);
			} finally {
				wasm.close();
			}
		} finally {
			native.close();
			await rm(file, { force: true });
		}
	});
});
