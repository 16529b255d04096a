/**
 * The small-cell policy against an attacker (privacy-attacker.ts): after `report --min-cell 11`,
 * no withheld count — and no implied count of 1–10 (n − responders …) — can be pinned down from
 * the rest of the output and every total a reader knows. On the demo cohort through the CLI entry
 * point (issue 10's regression: BDI-II "deteriorated" per route, log-rank observed/expected), and
 * on random datasets (fast-check, fixed seed) through the same report builder.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/lib/cli/main';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import type { MmrmRow } from '../../src/lib/metrics/mmrm';
import { buildReport, type Report } from '../../src/lib/metrics/report';
import { protectReport } from '../../src/lib/privacy/report';
import { loadCanonical, type Canon } from './metrics-fixtures';
import { readReport, recovered } from './privacy-attacker';

const DEMO = path.resolve(__dirname, '../../data/demo-cohort.csv');

async function cli(args: string[]) {
	let out = '';
	let err = '';
	const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
	return { code, out, err };
}

describe('report --min-cell 11 on the demo cohort (CLI)', () => {
	let raw: Report;
	let shared: Record<string, unknown>;
	beforeAll(async () => {
		const [open, closed] = [await cli(['report', DEMO, '--json']), await cli(['report', DEMO, '--json', '--min-cell', '11'])];
		expect([open.code, closed.code]).toEqual([0, 0]);
		raw = JSON.parse(open.out);
		shared = JSON.parse(closed.out);
	}, 600_000);

	it('withholds BDI-II "deteriorated" for IM, intranasal and sublingual and a complement in each slice', () => {
		const rc = shared.reliable_change as { instrument: string; group: string; outcome: string; count: number | null; n: number | null }[];
		// issue 10: 351 − 236 − 110 = 5, 167 − 113 − 53 = 1, 554 − 369 − 179 = 6 were recoverable
		for (const g of ['im', 'intranasal', 'sublingual']) {
			const mine = rc.filter((r) => r.instrument === 'bdi2' && r.group === g && r.outcome !== 'clinically_significant');
			expect(mine.find((r) => r.outcome === 'deteriorated')!.count).toBeNull();
			expect(mine.filter((r) => r.count === null).length).toBeGreaterThanOrEqual(2);
		}
	});

	it('no withheld count, and no implied count under 11, is recoverable from the rest of the output', () => {
		const found = recovered(readReport(raw, shared), 11);
		expect(found).toEqual([]);
	});

	it('log-rank observed/expected are withheld with the Kaplan–Meier events they repeat', () => {
		const surv = shared.survival as { instrument: string; group: string; events: number | null }[];
		for (const t of shared.log_rank as { instrument: string; groups: string[]; observed: (number | null)[]; expected: number[] | null }[]) {
			t.groups.forEach((g, i) => {
				const ev = surv.find((s) => s.instrument === t.instrument && s.group === g)!.events;
				if (ev === null) expect(t.observed[i]).toBeNull();
			});
			if (t.observed.some((o) => o === null)) expect(t.expected).toBeNull();
		}
	});

	it('log-rank χ² and p are withheld with its observed counts ((O − E)² / V gives |O − E| back from published life tables)', async () => {
		// at 11 the demo withholds no observed count; at 150 some are (asserted below)
		const high = await cli(['report', DEMO, '--json', '--min-cell', '150', '--instrument', 'bdi2']);
		expect(high.code).toBe(0);
		const tests = [...(shared.log_rank as never[]), ...JSON.parse(high.out).log_rank] as { observed: (number | null)[]; chi2: number | null; p: number | null }[];
		expect(tests.some((t) => t.observed.some((o) => o === null))).toBe(true);
		expect(tests.some((t) => t.observed.every((o) => o !== null))).toBe(true);
		for (const t of tests) {
			const hidden = t.observed.some((o) => o === null);
			expect([t.chi2 === null, t.p === null]).toEqual([hidden, hidden]);
		}
	}, 120_000);
});

/** A random clinic: 2–4 routes, 1–30 client-series each, PHQ-9 at baseline, sessions 1–4 and follow-up weeks. */
const clinic = fc
	.array(
		fc.record({
			route: fc.constantFrom('iv', 'im', 'sublingual', 'intranasal'),
			baseline: fc.integer({ min: 5, max: 27 }),
			sessions: fc.array(fc.option(fc.integer({ min: 0, max: 27 }), { nil: null }), { minLength: 1, maxLength: 4 }),
			followups: fc.array(fc.option(fc.integer({ min: 0, max: 27 }), { nil: null }), { minLength: 0, maxLength: 3 })
		}),
		{ minLength: 4, maxLength: 90 }
	)
	.map((cs) =>
		cs.flatMap((c, i): Canon[] => [
			{ client_id: `C${i}`, route: c.route, instrument: 'phq9', phase: 'baseline', session: 0, score: c.baseline },
			...c.sessions.flatMap((s, j): Canon[] => (s === null ? [] : [{ client_id: `C${i}`, route: c.route, instrument: 'phq9', phase: 'session', session: j + 1, score: s }])),
			...c.followups.flatMap((s, j): Canon[] => (s === null ? [] : [{ client_id: `C${i}`, route: c.route, instrument: 'phq9', phase: 'followup', session: null, week: [1, 4, 8][j], score: s }]))
		])
	);

