import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/lib/cli/main';
import type { Report } from '../../src/lib/metrics/report';
import type { ModelRow } from '../../src/lib/metrics/models';
import type { MmrmRow } from '../../src/lib/metrics/mmrm';

const ROOT = path.resolve(__dirname, '../..');
const RIESBY = path.join(ROOT, 'tests/fixtures/refdata/riesby/riesby.dat');
const MAPPING = path.join(ROOT, 'mappings/riesby.json');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
	return { code, out, err };
}

describe('npx kap-outcomes report (end to end on riesby with its mapping)', () => {
	it('--json prints the published trajectories and the ML random-slope model', async () => {
		const { code, out, err } = await run(['report', RIESBY, '--mapping', MAPPING, '--json']);
		expect(err).toBe('');
		expect(code).toBe(0);
		const r: Report = JSON.parse(out);
		expect(r.meta.group_by).toBe('route');
		const t = r.trajectories.map((x) => [x.session, x.n, x.mean.toFixed(2), x.sd!.toFixed(2)]);
		expect(t).toEqual([
			[0, 61, '23.44', '4.53'],
			[1, 63, '21.84', '4.70'],
			[2, 65, '18.31', '5.49'],
			[3, 65, '16.42', '6.42'],
			[4, 63, '13.62', '6.97'],
			[5, 58, '11.95', '7.22']
		]);
		const m = r.models[0] as ModelRow;
		expect(m).toMatchObject({ instrument: 'hamd17', method: 'ML', random: 'slope', time: 'session', n_obs: 375, n_clients: 66 });
		expect(m.fixed.map((f) => [f.term, f.estimate.toFixed(2), f.se.toFixed(2)])).toEqual([
			['(Intercept)', '23.58', '0.55'],
			['time', '-2.38', '0.21']
		]);
		expect([m.variance.intercept, m.variance.slope!, m.variance.covariance!, m.variance.residual].map((v) => v.toFixed(2))).toEqual(['12.63', '2.08', '-1.42', '12.22']);
		expect(m.loglik.toFixed(2)).toBe('-1109.52');
		expect([m.converged, m.singular]).toEqual([true, false]);
		for (const k of ['trajectories', 'response', 'remission', 'durability', 'survival', 'attrition', 'models']) expect(r).toHaveProperty(k);
		expect(r.response[0]).toHaveProperty('definition', 'response.pct50.eos.observed@1');
	});

	it('--group-by endog: Table 12.2 by group and the week × endog LRT (χ² 4.1, 2 df); REML random intercept', async () => {
		const g = JSON.parse((await run(['report', RIESBY, '--mapping', MAPPING, '--json', '--group-by', 'endog'])).out) as Report;
		const reactive = g.trajectories.filter((x) => x.group === 'reactive').map((x) => [x.n, x.mean.toFixed(2), x.sd!.toFixed(2)]);
		expect(reactive[0]).toEqual([28, '22.79', '4.12']);
		expect(reactive[5]).toEqual([27, '11.22', '6.34']);
		expect((g.models[0] as ModelRow).lrt!.chi2.toFixed(1)).toBe('4.1');
		expect((g.models[0] as ModelRow).lrt!.df).toBe(2);
		const reml = JSON.parse((await run(['report', RIESBY, '--mapping', MAPPING, '--json', '--model', 'reml', '--random', 'intercept'])).out) as Report;
		const m = reml.models[0] as ModelRow;
		expect(m.fixed.map((f) => [f.estimate.toFixed(2), f.se.toFixed(2)])).toEqual([
			['23.55', '0.64'],
			['-2.38', '0.14']
		]);
		expect([m.variance.intercept.toFixed(2), m.variance.residual.toFixed(2)]).toEqual(['16.45', '19.10']);
	});

	it('--model mmrm --group-by endog: a models entry of type mmrm with the nlme::gls numbers (R call in metrics-mmrm.test.ts)', async () => {
		const r = JSON.parse((await run(['report', RIESBY, '--mapping', MAPPING, '--json', '--model', 'mmrm', '--group-by', 'endog'])).out) as Report;
		const m = r.models[0] as MmrmRow;
		expect(r.meta.model).toMatchObject({ type: 'mmrm', method: 'REML' });
		expect(m).toMatchObject({ type: 'mmrm', last_session: 5, n_obs: 289, n_clients: 61 });
		// nlme::gls REML logLik −837.387324902; reactive − endogenous at week 5: −1.1190657509 (SE 2.0459000229, df 278).
		expect(Math.abs(m.loglik - -837.387324902)).toBeLessThan(1e-4);
		expect(Math.abs(m.last_session_difference!.estimate - -1.1190657509)).toBeLessThan(1e-4);
		expect(m.last_session_difference!.df).toBe(278);
		expect(m.ls_means).toHaveLength(10);
		const text = await run(['report', RIESBY, '--mapping', MAPPING, '--model', 'mmrm', '--group-by', 'endog', '--last-session', '4']);
		expect(text.out).toContain('MMRM hamd17');
		expect(text.out).toContain('Session 4: reactive − endogenous');
		expect((await run(['report', RIESBY, '--model', 'ml', '--last-session', '4'])).code).toBe(2);
	});

	it('readable tables without --json; bad usage exits 2', async () => {
		const { code, out } = await run(['report', RIESBY, '--mapping', MAPPING]);
		expect(code).toBe(0);
		expect(out).toContain('Trajectories');
		expect(out).toContain('23.44');
		expect(out).toContain('logLik -1109.52');
		expect((await run(['report', RIESBY, '--model', 'bayes'])).code).toBe(2);
		expect((await run(['report'])).code).toBe(2);
	});
});

