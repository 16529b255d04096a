/**
 * The corpus of hand-made bad files (issue 7, promise 2): every file in tests/fixtures/bad-files/ has
 * a `<name>.expected.json` written by hand from reading the file — not produced by the importer — with
 * either the refusal message, or the report counts and every rejected line, column and reason. The
 * test reads each file the way the import worker does (readTable → suggestMapping → applyMapping) and
 * compares. A file without an expected report, or an expected report without its file, fails too.
 *
 * Every file runs through both import paths (issue 11): the JavaScript importer, and the engine path
 * (`importWithEngine`: DuckDB's CSV reader + set-based SQL where the file allows it). Same expected
 * report for both; the engine path must really use DuckDB for every regular CSV here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMapping, ImportError, readTable, rejectedRowsCsv, suggestMapping, type ImportReport, type RawTable } from '../../src/lib/import/index';
import { parseDelimited } from '../../src/lib/import/csv';
import { toCsv } from '../../src/lib/export/csv';
import { root } from '../fixtures/import/helpers';
import { importWithEngine } from '../../src/lib/import/duck/index';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';

interface Expected {
	about: string;
	/** The refusal: a substring of the ImportError message. */
	refused?: string;
	rows_read?: number;
	rows_accepted?: number;
	rows_rejected?: number;
	/** Every error of the report, in order. */
	errors?: { line: number; column: string | null; reason: string }[];
	encoding?: string;
	/** Accepted rows in order, fields compared where given. */
	accepted?: Record<string, unknown>[];
	/** Text the rejected-rows CSV must contain. */
	rejected_csv_contains?: string[];
	/** Text a CSV export of the accepted rows must contain. */
	export_csv_contains?: string[];
}

const dir = path.join(root, 'tests/fixtures/bad-files');
const names = readdirSync(dir);
const dataFiles = names.filter((n) => !n.endsWith('.expected.json'));
const expectedFor = (file: string) => file.replace(/\.[^.]+$/, '') + '.expected.json';

/** No field of `csv` starts a spreadsheet formula (numbers such as -3 excepted). */
function expectNoLiveFormula(csv: string): void {
	for (const row of parseDelimited(csv, ',').rows)
		for (const f of row) if (typeof f === 'string' && /^[=+\-@\t\r]/.test(f)) expect(f, 'live formula').toMatch(/^-\d+(\.\d+)?$/);
}

describe('bad-files corpus', () => {
	it('has 10–20 files, each with its expected report, and no orphan expectations', () => {
		expect(dataFiles.length).toBeGreaterThanOrEqual(10);
		expect(dataFiles.length).toBeLessThanOrEqual(20);
		for (const f of dataFiles) expect(names, `${f} has no expected report`).toContain(expectedFor(f));
		for (const n of names.filter((x) => x.endsWith('.expected.json')))
			expect(dataFiles.map(expectedFor), `${n} has no file`).toContain(n);
	});

});

/** Files the engine path hands to the JavaScript importer, and why (anything else CSV goes to DuckDB). */
const JAVASCRIPT_ONLY: Record<string, string> = { 'ragged-rows.csv': 'rows of different widths' };

type Imported = { report: ImportReport; rows: Record<string, unknown>[]; raw: () => Promise<RawTable> };

const paths: [string, (bytes: Uint8Array, file: string) => Promise<Imported>][] = [
	[
		'javascript',
		async (bytes, file) => {
			const raw = await readTable(bytes, file);
			const o = applyMapping(raw, suggestMapping(raw));
			return { report: o.report, rows: o.rows as unknown as Record<string, unknown>[], raw: async () => raw };
		}
	],
	[
		'engine',
		async (bytes, file) => {
			const out = await importWithEngine(conn, bytes, file, { table: 'bad_file' });
			const { reader, ...report } = out.report;
			if (!(file in JAVASCRIPT_ONLY)) expect(reader?.path, `${file}: ${reader?.note}`).toBe('duckdb');
			else expect(reader?.path).toBe('javascript');
			const rows = await conn.query(sql`SELECT * FROM bad_file`);
			return { report, rows, raw: () => readTable(bytes, file) };
		}
	]
];

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
}, 300_000);
afterAll(() => conn?.close());

describe.each(paths)('bad-files corpus through the %s path', (_name, importOf) => {
	it.each(dataFiles)('%s', async (file) => {
		const want = JSON.parse(readFileSync(path.join(dir, expectedFor(file)), 'utf8')) as Expected;
		const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
		if (want.refused !== undefined) {
			const got = await importOf(bytes, file).then(
				() => null,
				(e: unknown) => e
			);
			expect(got, 'should be refused').toBeInstanceOf(ImportError);
			expect((got as ImportError).message).toContain(want.refused);
			return;
		}
		const o = await importOf(bytes, file);
		const raw = await o.raw();
		const r = o.report;
		expect({ rows_read: r.rows_read, rows_accepted: r.rows_accepted, rows_rejected: r.rows_rejected }).toEqual({
			rows_read: want.rows_read,
			rows_accepted: want.rows_accepted,
			rows_rejected: want.rows_rejected
		});
		expect(r.rows_read).toBe(r.rows_accepted + r.rows_rejected);
		expect(r.errors).toEqual(want.errors);
		if (want.encoding) expect(raw.encoding).toBe(want.encoding);
		if (want.accepted) {
			expect(o.rows).toHaveLength(want.accepted.length);
			want.accepted.forEach((fields, i) => expect(o.rows[i]).toMatchObject(fields));
		}
		const rejected = rejectedRowsCsv(raw, r);
		expectNoLiveFormula(rejected);
		for (const text of want.rejected_csv_contains ?? []) expect(rejected).toContain(text);
		const exported = toCsv(o.rows);
		expectNoLiveFormula(exported);
		for (const text of want.export_csv_contains ?? []) expect(exported).toContain(text);
	});
});
