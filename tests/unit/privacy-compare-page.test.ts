/**
 * /compare in one export (src/lib/privacy/compare-page.ts) on the real engine. A cohort's analysed
 * client-series are printed on four cards — the flow's end-of-series box, the change n, the
 * remission (and here response) n and Table 1's "analysed" row — and its client-series with a
 * baseline on two (Table 1's population row, the flow's first box). The attacker
 * (privacy-attacker.ts, independent of src/lib/privacy) knows those are the same counts. Cards
 * protected one by one (as /compare did) let it work out a withheld count; the page's one call
 * lets it work out nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';
import { compareCohorts, cohortRelation, COHORT, type Cohort, type Comparison } from '../../src/lib/metrics/compare';
import { flow, type FlowStep } from '../../src/lib/metrics/flow';
import { cohortTable1, POPULATION, type Table1Row } from '../../src/lib/metrics/table1';
import { subgroupAnalysis, type SubgroupResult } from '../../src/lib/metrics/subgroups';
import { changeRows, hedgesRows, protectComparePage, rateRows, subgroupRows } from '../../src/lib/privacy/compare-page';
import { protectFlow } from '../../src/lib/privacy/flow';
import { protect } from '../../src/lib/privacy/policy';
import { COHORT_RATES, ESTIMATES, SUBGROUPS, table1Spec } from '../../src/lib/privacy/tables';
import { Attacker, readTolerability, recovered } from './privacy-attacker';
import type { Tolerability } from '../../src/lib/metrics/compare-safety';
import { tolerabilityRows } from '../../src/lib/privacy/compare-safety';
import { readFlow } from './privacy-flow.test';
import { loadCanonical, type Canon } from './metrics-fixtures';

const A: Cohort = { label: 'Oral', filters: { route: ['oral'] } };
const B: Cohort = { label: 'IV', filters: { route: ['iv'] } };
const MIN = 11;

interface Page {
	c: Comparison;
	steps: FlowStep[];
	t1: Table1Row[];
	sub: SubgroupResult;
}

/** Series with a baseline and `last` the last dosing session scored (null: baseline only). */
function cohortRows(route: string, lasts: (number | null)[]): Canon[] {
	return lasts.flatMap((last, i) => [
		{ client_id: `${route}${i}`, route, instrument: 'phq9', phase: 'baseline' as const, session: 0, score: 18 },
		...Array.from({ length: last ?? 0 }, (_, s) => ({ client_id: `${route}${i}`, route, instrument: 'phq9', phase: 'session' as const, session: s + 1, score: 18 - 3 * (s + 1) - (i % 3) }))
	]);
}

async function load(db: NodeConnector, rows: Canon[]): Promise<Page> {
	await db.exec(sql`DROP TABLE IF EXISTS scores`);
	await loadCanonical(db, rows);
	const opts = { a: A, b: B, instrument: 'phq9' };
	const c = await compareCohorts(db, { ...opts, model: false });
	const steps = (await flow(db, { relation: await cohortRelation(db, 'scores', A, B), groupBy: COHORT, instruments: ['phq9'] })).rows;
	const t1 = (await cohortTable1(db, opts)).rows;
	const sub = await subgroupAnalysis(db, opts);
	return { c, steps, t1, sub };
}

type Shown = readonly Record<string, unknown>[];

