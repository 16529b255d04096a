/**
 * Blood pressure written as one column "120/80" (as clinic exports often have it): the mapping step
 * maps such a column to the systolic and diastolic fields of its time point (pre, peak, end), and a
 * value that is not one reading, or whose halves are out of range, is rejected with line, column and
 * reason. Expected values are read off the file below by hand.
 */
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/import/read';
import { applySessionMapping, parseSessionMapping, splitBloodPressure } from '../../src/lib/import/sessions';
import { suggestSessionFields } from '../../src/lib/import/sessions-suggest';
import { setSessionBloodPressure, setSessionField } from '../../src/lib/import/controls';

const CSV = [
	'Patient,Visit,BP pre,BP peak,BP discharge,SpO2 lowest',
	'P1,1,128/82,150/90,130/80,97', // line 2: ok
	'P1,2,131 / 84,184/104 mmHg,,96', // line 3: ok, no discharge reading
	'P1,3,126-80,148/88,129/81,98', // line 4: "126-80" is not systolic/diastolic
	'P2,1,140/92,300/98,142/90,95', // line 5: systolic 300 out of range
	'P2,2,138/90,172/180,139/88,94', // line 6: diastolic 180 out of range
	'P3,1,118/76,80/82,120/78,98', // line 7: diastolic 82 not below systolic 80
	'P3,2,,,,98' // line 8: ok, no blood pressure recorded
].join('\n');

describe('blood pressure as one column', () => {
	it('splits "120/80", "131 / 84" and "184/104 mmHg"; refuses other texts', () => {
		expect(splitBloodPressure('120/80', false)).toEqual([120, 80]);
		expect(splitBloodPressure(' 131 / 84 ', false)).toEqual([131, 84]);
		expect(splitBloodPressure('184/104 mmHg', false)).toEqual([184, 104]);
		expect(splitBloodPressure('120,5/80', true)).toEqual([120.5, 80]);
		for (const bad of ['126-80', '120/', '/80', '120/80/60', 'high', '120/80 bpm', '120,5/80']) expect(splitBloodPressure(bad, false)).toBeNull();
	});

	it('the mapping step suggests the three columns; rows are split, bad values rejected with line, column and reason', async () => {
		const raw = await readTable(new TextEncoder().encode(CSV), 'vitals.csv');
		const s = suggestSessionFields(raw);
		expect(s.likely).toBe(true);
		expect(s.mapping.blood_pressure).toEqual({ pre: 'BP pre', peak: 'BP peak', end: 'BP discharge' });
		expect(s.mapping.fields).toEqual({ spo2_min: 'SpO2 lowest' });
		const { rows, report } = applySessionMapping(raw, s.mapping);
		expect([report.rows_read, report.rows_accepted, report.rows_rejected]).toEqual([7, 3, 4]);
		expect(rows.map((r) => [r.client_id, r.session, r.sbp_pre, r.dbp_pre, r.sbp_peak, r.dbp_peak, r.sbp_end, r.dbp_end, r.spo2_min])).toEqual([
			['P1', 1, 128, 82, 150, 90, 130, 80, 97],
			['P1', 2, 131, 84, 184, 104, null, null, 96],
			['P3', 2, null, null, null, null, null, null, 98]
		]);
		expect(report.errors).toEqual([
			{ line: 4, column: 'BP pre', reason: 'blood pressure "126-80" is not one reading written systolic/diastolic (such as 120/80)' },
			{ line: 5, column: 'BP peak', reason: expect.stringMatching(/^sbp_peak out of range: 300 mmHg is outside 60–260/) },
			{ line: 6, column: 'BP peak', reason: expect.stringMatching(/^dbp_peak out of range: 180 mmHg is outside 30–160/) },
			{ line: 7, column: 'BP peak', reason: 'dbp_peak 82 is not below sbp_peak 80: diastolic must be lower than systolic' }
		]);
	});

	it('a field cannot be mapped twice; the controls switch between one column and two', () => {
		const base = { version: 1, kind: 'sessions', client_id: 'Patient', session: 'Visit', fields: { sbp_pre: 'SBP', dbp_pre: 'DBP', spo2_min: 'SpO2' } } as const;
		const twice = parseSessionMapping({ ...base, blood_pressure: { pre: 'BP pre' } });
		expect(twice.ok).toBe(false);
		if (!twice.ok) expect(twice.error).toMatch(/fields\.sbp_pre: sbp_pre is mapped twice/);
		const ok = parseSessionMapping(base);
		if (!ok.ok) throw new Error(ok.error);
		const one = setSessionBloodPressure(ok.mapping, 'pre', 'BP pre');
		expect(one.fields).toEqual({ spo2_min: 'SpO2' });
		expect(one.blood_pressure).toEqual({ pre: 'BP pre' });
		expect(parseSessionMapping(one).ok).toBe(true);
		const back = setSessionField(one, 'sbp_pre', 'SBP');
		expect(back.blood_pressure).toBeUndefined();
		expect(back.fields).toEqual({ spo2_min: 'SpO2', sbp_pre: 'SBP' });
	});
});
