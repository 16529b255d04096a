import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { attachedAlias, loadAsBrowser, NativeConnector, replayed } from '../../bench/native';
import { ident, sql } from '../../src/lib/engine/sql';
import { keptTable } from '../../src/lib/data/keep';
import { summaryTables } from '../../src/lib/metrics/summaries';

/**
 * The benchmark re-runs the statements the browser logged (text with $n placeholders and the bound
 * values) on native DuckDB. A statement rebuilt from its log must carry the same text and values,
 * including a '$9' inside a string literal and a value that looks like a placeholder.
 */
describe('bench: a logged statement replays with its values bound', () => {
	let conn: NativeConnector;
	beforeAll(async () => {
		conn = await NativeConnector.open({ threads: 1 });
	});
	afterAll(() => conn.close());

	const original = sql`SELECT ${'a$1'} AS x, ${5} AS y, '$9' AS z, ${null} IS NULL AS n, ${2} + ${2} AS w`;

	it('rebuilds the same text and parameters', () => {
		const again = replayed({ text: original.text, params: original.params });
		expect(again.text).toBe("SELECT $1 AS x, $2 AS y, '$9' AS z, $3 IS NULL AS n, $4 + $5 AS w");
		expect(again.params).toEqual(['a$1', 5, null, 2, 2]);
	});

	it('runs on native DuckDB, a null bound as a typed NULL', async () => {
		const rows = await conn.query(replayed({ text: original.text, params: original.params }));
		expect(rows).toEqual([{ x: 'a$1', y: 5, z: '$9', n: true, w: 4 }]);
	});

	it('refuses a log whose placeholders do not match its values', () => {
		expect(() => replayed({ text: 'SELECT $1', params: [1, 2] })).toThrow(/no \$2/);
	});
});

/**
 * A kept dataset is attached in the browser as a database file (`"kept_<n>"."scores"`) and its
 * summaries are named after its table (`ds_<id>__cells` …); the overview's logged statements read
 * both. The native replay must create them under the same names (it failed with the attached schema
 * missing, so the wasm/native ratio went unmeasured).
 */
describe('bench: native DuckDB as the browser had a kept dataset', () => {
	const csv = resolve(import.meta.dirname, '../../data/demo-cohort.csv');
	const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
	const header = lines[0].split(',');
	const logged = [sql`SELECT count(*)::INT AS n FROM ${keptTable('kept_3')}`, sql`SELECT count(*)::INT AS n FROM ${ident(summaryTables('ds_abc').cells)}`, sql`SELECT count(*)::INT AS n FROM scores`];
	let conn: NativeConnector;
	beforeAll(async () => {
		conn = await NativeConnector.open({ threads: 1 });
	});
	afterAll(() => conn.close());

	it('finds the attached alias the app logged', () => {
		expect(attachedAlias(logged.map((q) => ({ text: q.text, params: q.params })))).toBe('kept_3');
		expect(attachedAlias([{ text: 'SELECT * FROM "ds_abc__cells"', params: [] }])).toBeNull();
	});

	it('replays statements reading the attached table, the summaries and the scores view', async () => {
		const statements = logged.map((q) => ({ text: q.text, params: q.params }));
		const built = await loadAsBrowser(conn, csv, header, statements);
		expect(built.table).toBe('ds_abc');
		const [kept, cells, scores] = await Promise.all(statements.map(async (s) => (await conn.query<{ n: number }>(replayed(s)))[0].n));
		expect(kept).toBe(lines.length - 1); // every row of the file, one per line after the header
		expect(cells).toBeGreaterThan(0);
		// the demo cohort's file holds outcome questionnaires only, so the scores view shows every row
		expect(scores).toBe(lines.length - 1);
	});
});