/** What a reader of the cards knows: every count shown, and which counts are the same. */
function read(p: Page, s: { flow: Shown; change: Shown; rates: Shown; table1: Shown; subgroups: Shown }): Attacker {
	const a = readFlow(p.steps, s.flow);
	const truthChange = changeRows(p.c);
	const truthRates = rateRows(p.c);
	p.c.cohorts.forEach((label, k) => {
		const idx = (kind: string) => p.steps.filter((x) => x.group === label).findIndex((x) => x.step === kind);
		const flowN = (kind: string) => `flow:phq9:${label}:${idx(kind)}:n`;
		// change n
		const ci = truthChange.findIndex((r) => r.kind === 'cohort' && r.group === label);
		a.cell(`change:${label}`, truthChange[ci].n as number, s.change[ci].n);
		a.sum([`change:${label}`], flowN('end'));
		// response / remission: count + the rest = n, n = the analysed count
		truthRates.forEach((r, i) => {
			if (r.kind !== 'cohort' || r.group !== label) return;
			const key = `rate:${r.outcome}:${label}`;
			a.cell(`${key}:n`, r.n as number, s.rates[i].n);
			a.cell(`${key}:count`, r.count as number, s.rates[i].count);
			a.hidden(`${key}:rest`, (r.n as number) - (r.count as number));
			a.sum([`${key}:count`, `${key}:rest`], `${key}:n`);
			a.sum([`${key}:n`], flowN('end'));
		});
		// Table 1's population rows
		p.t1.forEach((r, i) => {
			if (r.cohort !== label || r.variable !== 'n') return;
			a.cell(`t1:${r.level}:${label}`, r.n, s.table1[i].n);
			if (r.level === POPULATION.analysed) a.sum([`t1:${r.level}:${label}`], flowN('end'));
			if (r.level === POPULATION.series) a.sum([`t1:${r.level}:${label}`], flowN('baseline'));
		});
		void k;
	});
	// the subgroup card's overall row: each cohort's analysed n
	const [sa, sb] = [p.sub.overall.n_a, p.sub.overall.n_b];
	a.cell('sub:overall:a', sa, s.subgroups[0].n_a);
	a.cell('sub:overall:b', sb, s.subgroups[0].n_b);
	a.sum(['sub:overall:a'], `change:${p.c.cohorts[0]}`);
	a.sum(['sub:overall:b'], `change:${p.c.cohorts[1]}`);
	// the contrasts' n: A + B (ANCOVA, Hedges' g in the change export; each rate difference)
	const [la, lb] = p.c.cohorts;
	truthChange.forEach((r, i) => {
		if (r.kind !== 'contrast') return;
		a.cell(`change:contrast:${r.id}`, r.n as number, s.change[i].n);
		a.sum([`change:${la}`, `change:${lb}`], `change:contrast:${r.id}`);
	});
	truthRates.forEach((r, i) => {
		if (r.kind !== 'contrast') return;
		a.cell(`rate:${r.outcome}:contrast`, r.n as number, s.rates[i].n);
		a.sum([`rate:${r.outcome}:${la}:n`, `rate:${r.outcome}:${lb}:n`], `rate:${r.outcome}:contrast`);
	});
	return a;
}

/** The cards protected one by one, as /compare did before the page's one export. */
function oneByOne(p: Page) {
	return {
		flow: protectFlow(p.steps, MIN).rows,
		change: protect([...changeRows(p.c), ...hedgesRows(p.c)], ESTIMATES, MIN).rows,
		rates: protect(rateRows(p.c), COHORT_RATES, MIN).rows,
		table1: protect(p.t1, table1Spec(POPULATION), MIN).rows,
		subgroups: protect(subgroupRows(p.sub, 'change', 'phq9'), SUBGROUPS, MIN).rows
	};
}

function onePage(p: Page) {
	const e = protectComparePage({ instrument: 'phq9', comparison: p.c, flow: p.steps, table1: p.t1, subgroups: p.sub }, MIN);
	return { flow: e.flow.rows, change: e.change.rows, rates: e.rates.rows, table1: e.table1.rows, subgroups: e.subgroups.change.rows };
}

