// Each reference dataset through its shipped mapping (mappings/*.json); counts from its SOURCE.md.
import { describe, expect, it } from 'vitest';
import { applyMapping, readTable, type CanonicalRow } from '../../src/lib/import/index';
import { expectIdentity, refdata, root, shippedMapping } from '../fixtures/import/helpers';
import { readFileSync } from 'node:fs';

const count = (rows: CanonicalRow[], f: (r: CanonicalRow) => boolean) => rows.filter(f).length;
const clients = (rows: CanonicalRow[], f: (r: CanonicalRow) => boolean = () => true) => new Set(rows.filter(f).map((r) => r.client_id)).size;

describe('BtheB (wide, empty = missing)', async () => {
	const raw = await readTable(refdata('btheb/BtheB.csv'), 'BtheB.csv');
	const o = applyMapping(raw, shippedMapping('btheb'));
	it('100 clients, 380 scores (100+97+73+58+52), nothing rejected', () => {
		expectIdentity(o);
		expect(o.report).toMatchObject({ rows_read: 380, rows_accepted: 380, rows_rejected: 0, clients: 100, instruments: ['bdi2'], source_rows: 100, empty_cells_skipped: 120 });
		expect([0, 2, 3, 5, 8].map((s) => count(o.rows, (r) => r.session === s))).toEqual([100, 97, 73, 58, 52]);
	});
	it('arms and attributes per SOURCE.md', () => {
		const base = o.rows.filter((r) => r.phase === 'baseline');
		expect(count(base, (r) => r.treatment === 'BtheB')).toBe(52);
		expect(count(base, (r) => r.treatment === 'TAU')).toBe(48);
		expect(count(o.rows, (r) => r.phase === 'session' && r.treatment === 'BtheB')).toBe(52 + 37 + 29 + 27);
		expect(Math.min(...base.map((r) => r.score as number))).toBe(2);
		expect(o.extraColumns).toEqual(['treatment', 'drug', 'length']);
		expect(o.rows.every((r) => r.route === 'other')).toBe(true);
	});
	it('280 follow-up values in 97 patients; 3 baseline-only series warned', () => {
		expect(count(o.rows, (r) => r.phase === 'session')).toBe(280);
		expect(clients(o.rows, (r) => r.phase === 'session')).toBe(97);
		expect(o.report.warnings.filter((w) => /no dosing-session/.test(w.reason)).length).toBe(3);
	});
});

describe('Riesby (headerless .dat, "." missing)', () => {
	for (const file of ['riesby.dat', 'riesby.dat.txt']) {
		it(`${file}: 396 read = 375 accepted + 21 "no score"; 66 clients; per-week n`, async () => {
			const raw = await readTable(refdata(`riesby/${file}`), file);
			const o = applyMapping(raw, shippedMapping('riesby'));
			expectIdentity(o);
			expect(o.report).toMatchObject({ rows_read: 396, rows_accepted: 375, rows_rejected: 21, clients: 66, instruments: ['hamd17'] });
			expect(o.report.errors.every((e) => e.column === 'hamd' && /^no score/.test(e.reason))).toBe(true);
			const perWeek = (endog?: string) => [0, 1, 2, 3, 4, 5].map((s) => count(o.rows, (r) => r.session === s && (!endog || r.endog === endog)));
			expect(perWeek()).toEqual([61, 63, 65, 65, 63, 58]);
			expect(perWeek('reactive')).toEqual([28, 29, 28, 29, 29, 27]);
			expect(perWeek('endogenous')).toEqual([33, 34, 37, 36, 34, 31]);
			expect(clients(o.rows, (r) => r.endog === 'endogenous')).toBe(37);
			expect(clients(o.rows, (r) => r.endog === 'reactive')).toBe(29);
			expect(o.rows.every((r) => r.route === 'oral')).toBe(true);
			const week0 = o.rows.filter((r) => r.session === 0).map((r) => r.score as number);
			expect((week0.reduce((a, b) => a + b, 0) / week0.length).toFixed(2)).toBe('23.44');
			// 5 clients have no week-0 value (66 − 61): warned, not rejected.
			expect(o.report.warnings.filter((w) => /without a baseline/.test(w.reason)).length).toBe(5);
		});
	}
});

