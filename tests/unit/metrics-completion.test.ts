import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { attrition } from '../../src/lib/metrics/attrition';
import { completionLinks, seriesCompletion } from '../../src/lib/metrics/completion';
import { protectSections, type Sections } from '../../src/lib/privacy/report';
import type { Row } from '../../src/lib/privacy/spec';
import { COMPLETION, COMPLETION_LINKS, COUNTS } from '../../src/lib/privacy/tables';
import { cohortCounts } from '../../src/lib/metrics/counts';
import { loadCanonical, type Canon } from './metrics-fixtures';
import { CachingConnector } from '../../src/lib/data/cached';

/*
 * Completion per client-series, hand-computed. Two routes, two questionnaires, no planned_sessions
 * column, so each questionnaire × route plans up to the largest session seen there:
 *   iv: PHQ-9 up to S3, GAD-7 up to S2;   sl: PHQ-9 up to S2.
 *
 *   A  iv  PHQ-9 BL S1 S2 S3 · GAD-7 BL S1 S2   baseline ✓  reached (both)            completed
 *   B  iv  PHQ-9 BL S1       · GAD-7 BL S1 S2   baseline ✓  reached on GAD-7 only     completed
 *   C  iv  PHQ-9 BL S1 S2                       baseline ✓  PHQ-9 stops before S3     not completed
 *   D  iv                      GAD-7    S1 S2   no baseline on any questionnaire      not counted
 *   E  iv  PHQ-9          S3 · GAD-7 BL         baseline ✓ (GAD-7), reached (PHQ-9 S3) completed
 *   F1 sl  PHQ-9 BL S1 S2                       baseline ✓  reached                   completed
 *   G1 sl  PHQ-9 BL S1                          baseline ✓                            not completed
 *   F2 sl  PHQ-9 BL S1   (F's booster)          baseline ✓                            not completed
 *
 *   iv: with a baseline A B C E = 4, completed A B E = 3 → 3/4 = 0.75
 *   sl: with a baseline F1 G1 F2 = 3, completed F1 = 1 → 1/3
 *   all: 7, completed 4 → 4/7 (each client-series once, whatever it was scored on)
 * Per questionnaire (attrition's completed step, completers with a baseline on that questionnaire):
 *   PHQ-9: baseline A B C F1 G1 F2 = 6, completed with a baseline A F1 = 2 → 1/3
 *   GAD-7: baseline A B E = 3, completed with a baseline A B = 2 → 2/3
 * so the two per-questionnaire figures disagree (1/3 vs 2/3) where the per-series one is 4/7.
 */
function fixture(): Canon[] {
	const rows: Canon[] = [];
	const add = (client_id: string, route: string, instrument: string, times: (number | 'BL')[], series = 1) =>
		times.forEach((t) => rows.push({ client_id, series, route, instrument, phase: t === 'BL' ? 'baseline' : 'session', session: t === 'BL' ? 0 : t, score: 10 }));
	add('A', 'iv', 'phq9', ['BL', 1, 2, 3]);
	add('A', 'iv', 'gad7', ['BL', 1, 2]);
	add('B', 'iv', 'phq9', ['BL', 1]);
	add('B', 'iv', 'gad7', ['BL', 1, 2]);
	add('C', 'iv', 'phq9', ['BL', 1, 2]);
	add('D', 'iv', 'gad7', [1, 2]);
	add('E', 'iv', 'phq9', [3]);
	add('E', 'iv', 'gad7', ['BL']);
	add('F', 'sl', 'phq9', ['BL', 1, 2]);
	add('G', 'sl', 'phq9', ['BL', 1]);
	add('F', 'sl', 'phq9', ['BL', 1], 2);
	return rows;
}