describe('/compare: every card in one export', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	}, 120_000);

	it('a small tail: 10 of 40 oral series have no end score; one by one the 10 comes back, in one export nothing', async () => {
		const p = await load(db, [...cohortRows('oral', Array.from({ length: 40 }, (_, i) => (i < 30 ? 2 : null))), ...cohortRows('iv', Array.from({ length: 40 }, () => 2))]);
		expect(p.c.change.map((r) => r.n)).toEqual([30, 40]);
		const flowA = protectFlow(p.steps, MIN).rows.filter((r) => r.group === 'Oral');
		// the flow alone withholds the 10 who left and the analysed 30 beside it …
		expect(flowA.find((r) => r.kind === 'end')?.left).toBeNull();
		expect(flowA.find((r) => r.kind === 'end')?.n).toBeNull();
		// … but the change card prints 30: 40 − 30 = 10
		const alone = oneByOne(p);
		expect(alone.change.find((r) => r.group === 'Oral')?.n).toBe(30);
		expect(recovered(read(p, alone), MIN).map((f) => f.truth)).toContain(10);
		// one export: the 30 is withheld on every card, and nothing comes back
		const page = onePage(p);
		expect(page.change.find((r) => r.group === 'Oral')?.n).toBeNull();
		expect(page.rates.filter((r) => r.group === 'Oral').map((r) => r.n)).toEqual([null, null]);
		expect(page.table1.find((r) => r.cohort === 'Oral' && r.level === POPULATION.analysed)?.n).toBeNull();
		expect(page.subgroups[0].n_a).toBeNull();
		// A + B (the contrasts' n) beside B's 40 would give the 30 back: one of them goes too
		expect([page.change.find((r) => r.group === 'IV')?.n, page.change.find((r) => r.id === 'ancova')?.n]).toContain(null);
		expect(recovered(read(p, page), MIN)).toEqual([]);
		// the copied text says "withheld" where the cards do
		const text = protectComparePage({ instrument: 'phq9', comparison: p.c, flow: p.steps, table1: p.t1 }, MIN).text!.results.join(' ');
		expect(text).not.toMatch(/n = 30\b/);
		expect(text).toContain('n = withheld) in Oral');
	}, 120_000);

	it('random cohorts (fast-check, fixed seed): nothing withheld comes back from the page export', async () => {
		// per cohort: series with an end score (their last session 1 … top) and series with a baseline only
		const lasts = fc
			.record({ analysed: fc.integer({ min: 0, max: 50 }), gone: fc.integer({ min: 0, max: 15 }), top: fc.integer({ min: 1, max: 4 }) })
			.filter((c) => c.analysed + c.gone > 0)
			.map((c) => [...Array.from({ length: c.analysed }, (_, i) => (i % c.top) + 1), ...Array.from({ length: c.gone }, () => null)]);
		let leaksOneByOne = 0;
		await fc.assert(
			fc.asyncProperty(lasts, lasts, async (a, b) => {
				const p = await load(db, [...cohortRows('oral', a), ...cohortRows('iv', b)]);
				expect(recovered(read(p, onePage(p)), MIN)).toEqual([]);
				if (recovered(read(p, oneByOne(p)), MIN).length) leaksOneByOne++;
			}),
			{ seed: 20261201, numRuns: 40 }
		);
		// the same cohorts, cards protected one by one: some give a withheld count back
		expect(leaksOneByOne).toBeGreaterThan(0);
	}, 600_000);
});

/** A cohort's session records as the tolerability card counts them (synthetic: the policy needs only the counts). */
type TolCohort = { sessions: number; clients: number; events: number[]; eventClients: number[]; sessionN: number[]; clientN: number[]; meanN: number; minutesN: number };
const KEYS = ['hypertensive_post', 'any_side_effect_moderate', 'serious_ae'];

function tolerability(a: TolCohort, b: TolCohort): Tolerability {
	const both: [string, TolCohort][] = [['Oral', a], ['IV', b]];
	const rate = (group: string, key: string, unit: 'sessions' | 'clients', count: number, n: number) => ({ group, key, name: key, unit, count, n, rate: n ? count / n : null, ci_low: null, ci_high: null, definition: key });
	const rates = both.flatMap(([g, c]) => KEYS.flatMap((k, j) => [rate(g, k, 'sessions', c.events[j], c.sessionN[j]), rate(g, k, 'clients', c.eventClients[j], c.clientN[j])]));
	const clientRate = (g: string, k: string) => rates.find((r) => r.group === g && r.key === k && r.unit === 'clients')!;
	return {
		cohorts: ['Oral', 'IV'],
		hasSessions: true,
		counts: both.map(([group, c]) => ({ group, sessions: c.sessions, clients: c.clients, definition: 'counts' })),
		rates,
		means: both.map(([group, c]) => ({ group, key: 'sbp_rise', name: 'SBP rise', n: c.meanN, mean: 20, sd: 8, ci_low: 15, ci_high: 25, definition: 'rise' })),
		minutes: both.map(([group, c]) => ({ group, n: c.minutesN, median: 60, q1: 50, q3: 70, definition: 'minutes' })),
		differences: KEYS.filter((k) => clientRate('Oral', k).n > 0 && clientRate('IV', k).n > 0).map((k) => {
			const [x, y] = [clientRate('Oral', k), clientRate('IV', k)];
			return { key: k, name: k, a: x, b: y, diff: x.rate! - y.rate!, low: -1, high: 1, definition: 'Newcombe method 10' };
		}),
		sql: []
	};
}

