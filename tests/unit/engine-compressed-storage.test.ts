/**
 * The in-memory engines keep the score rows compressed and the summaries not (connector.ts
 * COMPRESSED_STORAGE): a tab's wasm memory is a fixed 4 GiB and at 10M score rows an uncompressed table
 * left too little for the views' queries; the summaries are small, rewritten whole (built, or copied
 * back from the kept file) and read by every click, and compressing them cost CPU on every write.
 * DuckDB's own storage report says how each column segment is stored; in a plain in-memory database
 * every segment is 'Uncompressed', which is what the score rows would show if the setup were gone.
 * (A million rows: a table of a few row groups is left uncompressed until it grows.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../src/lib/engine/connector';
import { NativeConnector } from '../../src/lib/engine/native';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';
import { withAttachedFile, writeTablesFile } from '../../src/lib/data/keep';
import { buildSummaries, summaryTables } from '../../src/lib/metrics/summaries';
import { restoreSummaries, summaryInfo, summaryTableRows } from '../../src/lib/metrics/summary-kept';

const template = new Uint8Array(readFileSync(path.resolve(__dirname, '../../src/lib/data/empty.duckdb')));

/** A million score rows: 50,000 client-series of one baseline, 12 dosing sessions and 7 follow-ups each. */
const SCORES = sql`SELECT 'client-' || (i // 20) AS client_id, 1 AS series, 'phq9' AS instrument, ['iv', 'im', 'oral'][i // 20 % 3 + 1] AS route,
  CASE WHEN i % 20 = 0 THEN 'baseline' WHEN i % 20 <= 12 THEN 'session' ELSE 'followup' END AS phase,
  CASE WHEN i % 20 BETWEEN 1 AND 12 THEN i % 20 END AS session, CASE WHEN i % 20 > 12 THEN (i % 20 - 12) * 4 END AS week,
  ((i * 7 + i // 20) % 28)::DOUBLE AS score
FROM range(1000000) t(i)`;

const kinds = async (db: Connector, t: string) =>
	(await db.query<{ c: string }>(sql`SELECT DISTINCT compression AS c FROM pragma_storage_info(${t}) WHERE compression NOT LIKE '%Validity%' ORDER BY 1`)).map((r) => r.c);

/** Database and schema of each table named `name…`, as `database.schema.table`. */
const homes = async (db: Connector, prefix: string) =>
	(
		await db.query<{ t: string }>(
			sql`SELECT database_name || '.' || schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE starts_with(table_name, ${prefix}) ORDER BY table_name`
		)
	).map((r) => r.t);

describe('compressed in-memory storage', () => {
	it('a table made on the engine is stored compressed, a temporary one is not', async () => {
		const db = await openNodeEngine();
		const rows = sql`SELECT i % 7 AS route, 'client-' || (i // 12) AS client_id, (i % 40)::DOUBLE AS score FROM range(1000000) t(i)`;
		await db.exec(sql`CREATE TABLE scores_t AS ${rows}`);
		await db.exec(sql`CREATE TEMP TABLE scratch_t AS ${rows}`);
		expect(await kinds(db, 'scores_t')).not.toEqual(['Uncompressed']);
		expect(await kinds(db, 'scratch_t')).toEqual(['Uncompressed']);
		db.close();
	});

	it('the score rows are compressed, their summaries are in the plain in-memory database, built or copied back', async () => {
		const db = await openNodeEngine();
		await db.exec(sql`CREATE TABLE ds AS ${SCORES}`);
		const built = await buildSummaries(db, 'ds');
		expect(built.rows.cs).toBe(50_000);
		const names = Object.values(summaryTables('ds')).sort();
		expect(await homes(db, 'ds')).toEqual(['kap_data.main.ds', ...names.map((n) => `memory.kap_summaries.${n}`)]);
		expect(await kinds(db, 'ds')).not.toEqual(['Uncompressed']);
		expect(await kinds(db, 'ds__cube')).toEqual(['Uncompressed']);
		expect(await kinds(db, 'ds__cs')).toEqual(['Uncompressed']);
		// Copied back from a kept file (kept-summaries.ts), they land in the same place.
		const file = await writeTablesFile(db, summaryTableRows(built), template);
		const again = await openNodeEngine();
		await again.exec(sql`CREATE TABLE ds AS ${SCORES}`);
		expect(await withAttachedFile(again, file.bytes, (relation, name) => restoreSummaries(again, 'ds', { relation, name }, summaryInfo(built)))).not.toBeNull();
		expect(await homes(again, 'ds')).toEqual(await homes(db, 'ds'));
		expect(await again.query(sql`SELECT count(*)::INTEGER AS n FROM ds__cs`)).toEqual([{ n: 50_000 }]);
		db.close();
		again.close();
	}, 120_000);

	it('native DuckDB keeps the summaries in its one database (the command line\u2019s file), read by their bare names', async () => {
		const db = await NativeConnector.open({ threads: 1, onDisk: true });
		await db.exec(sql`CREATE TABLE ds AS ${SCORES} LIMIT 20000`);
		await buildSummaries(db, 'ds');
		const names = Object.values(summaryTables('ds')).sort();
		expect(await homes(db, 'ds')).toEqual(['work.main.ds', ...names.map((n) => `work.kap_summaries.${n}`)]);
		expect(await db.query(sql`SELECT count(*)::INTEGER AS n FROM ds__cs`)).toEqual([{ n: 1000 }]);
		db.close();
	});
});
