/**
 * Hostile input never becomes SQL (issue 10). Arbitrary strings — quotes, comment markers, `;`,
 * NUL, newlines, long Unicode — used as filter values, a filtered/grouped attribute's values and its
 * column name, cohort labels and a client id go through every metric and the report builder. Each
 * returns a result (checked where it is known: a filter on a value nobody has selects nothing) or a
 * clean error, and a checksum of every table and view is the same afterwards.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, join, list, sql } from '../../src/lib/engine/sql';
import { attrition } from '../../src/lib/metrics/attrition';
import { clientCourse, clientMarkers, clientSearch } from '../../src/lib/metrics/client';
import { compareCohorts } from '../../src/lib/metrics/compare';
import { cohortCounts } from '../../src/lib/metrics/counts';
import { durability, survival } from '../../src/lib/metrics/durability';
import { flow } from '../../src/lib/metrics/flow';
import { filterChoices } from '../../src/lib/metrics/options';
import { remission, reliableChange, response } from '../../src/lib/metrics/rates';
import { buildReport } from '../../src/lib/metrics/report';
import { clientSummary } from '../../src/lib/metrics/source';
import { cohortTable1 } from '../../src/lib/metrics/table1';
import { trajectories } from '../../src/lib/metrics/trajectories';
import { createTableSql } from '../../src/lib/model/schema';

/** Strings an attacker would try, plus arbitrary Unicode. */
const NASTY = ["x'*/; DROP TABLE scores; --", '*/', "'", '"', ';', '--', '\u0000', 'a\nb\r\n', '$1', '?', '%', '\\', '/*', "') OR 1=1 --", '😀'.repeat(300)];
const hostile = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 40 }).map((s) => `${s}*/${s}'--`));

/** Checksum of every table and view: the list of names, and per name an md5 over its ordered rows. */
async function checksum(db: NodeConnector): Promise<string> {
	const names = await db.query<{ name: string }>(
		sql`SELECT table_name AS name FROM duckdb_tables() WHERE NOT internal UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1`
	);
	const parts: string[] = [];
	for (const { name } of names) {
		const [h] = await db.query<{ h: string | null }>(sql`SELECT md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) AS h FROM ${ident(name)} t`);
		parts.push(`${name}=${h.h}`);
	}
	return parts.join('|');
}

const ATTR_ROWS = 6;

/** A small scores table: 6 client-series (PHQ-9, baseline + 2 sessions + week 4), attribute column `attr` holding `values`. */
async function load(db: NodeConnector, attr: string, values: string[]) {
	await db.exec(createTableSql('scores', [attr]));
	const rows = [];
	for (let i = 0; i < ATTR_ROWS; i++) {
		const id = `c${i}`;
		const route = i % 2 ? 'iv' : 'im';
		const v = values[i % values.length];
		for (const [phase, session, week, score] of [['baseline', 0, null, 20], ['session', 1, null, 14 - i], ['session', 2, null, 8 + i], ['followup', null, 4, 9 + i]] as const)
			rows.push(sql`(${list([id, 1, route, 'phq9', phase, session, week, score, false, v])})`);
	}
	const cols = ['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', 'prorated', attr];
	await db.exec(sql`INSERT INTO scores (${join(cols.map(ident))}) VALUES ${join(rows)}`);
}

/** Run `f`; a thrown Error is a clean error (its message a string), anything else fails. */
async function runs<T>(f: () => Promise<T>): Promise<T | Error> {
	try {
		return await f();
	} catch (e) {
		expect(e).toBeInstanceOf(Error);
		expect(typeof (e as Error).message).toBe('string');
		return e as Error;
	}
}

describe('hostile input through every metric', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await db.exec(sql`CREATE TABLE canary AS SELECT 42 AS x`);
	});

	it('ident() round-trips any name through CREATE and SELECT, and refuses NUL and empty', async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !s.includes('\u0000')), async (name) => {
				await db.exec(sql`CREATE OR REPLACE TABLE ${ident(name)} AS SELECT 1 AS ${ident(name)}`);
				const [row] = await db.query<Record<string, number>>(sql`SELECT ${ident(name)} FROM ${ident(name)}`);
				expect(Object.values(row)).toEqual([1]);
				const [t] = await db.query<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = ${name}`);
				expect(t.n).toBe(1);
				await db.exec(sql`DROP TABLE ${ident(name)}`);
			}),
			{ numRuns: 60 }
		);
		expect(() => ident('')).toThrow();
		expect(() => ident('a\u0000b')).toThrow(/NUL/);
		expect(await db.query(sql`SELECT x FROM canary`)).toEqual([{ x: 42 }]);
	}, 600_000);

	it('filter values, attribute names/values, cohort labels and client ids: right result or clean error, no table changed', async () => {
		await fc.assert(
			fc.asyncProperty(
				hostile,
				hostile,
				hostile.filter((s) => s.length > 0 && s.length <= 200 && !s.includes('\u0000')),
				fc.array(hostile, { minLength: 1, maxLength: 3 }),
				async (value, label, attr, attrValues) => {
					fc.pre(!['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', 'prorated'].includes(attr.toLowerCase()));
					await load(db, attr, attrValues);
					const before = await checksum(db);
					const nobody = !attrValues.includes(value);
					const filters = { route: [value], [attr]: [value] };

					const counts = await runs(() => cohortCounts(db, { filters }));
					expect(counts).not.toBeInstanceOf(Error);
					if (!(counts instanceof Error)) expect(counts.rows.every((r) => r.clients === 0)).toBe(true); // no route equals the hostile value
					const byAttr = await runs(() => response(db, { filters: { [attr]: [value] }, groupBy: attr }));
					expect(byAttr).not.toBeInstanceOf(Error);
					if (!(byAttr instanceof Error)) {
						const n = byAttr.rows.filter((r) => r.group !== '(all)').reduce((a, r) => a + r.n, 0);
						if (nobody) expect(n).toBe(0);
						else expect(n).toBe(attrValues.length === 1 ? ATTR_ROWS : [...Array(ATTR_ROWS).keys()].filter((i) => attrValues[i % attrValues.length] === value).length);
					}
					const metrics: ((c: NodeConnector, o: Parameters<typeof response>[1]) => Promise<unknown>)[] = [remission, reliableChange, trajectories, durability, survival, attrition, clientSummary, flow];
					for (const metric of metrics)
						expect(await runs(() => metric(db, { filters, groupBy: attr }))).not.toBeInstanceOf(Error);
					await runs(() => filterChoices(db));
					const a = { label, filters: { [attr]: [value] } };
					const b = { label: `${label}\u0001b`, filters: { route: ['iv'] } };
					const cmp = await runs(() => compareCohorts(db, { a, b, instrument: 'phq9', model: false }));
					expect(cmp).not.toBeInstanceOf(Error);
					if (!(cmp instanceof Error)) expect(cmp.cohorts).toEqual([label, `${label}\u0001b`]);
					await runs(() => cohortTable1(db, { a, b, instrument: value }));
					expect(await runs(() => clientSearch(db, value))).not.toBeInstanceOf(Error);
					const course = await runs(() => clientCourse(db, value));
					if (!(course instanceof Error)) expect(course.rows).toEqual([]);
					await runs(() => clientMarkers(db, value));
					await runs(() => buildReport(db, { filters, groupBy: attr, minCell: 11 }));

					expect(await checksum(db)).toBe(before);
				}
			),
			{ numRuns: 12 }
		);
		expect(await db.query(sql`SELECT x FROM canary`)).toEqual([{ x: 42 }]);
	}, 900_000);
});
