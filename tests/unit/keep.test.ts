import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql, fileName } from '../../src/lib/engine/sql';
import { attachDatabaseFile, detachDatabaseFile, keptTable, writeDatabaseFile } from '../../src/lib/data/keep';

describe('kept datasets as DuckDB database files', () => {
	it('a table written to a database file and attached again has the same rows, in order, with the same types', async () => {
		const conn = await openNodeEngine();
		await conn.exec(sql`CREATE TABLE src AS SELECT i AS n, 'c' || (i % 7) AS client_id, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.5 END AS score, DATE '2020-01-01' + i::INT AS d FROM range(5000) t(i)`);
		const file = await writeDatabaseFile(conn, 'src', new Uint8Array(readFileSync('src/lib/data/empty.duckdb')));
		expect(file.engine).toMatch(/^v\d+\.\d+\.\d+/);
		expect(new TextDecoder().decode(file.bytes.subarray(8, 12))).toBe('DUCK'); // DuckDB's file magic
		// a fresh engine (a reload) attaches the bytes; nothing is inserted
		const other = await openNodeEngine();
		await attachDatabaseFile(other, 'kept_1', file.bytes);
		const a = await conn.query(sql`SELECT * FROM src`);
		const b = await other.query(sql`SELECT * FROM ${keptTable('kept_1')}`);
		expect(b).toEqual(a);
		const types = (c: typeof conn, db: string) =>
			c.query<{ column_name: string; data_type: string }>(sql`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ${db} ORDER BY column_index`);
		const [{ home }] = await conn.query<{ home: string }>(sql`SELECT database_name AS home FROM duckdb_tables() WHERE table_name = 'src'`);
		expect(await types(other, 'kept_1')).toEqual(await types(conn, home));
		expect((await types(other, 'kept_1')).map((t) => t.data_type)).toContain('DATE');
		// read-only: the kept file cannot be changed through SQL
		await expect(other.exec(sql`DELETE FROM ${keptTable('kept_1')}`)).rejects.toThrow(/read-only|read only/i);
		await detachDatabaseFile(other, 'kept_1');
		await expect(other.query(sql`SELECT * FROM ${keptTable('kept_1')}`)).rejects.toThrow();
	});

	it('a file DuckDB cannot read fails at attach and leaves nothing attached', async () => {
		const conn = await openNodeEngine();
		const junk = new Uint8Array(8192).map((_, i) => (i * 31) % 256);
		await expect(attachDatabaseFile(conn, 'kept_bad', junk)).rejects.toThrow();
		const dbs = await conn.query<{ database_name: string }>(sql`SELECT database_name FROM duckdb_databases()`);
		expect(dbs.map((d) => d.database_name)).not.toContain('kept_bad');
	});

	it('file names reach SQL only when the app made them', () => {
		expect(() => fileName("x.duckdb' AS y; DROP TABLE z; --")).toThrow();
		expect(() => fileName('../etc/passwd')).toThrow();
		expect(() => fileName('')).toThrow();
		expect(sql`ATTACH ${fileName('kept_3.duckdb')} AS ${ident('kept_3')}`.text).toBe(`ATTACH 'kept_3.duckdb' AS "kept_3"`);
	});
});

describe('a kept dataset of session records alone', () => {
	it('the database file holds the (empty) scores and the session records; attached again, the views read the records', async () => {
		const { readTable } = await import('../../src/lib/import/read');
		const { applySessionMapping, suggestSessionMapping } = await import('../../src/lib/import/sessions');
		const { loadSessions } = await import('../../src/lib/import/sessions-load');
		const { createTableSql } = await import('../../src/lib/model/schema');
		const { createDatasetViews } = await import('../../src/lib/metrics/views');
		const { describeSessions } = await import('../../src/lib/data/describe');
		const { keptSessions, keptSessionsIn } = await import('../../src/lib/data/keep');
		const csv = 'client_id,session,route,sbp_pre,sbp_peak,serious_ae\nc1,1,iv,120,150,0\nc1,2,iv,122,185,0\nc2,1,troche,118,130,1\n';
		const raw = await readTable(new TextEncoder().encode(csv), 's.csv');
		const { rows } = applySessionMapping(raw, suggestSessionMapping(raw)!);
		const conn = await openNodeEngine();
		await conn.exec(createTableSql('ds_x'));
		await loadSessions(conn, 'ds_x__sessions', rows);
		const template = new Uint8Array(readFileSync('src/lib/data/empty.duckdb'));
		const file = await writeDatabaseFile(conn, 'ds_x', template, 'ds_x__sessions');

		const reloaded = await openNodeEngine();
		await attachDatabaseFile(reloaded, 'kept_1', file.bytes);
		expect(await keptSessionsIn(reloaded, 'kept_1')).toBe(true);
		expect(await describeSessions(reloaded, keptSessions('kept_1'))).toEqual({ rows: 3, clients: 2 });
		await createDatasetViews(reloaded, keptTable('kept_1'), keptSessions('kept_1'));
		const got = await reloaded.query<{ client_id: string; session: number; route: string; sbp_peak: number; serious_ae: number }>(
			sql`SELECT client_id, session, route, sbp_peak, serious_ae FROM safety_sessions ORDER BY client_id, session`
		);
		expect(got).toEqual([
			{ client_id: 'c1', session: 1, route: 'iv', sbp_peak: 150, serious_ae: 0 },
			{ client_id: 'c1', session: 2, route: 'iv', sbp_peak: 185, serious_ae: 0 },
			{ client_id: 'c2', session: 1, route: 'sublingual', sbp_peak: 130, serious_ae: 1 }
		]);
		expect(await reloaded.query(sql`SELECT count(*)::INT AS n FROM scores`)).toEqual([{ n: 0 }]);

		// a file kept without session records says so
		const plain = await writeDatabaseFile(conn, 'ds_x', template);
		await attachDatabaseFile(reloaded, 'kept_2', plain.bytes);
		expect(await keptSessionsIn(reloaded, 'kept_2')).toBe(false);
	});
});
