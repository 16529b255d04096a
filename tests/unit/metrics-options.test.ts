import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { filterChoices, filterChoicesAndColumns } from '../../src/lib/metrics/options';
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
});
