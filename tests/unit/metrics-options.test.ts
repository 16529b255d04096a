import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { filterChoices, filterChoicesAndColumns } from '../../src/lib/metrics/options';
import { buildSummaries, summaryTables, useSummaries } from '../../src/lib/metrics/summaries';
import type { Sql } from '../../src/lib/engine/sql';
import { loadCanonical } from './metrics-fixtures';

describe('filterChoices', () => {
	it('offers every categorical column but instrument and series, with client counts worked out by hand', async () => {
		const db = await openNodeEngine();
		// A: iv, site n, arm PA (two rows); B: iv, site s, arm TAU; C: sublingual, no site, arm PA
		await loadCanonical(
			db,
			[
				{ client_id: 'A', route: 'iv', site: 'n', arm: 'PA', instrument: 'bdi2', phase: 'baseline', session: 0, score: 30 },
				{ client_id: 'A', route: 'iv', site: 'n', arm: 'PA', instrument: 'bdi2', phase: 'session', session: 1, score: 20 },
				{ client_id: 'B', route: 'iv', site: 's', arm: 'TAU', instrument: 'hama', phase: 'baseline', session: 0, score: 22 },
				{ client_id: 'C', route: 'sublingual', site: null, arm: 'PA', instrument: 'bdi2', phase: 'baseline', session: 0, score: 28 }
			],
			['arm'],
			'scores',
			['site']
		);
		const choices = await filterChoices(db);
		expect(Object.keys(choices).sort()).toEqual(['age_band', 'arm', 'diagnosis', 'route', 'sex', 'site']);
		expect(choices.route).toEqual([{ value: 'iv', clients: 2 }, { value: 'sublingual', clients: 1 }]);
		expect(choices.arm).toEqual([{ value: 'PA', clients: 2 }, { value: 'TAU', clients: 1 }]);
		expect(choices.site).toEqual([{ value: '(missing)', clients: 1 }, { value: 'n', clients: 1 }, { value: 's', clients: 1 }]);
		// the same choices and every column (instrument, series, score … and the file's own arm), from one DESCRIBE
		const both = await filterChoicesAndColumns(db);
		expect(both.options).toEqual(choices);
		expect(both.columns).toEqual(expect.arrayContaining(['client_id', 'instrument', 'series', 'score', 'arm', 'site']));
	});

	it('reads the choices the summaries kept, with the same hand counts, also for a column that varies and a client without a score', async () => {
		const db = await openNodeEngine();
		// A: iv; site n, then x (varies within the series); B: iv, site s; C: sublingual, no site; D: iv, site s, no score
		await loadCanonical(
			db,
			[
				{ client_id: 'A', route: 'iv', site: 'n', instrument: 'bdi2', phase: 'baseline', session: 0, score: 30 },
				{ client_id: 'A', route: 'iv', site: 'x', instrument: 'bdi2', phase: 'session', session: 1, score: 20 },
				{ client_id: 'B', route: 'iv', site: 's', instrument: 'hama', phase: 'baseline', session: 0, score: 22 },
				{ client_id: 'C', route: 'sublingual', site: null, instrument: 'bdi2', phase: 'baseline', session: 0, score: 28 },
				{ client_id: 'D', route: 'iv', site: 's', instrument: 'bdi2', phase: 'baseline', session: 0, score: null }
			],
			[],
			'scores',
			['site']
		);
		const summaries = await buildSummaries(db, 'scores');
		expect(summaries.varying).toContain('site');
		const asked: string[] = [];
		const spy = { ...db, query: (q: Sql) => (asked.push(q.text), db.query(q)) } as typeof db;
		useSummaries(spy, 'scores', summaries);
		const choices = await filterChoices(spy);
		expect(choices.route).toEqual([{ value: 'iv', clients: 3 }, { value: 'sublingual', clients: 1 }]);
		expect(choices.site).toEqual([{ value: 's', clients: 2 }, { value: '(missing)', clients: 1 }, { value: 'n', clients: 1 }, { value: 'x', clients: 1 }]);
		const options = summaryTables('scores').options;
		expect(asked.filter((t) => !t.startsWith('DESCRIBE')).every((t) => t.includes(`"${options}"`) && !/FROM "?scores"?\b(?!_)/.test(t))).toBe(true);
		// the rows' path gives the same
		useSummaries(spy, 'scores', null);
		expect(await filterChoices(spy)).toEqual(choices);
		expect(asked.at(-1)).toMatch(/FROM "scores" GROUP BY ALL/);
	});

	it('kept choices counted from the client-series grouping where every row has a score, a column that varies from the rows: the same hand counts', async () => {
		const db = await openNodeEngine();
		// A: iv, two series; site n, then x (varies within series 1); B: iv, site s; C: sublingual, no site
		await loadCanonical(
			db,
			[
				{ client_id: 'A', route: 'iv', site: 'n', instrument: 'bdi2', phase: 'baseline', session: 0, score: 30 },
				{ client_id: 'A', route: 'iv', site: 'x', instrument: 'bdi2', phase: 'session', session: 1, score: 20 },
				{ client_id: 'A', series: 2, route: 'iv', site: 'n', instrument: 'bdi2', phase: 'baseline', session: 0, score: 25 },
				{ client_id: 'B', route: 'iv', site: 's', instrument: 'hama', phase: 'baseline', session: 0, score: 22 },
				{ client_id: 'C', route: 'sublingual', site: null, instrument: 'bdi2', phase: 'baseline', session: 0, score: 28 }
			],
			[],
			'scores',
			['site']
		);
		const built: string[] = [];
		const recording = Object.create(db, { exec: { value: (q: Sql) => (built.push(q.text), db.exec(q)) } });
		const summaries = await buildSummaries(recording, 'scores');
		expect(summaries.varying).toEqual(['site']);
		const options = built.find((t) => t.includes(`"${summaryTables('scores').options}" AS`))!;
		expect(options).toMatch(/FROM "scores__cs_parts"\) GROUP BY ALL/);
		expect(options).toMatch(/FROM \(SELECT \* FROM "scores"\) GROUP BY ALL/);
		useSummaries(db, 'scores', summaries);
		const choices = await filterChoices(db);
		expect(choices.route).toEqual([{ value: 'iv', clients: 2 }, { value: 'sublingual', clients: 1 }]);
		expect(choices.site).toEqual([{ value: '(missing)', clients: 1 }, { value: 'n', clients: 1 }, { value: 's', clients: 1 }, { value: 'x', clients: 1 }]);
		expect(choices.sex).toEqual([{ value: '(missing)', clients: 3 }]);
		useSummaries(db, 'scores', null);
		expect(await filterChoices(db)).toEqual(choices);
	});
});