describe('random datasets: the attacker recovers nothing (fast-check)', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});
	afterAll(() => db.close());

	it('for every report section the solver leaves every withheld cell undetermined', async () => {
		await fc.assert(
			fc.asyncProperty(clinic, async (rows) => {
				await loadCanonical(db, rows);
				const raw = (await buildReport(db, { groupBy: 'route', model: { random: 'intercept' } })) as Report;
				const shared = JSON.parse(JSON.stringify(protectReport(raw, 11)));
				expect(recovered(readReport(raw, shared), 11)).toEqual([]);
			}),
			{ seed: 20261201, numRuns: 12, endOnFailure: true }
		);
	}, 600_000);
});

/**
 * Three routes seen at sessions 1 and 2; sublingual keeps 5 of its 25 client-series to session 2, so
 * the report withholds that 5 and, the total over routes being known, a second route's session-2
 * count. The MMRM's least-squares means print the same counts (n = series with a baseline and a
 * score at that session): they must be withheld there too.
 */
function threeRoutes(): Canon[] {
	const out: Canon[] = [];
	let k = 0;
	const score = (i: number, s: number) => 10 + ((i * 7 + s * 5) % 13);
	for (const [route, n, second] of [['iv', 30, 30], ['im', 20, 20], ['sublingual', 25, 5]] as const)
		for (let i = 0; i < n; i++, k++) {
			const id = `C${k}`;
			out.push({ client_id: id, route, instrument: 'phq9', phase: 'baseline', session: 0, score: 14 + (k % 9) });
			out.push({ client_id: id, route, instrument: 'phq9', phase: 'session', session: 1, score: score(k, 1) });
			if (i < second) out.push({ client_id: id, route, instrument: 'phq9', phase: 'session', session: 2, score: score(k, 2) - 3 });
		}
	return out;
}

describe('an MMRM in the report: its least-squares means print no count the report withholds', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});
	afterAll(() => db.close());

	it('LS-mean n (= attrition with-baseline count at that session) is withheld with the report, and nothing is recoverable', async () => {
		await loadCanonical(db, threeRoutes());
		const raw = (await buildReport(db, { groupBy: 'route', model: { type: 'mmrm' } })) as Report;
		const m = raw.models[0] as MmrmRow;
		expect(m.error).toBeUndefined();
		expect(m.ls_means.find((l) => l.group === 'sublingual' && l.session === 2)!.n).toBe(5);
		const shared = JSON.parse(JSON.stringify(protectReport(raw, 11)));
		const attr = (shared.attrition as { group: string; phase: string; session: number; with_baseline: number | null }[]).filter((r) => r.phase === 'session' && r.session === 2);
		const means = (shared.models[0] as MmrmRow).ls_means.filter((l) => l.session === 2);
		// wherever the attrition withholds a session-2 count, the LS means do not print it
		for (const a of attr) if (a.with_baseline === null) expect(means.find((l) => l.group === a.group)?.n ?? null).toBeNull();
		expect(recovered(readReport(raw, shared), 11)).toEqual([]);
	});

});
