/**
 * The native engine (DuckDB for Node, used by the command line on large files) and the wasm engine
 * (what the browser runs) give the same report on the reference datasets. Floating-point sums may
 * be added in another order by native DuckDB's threads, so non-integers compare to 1e-9 relative —
 * except the mixed models, fitted by an optimiser from sums whose last bits differ, which agree to its
 * convergence tolerance (1e-6 relative); every count, label and integer is identical.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir';
import { NativeConnector } from '../../src/lib/engine/native';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, list, sql } from '../../src/lib/engine/sql';
import { importFile, loadRows, parseMapping } from '../../src/lib/import/index';
import { buildReport, type ReportOptions } from '../../src/lib/metrics/report';
import { main } from '../../src/lib/cli/main';

const ROOT = path.resolve(__dirname, '../..');
const CASES: { name: string; file: string; mapping: string; opts: ReportOptions }[] = [
	{ name: 'riesby', file: 'tests/fixtures/refdata/riesby/riesby.dat', mapping: 'mappings/riesby.json', opts: { groupBy: 'endog' } },
	{ name: 'btheb', file: 'tests/fixtures/refdata/btheb/BtheB.csv', mapping: 'mappings/btheb.json', opts: { groupBy: 'treatment' } },
	{ name: 'claus2020', file: 'tests/fixtures/refdata/claus2020/claus-2020.xlsx', mapping: 'mappings/claus2020.json', opts: { groupBy: 'treatment' } }
];

/** Deep comparison: integers and strings exactly, other numbers to 1e-9 relative. */
function expectSame(a: unknown, b: unknown, where = '$'): void {
	if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
		const tol = (where.startsWith('$.models') ? 1e-6 : 1e-9) * Math.max(1, Math.abs(a), Math.abs(b));
		if (Math.abs(a - b) > tol) throw new Error(`${where}: ${a} vs ${b}`);
		return;
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		expect(b.length, where).toBe(a.length);
		a.forEach((x, i) => expectSame(x, b[i], `${where}[${i}]`));
		return;
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		expect(Object.keys(b).sort(), where).toEqual(Object.keys(a).sort());
		for (const k of Object.keys(a)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
		return;
	}
	expect(b, where).toEqual(a);
}

describe('native DuckDB vs duckdb-wasm', () => {
	for (const c of CASES) {
		it(`gives the same report on ${c.name}`, async () => {
			const bytes = new Uint8Array(await readFile(path.join(ROOT, c.file)));
			const m = parseMapping(JSON.parse(await readFile(path.join(ROOT, c.mapping), 'utf8')));
			if (!m.ok) throw new Error(m.error);
			const outcome = await importFile(bytes, path.basename(c.file), { mapping: m.mapping });
			const wasm = await openNodeEngine();
			const native = await NativeConnector.open({ threads: 2 });
			try {
				await loadRows(wasm, 'scores', outcome);
				await loadRows(native, 'scores', outcome);
				const a = await buildReport(wasm, c.opts);
				const b = await buildReport(native, c.opts);
				expect(a.response.length).toBeGreaterThan(0);
				const { sql: _a, ...ra } = a;
				const { sql: _b, ...rb } = b;
				expectSame(JSON.parse(JSON.stringify(ra)), JSON.parse(JSON.stringify(rb)));
			} finally {
				wasm.close();
				native.close();
			}
		});
	}

	// The command line end to end: each engine imports the file itself (DuckDB's CSV reader for BtheB and
	// the demo-shaped fixture, the JavaScript reader for the .dat and .xlsx) and prints the same JSON.
	const CLI_CASES: [string, string[]][] = [
		...CASES.map((c): [string, string[]] => [c.name, [c.file, '--mapping', c.mapping, '--group-by', c.opts.groupBy!, '--min-cell', '0']]),
		['BtheB, --model mmrm, cells under 11 withheld', ['tests/fixtures/refdata/btheb/BtheB.csv', '--mapping', 'mappings/btheb.json', '--group-by', 'treatment', '--model', 'mmrm', '--min-cell', '11']],
		['a canonical long file, no mapping', ['tests/fixtures/import/canonical.csv']],
		['dosing-session records (the safety section)', ['tests/fixtures/sessions/sessions.csv']]
	];
	for (const [name, args] of CLI_CASES) {
		it(`report --engine native and --engine wasm print the same JSON: ${name}`, async () => {
			const run = async (engine: string) => {
				let out = '';
				let err = '';
				const code = await main(['report', ...args.map((a) => (a.includes('/') ? path.join(ROOT, a) : a)), '--json', '--engine', engine], { out: (t) => (out += t), err: (t) => (err += t) });
				expect(err).toBe('');
				expect(code).toBe(0);
				const { sql: _s, ...r } = JSON.parse(out);
				return r;
			};
			const wasm = await run('wasm');
			const native = await run('native');
			expect(wasm.response?.length ?? wasm.safety.counts.length).toBeGreaterThan(0);
			expectSame(wasm, native);
		}, 120_000);
	}

	it('reads CSV, Parquet and JSON by path itself, with hostile values bound', async () => {
		const native = await NativeConnector.open({ threads: 1 });
		const dir = path.join(ROOT, 'tests/fixtures/refdata/btheb');
		const csv = path.join(dir, 'BtheB.csv');
		const rows = await native.query<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM read_csv(${csv}, header = true)`);
		expect(rows).toEqual([{ n: 100 }]);
		const tmp = path.join(tempDir('kap-native-'), 'btheb');
		await native.exec(sql`COPY (SELECT * FROM read_csv(${csv}, header = true)) TO ${tmp + '.parquet'} (FORMAT parquet)`);
		await native.exec(sql`COPY (SELECT * FROM read_csv(${csv}, header = true)) TO ${tmp + '.json'} (FORMAT json)`);
		expect(await native.query(sql`SELECT count(*)::INTEGER AS n FROM read_parquet(${tmp + '.parquet'})`)).toEqual([{ n: 100 }]);
		expect(await native.query(sql`SELECT count(*)::INTEGER AS n FROM read_json(${tmp + '.json'})`)).toEqual([{ n: 100 }]);
		const hostile = "TAU'; DROP TABLE x; --*/";
		await native.exec(sql`CREATE TABLE x AS SELECT * FROM read_csv(${csv}, header = true)`);
		expect(await native.query(sql`SELECT count(*)::INTEGER AS n FROM ${ident('x')} WHERE treatment IN (${list([hostile, 'TAU'])})`)).toEqual([{ n: 48 }]);
		expect(await native.query(sql`SELECT count(*)::INTEGER AS n FROM x`)).toEqual([{ n: 100 }]);
		native.close();
	});

	it('reads a Parquet file rewritten at the same path anew (its footers are cached: NativeConnector.open)', async () => {
		const native = await NativeConnector.open({ threads: 1 });
		const file = path.join(tempDir('kap-native-'), 'same.parquet');
		const count = async () => (await native.query<{ n: number; top: number }>(sql`SELECT count(*)::INTEGER AS n, max(v)::INTEGER AS top FROM read_parquet(${file})`))[0];
		await native.exec(sql`COPY (SELECT range AS v FROM range(10)) TO ${file} (FORMAT parquet)`);
		expect(await count()).toEqual({ n: 10, top: 9 });
		// At once, within the same second: a cache keyed by the file's modification time alone would serve the old footer.
		await native.exec(sql`COPY (SELECT range * 2 AS v FROM range(25)) TO ${file} (FORMAT parquet)`);
		expect(await count()).toEqual({ n: 25, top: 48 });
		native.close();
	});
});
