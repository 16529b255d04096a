import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { describeParams, ident, join, list, op, sql, statementKey } from '../../src/lib/engine/sql';

describe('sql template', () => {
	it('binds values as numbered parameters and inlines fragments', () => {
		const where = sql`route IN (${list(['iv', "o'clock */ DROP TABLE scores; --"])})`;
		const q = sql`SELECT count(*) FROM ${ident('sco"res')} WHERE ${where} AND score >= ${13}`;
		expect(q.text).toBe(`SELECT count(*) FROM "sco""res" WHERE route IN ($1, $2) AND score >= $3`);
		expect(q.params).toEqual(['iv', "o'clock */ DROP TABLE scores; --", 13]);
		expect(describeParams(q)).toEqual(['$1 = "iv"', `$2 = "o'clock */ DROP TABLE scores; --"`, '$3 = 13']);
	});
	it('refuses to become a string, non-finite numbers, empty lists, bad identifiers and operators', () => {
		expect(() => `${sql`SELECT 1`}`).toThrow(/used as a string/);
		expect(() => sql`SELECT ${Number.NaN}`).toThrow(/finite/);
		expect(() => list([])).toThrow(/empty/);
		expect(() => ident('')).toThrow();
		expect(() => ident('a\u0000b')).toThrow(/NUL/);
		expect(() => op('<= 1; DROP TABLE x')).toThrow();
		expect(join([sql`a`, sql`${1}`], sql` AND `).text).toBe('a AND $1');
	});
	it('keys statements by text and typed parameters', () => {
		expect(statementKey(sql`SELECT ${1}`)).not.toBe(statementKey(sql`SELECT ${'1'}`));
	});
	it('runs on the engine with hostile values bound, not spliced', async () => {
		const conn = await openNodeEngine();
		await conn.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('b', 2)) v(s, n)`);
		const hostile = "x' OR 1=1; DROP TABLE t; --*/\u0000\n";
		expect(await conn.query(sql`SELECT count(*)::INTEGER AS c FROM t WHERE s = ${hostile}`)).toEqual([{ c: 0 }]);
		expect(await conn.query(sql`SELECT ${hostile} AS v`)).toEqual([{ v: hostile }]);
		expect(await conn.query(sql`SELECT count(*)::INTEGER AS c FROM t WHERE s IN (${list(['a', 'b'])}) AND n >= ${2}`)).toEqual([{ c: 1 }]);
		const col = 'we"ird; DROP TABLE t';
		await conn.exec(sql`CREATE TABLE u AS SELECT 1 AS ${ident(col)}`);
		expect(await conn.query(sql`SELECT ${ident(col)} AS v FROM u`)).toEqual([{ v: 1 }]);
		expect(await conn.query(sql`SELECT count(*)::INTEGER AS c FROM t`)).toEqual([{ c: 2 }]);
		conn.close();
	});
});
