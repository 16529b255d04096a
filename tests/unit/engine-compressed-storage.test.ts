/**
 * The in-memory engines keep their tables compressed (connector.ts COMPRESSED_STORAGE): a tab's wasm
 * memory is a fixed 4 GiB and at 10M score rows an uncompressed table left too little for the views'
 * queries. DuckDB's own storage report says how each column segment is stored; in a plain in-memory
 * database every segment is 'Uncompressed', which is what this test would see if the setup were gone.
 * (A million rows: a table of a few row groups is left uncompressed until it grows.)
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';

describe('compressed in-memory storage', () => {
	it('a table made on the engine is stored compressed, a temporary one is not', async () => {
		const db = await openNodeEngine();
		const rows = sql`SELECT i % 7 AS route, 'client-' || (i // 12) AS client_id, (i % 40)::DOUBLE AS score FROM range(1000000) t(i)`;
		await db.exec(sql`CREATE TABLE scores_t AS ${rows}`);
		await db.exec(sql`CREATE TEMP TABLE scratch_t AS ${rows}`);
		const kinds = async (t: string) => (await db.query<{ c: string }>(sql`SELECT DISTINCT compression AS c FROM pragma_storage_info(${t}) WHERE compression NOT LIKE '%Validity%' ORDER BY 1`)).map((r) => r.c);
		expect(await kinds('scores_t')).not.toEqual(['Uncompressed']);
		expect(await kinds('scratch_t')).toEqual(['Uncompressed']);
		db.close();
	});
});
