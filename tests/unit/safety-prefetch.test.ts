/**
 * /safety works out the view a control would show while the pointer rests on it (SafetyData.prefetch,
 * data/prefetch.ts): after a prefetch the click's load sends nothing and shows what a load alone shows;
 * a stopped prefetch sends nothing more. (The numbers themselves are pinned by metrics-safety.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CachingConnector } from '../../src/lib/data/cached';
import { openNodeEngine } from '../../src/lib/engine/node';
import { toArrowIPC } from '../../src/lib/import/arrow';
import { loadSessions } from '../../src/lib/import/sessions-load';
import type { CanonicalRow } from '../../src/lib/import/types';
import type { Filters } from '../../src/lib/metrics/filters';
import { createDatasetViews } from '../../src/lib/metrics/views';
import type { SessionRow } from '../../src/lib/model/sessions';
import { SafetyData } from '../../src/routes/safety/safety.svelte';

const session = (client_id: string, route: string, s: number, sbp: number, site: string): SessionRow =>
	({ client_id, series: 1, route, session: s, sbp_pre: sbp, dbp_pre: 80, sbp_peak: sbp + 30, dbp_peak: 95, spo2_min: 97, sedation: 4, minutes_to_ready: 40 + s * 5, nausea: s % 2, serious_ae: 0, site }) as unknown as SessionRow;
const score = (client_id: string, route: string, instrument: string, phase: string, s: number, v: number, site: string) =>
	({ client_id, series: 1, route, instrument, phase, session: s, week: null, score: v, prorated: false, site }) as unknown as CanonicalRow;

const clients = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, route: ['iv', 'im', 'sublingual'][i % 3], site: i % 2 ? 'north' : 'south' }));
const SESSIONS = clients.flatMap((c, i) => [1, 2, 3].map((s) => session(c.id, c.route, s, 120 + i + s, c.site)));
const SCORES = clients.flatMap((c, i) => [
	score(c.id, c.route, 'bdi2', 'baseline', 0, 30 + i, c.site),
	score(c.id, c.route, 'bdi2', 'session', 3, 15 + i, c.site),
	score(c.id, c.route, 'cadss', 'session', 1, 10 + i, c.site),
	score(c.id, c.route, 'meq30', 'session', 1, 50 + i, c.site)
]);

describe('the view a /safety control would show, worked out ahead of the click (SafetyData.prefetch)', () => {
	let conn: CachingConnector;
	beforeAll(async () => {
		const db = await openNodeEngine();
		await db.insertArrowIPC('ds', toArrowIPC({ rows: SCORES, extraColumns: ['site'] }), true);
		await loadSessions(db, 'ds__sessions', SESSIONS);
		await createDatasetViews(db, 'ds', 'ds__sessions');
		conn = new CachingConnector(db);
	}, 120_000);

	it('after a prefetch the load of that view sends no statement and shows the rows a load alone gives; a stopped prefetch sends nothing more; a grouping is prefetched too', async () => {
		const f: Filters = { route: ['iv', 'im'] };
		await new SafetyData().load(conn, {}, 'route'); // the relations' columns, described once per data
		conn.forgetResults();
		const alone = new SafetyData();
		const start = conn.misses;
		await alone.load(conn, f, 'route');
		const statements = conn.misses - start;
		expect(statements).toBeGreaterThan(1);
		const keys = ['counts', 'rates', 'means', 'minutes', 'dissociation', 'experience'] as const;
		for (const k of keys) expect(alone[k].error, k).toBeNull();
		expect(alone.counts.rows.find((r) => r.group === '(all)')?.sessions).toBe(24); // 8 IV and IM clients × 3 sessions

		conn.forgetResults();
		const data = new SafetyData();
		const ahead = conn.misses;
		await data.prefetch(conn, [{ filters: f, groupBy: 'route' }]);
		const misses = conn.misses;
		expect(misses - ahead).toBe(statements); // the load's own statements, sent ahead
		await data.load(conn, f, 'route');
		expect(conn.misses - misses).toBe(0);
		for (const k of keys) expect(data[k].rows, k).toEqual(alone[k].rows);

		// stopped after its first statement: the load sends the rest
		conn.forgetResults();
		const other = new SafetyData();
		const before = conn.misses;
		const running = other.prefetch(conn, [{ filters: { route: ['sublingual'] }, groupBy: 'route' }, { filters: {}, groupBy: 'route' }]);
		other.stopPrefetch();
		await running;
		expect(conn.misses - before).toBe(1);
		const sent = conn.misses;
		await other.load(conn, { route: ['sublingual'] }, 'route');
		expect(conn.misses - sent).toBe(statements - 1);

		// the grouping select's other choice
		conn.forgetResults();
		await other.prefetch(conn, [{ filters: {}, groupBy: 'dose_band' }]);
		const cached = conn.misses;
		await new SafetyData().load(conn, {}, 'dose_band');
		expect(conn.misses - cached).toBe(0);
	}, 120_000);
});
