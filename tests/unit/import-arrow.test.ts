import { describe, expect, it } from 'vitest';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { openNodeEngine } from '../../src/lib/engine/node';
import type { CanonicalRow } from '../../src/lib/import/types';
import { sql } from '../../src/lib/engine/sql';

const row = (i: number): CanonicalRow =>
	({
		client_id: `C${i}`, series: 1, route: 'iv', instrument: 'phq9', phase: i % 2 ? 'session' : 'baseline',
		session: i % 2, week: null, score: i % 28, prorated: false, site: i % 3 ? 'north' : null, item_1: i % 4, cohort: `g${i % 2}`
	}) as unknown as CanonicalRow;

describe('toArrowIPC', () => {
	it('round-trips typed rows into DuckDB, across several record batches', async () => {
		const rows = Array.from({ length: 250_001 }, (_, i) => row(i));
		const ipc = toArrowIPC({ rows, extraColumns: ['cohort'] });
		const db = await openNodeEngine();
		await db.insertArrowIPC('t', ipc, true);
		const [s] = await db.query<{ n: number; clients: number; score: number; nullsite: number; g1: number }>(
			sql`SELECT count(*) AS n, count(DISTINCT client_id) AS clients, sum(score) AS score,
			        count(*) FILTER (site IS NULL) AS nullsite, count(*) FILTER (cohort = 'g1') AS g1 FROM t`
		);
		expect(s.n).toBe(250_001);
		expect(s.clients).toBe(250_001);
		expect(s.score).toBe(rows.reduce((a, r) => a + (r.score as number), 0));
		expect(s.nullsite).toBe(Math.ceil(250_001 / 3));
		expect(s.g1).toBe(125_000);
		const types = await db.query<{ column_name: string; column_type: string }>(sql`DESCRIBE t`);
		const typeOf = Object.fromEntries(types.map((t) => [t.column_name, t.column_type]));
		expect(typeOf).toMatchObject({ series: 'INTEGER', score: 'DOUBLE', item_1: 'TINYINT', prorated: 'BOOLEAN', week: 'DOUBLE', cohort: 'VARCHAR' });
	});

	it('an empty outcome is a valid empty table', async () => {
		const db = await openNodeEngine();
		await db.insertArrowIPC('e', toArrowIPC({ rows: [], extraColumns: [] }), true);
		const [s] = await db.query<{ n: number }>(sql`SELECT count(*) AS n FROM e`);
		expect(s.n).toBe(0);
	});
});
