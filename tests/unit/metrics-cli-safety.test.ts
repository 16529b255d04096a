/**
 * `kap-outcomes report` on a file holding only dosing-session records prints the safety section.
 * The fixture is the hand-counted one of metrics-safety.test.ts plus one row with SBP 275 (rejected).
 */
import { tempDir } from './temp-dir';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/lib/cli/main';
import type { SafetyReport } from '../../src/lib/metrics/safety-report';
import { valueFreeKind } from '../../src/lib/import/reasons';

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

describe('report on a session-record file --min-cell: the import accounting through the policy', () => {
	// 30 rows: 16 clients with one IV session each and nothing out of the ordinary (accepted), 12 rows
	// with a peak SBP of 275 and 2 without a client id (rejected). By hand, min cell 11: 2 is withheld;
	// 14 rejected = 12 + 2 is printed, so 12 would give the 2 back by subtraction and is withheld too;
	// 16 accepted (the safety section's 16 sessions) and 14 rejected are printed, and so is rows read
	// (16 + 14 = 30, computed from the two).
	const HEAD = 'client_id,series,route,session,dose_mg,sbp_pre,dbp_pre,sbp_peak,dbp_peak,sbp_end,dbp_end,spo2_min,sedation,minutes_to_ready,nausea,vomiting,headache,dizziness,anxiety,serious_ae';
	const ok = (i: number) => `c${String(i).padStart(2, '0')},1,iv,1,35,120,80,140,85,125,80,97,3,60,0,0,0,0,0,0`;
	const rows = [
		...Array.from({ length: 16 }, (_, i) => ok(i + 1)),
		...Array.from({ length: 12 }, (_, i) => `x${String(i + 1).padStart(2, '0')},1,iv,1,35,120,80,275,85,125,80,97,3,60,0,0,0,0,0,0`),
		',1,iv,1,35,120,80,140,85,125,80,97,3,60,0,0,0,0,0,0',
		',1,iv,2,35,120,80,140,85,125,80,97,3,60,0,0,0,0,0,0'
	];
	async function file(): Promise<string> {
		const { writeFile } = await import('node:fs/promises');
		const dir = tempDir('kap-cli-');
		await writeFile(path.join(dir, 'records.csv'), [HEAD, ...rows].join('\n') + '\n');
		return path.join(dir, 'records.csv');
	}

	it('a kind of rejection keeps none of the row: quoted text (even with a colon in it), numbers, lines', () => {
		const reasons = [
			'session "a:1" is not a dosing-session number (a whole number ≥ 1)',
			'dbp_peak 90 is not below sbp_peak 80: diastolic must be lower than systolic',
			'duplicate of line 4: client c1, series 1, session 2 already recorded',
			'spo2_min out of range: 101 %'
		];
		expect(reasons.map(valueFreeKind)).toEqual(['session "…" is not a dosing-session number', 'dbp_peak … is not below sbp_peak …', 'duplicate', 'spo2_min out of range']);
	});

	it('a kind of rejection that would be recoverable as the printed total minus the other is withheld too', async () => {
		const f = await file();
		const all = JSON.parse((await run(['report', f, '--json', '--group-by', 'none'])).out);
		// without --min-cell nothing changes: every rejected row with its line
		expect([all.meta.rows_read, all.meta.rows_accepted, all.meta.rows_rejected, all.meta.errors.length]).toEqual([30, 16, 14, 14]);
		const { code, out } = await run(['report', f, '--json', '--group-by', 'none', '--min-cell', '11']);
		expect(code).toBe(0);
		const r = JSON.parse(out) as SafetyReport & { meta: Record<string, unknown> };
		expect(r.meta).not.toHaveProperty('errors');
		expect(r.meta).toMatchObject({ rows_read: 30, rows_accepted: 16, rows_rejected: 14 });
		expect(r.meta.rejected_by_reason).toEqual([
			{ reason: 'sbp_peak out of range', rows: null },
			{ reason: 'missing client id', rows: null }
		]);
		expect(r.safety!.counts).toEqual([{ group: 'all', sessions: 16, clients: 16, definition: 'safety.counts@1', suppressed: false, suppressed_fields: [] }]);
		const text = (await run(['report', f, '--group-by', 'none', '--min-cell', '11'])).out;
		expect(text).toMatch(/dosing-session records; 16 of 30 rows accepted; 14 rejected \(sbp_peak out of range: –; missing client id: –\); rejected rows not listed under --min-cell 11 .*; cells < 11 suppressed/);
		expect(text).not.toMatch(/line \d/);
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
		const { writeFile } = await import('node:fs/promises');
		const dir = tempDir('kap-cli-');
		await writeFile(path.join(dir, 'clinic.csv'), CSV + '\n');
		const { code, err } = await run(['report', path.join(dir, 'clinic.csv')]);
		expect(code).toBe(1);
		expect(err).toMatch(/look like dosing-session records in another layout/);
		const hint = JSON.parse(err.slice(err.indexOf('{')));
		expect(hint).toMatchObject({ kind: 'sessions', client_id: 'Patient', session: 'Visit', fields: { sbp_peak: 'BP systolic peak', spo2_min: 'SpO2 lowest' } });
	}, 120_000);

	it('with the saved session mapping: the safety section from the 6 accepted records (line 4 SpO₂ 101 rejected)', async () => {
		const { writeFile } = await import('node:fs/promises');
		const dir = tempDir('kap-cli-');
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