describe('completion per client-series (independent of questionnaire)', () => {
	it('counts each client-series once, completed on any questionnaire at its planned last session', async () => {
		const db = await openNodeEngine();
		await loadCanonical(db, fixture());
		const { rows, definition } = await seriesCompletion(db, { groupBy: 'route' });
		expect(rows.map((r) => [r.group, r.with_baseline, r.completed])).toEqual([
			['iv', 4, 3],
			['sl', 3, 1],
			['(all)', 7, 4]
		]);
		expect(rows.map((r) => r.share)).toEqual([0.75, 1 / 3, 4 / 7]);
		expect(rows.every((r) => r.definition === 'completion.series.any-questionnaire@1')).toBe(true);
		expect(definition).toMatchObject({ id: 'completion.series.any-questionnaire@1' });

		// the per-questionnaire figures it replaces on the overview's headline disagree with each other
		const per = (await attrition(db, { groupBy: 'route' })).rows.filter((r) => r.phase === 'completed' || r.phase === 'baseline');
		const sum = (inst: string, phase: string) => per.filter((r) => r.instrument === inst && r.phase === phase).reduce((a, r) => a + r.with_baseline, 0);
		expect([sum('phq9', 'completed'), sum('phq9', 'baseline')]).toEqual([2, 6]);
		expect([sum('gad7', 'completed'), sum('gad7', 'baseline')]).toEqual([2, 3]);
		db.close();
	});

	it('completion and its privacy links are one statement per filter state', async () => {
		const db = await openNodeEngine();
		await loadCanonical(db, fixture());
		const cached = new CachingConnector(db);
		await seriesCompletion(cached, { groupBy: 'route' });
		const before = cached.misses;
		const links = await completionLinks(cached, { groupBy: 'route' });
		expect(cached.misses).toBe(before); // the links read the cached result of completion's statement
		expect(links.rows.length).toBeGreaterThan(0);
		db.close();
	});

	it('on one questionnaire it is attrition’s completed share; the series’ own plan is used when given', async () => {
		const db = await openNodeEngine();
		// H planned 2 sessions and reached S2; J planned 3 and stopped at S2; K planned 2, no baseline
		const rows: Canon[] = [];
		const add = (client_id: string, plan: number, times: (number | 'BL')[]) =>
			times.forEach((t) => rows.push({ client_id, instrument: 'bdi2', phase: t === 'BL' ? 'baseline' : 'session', session: t === 'BL' ? 0 : t, score: 20, planned_sessions: plan }));
		add('H', 2, ['BL', 1, 2]);
		add('J', 3, ['BL', 1, 2]);
		add('K', 2, [1, 2]);
		await loadCanonical(db, rows, [], 'scores', ['planned_sessions']);
		const got = (await seriesCompletion(db)).rows;
		// one group ('all') plus the total: with a baseline H J = 2, completed H = 1
		expect(got.map((r) => [r.group, r.with_baseline, r.completed, r.share])).toEqual([
			['all', 2, 1, 0.5],
			['(all)', 2, 1, 0.5]
		]);
		const done = (await attrition(db)).rows.find((r) => r.phase === 'completed')!;
		expect([done.with_baseline, done.share]).toEqual([1, 0.5]);
		db.close();
	});
});

/*
 * The attack the links close: beside attrition's per-questionnaire baseline counts, completion's
 * per-series denominator gives away by subtraction how many client-series have a baseline on one
 * questionnaire and not on another. Fixture (by hand): route iv has 30 client-series with a PHQ-9
 * and a GAD-7 baseline (both reaching S2) and 3 with a GAD-7 baseline only; route sl 30 with a
 * PHQ-9 baseline only. Printed raw: completion iv 33 with a baseline, attrition PHQ-9 iv 30 and
 * GAD-7 iv 33 → 33 − 30 = 3 client-series with a GAD-7 baseline only, a count under 11.
 */
