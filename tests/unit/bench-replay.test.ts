import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnector, replayed } from '../../bench/native';
import { sql } from '../../src/lib/engine/sql';

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
