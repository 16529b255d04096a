/**
 * The command line builds the summaries of what its import just accepted and tells the build that no
 * timepoint of a client-series has two scores (`KnownRows.uniqueTimepoints`, cli/input.ts summarise):
 * both import paths reject an exact duplicate, so the build's own search for such timepoints (a
 * grouping of every score row by client, series, instrument and timepoint) is skipped. These tests
 * pin that down: on imported files, duplicates included, the summaries built with the promise are the
 * ones built without it, table for table; and without the promise a table holding a duplicate
 * timepoint is still found out (the app's path, which summarises tables it did not import itself).
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPath, openEngine, type CliConnector } from '../../src/lib/cli/input';
import { buildSummaries, PART_ROWS, summaryTables, type Summaries } from '../../src/lib/metrics/summaries';
import { createDatasetViews, outcomeScores } from '../../src/lib/metrics/views';
import { ident, sql } from '../../src/lib/engine/sql';

const ROOT = path.resolve(__dirname, '../..');
const FILES = ['data/demo-cohort.csv', 'tests/fixtures/bad-files/duplicate-rows.csv'];

let conn: CliConnector;
beforeAll(async () => {
	conn = await openEngine('native');
}, 60_000);
afterAll(() => conn?.close());

/** Every summary table's rows, sorted (the two builds may write rows in another order). */
async function contents(s: Summaries): Promise<Record<string, unknown[]>> {
	const out: Record<string, unknown[]> = {};
	for (const [kind, table] of Object.entries(summaryTables(s.dataset))) out[kind] = await conn.query(sql`SELECT * FROM ${ident(table)} ORDER BY ALL`);
	return out;
}

describe('summaries of an import, told that its timepoints are unique', () => {
	it.each(FILES)('%s: the same summaries with the promise as without it', async (file) => {
		const bytes = new Uint8Array(await readFile(path.join(ROOT, file)));
		const [a, b] = ['known_a', 'known_b'];
		for (const table of [a, b]) await importPath(conn, 'native', path.join(ROOT, file), bytes, { table });
		await createDatasetViews(conn, a, null); // the instruments' kinds, which the outcome rows are chosen by
		const without = await buildSummaries(conn, a, outcomeScores(ident(a)));
		const withPromise = await buildSummaries(conn, b, outcomeScores(ident(b)), PART_ROWS, { uniqueTimepoints: true });
		expect(without.problem).toBeNull();
		for (const key of ['problem', 'attributes', 'varying', 'optionColumns', 'rows', 'patternBits'] as const) expect(withPromise[key], key).toEqual(without[key]);
		expect(await contents(withPromise)).toEqual(await contents(without));
		if (file.endsWith('duplicate-rows.csv')) expect(without.rows.scores, 'the two duplicates were rejected').toBe(3);
	}, 120_000);

	it('without the promise, a table with two scores at one timepoint is found out', async () => {
		await conn.exec(sql`CREATE OR REPLACE TABLE known_dup AS SELECT * FROM known_a`);
		await conn.exec(sql`INSERT INTO known_dup SELECT * FROM known_a LIMIT 1`);
		const s = await buildSummaries(conn, 'known_dup', outcomeScores(ident('known_dup')));
		expect(s.problem).toBe('1 timepoints of a client-series have more than one score');
	}, 60_000);
});
