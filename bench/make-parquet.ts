/**
 * `tsx bench/make-parquet.ts --rows N --out FILE.parquet [--copies K]`
 *
 * The seeded demo generator (src/lib/demo/generate.ts, as `npm run demo-data` and bench/make-data.ts)
 * at registry scale: canonical rows streamed in 100k-row CSV chunks to a temporary file, which native
 * DuckDB then writes as one Parquet file with the canonical column types (zstd). For the command
 * line's scale check (50M score rows; README "Scale").
 *
 * `--copies K` writes the generated cohort K times under new client ids (`C00001~2`, …): the JavaScript
 * generator makes about 30k rows a second, so 50M rows are 1M–5M generated rows copied; each copy is
 * a separate set of clients with the generator's distributions, and the numbers of the copies are
 * the original's (a registry of K identical clinics).
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { DEMO_DEFAULTS, generateClients } from '../src/lib/demo/generate';
import { DEMO_CSV_HEADER, demoCsvLine } from '../src/lib/demo/csv';
import { NativeConnector } from '../src/lib/engine/native';
import { sql } from '../src/lib/engine/sql';
import { readCsvTyped } from '../src/lib/data/demo-table';
import { CANONICAL_SQL_TYPES } from '../src/lib/model/schema';

function arg(name: string): string {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
	return process.argv[i + 1];
}

async function main() {
	const target = Number(arg('rows'));
	const out = arg('out');
	mkdirSync(dirname(out), { recursive: true });
	const tmp = `${out}.tmp.csv`;
	const csv = createWriteStream(tmp, { encoding: 'utf8' });
	const t0 = performance.now();
	csv.write(DEMO_CSV_HEADER + '\n');
	let rows = 0;
	let chunk: string[] = [];
	for (const client of generateClients({ clients: Number.POSITIVE_INFINITY, seed: DEMO_DEFAULTS.seed, sites: DEMO_DEFAULTS.sites })) {
		for (const r of client.rows) chunk.push(demoCsvLine(r));
		rows += client.rows.length;
		if (chunk.length >= 100_000) {
			if (!csv.write(chunk.join('\n') + '\n')) await once(csv, 'drain');
			chunk = [];
		}
		if (rows >= target) break;
	}
	csv.end(chunk.length ? chunk.join('\n') + '\n' : '');
	await finished(csv);
	const t1 = performance.now();
	const header = DEMO_CSV_HEADER.split(',');
	const conn = await NativeConnector.open();
	const copies = process.argv.includes('--copies') ? Number(arg('copies')) : 1;
	// each copy gets new client ids: a separate set of clients with the generator's distributions
	const typed = readCsvTyped(tmp, header, CANONICAL_SQL_TYPES);
	await conn.exec(sql`COPY (SELECT * EXCLUDE (copy) REPLACE (CASE WHEN copy = 1 THEN client_id ELSE client_id || '~' || copy END AS client_id) FROM (${typed}), range(1, ${copies + 1}) r(copy)) TO ${out} (FORMAT parquet, COMPRESSION zstd)`);
	rows *= copies;
	conn.close();
	rmSync(tmp);
	console.log(`${rows} rows → ${out} (generate ${((t1 - t0) / 1000).toFixed(1)} s, parquet ${((performance.now() - t1) / 1000).toFixed(1)} s)`);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(2);
});
