import { describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ImportError, readTable } from '../../src/lib/import/index';
import { enc, expectIdentity, importText, refdata } from '../fixtures/import/helpers';
import { applyMapping, suggestMapping } from '../../src/lib/import/index';
import { checkTextSize } from '../../src/lib/import/read';
import { MAX_TEXT_BYTES } from '../../src/lib/import/limits';

const CANON = 'client_id,route,instrument,phase,session,week,score';

describe('delimited text', () => {
	it('reads comma CSV with quotes, doubled quotes, a multi-line field and exact line numbers', async () => {
		const text = `${CANON},site\nc1,iv,phq9,baseline,0,,10,"North, ""A"""\nc1,iv,phq9,session,1,,8,"two\nlines"\nc1,iv,phq9,session,2,,6,x\n`;
		const { raw, o } = await importText(text);
		expect(raw.delimiter).toBe(',');
		expect(raw.lines).toEqual([2, 3, 5]);
		expect(raw.rows[0][7]).toBe('North, "A"');
		expect(raw.rows[1][7]).toBe('two\nlines');
		expect(o.report.rows_accepted).toBe(3);
		expect(o.rows[0].site).toBe('North, "A"');
	});

	it('reads semicolon CSV with decimal commas, CRLF and a UTF-8 BOM', async () => {
		const text = '\uFEFFclient_id;route;instrument;phase;session;week;score\r\nc1;oral;hamd17;baseline;0;;21,5\r\nc1;oral;hamd17;followup;;2,5;10\r\n';
		const { raw, o } = await importText(text);
		expect(raw.delimiter).toBe(';');
		expect(raw.encoding).toBe('utf-8-bom');
		expect(raw.columns[0]).toBe('client_id');
		expect(raw.lines).toEqual([2, 3]);
		expect(o.rows.map((r) => r.score)).toEqual([21.5, 10]);
		expect(o.rows[1].week).toBe(2.5);
	});

	it('reads TSV', async () => {
		const { raw, o } = await importText(`${CANON.replaceAll(',', '\t')}\nc1\tim\tgad7\tbaseline\t0\t\t12\n`, 'x.tsv');
		expect(raw.format).toBe('tsv');
		expect(o.rows[0]).toMatchObject({ client_id: 'c1', route: 'im', instrument: 'gad7', score: 12 });
	});

	it('detects Windows-1252 (invalid UTF-8) and decodes it', async () => {
		const bytes = new Uint8Array([...enc(`${CANON},site\nc1,iv,phq9,baseline,0,,10,Z`), 0xfc, 0x72, 0x69, 0x63, 0x68, 0x0a]);
		const { raw, o } = await importText(bytes);
		expect(raw.encoding).toBe('windows-1252');
		expect(o.rows[0].site).toBe('Zürich');
	});

	it('a file without a header row gets V1…Vn', async () => {
		const raw = await readTable(enc('1,2,3\n4,5,6\n'), 'x.csv');
		expect(raw.header).toBe(false);
		expect(raw.columns).toEqual(['V1', 'V2', 'V3']);
		expect(raw.lines).toEqual([1, 2]);
	});
});

