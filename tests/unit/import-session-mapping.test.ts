/**
 * Session records in a clinic's own layout go through the mapping step: the column names suggest a
 * session mapping, the controls edit it, and the same validation applies. The file below was typed by
 * hand for this test (no code wrote it); the expected values are read off it.
 */
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/import/read';
import { applySessionMapping, parseSessionMapping, SessionMappingSchema } from '../../src/lib/import/sessions';
import { columnWords, suggestSessionFields } from '../../src/lib/import/sessions-suggest';
import { setSessionField, setSessionKeys, setSessionRouteLabel } from '../../src/lib/import/controls';

const enc = (t: string) => new TextEncoder().encode(t);

const CLINIC = `Patient,Visit,Route,Dose (mg),SBP before,DBP before,BP systolic peak,BP diastolic peak,SBP discharge,DBP discharge,HR pre,Pulse max,SpO2 lowest,MOAA/S,Time to discharge (min),Nausea,Vomited,Headache,Dizzy,Anxious,SAE,Notes
K-01,1,IV infusion,35,132,84,151,92,136,85,72,88,97,4,65,1,0,0,2,0,0,fine
K-01,2,IV infusion,35,300,84,151,92,136,85,72,88,97,4,65,1,0,0,2,0,0,typo
K-01,3,IV infusion,35,128,80,149,90,130,82,70,86,101,4,60,0,0,0,1,0,0,
K-02,1,Spravato,56,118,76,139,88,,,66,80,98,5,95,0,0,1,0,0,0,
K-02,2,Spravato,56,120,78,141,89,122,79,64,79,96,5,90,moderate,0,1,0,0,0,
K-02,3,Lozenge,56,121,77,140,88,121,78,65,81,97,5,85,0,0,0,0,3,1,
`;

