/**
 * A kept dataset's summaries restored from the copy kept beside it (kept-summaries.ts) give the
 * same numbers as the score rows, exactly as freshly built ones do; a copy that does not belong
 * (another layout, missing tables, attributes it does not hold) is not used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDemoTable } from './metrics-fixtures';
import { describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';
import { withAttachedFile, writeTablesFile } from '../../src/lib/data/keep';
import { attrition } from '../../src/lib/metrics/attrition';
import { cohortCounts } from '../../src/lib/metrics/counts';
import { durability } from '../../src/lib/metrics/durability';
import { flow } from '../../src/lib/metrics/flow';
import { response } from '../../src/lib/metrics/rates';
import { trajectories } from '../../src/lib/metrics/trajectories';
import { CachingConnector } from '../../src/lib/data/cached';
import { buildSummaries, useSummaries, type Summaries } from '../../src/lib/metrics/summaries';
import { restoreSummaries, summaryInfo, summaryTableRows } from '../../src/lib/metrics/summary-kept';

const template = new Uint8Array(readFileSync(path.resolve(__dirname, '../../src/lib/data/empty.duckdb')));
const METRICS = { cohortCounts, response, trajectories, durability, attrition } as const;

async function demoEngine(): Promise<NodeConnector> {
	const db = await openNodeEngine();
	await loadDemoTable(db);
	return db;
}

describe('summaries kept beside a dataset', () => {
	it('restored in a fresh engine, every metric reads them and gives the rows’ numbers', async () => {
		const first = await demoEngine();
		const built = await buildSummaries(first, 'demo');
		const file = await writeTablesFile(first, summaryTableRows(built), template);
		const info = JSON.parse(JSON.stringify(summaryInfo(built))); // as stored: through JSON
		first.close();

		const db = await demoEngine(); // a later start: the data, no summaries
		const attached = async () => (await db.query<{ name: string }>(sql`SELECT database_name AS name FROM duckdb_databases() WHERE NOT internal ORDER BY 1`)).map((d) => d.name);
		const before = await attached();
		const restored = (await withAttachedFile(db, file.bytes, (relation, name) => restoreSummaries(db, 'demo', { relation, name }, info))) as Summaries;
		expect(restored).not.toBeNull();
		expect({ ...restored, buildMs: 0 }).toEqual({ ...built, buildMs: 0 });
		expect(await attached()).toEqual(before); // the kept copy was detached again: only the engine's own databases
		useSummaries(db, 'scores', restored);
		for (const opts of [{}, { groupBy: 'route' }, { filters: { site: ['north'] }, groupBy: 'route' }]) {
			for (const [name, metric] of Object.entries(METRICS)) {
				const fast = await metric(db, opts);
				const rows = await metric(db, { ...opts, source: 'rows' });
				expect(fast.path, name).toEqual({ source: 'summaries' });
				expect(fast.rows, `${name} ${JSON.stringify(opts)}`).toEqual(rows.rows);
			}
		}
		// through the app's connector the default view reads the tables built with the summaries (summary-defaults.ts)
		const cached = new CachingConnector(db);
		useSummaries(cached, 'scores', restored);
		expect(restored.prebuilt.map((p) => p.table).sort()).toEqual([restored.flow, restored.followup, restored.rates, restored.rollup].sort());
		for (const [metric, table] of [[response, restored.rates], [durability, restored.followup], [flow, restored.flow], [trajectories, restored.rollup]] as const) {
			const fast = await metric(cached, { groupBy: 'route' });
			expect([fast.sql, ...(fast.also ?? [])].map((q) => q.text).join('\n')).toContain(`"${table}"`);
			expect(fast.rows).toEqual((await metric(db, { groupBy: 'route', source: 'rows' })).rows);
		}
		db.close();
	}, 180_000);

	it('a copy of another layout, or one that lacks what its description says, is not used', async () => {
		const db = await demoEngine();
		const built = await buildSummaries(db, 'demo');
		const file = await writeTablesFile(db, summaryTableRows(built).filter((t) => t.name !== 'cube'), template);
		const whole = await writeTablesFile(db, summaryTableRows(built), template);
		const info = summaryInfo(built);
		const restore = (bytes: Uint8Array, i: unknown) => withAttachedFile(db, bytes, (relation, name) => restoreSummaries(db, 'demo', { relation, name }, i));
		expect(await restore(file.bytes, info)).toBeNull(); // a table missing
		expect(await restore(whole.bytes, { ...info, format: info.format + 1 })).toBeNull(); // another layout
		expect(await restore(whole.bytes, { ...info, attributes: [...info.attributes, 'not_a_column'] })).toBeNull();
		expect(await restore(whole.bytes, { ...info, attributes: 'route; DROP TABLE demo' })).toBeNull(); // not the described shape
		expect(await restore(whole.bytes, info)).not.toBeNull();
		// tables of the default view whose statement is not today's (a copy from an earlier version) are not read
		const stale = await restore(whole.bytes, { ...info, prebuilt: info.prebuilt.map((p) => ({ ...p, key: `${p.key} ` })) });
		expect(stale?.prebuilt).toEqual([]);
		expect((await restore(whole.bytes, info))?.prebuilt).toEqual(built.prebuilt);
		db.close();
	}, 180_000);
});
