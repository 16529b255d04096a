// Files nobody here wrote a mapping for (tests/fixtures/import/unfamiliar, made by make.mjs): what the
// suggestion gets right on its own, and what the time-column meanings do. Expected counts are from
// the files themselves: 18 subjects × days 0–9 = 180 rows; the clinic export has 135 visits of 24
// patients, each with a PHQ-9 and a GAD-7 total.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { applyMapping, readTable, suggestMapping, type Mapping } from '../../src/lib/import/index';
import { root } from '../fixtures/import/helpers';

const read = (f: string) => readTable(new Uint8Array(readFileSync(`${root}tests/fixtures/import/unfamiliar/${f}`)), f);
const withInstrument = (m: Mapping, id: string): Mapping => ({ ...m, measures: m.measures.map((x) => ({ ...x, instrument: { value: id } })) });

describe('suggestions for unfamiliar files', () => {
	it('Subject, Days, Reaction (long): Days is the time (never the score), Reaction the score; no questionnaire guessed', async () => {
		const raw = await read('sleep-long.csv');
		const m = suggestMapping(raw);
		expect(m).toMatchObject({ shape: 'long', client_id: 'Subject', time_unit: 'day' });
		expect(m.measures).toEqual([{ instrument: { value: null }, timepoint: { column: 'Days' }, score: 'Reaction' }]);
		expect(applyMapping(raw, m).report).toMatchObject({ rows_read: 180, rows_accepted: 0 });
		const o = applyMapping(raw, withInstrument(m, 'bdi2'));
		expect(o.report).toMatchObject({ rows_read: 180, rows_accepted: 180, clients: 18 });
		// Day 0 is the baseline, day n dosing session n; subject 301's day-9 value is 14 in the file.
		const r = o.rows.filter((x) => x.client_id === '301');
		expect(r.map((x) => [x.phase, x.session])).toEqual([['baseline', 0], ...Array.from({ length: 9 }, (_, k) => ['session', k + 1])]);
		expect(r[9].score).toBe(14);
	});

	it("R reshape's wide file (Reaction.0 … Reaction.9) is wide: one measure per column, .0 = baseline", async () => {
		const raw = await read('sleep-wide.csv');
		const m = suggestMapping(raw);
		expect(m.shape).toBe('wide');
		expect(m.measures.map((x) => [x.score, x.phase, x.session])).toEqual(
			Array.from({ length: 10 }, (_, d) => [`Reaction.${d}`, { value: d === 0 ? 'baseline' : 'session' }, { value: d }])
		);
		expect(m.attributes).toBeUndefined();
		const o = applyMapping(raw, withInstrument(m, 'bdi2'));
		expect(o.report).toMatchObject({ rows_read: 180, rows_accepted: 180, clients: 18 });
	});

	it('X_w0 / X_baseline families are wide too; item columns (q1 … q9) are not', async () => {
		const raw = await readTable(new TextEncoder().encode('id,mood_baseline,mood_w2,mood_w4,q1,q2,q3\na,20,15,12,1,2,3\n'), 'x.csv');
		const m = suggestMapping(raw);
		expect(m.shape).toBe('wide');
		expect(m.measures.map((x) => [x.score, x.session])).toEqual([['mood_baseline', { value: 0 }], ['mood_w2', { value: 2 }], ['mood_w4', { value: 4 }]]);
		expect(m.time_unit).toBe('week');
		const p = suggestMapping(await readTable(new TextEncoder().encode('id,phq9_w0,phq9_w4\na,20,9\n'), 'y.csv'));
		expect(p.measures.map((x) => x.instrument)).toEqual([{ value: 'phq9' }, { value: 'phq9' }]);
	});

	it('clinic export: visit dates with repeat visits become visit order (first = baseline), both totals kept, dates not stored', async () => {
		const raw = await read('clinic-export.csv');
		const m = suggestMapping(raw);
		expect(m.client_id).toBe('Patient Ref');
		expect(m.route).toEqual({ column: 'Route' });
		expect(m.measures).toEqual([
			{ instrument: { value: 'phq9' }, timepoint: { column: 'Visit Date', means: 'visit_order' }, score: 'PHQ9 Total' },
			{ instrument: { value: 'gad7' }, timepoint: { column: 'Visit Date', means: 'visit_order' }, score: 'GAD7 Total' }
		]);
		const o = applyMapping(raw, m);
		expect(o.report).toMatchObject({ rows_read: 270, rows_accepted: 270, rows_rejected: 0, clients: 24 });
		// K-1000's first three visits in the file: 2025-07-04 (baseline, 21), 07-07 (20), 07-14 (18).
		const k = o.rows.filter((x) => x.client_id === 'K-1000' && x.instrument === 'phq9');
		expect(k.slice(0, 3).map((x) => [x.phase, x.session, x.score])).toEqual([['baseline', 0, 21], ['session', 1, 20], ['session', 2, 18]]);
		expect(o.extraColumns.some((c) => /date/i.test(c))).toBe(false);
		// Read as plain sessions instead, every repeat visit would be an unknown timepoint.
		const asSessions = applyMapping(raw, { ...m, measures: m.measures.map((x) => ({ ...x, timepoint: { column: 'Visit Date' } })) });
		expect(asSessions.report.rows_accepted).toBe(0);
	});

	it('follow-up weeks: 0 = baseline, n = follow-up week n', async () => {
		const raw = await readTable(new TextEncoder().encode('id,wk,score\na,0,20\na,4,12\na,12,10\n'), 'f.csv');
		const m: Mapping = { version: 1, client_id: 'id', route: { value: 'iv' }, measures: [{ instrument: { value: 'phq9' }, timepoint: { column: 'wk', means: 'followup_week' }, score: 'score' }] };
		const o = applyMapping(raw, m);
		expect(o.rows.map((x) => [x.phase, x.session, x.week])).toEqual([['baseline', 0, null], ['followup', null, 4], ['followup', null, 12]]);
	});
});
