/**
 * The command line on native DuckDB reads a Parquet file by path (`parquetSource`), so a registry
 * larger than a browser tab never becomes JavaScript rows. Its import report must be the one the
 * hand-written expectations of the bad-file corpus give (tests/fixtures/bad-files/*.expected.json,
 * written for the CSV: a Parquet row's line is its 1-based row number, the CSV line minus the header)
 * and the one the JavaScript Parquet reader gives on the wasm engine.
 */
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnector } from '../../src/lib/engine/native';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importPath, nativeParquet } from '../../src/lib/cli/input';

const ROOT = path.resolve(__dirname, '../..');
const CASES = ['duplicate-rows', 'scores-out-of-range', 'negative-session', 'unknown-route-instrument', 'missing-client-id'];
const tmp = path.join(os.tmpdir(), `kap-parquet-${process.pid}`);

describe('Parquet by path on native DuckDB', () => {
	let native: NativeConnector;
	beforeAll(async () => {
		native = await NativeConnector.open({ threads: 2 });
	});
	afterAll(async () => {
		native.close();
		for (const c of CASES) await rm(`${tmp}-${c}.parquet`, { force: true });
	});

	for (const name of CASES) {
		it(`${name}: the report of the hand-written expectation, and of the JavaScript reader`, async () => {
			const csv = path.join(ROOT, 'tests/fixtures/bad-files', `${name}.csv`);
			const file = `${tmp}-${name}.parquet`;
			// DuckDB's own typing of the CSV (a numeric score column stays numeric, "abc" makes it text)
			await native.exec(sql`COPY (SELECT * FROM read_csv(${csv}, header = true)) TO ${file} (FORMAT parquet)`);
			const bytes = new Uint8Array(await readFile(file));
			const expected = JSON.parse(await readFile(path.join(ROOT, 'tests/fixtures/bad-files', `${name}.expected.json`), 'utf8'));

			expect(await nativeParquet(native, 'native', file, bytes)).toBeDefined();
			const byPath = await importPath(native, 'native', file, bytes, { table: `t_${name.replaceAll('-', '_')}` });
			expect(byPath.report.reader?.note).toMatch(/Parquet reader/);
			const shifted = (errors: { line: number; column: string | null; reason: string }[]) =>
				errors.map((e) => ({ ...e, line: e.line - 1, reason: e.reason.replace(/line (\d+)/, (_, l) => `line ${Number(l) - 1}`) }));
			expect(byPath.report).toMatchObject({ rows_read: expected.rows_read, rows_accepted: expected.rows_accepted, rows_rejected: expected.rows_rejected });
			expect(byPath.report.errors).toEqual(shifted(expected.errors));
			const [{ n }] = await native.query<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM ${ident(`t_${name.replaceAll('-', '_')}`)}`);
			expect(n).toBe(expected.rows_accepted);

			const wasm = await openNodeEngine();
			try {
				expect(await nativeParquet(wasm, 'wasm', file, bytes)).toBeUndefined();
				const js = await importPath(wasm, 'wasm', file, bytes, { table: 'scores' });
				expect(js.report.reader?.path).toBe('javascript');
				const { reader: _a, format: _f, ...a } = byPath.report;
				const { reader: _b, format: _g, ...b } = js.report;
				expect(a).toEqual(b);
			} finally {
				wasm.close();
			}
		}, 60_000);
	}
});

/*
 * A CSV on native DuckDB goes through DuckDB's own CSV reader (the registered file is written to the
 * connector's own directory, DuckDB's file search path), not silently through the JavaScript
 * importer, and its report is the hand-written expectation's.
 */
describe('CSV through DuckDB\'s reader on native DuckDB', () => {
	let native: NativeConnector;
	beforeAll(async () => {
		native = await NativeConnector.open({ threads: 2 });
	});
	afterAll(() => native.close());

	for (const name of CASES) {
		it(`${name}: read by DuckDB, the report of the hand-written expectation`, async () => {
			const file = path.join(ROOT, 'tests/fixtures/bad-files', `${name}.csv`);
			const expected = JSON.parse(await readFile(path.join(ROOT, 'tests/fixtures/bad-files', `${name}.expected.json`), 'utf8'));
			const table = `c_${name.replaceAll('-', '_')}`;
			const r = await importPath(native, 'native', file, new Uint8Array(await readFile(file)), { table });
			expect(r.report.reader?.path).toBe('duckdb');
			expect(r.report).toMatchObject({ rows_read: expected.rows_read, rows_accepted: expected.rows_accepted, rows_rejected: expected.rows_rejected });
			expect(r.report.errors).toEqual(expected.errors);
		}, 60_000);
	}

	it('a registered file name is a name, never a path', async () => {
		for (const bad of ['../escape.csv', '/etc/passwd', 'a/b.csv', '..', '.', '', 'x\0.csv']) {
			await expect(native.registerFile(bad, new Uint8Array([1]))).rejects.toThrow(/not a file name/);
		}
		await native.registerFile('ok.csv', new TextEncoder().encode('a,b\n1,2\n'));
		expect(await native.query<{ a: number }>(sql`SELECT a::INTEGER AS a FROM read_csv(${'ok.csv'})`)).toEqual([{ a: 1 }]);
		await native.dropFile('ok.csv');
		await expect(native.query(sql`SELECT * FROM read_csv(${'ok.csv'})`)).rejects.toThrow();
	});
});
