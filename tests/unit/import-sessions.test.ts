import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/import/read';
import { applySessionMapping, SessionMappingSchema, suggestSessionMapping } from '../../src/lib/import/sessions';

const enc = (t: string) => new TextEncoder().encode(t);

describe('dosing-session records', () => {
	it('a file with the canonical columns is recognised without a mapping; out-of-range vitals are rejected with line, column, reason', async () => {
		const csv = [
			'client_id,series,route,session,dose_mg,sbp_pre,dbp_pre,sbp_peak,dbp_peak,spo2_min,sedation,nausea,serious_ae',
			'c1,1,IV,1,35,128,80,150,92,97,4,1,0',
			'c1,1,IV,2,35,130,82,270,95,96,4,0,0', // SBP 270 > 260
			'c2,1,troche,1,200,120,75,135,85,101,5,0,0', // SpO₂ 101
			'c2,1,troche,2,200,120,75,135,85,98,5,4,0', // nausea 4 (0–3)
			'c3,1,IM,1,50,140,90,150,155,95,4,0,0', // DBP 155 ≥ SBP 150
			'c3,1,IM,1,50,140,90,150,95,95,4,0,0', // valid, but duplicate of nothing (line 6 was rejected)
			'c3,1,IM,1,50,141,90,150,95,95,4,0,0', // duplicate key of line 7
			',1,IM,2,50,141,90,150,95,95,4,0,0', // no client
			'c4,1,IV,,35,128,80,150,92,97,4,1,0' // no session
		].join('\n');
		const raw = await readTable(enc(csv), 'sessions.csv');
		const mapping = suggestSessionMapping(raw)!;
		expect(mapping).toMatchObject({ kind: 'sessions', client_id: 'client_id', session: 'session' });
		const { rows, report } = applySessionMapping(raw, mapping);
		expect(report.rows_read).toBe(9);
		expect(report.rows_accepted + report.rows_rejected).toBe(report.rows_read);
		expect(rows.map((r) => [r.client_id, r.session, r.route])).toEqual([
			['c1', 1, 'iv'],
			['c3', 1, 'im']
		]);
		expect(rows[0]).toMatchObject({ dose_mg: 35, sbp_peak: 150, spo2_min: 97, sedation: 4, nausea: 1, serious_ae: 0 });
		expect('hr_pre' in rows[0]).toBe(false);
		expect(report.errors.map((e) => [e.line, e.column])).toEqual([
			[3, 'sbp_peak'],
			[4, 'spo2_min'],
			[5, 'nausea'],
			[6, 'dbp_peak'],
			[8, 'session'],
			[9, 'client_id'],
			[10, 'session']
		]);
		expect(report.errors[0].reason).toMatch(/sbp_peak out of range: 270 mmHg is outside 60–260/);
		expect(report.errors[1].reason).toMatch(/spo2_min out of range: 101 % is outside 50–100/);
		expect(report.errors[3].reason).toMatch(/diastolic must be lower than systolic/);
		expect(report.errors[4].reason).toMatch(/duplicate of line 7/);
	});

	it('score files are not taken for session records', async () => {
		const raw = await readTable(enc('client_id,route,instrument,phase,session,score\nc1,iv,phq9,baseline,0,20\n'), 'scores.csv');
		expect(suggestSessionMapping(raw)).toBeNull();
	});

	it('another layout goes through a session mapping', async () => {
		const raw = await readTable(enc('Patient;Visit;Route;SBP before;SBP max;Sat min\nP1;1;ketamine IV;120;140;96\nP1;2;ketamine IV;125;abc;95\n'), 'clinic.csv');
		expect(suggestSessionMapping(raw)).toBeNull();
		const m = SessionMappingSchema.parse({
			version: 1,
			kind: 'sessions',
			client_id: 'Patient',
			session: 'Visit',
			route: { column: 'Route', labels: { 'ketamine IV': 'iv' } },
			fields: { sbp_pre: 'SBP before', sbp_peak: 'SBP max', spo2_min: 'Sat min' }
		});
		const { rows, report } = applySessionMapping(raw, m);
		expect(rows).toEqual([{ client_id: 'P1', series: 1, route: 'iv', session: 1, sbp_pre: 120, sbp_peak: 140, spo2_min: 96 }]);
		expect(report.errors).toEqual([{ line: 3, column: 'SBP max', reason: 'sbp_peak: "abc" is not a number' }]);
		expect(SessionMappingSchema.safeParse({ ...m, fields: { bp: 'x' } }).success).toBe(false);
	});
});

describe('rejections of session records, grouped', () => {
	it('an out-of-range vital names the record, not the questionnaire', async () => {
		const { groupReasons, describeGroup } = await import('../../src/lib/import/reasons');
		const [g] = groupReasons([{ line: 10, column: 'sbp_peak', reason: 'sbp_peak out of range: 275 mmHg is outside 60–260 (a measured blood pressure outside this range is a typing or unit error)' }]);
		expect(describeGroup(g)).toContain('a session measurement outside what can be measured');
		const [q] = groupReasons([{ line: 3, column: 'score', reason: 'score out of range: 99 (bdi2 0–63)' }]);
		expect(describeGroup(q)).toContain('questionnaire');
	});
});