/** Every rate recorded at every session (client). */
const everywhere = (sessions: number, clients: number, events: number[], eventClients: number[]): TolCohort => ({ sessions, clients, events, eventClients, sessionN: events.map(() => sessions), clientN: events.map(() => clients), meanN: sessions, minutesN: sessions });

describe('/compare: the tolerability card in the page export', () => {
	const shownBy = (t: Tolerability, rows: readonly Record<string, unknown>[]) => recovered(readTolerability(new Attacker(), tolerabilityRows(t), rows), MIN);

	it('8 clients in one cohort: the difference n (8 + 20) beside the other cohort n 20 would give it back; one export gives nothing', () => {
		const t = tolerability(everywhere(30, 8, [3, 12, 0], [2, 6, 0]), everywhere(60, 20, [4, 15, 1], [3, 12, 1]));
		// the card's table protected on its own, as a flat table of counts: the 8 comes back from 28 − 20
		const flat = protect(tolerabilityRows(t), { name: 'flat', counts: ['sessions', 'clients', 'count', 'n'], derived: [{ fields: ['value', 'low', 'high'], from: ['count', 'n'] }] }, MIN).rows;
		expect(shownBy(t, flat).map((f) => f.truth)).toContain(8);
		const e = protectComparePage({ instrument: 'phq9', tolerability: t }, MIN).tolerability.rows;
		expect(e.find((r) => r.stat === 'counts' && r.cohort === 'Oral')?.clients).toBeNull();
		// 28 − 20 = 8: the difference's n or IV's 20 clients goes too (here IV's, the smaller)
		const ivClients = e.find((r) => r.stat === 'counts' && r.cohort === 'IV')?.clients;
		expect([ivClients, ...e.filter((r) => r.kind === 'contrast').map((r) => r.n)]).toContain(null);
		expect(shownBy(t, e)).toEqual([]);
		// nothing derived from a withheld count is printed beside it
		for (const r of e) if (r.n === null || r.count === null) expect(r.value).toBeNull();
	});

	it('random cohorts (fast-check, fixed seed): nothing withheld comes back from the tolerability rows', () => {
		const cohort = fc
			.record({ sessions: fc.integer({ min: 0, max: 60 }), c: fc.integer({ min: 0, max: 100 }), e: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }), m: fc.array(fc.integer({ min: 70, max: 100 }), { minLength: 3, maxLength: 3 }) })
			.map(({ sessions, c, e, m }): TolCohort => {
				const clients = Math.min(sessions, Math.round((sessions * c) / 100));
				// some rates recorded at every session, some at most
				const sessionN = m.map((p) => (p > 85 ? sessions : Math.round((sessions * p) / 100)));
				const clientN = sessionN.map((n) => Math.min(clients, n));
				const events = e.map((p, j) => Math.round((sessionN[j] * p) / 100));
				return { sessions, clients, events, eventClients: events.map((x, j) => Math.min(x, clientN[j])), sessionN, clientN, meanN: sessionN[0], minutesN: sessionN[1] };
			});
		fc.assert(
			fc.property(cohort, cohort, (a, b) => {
				const t = tolerability(a, b);
				expect(shownBy(t, protectComparePage({ instrument: 'phq9', tolerability: t }, MIN).tolerability.rows)).toEqual([]);
			}),
			{ seed: 20261202, numRuns: 150 }
		);
	});
});
