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
