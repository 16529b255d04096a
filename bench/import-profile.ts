/**
 * `tsx bench/import-profile.ts FILE.csv [--reps N] [--js]` — the DuckDB import path
 * (`importWithEngine`) outside the browser, on the browser's engine build (duckdb-wasm's Node
 * bindings, one thread): the prepare scan, then each statement timed, slowest first. `--native`:
 * the command line's import instead (native DuckDB on a temporary file, as `openEngine` opens it; a
 * Parquet file read by path), where the CPU time counts every DuckDB thread. `--js` also
 * times the JavaScript importer (readTable + applyMapping + loadRows) on the same file. Both wall
 * time and this process's CPU time are shown: on a shared machine the CPU time is the steadier
 * figure (the engine runs synchronously in this thread). A development aid for finding which step
 * dominates an import; `npm run bench` is the measurement of record.
 */
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../src/lib/engine/node';
import { applyMapping } from '../src/lib/import/apply';
import { importPreparedCsv, importSource, parquetSource, prepareDelimited } from '../src/lib/import/duck/index';
import { openEngine } from '../src/lib/cli/input';
import { loadRows } from '../src/lib/import/load';
import { readTable } from '../src/lib/import/read';
import { suggestMapping } from '../src/lib/import/suggest';
import { Timed } from './timed';


const ms = (t: number) => `${Math.round(t)} ms`;
/** Wall and CPU (user + system, this process) milliseconds. */
function clock(): { wall: number; cpu: number } {
	const u = process.cpuUsage();
	return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
}
const both = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => `${ms(b.wall - a.wall)} (CPU ${ms(b.cpu - a.cpu)})`;

async function main() {
	const file = process.argv[2];
	const reps = process.argv.includes('--reps') ? Number(process.argv[process.argv.indexOf('--reps') + 1]) : 1;
	const native = process.argv.includes('--native');
	const bytes = native && file.endsWith('.parquet') ? new Uint8Array() : new Uint8Array(readFileSync(file));
	const base = native ? await openEngine('native') : await openNodeEngine();
	for (let rep = 0; rep < reps; rep++) {
		const conn = new Timed(base);
		const t0 = clock();
		let out;
		let t1;
		if (file.endsWith('.parquet')) {
			const source = await parquetSource(conn, file);
			t1 = clock();
			out = await importSource(conn, source, { table: 'ds' });
		} else {
			const prepared = prepareDelimited(bytes, file);
			t1 = clock();
			if (!prepared.ok) throw new Error(`not for DuckDB: ${prepared.reason}`);
			out = await importPreparedCsv(conn, prepared.csv, suggestMapping(prepared.csv.head), 'ds');
		}
		const t2 = clock();
		const r = out.report;
		console.log(`rep ${rep + 1}: total ${both(t0, t2)} = prepare ${both(t0, t1)} + SQL ${both(t1, t2)}; read ${r.rows_read}, accepted ${r.rows_accepted}, rejected ${r.rows_rejected}, warnings ${r.warnings.length}`);
		for (const l of [...conn.log].sort((a, b) => b.cpu - a.cpu).slice(0, 10)) console.log(`  ${ms(l.wall).padStart(9)} (CPU ${ms(l.cpu).padStart(9)})  ${l.sql.replace(/\s+/g, ' ').slice(0, 140)}`);
	}
	if (process.argv.includes('--js')) {
		const t0 = clock();
		const raw = await readTable(bytes, file);
		const t1 = clock();
		const outcome = applyMapping(raw, suggestMapping(raw));
		const t2 = clock();
		await loadRows(base, 'ds_js', outcome);
		const t3 = clock();
		console.log(`javascript: total ${both(t0, t3)} = read ${both(t0, t1)} + map ${both(t1, t2)} + load ${both(t2, t3)}; accepted ${outcome.report.rows_accepted}`);
	}
	base.close();
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
