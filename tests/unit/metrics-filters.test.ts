import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql, type Sql } from '../../src/lib/engine/sql';
import { MISSING, whereSql } from '../../src/lib/metrics/filters';
import { loadCanonical } from './metrics-fixtures';

describe('filters → WHERE', () => {
	it('no filters is TRUE; empty lists and "all" series filter nothing', () => {
		expect(whereSql({}).text).toBe('TRUE');
		expect(whereSql({ route: [], series: 'all' }).text).toBe('TRUE');
	});

	it('binds values as parameters, quotes identifiers, drops columns that do not exist', () => {
		const w = whereSql({ route: ['iv', "o'ral */ DROP TABLE scores; --"], site: ['x'], 'we"ird': ['1'] }, ['route', 'we"ird']);
		expect(w.text).toBe(`(CAST("route" AS VARCHAR) IN ($1, $2)) AND (CAST("we""ird" AS VARCHAR) IN ($3))`);
		expect(w.params).toEqual(['iv', "o'ral */ DROP TABLE scores; --", '1']);
	});

	it('series first / boosters; (missing) matches NULL', () => {
		expect(whereSql({ series: 'first' }).text).toBe('("series" = 1)');
		expect(whereSql({ series: 'boosters' }).text).toBe('("series" > 1)');
		const m = whereSql({ sex: [MISSING, 'f'] });
		expect([m.text, m.params]).toEqual([`(CAST("sex" AS VARCHAR) IN ($1) OR "sex" IS NULL)`, ['f']]);
	});

	it('runs on the engine', async () => {
		const db = await openNodeEngine();
		await loadCanonical(
			db,
			[
				{ client_id: 'a', instrument: 'phq9', phase: 'baseline', session: 0, score: 10, route: 'iv', series: 1 },
				{ client_id: 'b', instrument: 'phq9', phase: 'baseline', session: 0, score: 12, route: 'im', series: 2, sex: null },
				{ client_id: 'c', instrument: 'phq9', phase: 'baseline', session: 0, score: 14, route: 'im', series: 1, sex: 'f' }
			],
			[],
			'scores',
			['sex']
		);
		const ids = async (w: Sql) => (await db.query<{ client_id: string }>(sql`SELECT client_id FROM scores WHERE ${w} ORDER BY 1`)).map((r) => r.client_id);
		expect(await ids(whereSql({ route: ['im'] }))).toEqual(['b', 'c']);
		expect(await ids(whereSql({ series: 'first', route: ['im', 'iv'] }))).toEqual(['a', 'c']);
		expect(await ids(whereSql({ sex: [MISSING] }))).toEqual(['a', 'b']);
	});
});
