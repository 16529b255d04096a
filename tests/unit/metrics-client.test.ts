import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { clientCourse, clientSearch, followupOffset, itemChanges } from '../../src/lib/metrics/client';
import { clientMarkers } from '../../src/lib/metrics/client-markers';
import { reliableChange } from '../../src/lib/metrics/rates';
import { loadCanonical, type Canon } from './metrics-fixtures';

/*
 * Hand-made fixture (BDI-II unless said otherwise):
 *   C00012 series 1 (iv):         BL 30, S1 24, S2 14, S3 12, W1 13, W4 20
 *          series 1 HAM-A:        BL 20, S1 15, S4 9   (item_9 = 3: HAM-A item 9 is cardiovascular, not suicidal)
 *          series 2 (sublingual): BL 22, S1 18, S2 20
 *   C00120 series 1 (iv):         BL 20, S1 18
 *   C00300 series 1 (im):         BL 40, S1 30
 *   XC001  series 1 (oral) PHQ-9: BL 15 (item_9 = 2), S1 4 (item_9 = 0)
 *
 * BDI-II client-series with baseline and end: (30→12), (22→20), (20→18), (40→30).
 *   Baselines 30, 22, 20, 40: mean 28, squared deviations 4 + 36 + 64 + 144 = 248, SD = √(248/3) = 9.0921.
 *   S_diff = √2 · 9.0921 · √(1 − .93) = 3.4020; reliable when |change| > 1.96 · 3.4020 = 6.668.
 *   C00012 s1: change −18, RCI −5.29 → improved; 12 ≤ 0.5·30 = 15 → response; 12 ≤ 13 → remission.
 *   C00012 s2: change −2, RCI −0.59 → unchanged; 20 > 11 → no response; 20 > 13 → no remission.
 * Time axis of C00012 (shared by both instruments): series 1 last session = 4 (HAM-A S4), so
 *   BL 0, S1 1, S2 2, S3 3, S4 4, W1 4 + 1 = 5, W4 4 + 1 + log2 4 = 7; series 2 starts 7 + 1.5 = 8.5:
 *   BL 8.5, S1 9.5, S2 10.5; separator "Booster series 2" at 7.75.
 */
const rows: Canon[] = [];
function add(client_id: string, series: number, route: string, instrument: string, pts: [string, number, number | null, Record<string, number>?][]) {
	for (const [phase, t, score, items] of pts)
		rows.push({
			client_id, series, route, instrument, score,
			phase: phase as Canon['phase'],
			session: phase === 'followup' ? null : t,
			week: phase === 'followup' ? t : null,
			...(items ?? {})
		});
}
add('C00012', 1, 'iv', 'bdi2', [
	['baseline', 0, 30, { item_1: 3, item_9: 1 }],
	['session', 1, 24, { item_9: 0 }],
	['session', 2, 14],
	['session', 3, 12, { item_1: 1, item_9: 0 }],
	['followup', 1, 13],
	['followup', 4, 20, { item_9: 1 }]
]);
add('C00012', 1, 'iv', 'hama', [['baseline', 0, 20, { item_9: 3 }], ['session', 1, 15], ['session', 4, 9]]);
add('C00012', 2, 'sublingual', 'bdi2', [['baseline', 0, 22], ['session', 1, 18], ['session', 2, 20]]);
add('C00120', 1, 'iv', 'bdi2', [['baseline', 0, 20], ['session', 1, 18]]);
add('C00300', 1, 'im', 'bdi2', [['baseline', 0, 40], ['session', 1, 30]]);
add('XC001', 1, 'oral', 'phq9', [['baseline', 0, 15, { item_9: 2 }], ['session', 1, 4, { item_9: 0 }]]);

const SD = Math.sqrt(248 / 3);
const SDIFF = Math.SQRT2 * SD * Math.sqrt(1 - 0.93);

