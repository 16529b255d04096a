/**
 * The command line's import stores route, instrument, phase and the plain text attributes as ENUMs
 * (import/duck/categories.ts, TextStorage 'enum'). The stored values must be the texts the VARCHAR
 * import stores, hostile ones included, sorting as they sort; the report the same; no type left in
 * the catalog, after a success or a failure; and a column of more distinct texts than the cap stays
 * VARCHAR. Run on both engines and both of the enum values' sources (the byte scan's texts, and a read
 * of the file where the scan kept none: a doubled quote, or a Parquet file).
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/lib/engine/connector';
import { NativeConnector } from '../../src/lib/engine/native';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importPreparedCsv, importSource, importWithEngine, parquetSource, prepareDelimited } from '../../src/lib/import/duck/index';
import { suggestMapping } from '../../src/lib/import/suggest';
import { ENUM_MAX_VALUES } from '../../src/lib/import/duck/categories';

// Sites written by hand: SQL in a value, a quote, a padded text (stored trimmed), a missing marker
// ("NA": stored NULL), case and accents that sort apart, an emoji. `sex` has a doubled quote in the
// second file only (the scan then keeps no texts for it: read from the file).
const SITES = ["x'); DROP TABLE scores; --", 'Zürich', '  padded  ', 'NA', 'b', 'B', 'É', 'a🙂', ''];
const STORED_SITES = ['B', 'Zürich', 'a🙂', 'b', 'padded', "x'); DROP TABLE scores; --", 'É'];
function csv(sexQuoted: boolean): string {
	const rows = ['client_id,series,route,instrument,phase,session,week,score,site,sex'];
	SITES.forEach((site, i) => {
		const cell = (t: string) => (/[,"']/.test(t) ? `"${t.replaceAll('"', '""')}"` : t);
		const sex = i % 2 ? (sexQuoted ? 'f ""x""' : 'f') : 'm';
		rows.push(`c${i},1,IV,BDI-II,baseline,0,,${20 + i},${cell(site)},${cell(sex)}`);
		rows.push(`c${i},1,IV,BDI-II,session,1,,${10 + i},${cell(site)},${cell(sex)}`);
	});
	// A rejected row (unknown route) with a site no accepted row has: its value is in the type too.
	rows.push('c99,1,teleport,BDI-II,session,1,,5,Mars,m');
	return rows.join('\n') + '\n';
}

const COLUMNS = ['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', 'site', 'sex'];
const rowsOf = (db: Connector, table: string) =>
	db.query(sql`SELECT client_id, series, CAST(route AS VARCHAR) AS route, CAST(instrument AS VARCHAR) AS instrument, CAST(phase AS VARCHAR) AS phase,
		session, week, score, CAST(site AS VARCHAR) AS site, CAST(sex AS VARCHAR) AS sex FROM ${ident(table)} ORDER BY client_id, session`);
const typesOf = async (db: Connector, table: string) =>
	Object.fromEntries((await db.query<{ column_name: string; column_type: string }>(sql`DESCRIBE ${ident(table)}`)).map((r) => [r.column_name, r.column_type.replace(/^ENUM\(.*/s, 'ENUM')]));