describe('npx kap-outcomes report on BtheB and claus2020 with their mappings', () => {
	it('BtheB: --model-scores post --covariates baseline,treatment,drug,length --reference treatment=TAU --random intercept', async () => {
		const file = path.join(ROOT, 'tests/fixtures/refdata/btheb/BtheB.csv');
		const args = ['report', file, '--mapping', path.join(ROOT, 'mappings/btheb.json'), '--json', '--model-scores', 'post'];
		args.push('--covariates', 'baseline,treatment,drug,length', '--reference', 'treatment=TAU', '--random', 'intercept');
		const { code, out, err } = await run(args);
		expect(err).toBe('');
		expect(code).toBe(0);
		const m = (JSON.parse(out) as Report).models[0] as ModelRow;
		expect(m).toMatchObject({ n_obs: 280, n_clients: 97, method: 'ML', random: 'intercept' });
		const est = Object.fromEntries(m.fixed.map((f) => [f.term, f.estimate]));
		// published 5.59244, 0.63967, −0.70477, −2.32912, −2.82497, 0.19712 (the 2009 fit stopped ~5e-5 short)
		expect(est['(Intercept)']).toBeCloseTo(5.59244, 3);
		expect(est.baseline).toBeCloseTo(0.63967, 4);
		expect(est.time).toBeCloseTo(-0.70477, 4);
		expect(est.treatmentBtheB).toBeCloseTo(-2.32912, 3);
		expect(est.drugYes).toBeCloseTo(-2.82497, 3);
		expect(est['length>6m']).toBeCloseTo(0.19712, 3);
		expect(m.loglik.toFixed(1)).toBe('-935.7');
	});

	it('claus2020: BDI-II ≥ 50 % TAU 2/19, PA 9/21; JT with --reliability bdi2=0.801 18/22/0', async () => {
		const file = path.join(ROOT, 'tests/fixtures/refdata/claus2020/claus-2020.xlsx');
		const { code, out, err } = await run(['report', file, '--mapping', path.join(ROOT, 'mappings/claus2020.json'), '--json', '--group-by', 'treatment', '--instrument', 'bdi2', '--reliability', 'bdi2=0.801']);
		expect(err).toBe('');
		expect(code).toBe(0);
		const r = JSON.parse(out) as Report;
		expect(r.response.map((x) => [x.group, x.count, x.n])).toEqual([
			['PA', 9, 21],
			['TAU', 2, 19],
			['(all)', 11, 40]
		]);
		const all = r.reliable_change.filter((x) => x.group === '(all)');
		expect(all.slice(0, 3).map((x) => [x.outcome, x.count])).toEqual([
			['improved', 18],
			['unchanged', 22],
			['deteriorated', 0]
		]);
	});
});
