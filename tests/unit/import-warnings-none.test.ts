/**
 * An import that words no warnings (import/duck/run.ts ImportWarnings 'none': the command line's
 * `report` and `bundle`, which print none) accepts and rejects exactly what the app's import does: the
 * same rows in the table, the same errors (exact duplicates included, found without the warnings' jump
 * window), the same counts; only `warnings` is empty. Checked on every file of the bad-file corpus that
 * DuckDB's reader takes, against the hand-written expectation where one exists, and on a file made to
 * have every kind of warning and duplicates whose key holds NULLs (a follow-up row has no session, a
 * dosing-session row no week).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importWithEngine, prepareDelimited } from '../../src/lib/import/duck/index';
import { importPath } from '../../src/lib/cli/input';

const CORPUS = path.resolve(__dirname, '../fixtures/bad-files');
const corpus = readdirSync(CORPUS)
	.filter((f) => f.endsWith('.csv'))
	.filter((f) => prepareDelimited(new Uint8Array(readFileSync(path.join(CORPUS, f))), f).ok);

// c1: 40 → 2, a change of 38 points, past 0.6 of BDI-II's 63-point range (37.8: checks.ts JUMP_SHARE), a
// dosing-session row repeated (its week NULL) and a follow-up row repeated (its session NULL); c2: no
// baseline, and a series with no dosing-session score.
const CSV = [
	'client_id,series,route,instrument,phase,session,week,score',
	'c1,1,iv,bdi2,baseline,0,,40',
	'c1,1,iv,bdi2,session,1,,2',
	'c1,1,iv,bdi2,session,1,,2',
	'c1,1,iv,bdi2,session,2,,3',
	'c1,1,iv,bdi2,followup,,4,5',
	'c1,1,iv,bdi2,followup,,4,5',
	'c1,1,iv,bdi2,followup,,8,6',
	'c2,1,troche,bdi2,followup,,4,20'
].join('\n');

describe("an import without warnings ('none')", () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});
	afterAll(() => db.close());

	const rows = (t: string) => db.query<Record<string, unknown>>(sql`SELECT * FROM ${ident(t)} ORDER BY ALL`);

	it('the corpus: the same report but for the warnings, and the same rows', async () => {
		expect(corpus).toContain('duplicate-rows.csv');
		let worded = 0;
		for (const [i, f] of corpus.entries()) {
			const bytes = new Uint8Array(readFileSync(path.join(CORPUS, f)));
			const all = await importWithEngine(db, bytes, f, { table: `all_${i}` });
			const none = await importWithEngine(db, bytes, f, { table: `none_${i}`, warnings: 'none' });
			expect(none.report.reader?.path, f).toBe('duckdb');
			expect(none.report, f).toEqual({ ...all.report, warnings: [] });
			expect(await rows(`none_${i}`), f).toEqual(await rows(`all_${i}`));
			const expected = JSON.parse(readFileSync(path.join(CORPUS, f.replace(/\.csv$/, '.expected.json')), 'utf8'));
			expect(none.report, f).toMatchObject({ rows_read: expected.rows_read, rows_accepted: expected.rows_accepted, rows_rejected: expected.rows_rejected });
			expect(none.report.errors, f).toEqual(expected.errors);
			worded += all.report.warnings.length;
		}
		// the comparison covers warnings that were left out, not only files that had none
		expect(worded).toBeGreaterThan(0);
	});

	it('duplicates whose key holds NULLs are rejected; every kind of warning is left out', async () => {
		const bytes = new TextEncoder().encode(CSV);
		const all = await importWithEngine(db, bytes, 'warned.csv', { table: 'warned_all' });
		const none = await importWithEngine(db, bytes, 'warned.csv', { table: 'warned_none', warnings: 'none' });
		// lines count the header as line 1
		expect(all.report.errors).toEqual([
			{ line: 4, column: null, reason: 'exact duplicate of line 3 (same client, series, instrument, phase, session, week)' },
			{ line: 7, column: null, reason: 'exact duplicate of line 6 (same client, series, instrument, phase, session, week)' }
		]);
		expect(all.report.warnings.map((w) => w.reason)).toEqual(
			expect.arrayContaining([
				'client without a baseline score',
				'series 1 has no dosing-session score',
				expect.stringMatching(/^implausible jump: BDI-II 40 → 2/)
			])
		);
		expect(none.report).toEqual({ ...all.report, warnings: [] });
		expect(none.report).toMatchObject({ rows_read: 8, rows_accepted: 6, rows_rejected: 2 });
		expect(await rows('warned_none')).toEqual(await rows('warned_all'));
	});

	it('the command line imports so, through DuckDB and through the JavaScript reader alike', async () => {
		const bytes = new TextEncoder().encode(CSV);
		const cli = await importPath(db, 'wasm', 'warned.csv', bytes, { table: 'warned_cli' });
		expect(cli.report.reader?.path).toBe('duckdb');
		expect(cli.report.warnings).toEqual([]);
		expect(cli.report.rows_rejected).toBe(2);
		// a quote inside an unquoted field (literal for the JavaScript reader, not for DuckDB's) sends the file
		// to the JavaScript reader: its warnings are left out too
		const js = await importWithEngine(db, new TextEncoder().encode(CSV.replace('c2,1,troche', 'c2,1,"tro"che')), 'warned.csv', { table: 'warned_js', warnings: 'none' });
		expect(js.report.reader?.path).toBe('javascript');
		expect(js.report.warnings).toEqual([]);
		expect(js.report.rows_rejected).toBeGreaterThanOrEqual(2);
	});
});