describe('whitespace .dat', () => {
	it('reads riesby.dat (CRLF) and riesby.dat.txt (LF + Ctrl-Z) identically, "." as missing', async () => {
		const a = await readTable(refdata('riesby/riesby.dat'), 'riesby.dat');
		const b = await readTable(refdata('riesby/riesby.dat.txt'), 'riesby.dat.txt');
		for (const t of [a, b]) {
			expect(t.format).toBe('whitespace');
			expect(t.header).toBe(false);
			expect(t.rows.length).toBe(396);
			expect(t.columns).toEqual(['V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
			expect(t.rows.filter((r) => r[1] === null).length).toBe(21);
			expect(t.lines.at(-1)).toBe(396);
		}
		expect(b.rows).toEqual(a.rows);
	});
});

describe('JSON', () => {
	it('reads an array of records (line = record number)', async () => {
		const json = JSON.stringify([
			{ client_id: 'a', route: 'SL', instrument: 'phq9', phase: 'baseline', session: 0, score: 11 },
			{ client_id: 'a', route: 'SL', instrument: 'phq9', phase: 'session', session: 1, score: 7, extra: true }
		]);
		const { raw, o } = await importText(json, 'x.json');
		expect(raw.format).toBe('json');
		expect(raw.lines).toEqual([1, 2]);
		expect(o.rows.map((r) => r.route)).toEqual(['sublingual', 'sublingual']);
	});

	it('reads NDJSON with exact line numbers', async () => {
		const text = '{"client_id":"a","route":"iv","instrument":"gad7","phase":"baseline","session":0,"score":9}\n\n{"client_id":"a","route":"iv","instrument":"gad7","phase":"session","session":1,"score":99}\n';
		const { raw, o } = await importText(text, 'x.ndjson');
		expect(raw.format).toBe('ndjson');
		expect(raw.lines).toEqual([1, 3]);
		expect(o.report.errors[0]).toMatchObject({ line: 3, column: 'score' });
	});
});

describe('Excel', () => {
	function workbook(): Uint8Array {
		const wb = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['notes'], ['nothing here']]), 'Readme');
		const ws = XLSX.utils.aoa_to_sheet([
			['client_id', 'route', 'instrument', 'phase', 'session', 'score'],
			['a', 'iv', 'phq9', 'baseline', 0, 14],
			[],
			['a', 'iv', 'phq9', 'session', 1, { t: 'e', v: 0x2a } as unknown as number],
			['b', 'iv', 'phq9', 'baseline', 0, { t: 'e', v: 0x00 } as unknown as number],
			['b', 'iv', 'phq9', 'session', 1, 5]
		]);
		XLSX.utils.book_append_sheet(wb, ws, 'Scores');
		return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }));
	}

	it('picks the named sheet, numbers rows as Excel does, and treats #N/A / #NULL! as missing', async () => {
		const bytes = workbook();
		const raw = await readTable(bytes, 'x.xlsx', { sheet: 'Scores' });
		expect(raw.sheets).toEqual(['Readme', 'Scores']);
		expect(raw.sheet).toBe('Scores');
		expect(raw.lines).toEqual([2, 4, 5, 6]);
		expect(raw.rows[1][5]).toBeNull();
		expect(raw.rows[2][5]).toBeNull();
		const o = applyMapping(raw, suggestMapping(raw));
		expectIdentity(o);
		expect(o.report).toMatchObject({ rows_read: 4, rows_accepted: 2, rows_rejected: 2 });
		expect(o.report.errors.map((e) => e.line)).toEqual([4, 5]);
		await expect(readTable(bytes, 'x.xlsx', { sheet: 'Nope' })).rejects.toThrow(/not found.*Readme, Scores/);
	});
});

describe('Parquet', () => {
	it('reads a file written by hyparquet-writer', async () => {
		const buf = parquetWriteBuffer({
			columnData: [
				{ name: 'client_id', data: ['p1', 'p1', 'p2'], type: 'STRING' },
				{ name: 'route', data: ['IN', 'IN', 'oral'], type: 'STRING' },
				{ name: 'instrument', data: ['madrs', 'madrs', 'madrs'], type: 'STRING' },
				{ name: 'phase', data: ['baseline', 'session', 'baseline'], type: 'STRING' },
				{ name: 'session', data: [0, 1, 0], type: 'INT32' },
				{ name: 'score', data: [30, 18.5, null], type: 'DOUBLE' }
			]
		});
		const { raw, o } = await importText(new Uint8Array(buf), 'x.parquet');
		expect(raw.format).toBe('parquet');
		expect(raw.lines).toEqual([1, 2, 3]);
		expect(o.rows.map((r) => [r.route, r.score])).toEqual([
			['intranasal', 30],
			['intranasal', 18.5]
		]);
		expect(o.report.errors).toEqual([{ line: 3, column: 'score', reason: expect.stringMatching(/^no score/) }]);
	});
});

describe('unreadable files', () => {
	it('throws ImportError with a clear message', async () => {
		await expect(readTable(new Uint8Array(), 'x.csv')).rejects.toBeInstanceOf(ImportError);
		await expect(readTable(enc('just one column\nof words here\nand more'), 'x.txt')).rejects.toThrow(/unrecognised file/);
		await expect(readTable(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), 'x.xls')).rejects.toThrow(/\.xls/);
	});
});

describe('a file too long to read as one text', () => {
	// Chromium's TextDecoder returns "" past V8's longest string (2^29 − 24 characters): a 1.19 GB CSV
	// was reported as "the file is empty" (bench at 10M rows). The size is checked before decoding.
	it('gets an error naming its size and the limit, not "the file is empty"', () => {
		expect(MAX_TEXT_BYTES).toBe(536_870_888);
		expect(() => checkTextSize(MAX_TEXT_BYTES)).not.toThrow();
		expect(() => checkTextSize(1_187_231_005)).toThrow(ImportError);
		expect(() => checkTextSize(1_187_231_005)).toThrow('the file is too large to read as text here (1,187 MB; at most 537 MB)');
	});
});