describe('client metrics on a hand-made fixture', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
		await loadCanonical(db, rows, [], 'scores', ['item_1', 'item_9']);
	});

	it('search: ids starting with the text first, then ids containing it; quotes are literal', async () => {
		const { rows: hits, sql } = await clientSearch(db, 'c001', 10);
		expect(hits).toEqual([
			{ client_id: 'C00120', routes: 'iv', series: 1 },
			{ client_id: 'XC001', routes: 'oral', series: 1 }
		]);
		expect(sql.text).toMatch(/LIMIT \$\d+$/);
		expect(sql.params).toContain(10);
		expect((await clientSearch(db, '', 2)).rows.map((r) => r.client_id)).toEqual(['C00012', 'C00120']);
		expect((await clientSearch(db, 'C00012', 5)).rows).toEqual([{ client_id: 'C00012', routes: 'iv,sublingual', series: 2 }]);
		expect((await clientSearch(db, "x' OR 1=1 --", 5)).rows).toEqual([]);
	});

	it('course: positions on one axis for both instruments, booster series after a gap', async () => {
		const { rows: course, axis, sql } = await clientCourse(db, 'C00012');
		const pos = (i: string, s: number) => course.filter((r) => r.instrument === i && r.series === s).map((r) => [r.label, r.x]);
		expect(pos('bdi2', 1)).toEqual([['BL', 0], ['S1', 1], ['S2', 2], ['S3', 3], ['W1', 5], ['W4', 7]]);
		expect(pos('hama', 1)).toEqual([['BL', 0], ['S1', 1], ['S4', 4]]);
		expect(pos('bdi2', 2)).toEqual([['BL', 8.5], ['S1', 9.5], ['S2', 10.5]]);
		expect(axis.separators).toEqual([{ x: 7.75, series: 2, label: 'Booster series 2' }]);
		expect(axis.ticks.map((t) => t.label)).toEqual(['BL', 'S1', 'S2', 'S3', 'S4', 'W1', 'W4', 'BL', 'S1', 'S2']);
		expect([axis.min, axis.max]).toEqual([0, 10.5]);
		expect(sql.text).toMatch(/client_id = \$\d+/);
		expect(sql.text).not.toContain('C00012');
		expect(sql.params).toContain('C00012');
		// bands from the BDI-II manual: 30 severe, 24 moderate, 14 mild, 12 minimal
		expect(course.filter((r) => r.instrument === 'bdi2' && r.series === 1).map((r) => r.band).slice(0, 4)).toEqual(['severe', 'moderate', 'mild', 'minimal']);
		expect(course[0].items).toHaveLength(21);
		expect(course[0].answered).toBe(2);
		expect(course.find((r) => r.instrument === 'hama')!.items).toHaveLength(14);
	});

	it('follow-up spacing doubles per step: W1, W2, W4, W8 one step apart, W12 0.58 after W8', () => {
		expect([1, 2, 4, 8].map(followupOffset)).toEqual([1, 2, 3, 4]);
		expect(followupOffset(12) - followupOffset(8)).toBeCloseTo(Math.log2(1.5), 12);
		expect(followupOffset(0.5)).toBeCloseTo(0.75, 12);
	});

	it('suicidal-thoughts item: flagged when BDI-II / PHQ-9 item 9 > 0; never for HAM-A item 9', async () => {
		const { rows: a } = await clientCourse(db, 'C00012');
		// BDI-II s1: BL 1 (flag), S1 0, S2 unanswered, S3 0, W1 unanswered, W4 1 (flag); HAM-A has no such item
		expect(a.filter((r) => r.instrument === 'bdi2' && r.series === 1).map((r) => [r.label, r.suicide_value, r.flagged])).toEqual([
			['BL', 1, true], ['S1', 0, false], ['S2', null, false], ['S3', 0, false], ['W1', null, false], ['W4', 1, true]
		]);
		expect(a.filter((r) => r.instrument === 'hama').every((r) => r.suicide_item === null && !r.flagged)).toBe(true);
		const { rows: d } = await clientCourse(db, 'XC001');
		expect(d.map((r) => [r.suicide_item, r.suicide_value, r.flagged])).toEqual([[9, 2, true], [9, 0, false]]);
	});

	it('markers: response, remission and JT reliable change with the cohort baseline SD', async () => {
		const { rows: m, definition, also } = await clientMarkers(db, 'C00012');
		const s1 = m.find((r) => r.instrument === 'bdi2' && r.series === 1)!;
		const s2 = m.find((r) => r.instrument === 'bdi2' && r.series === 2)!;
		expect(s1).toMatchObject({ route: 'iv', baseline: 30, end_score: 12, end_session: 3, change: -18, response: true, remission: true, reliable: 'improved', sd_n: 4 });
		expect(s1.pct_change).toBeCloseTo(-0.6, 12);
		expect(s1.sd).toBeCloseTo(SD, 10);
		expect(s1.sdiff).toBeCloseTo(SDIFF, 10);
		expect(s1.rc_value).toBeCloseTo(1.96 * SDIFF, 10);
		expect(s1.rci).toBeCloseTo(-18 / SDIFF, 10);
		expect(s2).toMatchObject({ route: 'sublingual', baseline: 22, end_score: 20, response: false, remission: false, reliable: 'unchanged' });
		expect(s1.response_definition).toBe('response.pct50.eos.observed@1');
		expect(s1.remission_definition).toBe('remission.bdi2.le13.eos@1');
		expect(s1.reliable_definition).toBe('reliable.jt.baseline-sd@1');
		// HAM-A: only this client has one → SD of a single baseline is undefined → no reliable class
		const h = m.find((r) => r.instrument === 'hama')!;
		expect(h).toMatchObject({ baseline: 20, end_score: 9, end_session: 4, response: true, remission: false, reliable: null, sd: null });
		expect((definition as { id: string }[]).map((d) => d.id)).toContain('remission.hama.le7.eos@1');
		expect(also?.[0].text).toContain('(count(baseline) * (count(baseline) - 1))');
		// the same S_diff the cohort rate uses
		const cohort = await reliableChange(db, { instruments: ['bdi2'] });
		expect(cohort.rows[0].sdiff).toBeCloseTo(s1.sdiff!, 12);
	});

	it('markers follow the settings: stated SD, planned end, stricter remission', async () => {
		// SD 5: S_diff = √2·5·√.07 = 1.8708; series 2 change −2 → RCI −1.07, still unchanged; series 1 improved
		const stated = await clientMarkers(db, 'C00012', { settings: { sd: { bdi2: 5 } } });
		expect(stated.rows.find((r) => r.instrument === 'bdi2' && r.series === 1)!.sdiff).toBeCloseTo(Math.SQRT2 * 5 * Math.sqrt(0.07), 12);
		// planned end = session 3 (largest BDI-II session in the dataset): series 2 has no S3 → not evaluable
		const planned = await clientMarkers(db, 'C00012', { settings: { end: 'planned' } });
		const p2 = planned.rows.find((r) => r.instrument === 'bdi2' && r.series === 2)!;
		expect(p2).toMatchObject({ end_score: null, response: null, remission: null, reliable: null, response_definition: 'response.pct50.planned.completers@1' });
		// remission < 12: 12 is no longer a remission
		const strict = await clientMarkers(db, 'C00012', { settings: { remission: { bdi2: { op: '<', threshold: 12 } } } });
		expect(strict.rows.find((r) => r.instrument === 'bdi2' && r.series === 1)!.remission).toBe(false);
	});

	it('item changes: baseline → last dosing session per series', async () => {
		const { rows: course } = await clientCourse(db, 'C00012');
		const ch = itemChanges(course, 'bdi2');
		// series 1: item 1 3 → 1 (−2), item 9 1 → 0 (−1); item 2 unanswered
		expect(ch.filter((c) => c.series === 1 && [1, 2, 9].includes(c.item))).toEqual([
			{ series: 1, item: 1, baseline: 3, end: 1, change: -2 },
			{ series: 1, item: 2, baseline: null, end: null, change: null },
			{ series: 1, item: 9, baseline: 1, end: 0, change: -1 }
		]);
		expect(ch.filter((c) => c.series === 2)).toHaveLength(21);
	});

	it('an unknown client gives no rows, not an error', async () => {
		expect((await clientCourse(db, 'NOPE')).rows).toEqual([]);
		expect((await clientMarkers(db, 'NOPE')).rows).toEqual([]);
	});
});