describe('Claus 2020 (xlsx, #NULL! cells)', async () => {
	const raw = await readTable(refdata('claus2020/claus-2020.xlsx'), 'claus-2020.xlsx', { sheet: '01a_Data_raw' });
	const o = applyMapping(raw, shippedMapping('claus2020'));
	const n = (inst: string, s: number, arm?: string) => count(o.rows, (r) => r.instrument === inst && r.session === s && (!arm || r.treatment === arm));
	it('43 participants, TAU 20 / PA 23', () => {
		expectIdentity(o);
		expect(o.report).toMatchObject({ rows_read: 327, rows_accepted: 327, rows_rejected: 0, clients: 43, instruments: ['bdi2', 'hamd17'] });
		expect(clients(o.rows, (r) => r.treatment === 'TAU')).toBe(20);
		expect(clients(o.rows, (r) => r.treatment === 'PA')).toBe(23);
	});
	it('observed n per measurement: BDI 43/40/40/40, HAM-D 43/41/40/40, by arm', () => {
		expect([0, 1, 2, 3].map((s) => n('bdi2', s))).toEqual([43, 40, 40, 40]);
		expect([0, 1, 2, 3].map((s) => n('hamd17', s))).toEqual([43, 41, 40, 40]);
		expect([0, 1, 2, 3].map((s) => n('bdi2', s, 'TAU'))).toEqual([20, 19, 19, 19]);
		expect([0, 1, 2, 3].map((s) => n('hamd17', s, 'PA'))).toEqual([23, 22, 21, 21]);
	});
	it('sex labels and age bands', () => {
		expect(new Set(o.rows.map((r) => r.sex))).toEqual(new Set(['female', 'male']));
		expect(o.rows.every((r) => typeof r.age_band === 'string' && /^\d\d–\d\d$|^90\+$|^18–29$/.test(r.age_band))).toBe(true);
	});
	it('item-level variant: items cross-checked against totals (2 impossible items rejected, 19 totals differ)', () => {
		const items = applyMapping(raw, shippedMapping('claus2020-items'));
		expectIdentity(items);
		expect(items.report).toMatchObject({ rows_read: 327, rows_accepted: 325, rows_rejected: 2 });
		expect(items.report.errors).toEqual([
			{ line: 17, column: 'HAMD1.4', reason: expect.stringMatching(/item out of range/) },
			{ line: 31, column: 'BDI4.3', reason: expect.stringMatching(/item out of range/) }
		]);
		const differ = items.report.warnings.filter((w) => /but the total column says/.test(w.reason));
		expect(differ.filter((w) => /^BDI-II/.test(w.reason)).length).toBe(15);
		expect(differ.filter((w) => /^HAM-D17/.test(w.reason)).length).toBe(4);
		// Everywhere else the item sums reproduce the published totals exactly.
		const totals = new Map(o.rows.map((r) => [`${r.client_id}/${r.instrument}/${r.session}`, r.score]));
		const same = items.rows.filter((r) => totals.get(`${r.client_id}/${r.instrument}/${r.session}`) === r.score).length;
		expect(same).toBe(325 - 19);
	});
});

describe('REDCap export (hand-made fixture)', async () => {
	const raw = await readTable(new Uint8Array(readFileSync(`${root}tests/fixtures/redcap-phq9-gad7.csv`)), 'redcap-phq9-gad7.csv');
	const o = applyMapping(raw, shippedMapping('redcap-phq9-gad7'));
	it('23 rows → 42 scores, 4 clients; the empty Incomplete form is skipped', () => {
		expectIdentity(o);
		expect(o.report).toMatchObject({ rows_read: 42, rows_accepted: 42, rows_rejected: 0, clients: 4, instruments: ['gad7', 'phq9'], source_rows: 23, empty_cells_skipped: 4 });
	});
	it('events, repeating instances, checkbox route filled per client, 90+', () => {
		const c1 = o.rows.filter((r) => r.client_id === '1001' && r.instrument === 'phq9');
		expect(c1.map((r) => [r.phase, r.session, r.week])).toEqual([
			['baseline', 0, null],
			['session', 1, null],
			['session', 2, null],
			['session', 3, null],
			['followup', null, 4],
			['followup', null, 8],
			['followup', null, 12]
		]);
		expect(new Map(o.rows.map((r) => [r.client_id, r.route]))).toEqual(
			new Map([
				['1001', 'iv'],
				['1002', 'sublingual'],
				['1003', 'intranasal'],
				['1004', 'sublingual']
			])
		);
		expect(o.rows.find((r) => r.client_id === '1002')!.age_band).toBe('90+');
		const prorated = o.rows.filter((r) => r.prorated);
		expect(prorated.map((r) => [r.client_id, r.instrument, r.session])).toEqual([['1003', 'phq9', 2]]);
		expect(o.report.identifier_columns.map((c) => c.column)).toEqual(['age', 'phq9_timestamp']);
	});
});
