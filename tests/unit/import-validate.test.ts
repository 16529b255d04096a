import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { importWithEngine } from '../../src/lib/import/duck/index';
import { importText } from '../fixtures/import/helpers';
import type { Mapping } from '../../src/lib/import/index';

const HEAD = 'client_id,route,instrument,phase,session,week,score,item_1,item_2,item_3,item_4,item_5,item_6,item_7,item_8,item_9,site';
const OK_ITEMS = '1,1,1,1,1,1,1,1,1';
const NO_ITEMS = ',,,,,,,,';

// Line 1 is the header; line 2 has a quoted two-line site, so the rows after it are one line further down.
const ROWS = [
	`c1,iv,phq9,baseline,0,,,${OK_ITEMS},"two\nlines"`, // 2–3 ok (items → 9)
	`c1,iv,phq9,session,1,,30,${NO_ITEMS},`, // 4 total out of range
	`c1,iv,phq9,session,2,,,1,1,4,1,1,1,1,1,1,`, // 5 item out of range (item_3)
	`c1,iv,xyz,session,3,,10,${NO_ITEMS},`, // 6 unknown instrument
	`c1,teleport,phq9,session,4,,10,${NO_ITEMS},`, // 7 unknown route
	`,iv,phq9,session,5,,10,${NO_ITEMS},`, // 8 missing client id
	`c1,iv,phq9,session,6,,abc,${NO_ITEMS},`, // 9 non-numeric value
	`c1,iv,phq9,session,-1,,10,${NO_ITEMS},`, // 10 negative session
	`c1,iv,phq9,followup,,-2,10,${NO_ITEMS},`, // 11 negative week
	`c1,iv,phq9,baseline,3,,10,${NO_ITEMS},`, // 12 phase/index mismatch
	`c1,iv,phq9,session,1,,8,${NO_ITEMS},`, // 13 ok
	`c1,iv,phq9,session,1,,8,${NO_ITEMS},`, // 14 exact duplicate of 13
	`c1,iv,phq9,session,7,,,${NO_ITEMS},`, // 15 no score
	`c1,iv,phq9,session,8,,,1,1,,,,1,1,1,1,`, // 16 too many missing items (3 > 2)
	`c1,iv,phq9,session,9,,,1,2,,1,1,1,1,1,1,`, // 17 ok, prorated (8 answered: 9/8×9 = 10.125 → 10)
	`c1,iv,phq9,dosing,10,,5,${NO_ITEMS},`, // 18 ok: "dosing" is a session phase label
	`c1,iv,phq9,later,11,,5,${NO_ITEMS},`, // 19 unknown phase
	`c1,iv,phq9,session,1.5,,5,${NO_ITEMS},`, // 20 session not a whole number
	`c1,iv,phq9,session,3,,x1,${NO_ITEMS},` // 21 non-numeric again (second of its kind is fine)
];
const TEXT = [HEAD, ...ROWS].join('\n') + '\n';

