/**
 * A file's own columns may be named like the columns the summaries' build makes (`baseline`, `dose`,
 * `plan`, `cell`, …): the build still runs (it named its grouping's columns after the file's, and a
 * `cell` column broke it), such a column stays out of the cells, and the metrics give the rows' numbers.
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { summaryTable } from '../../src/lib/engine/connector';
import { sql } from '../../src/lib/engine/sql';
import { buildSummaries, summaryTables, useSummaries, SUMMARY_COLUMNS } from '../../src/lib/metrics/summaries';
import { filterChoices } from '../../src/lib/metrics/options';
import { response } from '../../src/lib/metrics/rates';
import { trajectories } from '../../src/lib/metrics/trajectories';
import { loadCanonical, type Canon } from './metrics-fixtures';

const NAMES = ['baseline', 'dose', 'plan', 'fu', 'cell', 'tp', 'n', 'kap_attr_0', 'arm'];

describe('summaries of a file whose columns are named like the build\'s own', () => {
	it('build, keep the other columns as cells, and give the rows\' numbers', async () => {
		const db = await openNodeEngine();
		const own = (client: string) => Object.fromEntries(NAMES.map((c) => [c, `${c}-${client}`]));
		const rows: Canon[] = [];
		// a: 30 → 12 (responds), b: 20 → 18 (does not); arm A for a, B for b
		for (const [client, base, end, arm] of [['a', 30, 12, 'A'], ['b', 20, 18, 'B']] as const) {
			rows.push({ client_id: client, instrument: 'bdi2', phase: 'baseline', session: 0, score: base, ...own(client), arm } as Canon);
			rows.push({ client_id: client, instrument: 'bdi2', phase: 'session', session: 1, score: end, ...own(client), arm } as Canon);
		}
		await loadCanonical(db, rows, NAMES);
		const s = await buildSummaries(db, 'scores');
		expect(s.problem).toBeNull();
		expect(s.attributes).toContain('arm');
		expect(s.attributes).toContain('kap_attr_0');
		for (const c of ['baseline', 'dose', 'plan', 'fu', 'cell', 'tp', 'n']) expect(s.attributes).not.toContain(c);
		useSummaries(db, 'scores', s);
		const byArm = await response(db, { groupBy: 'arm' });
		expect(byArm.path).toEqual({ source: 'summaries' });
		expect(byArm.rows.filter((r) => r.group !== '(all)').map((r) => [r.group, r.count, r.n])).toEqual([['A', 1, 1], ['B', 0, 1]]);
		const byCell = await response(db, { groupBy: 'cell' });
		expect(byCell.path).toEqual({ source: 'rows', reason: '"cell" is not a client attribute the summaries keep' });
		expect(byCell.rows.filter((r) => r.group !== '(all)').map((r) => [r.group, r.count, r.n])).toEqual([['cell-a', 1, 1], ['cell-b', 0, 1]]);
		expect((await trajectories(db, { groupBy: 'arm' })).rows).toEqual((await trajectories(db, { groupBy: 'arm', source: 'rows' })).rows);
		const choices = await filterChoices(db);
		expect(choices.dose).toEqual([{ value: 'dose-a', clients: 1 }, { value: 'dose-b', clients: 1 }]);
		expect(choices.arm).toEqual([{ value: 'A', clients: 1 }, { value: 'B', clients: 1 }]);
	});

	it('keeps out of the cells every column name the summary tables have', async () => {
		// The list is kept by hand; this reads the tables the build made (on the demo-like fixture below, with
		// an extra attribute) so a table joined to the cells that gains a column fails here until the list names it.
		const db = await openNodeEngine();
		const rows: Canon[] = [];
		for (const [client, route, base, end] of [['a', 'iv', 30, 12], ['b', 'im', 20, 18], ['c', 'iv', 25, 9]] as const) {
			rows.push({ client_id: client, instrument: 'bdi2', phase: 'baseline', session: 0, score: base, route, arm: 'A' } as Canon);
			rows.push({ client_id: client, instrument: 'bdi2', phase: 'session', session: 1, score: end, route, arm: 'A', planned_sessions: 6 } as Canon);
			rows.push({ client_id: client, instrument: 'bdi2', phase: 'followup', session: null, week: 4, score: end + 1, route, arm: 'A' } as Canon);
		}
		await loadCanonical(db, rows, ['arm']);
		const s = await buildSummaries(db, 'scores');
		expect(s.problem).toBeNull();
		// the tables the metrics join to the cells; the default view's (rates, followup, flow, rollup) are read alone
		const t = summaryTables('scores');
		const joined = [t.cs, t.cube, t.timepoints, t.cellmax, t.tpcounts, t.ends, t.patterns, t.mixed, t.clients];
		const seen = new Set<string>();
		for (const table of joined) {
			const described = await db.query<{ column_name: string }>(sql`DESCRIBE ${summaryTable(table)}`);
			expect(described.length).toBeGreaterThan(0);
			for (const r of described) seen.add(r.column_name);
		}
		// canonical columns that are never cells' attributes (summaries.ts candidates, options.ts isCategorical)
		for (const c of ['client_id', 'series', 'instrument', 'phase', 'session', 'week', 'score']) seen.delete(c);
		for (const c of s.attributes) seen.delete(c);
		expect([...seen].filter((c) => !SUMMARY_COLUMNS.has(c))).toEqual([]);
		expect(seen.size).toBeGreaterThan(10);
	});
});
