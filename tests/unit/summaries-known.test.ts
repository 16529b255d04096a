/**
 * The command line builds the summaries of what its import just accepted and tells the build that no
 * timepoint of a client-series has two scores (`KnownRows.uniqueTimepoints`, cli/input.ts summarise):
 * both import paths reject an exact duplicate, so the build's own search for such timepoints (a
 * grouping of every score row by client, series, instrument and timepoint) is skipped. These tests
 * pin that down: on imported files, duplicates included, the summaries built with the promise are the
 * ones built without it, table for table; without the promise a table holding a duplicate timepoint
 * is still found out (the app's path, which summarises tables it did not import itself); with it the
 * search does not run, and the command line's summarise gives it.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPath, openEngine, summarise, type CliConnector } from '../../src/lib/cli/input';
import { registeredSummaries } from '../../src/lib/metrics/summary-scope';
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

	/** duplicate-rows.csv as imported (its two duplicates rejected), with one of its rows written a second time behind the import's back. */
	async function withPlantedDuplicate(table: string): Promise<void> {
		const file = path.join(ROOT, 'tests/fixtures/bad-files/duplicate-rows.csv');
		await importPath(conn, 'native', file, new Uint8Array(await readFile(file)), { table });
		await conn.exec(sql`INSERT INTO ${ident(table)} SELECT * FROM ${ident(table)} LIMIT 1`);
		await createDatasetViews(conn, table, null);
	}

	it('without the promise, a table with two scores at one timepoint is found out', async () => {
		await withPlantedDuplicate('known_dup');
		const s = await buildSummaries(conn, 'known_dup', outcomeScores(ident('known_dup')));
		expect(s.problem).toBe('1 timepoints of a client-series have more than one score');
	}, 60_000);

	it('with the promise the search does not run: the planted duplicate goes unseen (the promise is the caller\'s)', async () => {
		await withPlantedDuplicate('known_dup_promised');
		const s = await buildSummaries(conn, 'known_dup_promised', outcomeScores(ident('known_dup_promised')), PART_ROWS, { uniqueTimepoints: true });
		expect(s.problem).toBeNull();
	}, 60_000);

	it('the command line\'s summarise makes the promise (a table from its import is summarised without the search)', async () => {
		await withPlantedDuplicate('known_dup_cli');
		await summarise(conn, 'known_dup_cli');
		expect(registeredSummaries(conn, 'scores')?.dataset).toBe('known_dup_cli');
	}, 60_000);
});