const leftTypes = async (db: Connector) => (await db.query<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM duckdb_types() WHERE type_name LIKE 'imp\_%' ESCAPE '\'`))[0].n;

describe('ENUM storage of the import', () => {
	let native: NativeConnector;
	const tmp = path.join(os.tmpdir(), `kap-enum-${process.pid}.parquet`);
	beforeAll(async () => {
		native = await NativeConnector.open({ threads: 2 });
	});
	afterAll(async () => {
		native.close();
		await rm(tmp, { force: true });
	});

	for (const engine of ['wasm', 'native'] as const)
		for (const sexQuoted of [false, true])
			it(`${engine}, ${sexQuoted ? 'sex read from the file' : 'texts from the scan'}: the VARCHAR import's values, sorted alike, as ENUMs`, async () => {
				const db = engine === 'native' ? native : await openNodeEngine();
				const bytes = new TextEncoder().encode(csv(sexQuoted));
				const text = await importWithEngine(db, bytes, 'f.csv', { table: 'as_text' });
				const enums = await importWithEngine(db, bytes, 'f.csv', { table: 'as_enum', texts: 'enum' });
				expect(enums.report.reader?.path).toBe('duckdb');
				expect(enums.report).toEqual(text.report);
				expect(enums.report.rows_rejected).toBe(1);
				expect(await rowsOf(db, 'as_enum')).toEqual(await rowsOf(db, 'as_text'));
				const types = await typesOf(db, 'as_enum');
				expect(COLUMNS.map((c) => types[c])).toEqual(['VARCHAR', 'INTEGER', 'ENUM', 'ENUM', 'ENUM', 'INTEGER', 'DOUBLE', 'DOUBLE', 'ENUM', 'ENUM']);
				// The stored sites, hand-listed in byte order (DuckDB's VARCHAR order), and both columns sort so.
				const [e] = await db.query<{ sites: string; ordered: string; typed: string }>(sql`SELECT
					(SELECT string_agg(DISTINCT CAST(site AS VARCHAR), '|' ORDER BY CAST(site AS VARCHAR)) FROM as_text) AS sites,
					(SELECT string_agg(CAST(site AS VARCHAR), '|' ORDER BY site, client_id) FROM as_enum) AS ordered,
					(SELECT string_agg(CAST(site AS VARCHAR), '|' ORDER BY site, client_id) FROM as_text) AS typed`);
				expect(e.sites).toBe(STORED_SITES.join('|'));
				expect(e.ordered).toBe(e.typed);
				// A text parameter compares as text; min and max and a range agree with the VARCHAR column.
				const [c] = await db.query<{ hostile: number; range: number; lo: string; hi: string }>(sql`SELECT
					count(*) FILTER (WHERE site = ${SITES[0]})::INTEGER AS hostile, count(*) FILTER (WHERE site > ${'B'} AND site < ${'c'})::INTEGER AS range,
					CAST(min(site) AS VARCHAR) AS lo, CAST(max(site) AS VARCHAR) AS hi FROM as_enum`);
				expect(c).toEqual({ hostile: 2, range: 6, lo: 'B', hi: 'É' });
				expect(await leftTypes(db)).toBe(0);
				if (engine === 'wasm') await db.close();
			});

	it('a Parquet file read by path (native): the same rows as ENUMs, no type left', async () => {
		await native.registerFile('p.csv', new TextEncoder().encode(csv(false)));
		await native.exec(sql`COPY (SELECT * FROM read_csv(${'p.csv'}, header = true, all_varchar = true)) TO ${tmp} (FORMAT parquet)`);
		const source = await parquetSource(native, tmp);
		await importSource(native, source, { table: 'pq_text' });
		await importSource(native, await parquetSource(native, tmp), { table: 'pq_enum', texts: 'enum' });
		expect(await rowsOf(native, 'pq_enum')).toEqual(await rowsOf(native, 'pq_text'));
		expect((await typesOf(native, 'pq_enum')).site).toBe('ENUM');
		expect(await leftTypes(native)).toBe(0);
	});

	it(`past ${ENUM_MAX_VALUES} distinct texts a column stays VARCHAR`, async () => {
		const db = await openNodeEngine();
		const rows = ['client_id,route,instrument,phase,session,score,site,sex'];
		for (let i = 0; i <= ENUM_MAX_VALUES; i++) rows.push(`c${i},IV,BDI-II,baseline,0,20,s${i},${i % 2 ? 'f' : 'm'}`);
		await importWithEngine(db, new TextEncoder().encode(rows.join('\n')), 'f.csv', { table: 'wide', texts: 'enum' });
		const types = await typesOf(db, 'wide');
		expect([types.site, types.sex, types.route]).toEqual(['VARCHAR', 'ENUM', 'ENUM']);
		await db.close();
	});

	it('a failed import leaves no type and no table behind', async () => {
		const db = await openNodeEngine();
		// The statement writing the records fails (as a full disk would): the types made before it go too.
		const failing: Connector = new Proxy(db, {
			get(target, key) {
				if (key === 'exec') return (q: { text: string }) => (/^CREATE TABLE "broken" AS/.test(q.text) ? Promise.reject(new Error('disk full')) : target.exec(q as never));
				const v = Reflect.get(target, key);
				return typeof v === 'function' ? v.bind(target) : v;
			}
		});
		const before = (await db.query(sql`SELECT table_name FROM duckdb_tables()`)).length;
		const prepared = prepareDelimited(new TextEncoder().encode(csv(false)), 'f.csv');
		if (!prepared.ok) throw new Error(prepared.reason);
		// (importWithEngine would then read the file in JavaScript: this is DuckDB's path alone.)
		await expect(importPreparedCsv(failing, prepared.csv, suggestMapping(prepared.csv.head), 'broken', undefined, { texts: 'enum' })).rejects.toThrow('disk full');
		expect(await leftTypes(db)).toBe(0);
		expect((await db.query(sql`SELECT table_name FROM duckdb_tables()`)).length).toBe(before);
		await db.close();
	});
});
