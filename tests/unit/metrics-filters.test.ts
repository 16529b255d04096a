import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { MISSING, whereSql } from '../../src/lib/metrics/filters';
import { loadCanonical } from './metrics-fixtures';

describe('filters → WHERE', () => {
	it('no filters is TRUE; empty lists and "all" series filter nothing', () => {
		expect(whereSql({})).toBe('TRUE');
		expect(whereSql({ route: [], series: 'all' })).toBe('TRUE');
	});

	it('quotes values and identifiers, drops columns that do not exist', () => {
		const sql = whereSql({ route: ['iv', "o'ral"], site: ['x'], 'we"ird': ['1'] }, ['route', 'we"ird']);
		expect(sql).toBe(`(CAST("route" AS VARCHAR) IN ('iv', 'o''ral')) AND (CAST("we""ird" AS VARCHAR) IN ('1'))`);
	});

	it('series first / boosters; (missing) matches NULL', () => {
		expect(whereSql({ series: 'first' })).toBe('("series" = 1)');
		expect(whereSql({ series: 'boosters' })).toBe('("series" > 1)');
		expect(whereSql({ sex: [MISSING, 'f'] })).toBe(`(CAST("sex" AS VARCHAR) IN ('f') OR "sex" IS NULL)`);
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
		const ids = async (w: string) => (await db.query<{ client_id: string }>(`SELECT client_id FROM scores WHERE ${w} ORDER BY 1`)).map((r) => r.client_id);
		expect(await ids(whereSql({ route: ['im'] }))).toEqual(['b', 'c']);
		expect(await ids(whereSql({ series: 'first', route: ['im', 'iv'] }))).toEqual(['a', 'c']);
		expect(await ids(whereSql({ sex: [MISSING] }))).toEqual(['a', 'b']);
	});
});