describe('rejections: every reason with its line and column', async () => {
	const { o } = await importText(TEXT);
	const err = (line: number) => o.report.errors.find((e) => e.line === line);

	it('keeps the counts identity and accepts the good rows', () => {
		expect(o.report.rows_read).toBe(19);
		expect(o.report.rows_accepted).toBe(4);
		expect(o.report.rows_rejected).toBe(15);
		expect(o.rows.map((r) => r.score)).toEqual([9, 8, 10, 5]);
		expect(o.rows[2].prorated).toBe(true);
		expect(o.rows[0].prorated).toBe(false);
	});
	it('total out of range', () => expect(err(4)).toMatchObject({ column: 'score', reason: expect.stringMatching(/^total out of range: 30 is outside 0–27/) }));
	it('item out of range', () => expect(err(5)).toMatchObject({ column: 'item_3', reason: expect.stringMatching(/^item out of range: item 3 of PHQ-9/) }));
	it('unknown instrument', () => expect(err(6)).toMatchObject({ column: 'instrument', reason: 'unknown instrument: "xyz"' }));
	it('unknown route', () => expect(err(7)).toMatchObject({ column: 'route', reason: 'unknown route: "teleport"' }));
	it('missing client id', () => expect(err(8)).toMatchObject({ column: 'client_id', reason: 'missing client id' }));
	it('non-numeric value', () => expect(err(9)).toMatchObject({ column: 'score', reason: expect.stringMatching(/^non-numeric value: total "abc"/) }));
	it('negative session', () => expect(err(10)).toMatchObject({ column: 'session', reason: 'negative session: -1' }));
	it('negative week', () => expect(err(11)).toMatchObject({ column: 'week', reason: 'negative week: -2' }));
	it('phase/index mismatch', () => expect(err(12)).toMatchObject({ column: 'session', reason: expect.stringMatching(/^phase\/index mismatch: baseline must have session 0/) }));
	it('exact duplicate', () => expect(err(14)).toMatchObject({ column: null, reason: expect.stringMatching(/^exact duplicate of line 13/) }));
	it('no score', () => expect(err(15)).toMatchObject({ column: 'score', reason: expect.stringMatching(/^no score/) }));
	it('too many missing items', () => expect(err(16)).toMatchObject({ column: 'item_1', reason: expect.stringMatching(/^too many missing items: 3 of 9/) }));
	it('unknown phase', () => expect(err(19)).toMatchObject({ column: 'phase', reason: 'unknown phase: "later"' }));
	it('session not a whole number', () => expect(err(20)).toMatchObject({ column: 'session', reason: expect.stringMatching(/^non-numeric value: session 1.5/) }));
	it('lists unknown labels for the user to map', () => {
		expect(o.unknownLabels).toEqual(
			expect.arrayContaining([
				{ column: 'instrument', values: ['xyz'] },
				{ column: 'route', values: ['teleport'] },
				{ column: 'phase', values: ['later'] }
			])
		);
	});
});

describe('route labels', () => {
	it('normalises clinic labels and honours mapping labels', async () => {
		const labels = ['troche', 'Lozenge', 'RDT', 'SL', 'IN', 'nasal spray', 'Esketamine', 'IV infusion', 'IM', 'po', 'KAP special'];
		const text = ['client_id,route,instrument,phase,session,score', ...labels.map((l, i) => `c${i},${l},gad7,baseline,0,5`)].join('\n');
		const { o } = await importText(text);
		expect(o.rows.map((r) => r.route)).toEqual(['sublingual', 'sublingual', 'sublingual', 'sublingual', 'intranasal', 'intranasal', 'intranasal', 'iv', 'im', 'oral']);
		expect(o.unknownLabels).toEqual([{ column: 'route', values: ['KAP special'] }]);
		const mapping: Mapping = {
			version: 1,
			client_id: 'client_id',
			route: { column: 'route', labels: { 'KAP special': 'im' } },
			measures: [{ instrument: { column: 'instrument' }, phase: { column: 'phase' }, session: { column: 'session' }, score: 'score' }]
		};
		const again = await importText(text, 'x.csv', mapping);
		expect(again.o.report.rows_rejected).toBe(0);
		expect(again.o.rows.at(-1)!.route).toBe('im');
	});
});

describe('warnings (not rejections)', async () => {
	const text = [
		'client_id,route,instrument,phase,session,week,score',
		'a,iv,bdi2,session,1,,30', // a: no baseline
		'a,iv,bdi2,session,2,,28',
		'b,iv,bdi2,baseline,0,,40', // b: no dosing session
		'b,iv,bdi2,followup,,4,38',
		'c,iv,bdi2,baseline,0,,50',
		'c,iv,bdi2,session,1,,5' // c: jump −45 > 0.6 × 63
	].join('\n');
	const { o } = await importText(text);
	it('accepts every row', () => expect(o.report.rows_rejected).toBe(0));
	it('client without a baseline', () =>
		expect(o.report.warnings).toContainEqual({ line: 2, client_id: 'a', reason: 'client without a baseline score' }));
	it('series without any dosing-session score', () =>
		expect(o.report.warnings).toContainEqual({ line: 4, client_id: 'b', reason: 'series 1 has no dosing-session score' }));
	it('implausible jump', () =>
		expect(o.report.warnings).toContainEqual({ line: 7, client_id: 'c', reason: expect.stringMatching(/^implausible jump: BDI-II 50 → 5/) }));
	it('no other warnings', () => expect(o.report.warnings.length).toBe(3));
});

