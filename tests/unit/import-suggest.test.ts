// What suggestMapping gets right on its own (the page shows it for the user to adjust).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { applyMapping, MappingSchema, readTable, suggestMapping } from '../../src/lib/import/index';
import { expectIdentity, refdata, root, shippedMapping } from '../fixtures/import/helpers';

describe('suggestMapping', () => {
	it('canonical long: exactly right, no mapping file needed', async () => {
		const raw = await readTable(new Uint8Array(readFileSync(`${root}tests/fixtures/import/canonical.csv`)), 'canonical.csv');
		const m = suggestMapping(raw);
		expect(MappingSchema.safeParse(m).success).toBe(true);
		expect(m.shape).toBe('canonical');
		expect(m.client_id).toBe('client_id');
		expect(m.series).toEqual({ column: 'series' });
		expect(m.route).toEqual({ column: 'route' });
		expect(m.measures).toEqual([
			{ instrument: { column: 'instrument' }, phase: { column: 'phase' }, session: { column: 'session' }, week: { column: 'week' }, score: 'score', prorated: 'prorated' }
		]);
		expect(m.attributes).toEqual([
			{ column: 'site', as: 'site' },
			{ column: 'age_band', as: 'age_band' },
			{ column: 'sex', as: 'sex' }
		]);
		const o = applyMapping(raw, m);
		expectIdentity(o);
		expect(o.report).toMatchObject({ rows_read: 9, rows_accepted: 9, clients: 3 });
	});

	it('BtheB: wide BDI-II columns, client id and attributes right; months taken from the names (2/4/6/8)', async () => {
		const raw = await readTable(refdata('btheb/BtheB.csv'), 'BtheB.csv');
		const m = suggestMapping(raw);
		const shipped = shippedMapping('btheb');
		expect(m.shape).toBe('wide');
		expect(m.client_id).toBe('rownames');
		expect(m.measures.map((x) => x.score)).toEqual(shipped.measures.map((x) => x.score));
		expect(m.measures.map((x) => x.instrument)).toEqual(shipped.measures.map((x) => x.instrument));
		// The names say 2m/4m/6m/8m; SOURCE.md says months 2/3/5/8, which the shipped mapping fixes.
		expect(m.measures.map((x) => (x.session as { value: number }).value)).toEqual([0, 2, 4, 6, 8]);
		expect(m.attributes!.map((a) => a.column).sort()).toEqual(['drug', 'length', 'treatment']);
		expect(applyMapping(raw, m).report.rows_accepted).toBe(380);
	});

	it('Claus 2020: both instruments at four measurements, items and totals, measurement 1 = baseline, age → band', async () => {
		const raw = await readTable(refdata('claus2020/claus-2020.xlsx'), 'claus-2020.xlsx');
		const m = suggestMapping(raw);
		expect(m.shape).toBe('items');
		expect(m.client_id).toBe('id');
		expect(m.format?.sheet).toBe('01a_Data_raw');
		const items = shippedMapping('claus2020-items').measures;
		const sorted = (ms: typeof items) => ms.map((x) => JSON.stringify([x.instrument, x.phase, x.session, x.score, x.items])).sort();
		expect(sorted(m.measures)).toEqual(sorted(items));
		expect(m.attributes).toEqual(expect.arrayContaining([{ column: 'age', as: 'age_band', transform: 'age_band' }, { column: 'sex', as: 'sex' }, { column: 'treatment', as: 'treatment' }]));
		// Not guessed: the 0/1 codes of sex and treatment (labels come from the study's documentation).
	});

	it('Riesby (no header): only the client column (V1) is guessed', async () => {
		const raw = await readTable(refdata('riesby/riesby.dat'), 'riesby.dat');
		const m = suggestMapping(raw);
		expect(m.client_id).toBe('V1');
		const o = applyMapping(raw, m);
		expectIdentity(o);
		expect(o.report.rows_accepted).toBe(0);
	});

	it('REDCap: record_id, event timepoints, item groups, _complete columns, checkbox route codes', async () => {
		const raw = await readTable(new Uint8Array(readFileSync(`${root}tests/fixtures/redcap-phq9-gad7.csv`)), 'r.csv');
		const m = suggestMapping(raw);
		expect(m.shape).toBe('redcap');
		expect(m.client_id).toBe('record_id');
		expect(m.route).toEqual({ checkboxes: { route___1: '1', route___2: '2', route___3: '3' }, by_client: true });
		expect(m.measures.map((x) => [x.instrument, x.timepoint?.column, x.items?.length, x.complete])).toEqual([
			[{ value: 'phq9' }, 'redcap_event_name', 9, 'phq9_complete'],
			[{ value: 'gad7' }, 'redcap_event_name', 7, 'gad7_complete']
		]);
		const o = applyMapping(raw, m);
		expectIdentity(o);
		// The route codes are shown for the user to map; the repeating follow-up event needs a label too.
		expect([...o.unknownLabels].sort((a, b) => a.column.localeCompare(b.column))).toEqual([
			{ column: 'redcap_event_name', values: ['followup_arm_1'] },
			{ column: 'route___1', values: ['1', '2', '3'] }
		]);
	});

	it('long file with other column names', async () => {
		const text = 'patient,measure,visit,total\np1,PHQ-9,baseline,20\np1,PHQ-9,session 1,15\np1,GAD-7,week 4 follow-up,9\n';
		const raw = await readTable(new TextEncoder().encode(text), 'x.csv');
		const m = suggestMapping(raw);
		expect(m).toMatchObject({ shape: 'long', client_id: 'patient', route: { value: 'other' } });
		expect(m.measures).toEqual([{ instrument: { column: 'measure' }, timepoint: { column: 'visit' }, score: 'total' }]);
		const o = applyMapping(raw, m);
		expectIdentity(o);
		expect(o.rows.map((r) => [r.instrument, r.phase, r.session, r.week])).toEqual([
			['phq9', 'baseline', 0, null],
			['phq9', 'session', 1, null],
			['gad7', 'followup', null, 4]
		]);
	});
});
