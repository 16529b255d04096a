/**
 * `kap-outcomes report` on a file holding only dosing-session records prints the safety section.
 * The fixture is the hand-counted one of metrics-safety.test.ts plus one row with SBP 275 (rejected).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/lib/cli/main';
import type { SafetyReport } from '../../src/lib/metrics/safety-report';

const FILE = path.resolve(__dirname, '../fixtures/sessions/sessions.csv');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
	return { code, out, err };
}

describe('report on a session-record file', () => {
	it('prints the safety section, grouped by route, with the rejected row named', async () => {
		const { code, out, err } = await run(['report', FILE]);
		expect(err).toBe('');
		expect(code).toBe(0);
		expect(out).toMatch(/dosing-session records; 8 of 9 rows accepted; rejected: line 10 sbp_peak \(sbp_peak out of range: 275 mmHg/);
		expect(out).toMatch(/Safety \(grouped by route/);
		expect(out).toMatch(/BP ≥ 180\/110 after dosing\s+iv\s+sessions\s+2\s+5\s+0\.40\s+0\.12\s+0\.77\s+safety\.bp\.post-180-110@1/);
		expect(out).toMatch(/Minutes to ready/);
	}, 120_000);

	it('--json carries the same counts; --min-cell withholds small cells', async () => {
		const { code, out } = await run(['report', FILE, '--json', '--group-by', 'none']);
		expect(code).toBe(0);
		const r = JSON.parse(out) as SafetyReport & { meta: { rows_rejected: number } };
		expect(r.meta.rows_rejected).toBe(1);
		expect(r.safety!.counts).toEqual([{ group: 'all', sessions: 8, clients: 4, definition: 'safety.counts@1' }]);
		const post = r.safety!.rates.find((x) => x.key === 'hypertensive_post' && x.unit === 'clients')!;
		expect([post.count, post.n]).toEqual([1, 4]);
		const small = JSON.parse((await run(['report', FILE, '--json', '--min-cell', '11'])).out) as SafetyReport;
		expect(small.safety!.counts.every((c) => c.clients === null)).toBe(true);
	}, 120_000);
});

describe('report on session records in another layout', () => {
	const CSV = [
		'Patient,Visit,Route,Dose (mg),SBP before,DBP before,BP systolic peak,BP diastolic peak,Sys 2,Dia 2,SpO2 lowest,Nausea,Event',
		'P01,1,IV,40,128,82,150,90,130,80,97,1,0',
		'P01,2,IV,40,131,84,184,104,140,86,96,0,0',
		'P01,3,IV,40,126,80,148,88,129,81,101,0,0',
		'P02,1,ketamine pump,50,140,92,168,98,142,90,95,2,1',
		'P02,2,ketamine pump,50,138,90,172,112,139,88,94,1,0',
		'P03,1,troche,200,118,76,128,82,120,78,98,0,0',
		'P03,2,troche,200,119,77,129,83,121,79,98,0,0'
	].join('\n');
	// the session mapping the Data page saves for it once the three unnamed fields and the pump label are set
	const MAPPING = {
		version: 1, kind: 'sessions', client_id: 'Patient', session: 'Visit', route: { column: 'Route', labels: { 'ketamine pump': 'iv' } },
		fields: { dose_mg: 'Dose (mg)', sbp_pre: 'SBP before', dbp_pre: 'DBP before', sbp_peak: 'BP systolic peak', dbp_peak: 'BP diastolic peak', sbp_end: 'Sys 2', dbp_end: 'Dia 2', spo2_min: 'SpO2 lowest', nausea: 'Nausea', serious_ae: 'Event' }
	};

	it('without a mapping: nothing imports as scores, and the message offers the session mapping the names suggest', async () => {
		const { mkdtemp, writeFile } = await import('node:fs/promises');
		const dir = await mkdtemp(path.join((await import('node:os')).tmpdir(), 'kap-cli-'));
		await writeFile(path.join(dir, 'clinic.csv'), CSV + '\n');
		const { code, err } = await run(['report', path.join(dir, 'clinic.csv')]);
		expect(code).toBe(1);
		expect(err).toMatch(/look like dosing-session records in another layout/);
		const hint = JSON.parse(err.slice(err.indexOf('{')));
		expect(hint).toMatchObject({ kind: 'sessions', client_id: 'Patient', session: 'Visit', fields: { sbp_peak: 'BP systolic peak', spo2_min: 'SpO2 lowest' } });
	}, 120_000);

	it('with the saved session mapping: the safety section from the 6 accepted records (line 4 SpO₂ 101 rejected)', async () => {
		const { mkdtemp, writeFile } = await import('node:fs/promises');
		const dir = await mkdtemp(path.join((await import('node:os')).tmpdir(), 'kap-cli-'));
		await writeFile(path.join(dir, 'clinic.csv'), CSV + '\n');
		await writeFile(path.join(dir, 'm.json'), JSON.stringify(MAPPING));
		const { code, out } = await run(['report', path.join(dir, 'clinic.csv'), '--mapping', path.join(dir, 'm.json'), '--json']);
		expect(code).toBe(0);
		const r = JSON.parse(out) as SafetyReport & { meta: { rows_read: number; rows_accepted: number; errors: { line: number; column: string }[] } };
		expect([r.meta.rows_read, r.meta.rows_accepted]).toEqual([7, 6]);
		expect(r.meta.errors.map((e) => [e.line, e.column])).toEqual([[4, 'SpO2 lowest']]);
		expect(r.safety!.counts.find((c) => c.group === '(all)')).toMatchObject({ sessions: 6, clients: 3 });
		// ≥ 180/110 after dosing: P01 session 2 (184/104) and P02 session 2 (172/112), both IV
		const post = r.safety!.rates.filter((x) => x.key === 'hypertensive_post' && x.unit === 'sessions');
		expect(post.map((x) => [x.group, x.count, x.n])).toEqual([
			['iv', 2, 4],
			['sublingual', 0, 2],
			['(all)', 2, 6]
		]);
	}, 120_000);
});