describe('implausible jumps through DuckDB\'s reader (import/duck/warnings.ts), at the limit', async () => {
	// BDI-II's limit is 0.6 × 63 = 37.8 points between consecutive timepoints, in time order (baseline,
	// sessions, follow-up weeks), not file order: d's follow-up row comes first in the file.
	const text = [
		'client_id,route,instrument,phase,session,week,score',
		'd,iv,bdi2,followup,,4,40', // 2: after session 2's 2, +38 > 37.8
		'd,iv,bdi2,baseline,0,,40',
		'd,iv,bdi2,session,1,,3', // 4: −37, not over
		'd,iv,bdi2,session,2,,2',
		'e,iv,bdi2,baseline,0,,50',
		'e,iv,bdi2,session,1,,12' // 7: −38 > 37.8
	].join('\n');
	const js = (await importText(text)).o.report;
	const db = await openNodeEngine();
	const duck = (await importWithEngine(db, new TextEncoder().encode(text), 'x.csv', { table: 'jumps' })).report;
	db.close();
	it('read by DuckDB', () => expect(duck.reader?.path).toBe('duckdb'));
	it('the two jumps over the limit, and not the one under it', () =>
		expect(duck.warnings).toEqual([
			{ line: 2, client_id: 'd', reason: 'implausible jump: BDI-II 2 → 40 (+38) between consecutive timepoints' },
			{ line: 7, client_id: 'e', reason: 'implausible jump: BDI-II 50 → 12 (-38) between consecutive timepoints' }
		]));
	it('the warnings of the JavaScript path', () => expect(duck.warnings).toEqual(js.warnings));
});

describe('exact duplicates through DuckDB\'s reader: rejected before the jumps are read (import/duck/run.ts)', async () => {
	const text = [
		'client_id,route,instrument,phase,session,week,score',
		'f,iv,bdi2,baseline,0,,10',
		'f,iv,bdi2,session,1,,12',
		'f,iv,bdi2,session,1,,60', // 4: exact duplicate of line 3; had it stayed, 12 → 60 and 60 → 14 would be jumps
		'f,iv,bdi2,session,2,,14',
		'h,iv,bdi2,baseline,0,,20',
		'h,iv,bdi2,session,1,,21',
		'h,iv,bdi2,followup,,4,22', // 8 and 9: one timepoint key apart (no session, session 0), not duplicates
		'h,iv,bdi2,followup,0,4,23'
	].join('\n');
	const js = (await importText(text)).o.report;
	const db = await openNodeEngine();
	const duck = (await importWithEngine(db, new TextEncoder().encode(text), 'x.csv', { table: 'dups' })).report;
	db.close();
	it('read by DuckDB', () => expect(duck.reader?.path).toBe('duckdb'));
	it('the duplicate rejected, the two follow-up rows accepted', () => {
		expect(duck.errors).toEqual([{ line: 4, column: null, reason: 'exact duplicate of line 3 (same client, series, instrument, phase, session, week)' }]);
		expect(duck.rows_accepted).toBe(7);
	});
	it('no jump made by the duplicate, nor any other warning', () => expect(duck.warnings).toEqual([]));
	it('the report of the JavaScript path', () => expect({ ...duck, reader: undefined, format: undefined }).toEqual({ ...js, reader: undefined, format: undefined }));
});

describe('BDI-II item codes', () => {
	it('accepts 1a/2b on items 16 and 18 and rejects them elsewhere', async () => {
		const items = (i16: string, i1 = '1') => [i1, ...Array(14).fill('1'), i16, '1', '2b', '1', '1', '1'].join(',');
		const head = ['client_id', 'route', 'instrument', 'phase', 'session', ...Array.from({ length: 21 }, (_, k) => `item_${k + 1}`)].join(',');
		const { o } = await importText(`${head}\nz,iv,bdi2,baseline,0,${items('1a')}\nz,iv,bdi2,session,1,${items('1', '1a')}\n`);
		expect(o.rows[0].score).toBe(22);
		expect(o.report.errors[0]).toMatchObject({ line: 3, column: 'item_1', reason: expect.stringMatching(/^non-numeric value/) });
	});
});
