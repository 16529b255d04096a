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
import { buildReport, type Report } from '../../src/lib/metrics/report';
import { createDatasetViews } from '../../src/lib/metrics/views';

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
