/**
 * The command line's `report` reads the dataset's summary tables (`summarise` in cli/input.ts), as the
 * app does: every section must give the numbers the score rows give (metrics on the rows, no summaries
 * registered), on the demo cohort, whose route groups, follow-up and planned sessions exercise every
 * section. Statements differ (they name the summary tables); the numbers may not.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './close';
import { main } from '../../src/lib/cli/main';
import { importPath, openEngine, type CliConnector } from '../../src/lib/cli/input';
import { buildReport, type Report, type ReportOptions } from '../../src/lib/metrics/report';
import { buildSummaries, dropSummaries, summaryTables } from '../../src/lib/metrics/summaries';
import { useSummaries } from '../../src/lib/metrics/summary-scope';
import { createDatasetViews, outcomeScores } from '../../src/lib/metrics/views';
import { ident, sql } from '../../src/lib/engine/sql';

const DEMO = path.resolve(__dirname, '../../data/demo-cohort.csv');
const SECTIONS = ['trajectories', 'response', 'remission', 'reliable_change', 'durability', 'survival', 'log_rank', 'attrition', 'models'] as const;


let printed: Report & { sql: Record<string, { text: string }> };
let rows: Report;
let conn: CliConnector;

beforeAll(async () => {
	let out = '';
	const code = await main(['report', DEMO, '--json'], { out: (t) => (out += t), err: () => {} });
	expect(code).toBe(0);
	printed = JSON.parse(out);
	conn = await openEngine('native');
	await importPath(conn, 'native', DEMO, new Uint8Array(await readFile(DEMO)), { table: 'dataset' });
	await createDatasetViews(conn, 'dataset', null);
	// Without --min-cell the report is the full one, not the shared (suppressed) shape.
	rows = (await buildReport(conn, { file: 'demo-cohort.csv' })) as Report;
}, 300_000);

afterAll(() => conn?.close());

describe('report on the command line reads the summary tables and gives the rows’ numbers', () => {
	it('answered the cohort sections from the summaries', () => {
		const texts = Object.values(printed.sql).map((s) => s.text);
		expect(texts.some((t) => t.includes('"dataset__cs"'))).toBe(true);
		expect(texts.some((t) => t.includes('"dataset__cube"'))).toBe(true);
	});
	for (const s of SECTIONS)
		it(`${s}: the same numbers as the score rows`, () => {
			expect((rows[s] as unknown[]).length).toBeGreaterThan(0);
			expectClose(rows[s], printed[s], s);
		});
});

/**
 * The command line builds only the summary tables `report` reads (KnownRows.reportOnly): no filter
 * choices, cohort counts per cell, completion patterns or default-view tables. Every section, under
 * each kind of option `report` takes, gives the numbers it gives with every table built; a section that
 * read a table left out would fail here (no such table).
 */
describe('report reads none of the tables only the app reads', () => {
	const OPTIONS: ReportOptions[] = [
		{},
		{ groupBy: 'site' },
		{ groupBy: null, settings: { end: 'planned', locf: true } },
		{ groupBy: 'route', minCell: 11, model: { type: 'mmrm' } },
		{ settings: { pointRule: true, plannedSessions: { bdi2: 4 } }, model: { covariates: ['baseline'] } }
	];
	it('the same report from the command line\'s summaries as from every table', async () => {
		const reports = async (reportOnly: boolean) => {
			await dropSummaries(conn, 'dataset');
			const s = await buildSummaries(conn, 'dataset', outcomeScores(ident('dataset')), undefined, { uniqueTimepoints: true, reportOnly });
			useSummaries(conn, 'scores', s);
			const present = await conn.query<{ t: string }>(sql`SELECT table_name AS t FROM duckdb_tables() WHERE table_name LIKE 'dataset\_\_%' ESCAPE '\\' ORDER BY t`);
			const out: unknown[] = [];
			for (const o of OPTIONS) {
				const { sql: _statements, ...numbers } = (await buildReport(conn, { file: 'demo-cohort.csv', ...o })) as Report & { sql?: unknown };
				out.push(numbers);
			}
			return { present: present.map((r) => r.t), out };
		};
		const all = await reports(false);
		const cli = await reports(true);
		useSummaries(conn, 'scores', null);
		const names = summaryTables('dataset');
		const appOnly = [names.options, names.clients, names.patterns, names.rates, names.followup, names.flow, names.rollup];
		expect(all.present).toEqual(expect.arrayContaining(appOnly));
		expect(cli.present.filter((t) => appOnly.includes(t))).toEqual([]);
		expect(cli.out).toEqual(all.out);
	}, 300_000);
});