describe('completion per client-series: no count under the threshold by subtraction from attrition', () => {
	function linked(): Canon[] {
		const rows: Canon[] = [];
		const add = (client_id: string, route: string, instrument: string) =>
			(['BL', 1, 2] as const).forEach((t) => rows.push({ client_id, series: 1, route, instrument, phase: t === 'BL' ? 'baseline' : 'session', session: t === 'BL' ? 0 : t, score: 10 }));
		for (let i = 0; i < 30; i++) {
			add(`B${i}`, 'iv', 'phq9');
			add(`B${i}`, 'iv', 'gad7');
			add(`S${i}`, 'sl', 'phq9');
		}
		for (let i = 0; i < 3; i++) add(`G${i}`, 'iv', 'gad7');
		return rows;
	}

	it('the links tie the counts; with them the policy withholds what gives the 3 away', async () => {
		const db = await openNodeEngine();
		await loadCanonical(db, linked());
		const att = (await attrition(db, { groupBy: 'route' })).rows;
		const comp = (await seriesCompletion(db, { groupBy: 'route' })).rows;
		const links = (await completionLinks(db, { groupBy: 'route' })).rows;
		db.close();
		const base = (rows: readonly Row[], inst: string, group: string) => rows.find((r) => r.instrument === inst && r.group === group && r.phase === 'baseline')?.with_baseline as number | null | undefined;
		const denom = (rows: readonly Row[], group: string) => rows.find((r) => r.group === group)?.with_baseline as number | null | undefined;
		// the leak, in the raw rows
		expect([denom(comp as unknown as Row[], 'iv'), base(att as unknown as Row[], 'phq9', 'iv'), base(att as unknown as Row[], 'gad7', 'iv')]).toEqual([33, 30, 33]);
		// the links (hand-counted; scored | baseline | reached): iv [gad7,phq9] on all three × 30, [gad7] × 3; sl [phq9] × 30
		const pats = [...new Map(links.map((l) => [`${l.origin} ${l.pattern}`, l.n])).entries()].sort();
		expect(pats).toEqual([
			['iv [["gad7","phq9"],["gad7","phq9"],["gad7","phq9"]]', 30],
			['iv [["gad7"],["gad7"],["gad7"]]', 3],
			['sl [["phq9"],["phq9"],["phq9"]]', 30]
		]);

		const sections = { attrition: att as unknown as Row[] } as unknown as Sections;
		const withoutLinks = protectSections(sections, 11, [{ spec: COMPLETION, rows: comp as unknown as Row[] }]);
		// without the links the policy sees nothing to withhold: the 3 is recoverable
		expect(denom(withoutLinks.more[0].rows, 'iv')! - base(withoutLinks.attrition.rows, 'phq9', 'iv')!).toBe(3);

		const e = protectSections(sections, 11, [
			{ spec: COMPLETION, rows: comp as unknown as Row[] },
			{ spec: COMPLETION_LINKS, rows: links as unknown as Row[] }
		]);
		const printed = [denom(e.more[0].rows, 'iv'), base(e.attrition.rows, 'phq9', 'iv'), base(e.attrition.rows, 'gad7', 'iv')];
		// at least one of the three is withheld, so neither difference can be taken
		expect(printed.some((v) => v === null)).toBe(true);
		expect(printed[0] === null || (printed[1] === null && printed[2] === null) || printed[1] === null).toBe(true);
		// and the withheld iv denominator is not the total minus the other route
		const [all, sl] = [denom(e.more[0].rows, '(all)'), denom(e.more[0].rows, 'sl')];
		if (printed[0] === null) expect(all === null || sl === null).toBe(true);
	});
});

/*
 * The cohort counts beside attrition: the tiles print client-series with a PHQ-9 score (not by
 * route), attrition the PHQ-9 baselines per route, which add up to a known total. Fixture (by
 * hand): 30 client-series with a PHQ-9 baseline and sessions on each of iv and sl, and 4 more on
 * iv with PHQ-9 session scores but no baseline: 64 − (30 + 30) = 4 client-series without a
 * baseline, a count under 11.
 */
describe('the cohort counts tied to attrition: no client-series without a baseline by subtraction', () => {
	it('withholds what gives the 4 away, and only with the links', async () => {
		const rows: Canon[] = [];
		const add = (client_id: string, route: string, times: readonly (number | 'BL')[]) =>
			times.forEach((t) => rows.push({ client_id, series: 1, route, instrument: 'phq9', phase: t === 'BL' ? 'baseline' : 'session', session: t === 'BL' ? 0 : t, score: 10 }));
		for (let i = 0; i < 30; i++) {
			add(`I${i}`, 'iv', ['BL', 1, 2]);
			add(`S${i}`, 'sl', ['BL', 1, 2]);
		}
		for (let i = 0; i < 4; i++) add(`N${i}`, 'iv', [1, 2]);
		const db = await openNodeEngine();
		await loadCanonical(db, rows);
		const counts = (await cohortCounts(db, {})).rows as unknown as Row[];
		const att = (await attrition(db, { groupBy: 'route' })).rows as unknown as Row[];
		const comp = (await seriesCompletion(db, { groupBy: 'route' })).rows as unknown as Row[];
		const links = (await completionLinks(db, { groupBy: 'route' })).rows as unknown as Row[];
		db.close();
		const series = (t: readonly Row[]) => t.find((r) => r.instrument === 'phq9')?.series as number | null;
		const base = (t: readonly Row[], g: string) => t.find((r) => r.instrument === 'phq9' && r.group === g && r.phase === 'baseline')?.with_baseline as number | null;
		expect([series(counts), base(att, 'iv'), base(att, 'sl')]).toEqual([64, 30, 30]);
		const sections = { attrition: att } as unknown as Sections;
		const plain = protectSections(sections, 11, [{ spec: COUNTS, rows: counts }, { spec: COMPLETION, rows: comp }]);
		expect(series(plain.more[0].rows)! - base(plain.attrition.rows, 'iv')! - base(plain.attrition.rows, 'sl')!).toBe(4);
		const e = protectSections(sections, 11, [{ spec: COUNTS, rows: counts }, { spec: COMPLETION, rows: comp }, { spec: COMPLETION_LINKS, rows: links }]);
		expect([series(e.more[0].rows), base(e.attrition.rows, 'iv'), base(e.attrition.rows, 'sl')]).toContain(null);
	});
});
