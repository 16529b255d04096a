/**
 * A Parquet file's numeric columns are looked up by their numbers (source.ts `numeric`,
 * Dictionaries.add), not their texts. The report must be the one the same rows give as text: the
 * same rows written as a CSV (DuckDB's text of each value) and read by the CSV path, rejected rows
 * with the same line (a Parquet row is its row number, a CSV line one more for the header), column
 * and reason, and the same `report --json`. With -0 and NaN in the score column it falls back to
 * the text join (a number there is not the one number of its text); with whole scores only, by a
 * list of the range's slots.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnector } from '../../src/lib/engine/native';
import { ident, join, sql } from '../../src/lib/engine/sql';
import { importPath, nativeParquet } from '../../src/lib/cli/input';
import { main } from '../../src/lib/cli/main';
import { readFile } from 'node:fs/promises';

const tmp = path.join(os.tmpdir(), `kap-typed-${process.pid}`);
// client_id, route, instrument, phase, then session, week, score (DOUBLE) and series (BIGINT) as texts to cast.
type Row = [string | null, string, string, string, string | null, string | null, string | null, string];
const ROWS: Row[] = [
	['T1', 'iv', 'phq9', 'baseline', '0', null, '20', '1'],
	['T1', 'iv', 'phq9', 'session', '1', null, '15', '1'],
	['T1', 'iv', 'phq9', 'session', '1.5', null, '14', '1'],
	['T1', 'iv', 'phq9', 'session', '-1', null, '13', '1'],
	[null, 'iv', 'phq9', 'session', '2', null, '12', '1'],
	['T2', 'iv', 'phq9', 'baseline', '0', null, '99', '1'],
	['T2', 'iv', 'phq9', 'followup', null, '4', '10', '1'],
	['T2', 'iv', 'phq9', 'followup', null, '-2', '10', '1'],
	['T2', 'iv', 'phq9', 'session', '2', null, '1e21', '1'],
	['T2', 'iv', 'phq9', 'session', '3', null, '10.25', '1'],
	['T3', 'iv', 'phq9', 'session', '1', null, null, '1'],
	['T3', 'iv', 'phq9', 'session', '1', null, '8', '0'],
	['T3', 'iv', 'phq9', 'baseline', '3', null, '8', '2'],
	['T1', 'iv', 'phq9', 'session', '1', null, '15', '1'],
	['T4', 'oral', 'phq9', 'session', '1', '1', '9', '1'],
	['T4', 'iv', 'phq9', 'session', '2', null, '-3', '1']
];
const ODD: Row[] = [
	['T5', 'iv', 'phq9', 'session', '1', null, '-0.0', '1'],
	['T5', 'iv', 'phq9', 'session', '2', null, 'nan', '1']
];
const values = (rows: readonly Row[]) =>
	join(rows.map(([c, r, i, p, se, w, sc, sr]) => sql`(${c}, ${r}, ${i}, ${p}, CAST(${se} AS DOUBLE), CAST(${w} AS DOUBLE), CAST(${sc} AS DOUBLE), CAST(${sr} AS BIGINT))`));

describe('typed Parquet columns', () => {
	let native: NativeConnector;
	beforeAll(async () => {
		native = await NativeConnector.open({ threads: 2 });
	});
	afterAll(async () => {
		native.close();
		for (const ext of ['parquet', 'csv']) for (const k of ['plain', 'odd', 'whole']) await rm(`${tmp}-${k}.${ext}`, { force: true });
	});

	// 'whole': every score a whole number of a short range, ten of them, so the score's entry is found by
	// its slot in a list of the range, not a CASE (lookups.ts `slots`).
	const WHOLE = ROWS.filter((r) => r[6] !== '1e21' && r[6] !== '10.25');
	for (const [k, rows] of [['plain', ROWS], ['odd', [...ROWS, ...ODD]], ['whole', WHOLE]] as const) {
		it(`${k}: the report of the same rows as text (a CSV), error by error, and the same report --json`, async () => {
			const pq = `${tmp}-${k}.parquet`;
			const csv = `${tmp}-${k}.csv`;
			const rel = sql`(SELECT * FROM (VALUES ${values(rows)}) v(client_id, route, instrument, phase, session, week, score, series))`;
			await native.exec(sql`COPY ${rel} TO ${pq} (FORMAT parquet)`);
			await native.exec(sql`COPY (SELECT * FROM read_parquet(${pq})) TO ${csv} (FORMAT csv, HEADER)`);
			const types = await native.query<{ column_type: string }>(sql`DESCRIBE SELECT * FROM read_parquet(${pq})`);
			expect(types.map((t) => t.column_type)).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT']);

			const pqBytes = new Uint8Array(await readFile(pq));
			const source = await nativeParquet(native, 'native', pq, pqBytes);
			expect([...source!.numeric!]).toEqual([4, 5, 6, 7]);
			const a = await importPath(native, 'native', pq, pqBytes, { table: `p_${k}` });
			const b = await importPath(native, 'native', csv, new Uint8Array(await readFile(csv)), { table: `c_${k}` });
			expect(a.report.reader?.note).toMatch(/Parquet reader/);
			expect(b.report.reader?.path).toBe('duckdb');
			expect(a.report.rows_read).toBe(a.report.rows_accepted + a.report.rows_rejected);
			expect(a.report.rows_rejected).toBeGreaterThanOrEqual(10);
			const shifted = b.report.errors.map((e) => ({ ...e, line: e.line - 1, reason: e.reason.replace(/line (\d+)/, (_, l) => `line ${Number(l) - 1}`) }));
			expect(a.report.errors).toEqual(shifted);
			const { reader: _a, format: _f, errors: _e, warnings: wa, ...ra } = a.report;
			const { reader: _b, format: _g, errors: _h, warnings: wb, ...rb } = b.report;
			expect(ra).toEqual(rb);
			expect(wa.length).toBe(wb.length);
			const table = (t: string) => native.query(sql`SELECT * FROM ${ident(t)}`);
			expect(await table(`p_${k}`)).toEqual(await table(`c_${k}`));

			const json = async (file: string) => {
				let out = '';
				expect(await main(['report', file, '--json'], { out: (t) => (out += t), err: () => {} })).toBe(0);
				return out.replaceAll(file, 'FILE').replaceAll(path.basename(file), 'FILE');
			};
			const [jp, jc] = [await json(pq), await json(csv)];
			expect(jp.length).toBeGreaterThan(100);
			expect(normalise(JSON.parse(jp))).toEqual(normalise(JSON.parse(jc)));
		}, 120_000);
	}

	// Item answers stored as small integers are matched on the number, and a rejected one is worded from
	// the stored value's text (run.ts `stored`): the same errors and rows as the same file as text.
	it('items as TINYINT: the same rejections, words and rows as the text of the same file', async () => {
		const pq = `${tmp}-items.parquet`;
		const csv = `${tmp}-items.csv`;
		const answers: (number | null)[][] = [
			[0, 1, 2, 3, 0, 1, 2, 3, 0],
			[3, 3, 3, 3, 3, 3, 3, 3, null],
			[1, 7, 1, 1, 1, 1, 1, 1, 1],
			[1, 1, 1, 1, -1, 1, 1, 1, 9],
			[null, null, null, null, null, 2, 2, 2, 2],
			[2, 2, 2, 2, 2, 2, 2, 2, 2]
		];
		const rows = answers.map((a, i) => sql`(${`I${i}`}, 'iv', 'phq9', ${i ? 'session' : 'baseline'}, CAST(${i} AS INTEGER), ${join(a.map((v) => sql`CAST(${v} AS TINYINT)`))})`);
		const items = join(answers[0].map((_, k) => ident(`item_${k + 1}`)));
		await native.exec(sql`COPY (SELECT * FROM (VALUES ${join(rows)}) v(client_id, route, instrument, phase, session, ${items})) TO ${pq} (FORMAT parquet)`);
		await native.exec(sql`COPY (SELECT * FROM read_parquet(${pq})) TO ${csv} (FORMAT csv, HEADER)`);
		const pqBytes = new Uint8Array(await readFile(pq));
		const a = await importPath(native, 'native', pq, pqBytes, { table: 'p_items' });
		const b = await importPath(native, 'native', csv, new Uint8Array(await readFile(csv)), { table: 'c_items' });
		expect(a.report.reader?.note).toMatch(/Parquet reader/);
		expect(a.report.rows_rejected).toBe(3);
		expect(a.report.errors.map((e) => e.reason)).toContain('item out of range: item 2 of PHQ-9: 7 is outside 0–3');
		expect(a.report.errors).toEqual(b.report.errors.map((e) => ({ ...e, line: e.line - 1 })));
		const table = (t: string) => native.query(sql`SELECT * FROM ${ident(t)}`);
		expect(await table('p_items')).toEqual(await table('c_items'));
		expect((await table('p_items')).length).toBe(3);
		for (const ext of ['parquet', 'csv']) await rm(`${tmp}-items.${ext}`, { force: true });
	}, 120_000);
});

/** A report's JSON without what names the reader or a line of the file (the CSV's header shifts every line by one). */
function normalise(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(normalise);
	if (v && typeof v === 'object')
		return Object.fromEntries(Object.entries(v).filter(([k]) => !['reader', 'format', 'line', 'errors', 'warnings', 'sql'].includes(k)).map(([k, x]) => [k, normalise(x)]));
	return v;
}
