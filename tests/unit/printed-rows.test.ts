/**
 * The board report's rows (src/routes/printed.ts): what the overview's cards draw in print is the
 * page's one export, mapped back into the panels' shapes. A hand-built small cohort where the
 * counts that must vanish are known by hand: intranasal 2 responders of 5, a Kaplan–Meier curve
 * losing 2 of its responders at week 4, a log-rank test with 2 observed losses, 3 booster series.
 * Every drawn count of 1–10 must be null (drawn as "withheld (< 11)"), with the rates, CIs, S(t)
 * and log-rank expected counts computed from them, and an independent attacker
 * (privacy-attacker.ts) must not get a withheld responder count back from the drawn rate rows.
 */
import { describe, expect, it } from 'vitest';
import type { AttritionRow } from '../../src/lib/metrics/attrition';
import type { CountRow } from '../../src/lib/metrics/counts';
import type { LogRankRow, SurvivalRow } from '../../src/lib/metrics/durability';
import type { RateRow } from '../../src/lib/metrics/rates';
import { protectSections } from '../../src/lib/privacy/report';
import type { Row } from '../../src/lib/privacy/spec';
import { COMPLETION, COUNTS } from '../../src/lib/privacy/tables';
import { printedRows, shownSum, type PageExport } from '../../src/routes/printed';
import { completion, totalRate } from '../../src/routes/overview.svelte';
import { Attacker, recovered } from './privacy-attacker';

const rate = (group: string, count: number, n: number): RateRow =>
	({ instrument: 'bdi2', group, count, n, rate: count / n, ci_low: count / n - 0.1, ci_high: count / n + 0.1, definition: 'response' }) as unknown as RateRow;
// intranasal 2 of 5: both small; the (all) row gives a reader 60 − 15 − 43 = 2 unless a second route's count goes too
const RESPONSE = [rate('iv', 15, 29), rate('intranasal', 2, 5), rate('sublingual', 43, 106), rate('(all)', 60, 140)];
const REMISSION = [rate('iv', 12, 29), rate('intranasal', 1, 5), rate('sublingual', 30, 106), rate('(all)', 43, 140)];

const km = (time: number, atRisk: number, events: number, censored: number, survival: number) => ({ time, atRisk, events, censored, survival, se: 0.05, low: survival - 0.1, high: Math.min(1, survival + 0.1) });
// iv: 40 responders followed; 12 lost at week 2, 2 at week 4 (small: S(4) and everything after is withheld), 26 censored at week 8
const SURVIVAL: SurvivalRow[] = [
	{ instrument: 'bdi2', group: 'iv', n: 40, events: 14, median_weeks: null, median_low: null, median_high: null, definition: 'd', points: [km(2, 40, 12, 0, 0.7), km(4, 28, 2, 0, 0.65), km(8, 26, 0, 26, 0.65)] },
	{ instrument: 'bdi2', group: 'sublingual', n: 60, events: 30, median_weeks: 8, median_low: 4, median_high: null, definition: 'd', points: [km(2, 60, 15, 0, 0.75), km(8, 45, 15, 30, 0.5)] }
];
const LOG_RANK: LogRankRow[] = [{ instrument: 'bdi2', groups: ['iv', 'sublingual'], chi2: 3.2, df: 1, p: 0.07, observed: [14, 30], expected: [17, 27] }];
const LOG_RANK_SMALL: LogRankRow[] = [{ instrument: 'hama', groups: ['iv', 'im'], chi2: 1.1, df: 1, p: 0.3, observed: [2, 30], expected: [5, 27] }];
const SURVIVAL_SMALL: SurvivalRow[] = [
	{ instrument: 'hama', group: 'iv', n: 12, events: 2, median_weeks: null, median_low: null, median_high: null, definition: 'd', points: [km(4, 12, 2, 10, 0.83)] },
	{ instrument: 'hama', group: 'im', n: 50, events: 30, median_weeks: 6, median_low: 4, median_high: 8, definition: 'd', points: [km(6, 50, 30, 20, 0.4)] }
];
const COUNT_ROWS: CountRow[] = [
	{ instrument: '(all)', clients: 140, series: 150, first_series: 147, booster_series: 3 },
	{ instrument: 'bdi2', clients: 140, series: 150, first_series: 147, booster_series: 3 }
];
const att = (group: string, phase: AttritionRow['phase'], n: number): AttritionRow => ({ instrument: 'bdi2', group, phase, session: phase === 'completed' ? 6 : null, week: null, clients: n, with_baseline: n, share: null, definition: 'a' });
// completion per client-series: intranasal 3 of 6 (both small), the (all) row would give them back from iv's
const COMPLETION_ROWS = [
	{ group: 'iv', with_baseline: 30, completed: 20, share: 20 / 30, definition: 'c' },
	{ group: 'intranasal', with_baseline: 6, completed: 3, share: 0.5, definition: 'c' },
	{ group: '(all)', with_baseline: 36, completed: 23, share: 23 / 36, definition: 'c' }
];
const ATTRITION = [att('iv', 'baseline', 30), att('intranasal', 'baseline', 6), att('iv', 'completed', 20), att('intranasal', 'completed', 3)];

