import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { attrition } from '../../src/lib/metrics/attrition';
import { seriesCompletion } from '../../src/lib/metrics/completion';
import { loadCanonical, type Canon } from './metrics-fixtures';

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