describe('session records in another layout', () => {
	it('column names suggest the session mapping', async () => {
		const raw = await readTable(enc(CLINIC), 'clinic-vitals.csv');
		const { mapping, likely } = suggestSessionFields(raw);
		expect(likely).toBe(true);
		expect(mapping).toMatchObject({ kind: 'sessions', client_id: 'Patient', session: 'Visit', route: { column: 'Route' } });
		expect(mapping.series).toBeUndefined();
		expect(mapping.fields).toEqual({
			dose_mg: 'Dose (mg)',
			sbp_pre: 'SBP before',
			dbp_pre: 'DBP before',
			sbp_peak: 'BP systolic peak',
			dbp_peak: 'BP diastolic peak',
			sbp_end: 'SBP discharge',
			dbp_end: 'DBP discharge',
			hr_pre: 'HR pre',
			hr_peak: 'Pulse max',
			spo2_min: 'SpO2 lowest',
			sedation: 'MOAA/S',
			minutes_to_ready: 'Time to discharge (min)',
			nausea: 'Nausea',
			vomiting: 'Vomited',
			headache: 'Headache',
			dizziness: 'Dizzy',
			anxiety: 'Anxious',
			serious_ae: 'SAE'
		});
		expect(SessionMappingSchema.safeParse(mapping).success).toBe(true);
	});

	it('the mapped file is validated: out-of-range vitals rejected with line, column and reason; read = accepted + rejected', async () => {
		const raw = await readTable(enc(CLINIC), 'clinic-vitals.csv');
		const { rows, report, unknownLabels } = applySessionMapping(raw, suggestSessionFields(raw).mapping);
		expect(report.rows_read).toBe(6);
		expect(report.rows_accepted).toBe(3);
		expect(report.rows_rejected).toBe(3);
		expect(report.errors).toEqual([
			{ line: 3, column: 'SBP before', reason: expect.stringMatching(/^sbp_pre out of range: 300 mmHg is outside 60–260/) },
			{ line: 4, column: 'SpO2 lowest', reason: expect.stringMatching(/^spo2_min out of range: 101 % is outside 50–100/) },
			{ line: 6, column: 'Nausea', reason: 'nausea: "moderate" is not a number' }
		]);
		expect(unknownLabels).toEqual([]);
		// line 2, K-01 session 1, read off the file
		expect(rows[0]).toEqual({
			client_id: 'K-01', series: 1, route: 'iv', session: 1, dose_mg: 35, sbp_pre: 132, dbp_pre: 84, sbp_peak: 151, dbp_peak: 92,
			sbp_end: 136, dbp_end: 85, hr_pre: 72, hr_peak: 88, spo2_min: 97, sedation: 4, minutes_to_ready: 65,
			nausea: 1, vomiting: 0, headache: 0, dizziness: 2, anxiety: 0, serious_ae: 0
		});
		// line 5: Spravato is intranasal esketamine; the discharge BP was not recorded
		expect(rows[1]).toMatchObject({ client_id: 'K-02', session: 1, route: 'intranasal', sbp_end: null, dbp_end: null, minutes_to_ready: 95 });
		// line 7: lozenge → sublingual; the serious AE
		expect(rows[2]).toMatchObject({ client_id: 'K-02', session: 3, route: 'sublingual', anxiety: 3, serious_ae: 1 });
	});

	it('the controls edit the mapping; an unknown route label is offered for mapping and then accepted', async () => {
		const raw = await readTable(enc('Client;Session no;Route;Systolic pre;Systolic post\nA;1;ket pump;120;150\nA;2;IV;118;230\n'), 'pump.csv');
		let { mapping, likely } = suggestSessionFields(raw);
		expect(likely).toBe(true);
		expect(mapping.fields).toEqual({ sbp_pre: 'Systolic pre', sbp_peak: 'Systolic post' });
		let out = applySessionMapping(raw, mapping);
		expect(out.unknownLabels).toEqual([{ column: 'Route', values: ['ket pump'] }]);
		expect(out.report.errors).toEqual([{ line: 2, column: 'Route', reason: 'unknown route: "ket pump"' }]);
		mapping = setSessionRouteLabel(mapping, 'ket pump', 'iv');
		mapping = setSessionField(mapping, 'sbp_peak', null);
		out = applySessionMapping(raw, mapping);
		expect(out.report.rows_accepted).toBe(2);
		expect(out.rows.map((r) => [r.route, r.sbp_pre, 'sbp_peak' in r])).toEqual([
			['iv', 120, false],
			['iv', 118, false]
		]);
		mapping = setSessionKeys(setSessionField(mapping, 'sbp_peak', 'Systolic post'), { route: undefined, series: { value: 2 } });
		expect(mapping.route).toBeUndefined();
		const round = parseSessionMapping(JSON.parse(JSON.stringify(mapping)));
		expect(round.ok).toBe(true);
		out = applySessionMapping(raw, mapping);
		expect(out.rows.map((r) => [r.series, r.route, r.sbp_peak])).toEqual([
			[2, null, 150],
			[2, null, 230]
		]);
		expect(parseSessionMapping({ ...mapping, fields: { spo2: 'x' } })).toMatchObject({ ok: false, error: expect.stringContaining('unknown session field "spo2"') });
	});

	it('score files and score-like columns are not taken for session records', async () => {
		const long = await readTable(enc('client_id,route,instrument,phase,session,score\nc1,iv,phq9,baseline,0,20\n'), 'scores.csv');
		expect(suggestSessionFields(long).likely).toBe(false);
		const wide = await readTable(enc('Patient,Visit,PHQ9 total,GAD7 total,Site\nP1,1,12,9,north\n'), 'wide.csv');
		expect(suggestSessionFields(wide).likely).toBe(false);
		// two vitals among many other columns: not mostly session fields
		const mixed = await readTable(enc('Patient,Visit,SBP before,SBP peak,a,b,c,d,e\nP1,1,120,140,1,2,3,4,5\n'), 'mixed.csv');
		expect(suggestSessionFields(mixed).likely).toBe(false);
	});

	it('column words', () => {
		expect([...columnWords('BP systolic peak')]).toEqual(['bp', 'systolic', 'peak']);
		expect(columnWords('sbpPre').has('pre')).toBe(true);
		expect(columnWords('SpO2 lowest').has('spo2')).toBe(true);
	});
});