/** The page's export as OverviewData.exported builds it (every table at once, the tiles' counts in `more`). */
function pageExport(): PageExport {
	const e = protectSections(
		{ response: RESPONSE, remission: REMISSION, survival: [...SURVIVAL, ...SURVIVAL_SMALL], log_rank: [...LOG_RANK, ...LOG_RANK_SMALL], attrition: ATTRITION },
		11,
		[
			{ spec: COUNTS, rows: COUNT_ROWS as unknown as Row[] },
			{ spec: COMPLETION, rows: COMPLETION_ROWS as unknown as Row[] }
		]
	);
	return { ...e, counts: e.more[0], completion: e.more[1] };
}

const small = (v: unknown) => typeof v === 'number' && v > 0 && v < 11;

describe('the board report draws the page export, never a small count', () => {
	const drawn = printedRows(pageExport(), [...LOG_RANK, ...LOG_RANK_SMALL]);

	it('completion per client-series: the small route and its share are withheld, and cannot come back from the total', () => {
		const nasal = drawn.completion.find((r) => r.group === 'intranasal')!;
		expect([nasal.with_baseline, nasal.completed, nasal.share]).toEqual([null, null, null]);
		for (const r of drawn.completion) for (const f of ['with_baseline', 'completed'] as const) expect(small(r[f])).toBe(false);
		// (all) − iv would give intranasal back: one of them is withheld too
		const iv = drawn.completion.find((r) => r.group === 'iv')!;
		const total = drawn.completion.find((r) => r.group === '(all)')!;
		expect(iv.completed === null || total.completed === null).toBe(true);
		expect(iv.with_baseline === null || total.with_baseline === null).toBe(true);
	});

	it('rate bars: the small route has no count, n, rate or CI; the (all) row cannot give its responders back', () => {
		const nasal = drawn.response.find((r) => r.group === 'intranasal')!;
		expect([nasal.count, nasal.n, nasal.rate, nasal.ci_low, nasal.ci_high]).toEqual([null, null, null, null, null]);
		expect(drawn.remission.find((r) => r.group === 'intranasal')!.count).toBeNull();
		// not everything vanishes: what is drawn is the true figure
		const drawnRates = drawn.response.filter((r) => r.rate !== null);
		expect(drawnRates.length).toBeGreaterThan(0);
		for (const r of drawnRates) expect(r.rate).toBe(RESPONSE.find((x) => x.group === r.group)!.rate);
		// a reader of the drawn bars knows: responders + non-responders = n per route, routes add up to (all)
		const a = new Attacker();
		for (const [k, rows] of [['resp', RESPONSE], ['rem', REMISSION]] as const) {
			const shown = k === 'resp' ? drawn.response : drawn.remission;
			for (const r of rows) {
				const s = shown.find((x) => x.group === r.group)!;
				a.cell(`${k}:${r.group}:count`, r.count, s.count);
				a.cell(`n:${r.group}`, r.n, s.n);
				a.hidden(`${k}:${r.group}:non`, r.n - r.count);
				a.sum([`${k}:${r.group}:count`, `${k}:${r.group}:non`], `n:${r.group}`);
			}
			const routes = rows.filter((r) => r.group !== '(all)').map((r) => r.group);
			a.sum(routes.map((g) => `${k}:${g}:count`), `${k}:(all):count`);
		}
		a.sum(['iv', 'intranasal', 'sublingual'].map((g) => `n:${g}`), 'n:(all)');
		expect(recovered(a, 11)).toEqual([]);
		expect(totalRate(drawn.response, 'bdi2')?.group).toBe('(all)');
	});

	it('Kaplan–Meier: the step losing 2 and every later S(t) are withheld; the steps stay under their curve', () => {
		const iv = drawn.survival.find((s) => s.instrument === 'bdi2' && s.group === 'iv')!;
		expect(iv.points.map((p) => p.time)).toEqual([2, 4, 8]);
		expect(iv.points[1].events).toBeNull();
		expect(iv.points.slice(1).map((p) => p.survival)).toEqual([null, null]);
		expect(iv.points.slice(1).map((p) => p.low)).toEqual([null, null]);
		// a drawn S(t) is the true one, under the right curve (sublingual loses 15 of 60 at week 2)
		const sl = drawn.survival.find((s) => s.instrument === 'bdi2' && s.group === 'sublingual')!;
		for (const [i, p] of sl.points.entries()) if (p.survival !== null) expect(p.survival).toBe(SURVIVAL[1].points[i].survival);
	});

	it('log-rank: a small observed loss is withheld with every expected count of its test', () => {
		const hama = drawn.logRank.find((t) => t.instrument === 'hama')!;
		expect(hama.observed[0]).toBeNull();
		expect(hama.expected).toBeNull();
		expect(drawn.survival.find((s) => s.instrument === 'hama' && s.group === 'iv')!.events).toBeNull();
	});

	it('tiles: 3 booster series are withheld, and first series + boosters = series cannot give them back', () => {
		for (const c of drawn.counts) {
			expect(c.booster_series).toBeNull();
			expect(c.first_series === null || c.series === null).toBe(true);
		}
		// completion: 3 of 6 intranasal completers are small; their sum over routes is withheld with them
		expect(completion(drawn.attrition, 'bdi2')).toEqual({ completed: null, baseline: null, share: null });
		expect(completion(ATTRITION, 'bdi2')).toEqual({ completed: 23, baseline: 36, share: 23 / 36 });
	});

	it('no drawn count anywhere is 1–10', () => {
		const counts = [
			...drawn.response.flatMap((r) => [r.count, r.n]),
			...drawn.remission.flatMap((r) => [r.count, r.n]),
			...drawn.counts.flatMap((r) => [r.clients, r.series, r.first_series, r.booster_series]),
			...drawn.attrition.flatMap((r) => [r.clients, r.with_baseline]),
			...drawn.survival.flatMap((s) => [s.n, s.events, ...s.points.flatMap((p) => [p.atRisk, p.events, p.censored])]),
			...drawn.logRank.flatMap((t) => t.observed)
		];
		expect(counts.filter(small)).toEqual([]);
		expect(counts.filter((v) => v === null).length).toBeGreaterThan(10);
	});

	it('a total over drawn counts is withheld when any part is', () => {
		expect(shownSum([12, 30])).toBe(42);
		expect(shownSum([12, null, 30])).toBeNull();
		expect(shownSum([])).toBe(0);
	});
});
