import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../../src/lib/model/schema';
import { cohortCounts } from '../../src/lib/metrics/counts';
import { readCsvTyped } from '../../src/lib/data/demo-table';
import { sql } from '../../src/lib/engine/sql';

/** The demo CSV read with a few lines of JS (no DuckDB): rows as string records. */
function demoRows(): Record<string, string>[] {
	const [head, ...lines] = readFileSync(path.resolve(__dirname, '../../data/demo-cohort.csv'), 'utf8').trim().split('\n');
	const cols = head.split(',');
	return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('cohortCounts on the demo cohort', () => {
	let db: NodeConnector;
	const rows = demoRows().filter((r) => r.score !== '');
	beforeAll(async () => {
		db = await openNodeEngine();
		const csv = readFileSync(path.resolve(__dirname, '../../data/demo-cohort.csv'));
		// The app's loadDemo fetches a URL; here the same typed read of the CSV runs on the file.
		await db.registerFile('demo-cohort.csv', new Uint8Array(csv));
		await db.exec(sql`CREATE TABLE scores AS ${readCsvTyped('demo-cohort.csv', CANONICAL_COLUMNS, CANONICAL_SQL_TYPES)}`);
	});

	const expected = (keep: (r: Record<string, string>) => boolean) => {
		const k = rows.filter(keep);
		return {
			clients: new Set(k.map((r) => r.client_id)).size,
			series: new Set(k.map((r) => `${r.client_id}/${r.series}`)).size,
			first_series: new Set(k.filter((r) => r.series === '1').map((r) => r.client_id)).size,
			booster_series: new Set(k.filter((r) => r.series !== '1').map((r) => `${r.client_id}/${r.series}`)).size
		};
	};

	it('counts clients and client-series overall and per instrument', async () => {
		const { rows: got, sql } = await cohortCounts(db);
		expect(got[0]).toEqual({ instrument: '(all)', ...expected(() => true) });
		expect(got.find((r) => r.instrument === 'hama')).toEqual({ instrument: 'hama', ...expected((r) => r.instrument === 'hama') });
		expect(got[0].clients).toBe(1500);
		// one statement answers every instrument and the total (no query per instrument)
		expect(sql.text).toContain('per_instrument');
		expect(sql.text).toContain('GROUP BY instrument');
	});

	it('follows the filters (route, series)', async () => {
		const { rows: got } = await cohortCounts(db, { filters: { route: ['im'], series: 'boosters' } });
		expect(got[0]).toEqual({ instrument: '(all)', ...expected((r) => r.route === 'im' && r.series !== '1') });
		expect(got[0].first_series).toBe(0);
	});
});
