/**
 * The MMRM computed from SQL sums (metrics/mmrm.ts) equals the MMRM fitted on one row per score
 * (`fitMmrm`, whose REML fit metrics-mmrm.test.ts checks against nlme): the rows are read here by a
 * plain statement and the design, last session, n and baseline are worked out here from them, as
 * the metric did before issue 11. On the demo cohort, and on random cohorts with missed sessions,
 * one or several groups, a session nobody in one group attended, and a second score at one session.
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import type { Connector } from '../../src/lib/engine/connector';
import { sql } from '../../src/lib/engine/sql';
import { mmrmModels, type MmrmOptions, type MmrmRow } from '../../src/lib/metrics/mmrm';
import { fitMmrm, mmrmContrast } from '../../src/lib/stats/mmrm';
import { loadCanonical, loadDemoTable, type Canon } from './metrics-fixtures';

interface Obs {
	instrument: string;
	client: string;
	time: number;
	score: number;
	grp: string;
	baseline: number | null;
}

/** The row path: every score to JavaScript, the design built per row. */
async function rowPath(db: Connector, instrument: string, groupBy: string | null, opts: MmrmOptions = {}) {
	const grp = groupBy ? sql`coalesce(CAST(route AS VARCHAR), '(missing)')` : sql`'all'`;
	const all = await db.query<Obs>(sql`WITH obs AS (
  SELECT client_id || '|' || series AS client, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS time, score, ${grp} AS grp
  FROM scores WHERE instrument = ${instrument} AND score IS NOT NULL AND phase IN ('baseline', 'session')),
bl AS (SELECT client, arg_min(score, time) FILTER (WHERE phase = 'baseline') AS baseline FROM obs GROUP BY client)
SELECT obs.client, obs.time, obs.score, obs.grp, bl.baseline FROM obs JOIN bl USING (client) ORDER BY client, time`);
	const reached = new Map<string, number>();
	for (const r of all) if (r.baseline !== null) reached.set(r.client, Math.max(reached.get(r.client) ?? 0, r.time));
	let K = opts.lastSession ?? 1;
	if (opts.lastSession === undefined)
		for (let s = Math.max(0, ...reached.values()); s >= 1; s--)
			if ([...reached.values()].filter((v) => v >= s).length > reached.size / 2) {
				K = s;
				break;
			}
	const used = all.filter((r) => r.baseline !== null && r.time >= 1 && r.time <= K);
	const sessions = [...new Set(used.map((r) => r.time))].sort((a, b) => a - b);
	const lv = [...new Set(used.map((r) => r.grp))].sort();
	const groups = opts.reference && lv.includes(opts.reference) ? [opts.reference, ...lv.filter((g) => g !== opts.reference)] : lv;
	const x = (b: number, s: number, g: string) => {
		const session = sessions.slice(1).map((t) => (t === s ? 1 : 0));
		const dummies = groups.slice(1).map((h) => (h === g ? 1 : 0));
		return groups.length > 1 ? [1, b, ...session, ...dummies, ...dummies.flatMap((d) => session.map((v) => v * d))] : [1, b, ...session];
	};
	const terms = x(0, sessions[0], groups[0]).map((_, j) => `x${j}`);
	const baselineAt = used.reduce((t, r) => t + r.baseline!, 0) / used.length;
	const fit = (() => {
		try {
			return fitMmrm({ y: used.map((r) => r.score), X: used.map((r) => x(r.baseline!, r.time, r.grp)), terms, subject: used.map((r) => r.client), visit: used.map((r) => sessions.indexOf(r.time)), visits: sessions.length });
		} catch (e) {
			return (e as Error).message;
		}
	})();
	const ls = typeof fit === 'string' ? [] : groups.flatMap((g) => sessions.map((s) => ({ n: used.filter((r) => r.grp === g && r.time === s).length, ...mmrmContrast(fit, x(baselineAt, s, g)) })));
	return { K, sessions, groups, nObs: used.length, nClients: new Set(used.map((r) => r.client)).size, baselineAt, fit, ls };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

async function expectSame(db: Connector, m: MmrmRow, groupBy: string | null, opts: MmrmOptions = {}) {
	const r = await rowPath(db, m.instrument, groupBy, opts);
	expect({ K: m.last_session, sessions: m.sessions, groups: m.groups, n_obs: m.n_obs, n_clients: m.n_clients }).toEqual({ K: r.K, sessions: r.sessions, groups: r.groups, n_obs: r.nObs, n_clients: r.nClients });
	expect(close(m.baseline_at, r.baselineAt)).toBe(true);
	if (typeof r.fit === 'string') {
		expect(m.error).toBe(r.fit);
		return;
	}
	expect(m.error).toBeUndefined();
	const bad: string[] = [];
	r.fit.coefficients.forEach((c, j) => {
		if (!close(m.fixed[j].estimate, c.estimate) || !close(m.fixed[j].se, c.se)) bad.push(`${m.fixed[j].term}: ${m.fixed[j].estimate} ± ${m.fixed[j].se} vs ${c.estimate} ± ${c.se}`);
	});
	r.fit.covariance.forEach((row, i) => row.forEach((v, j) => close(m.covariance[i][j], v) || bad.push(`Σ[${i}][${j}] ${m.covariance[i][j]} vs ${v}`)));
	if (!close(m.loglik, r.fit.loglik)) bad.push(`loglik ${m.loglik} vs ${r.fit.loglik}`);
	r.ls.forEach((l, k) => {
		if (m.ls_means[k].n !== l.n || !close(m.ls_means[k].estimate, l.estimate) || !close(m.ls_means[k].se, l.se)) bad.push(`LS mean ${k}`);
	});
	expect(bad).toEqual([]);
}

/** Deterministic uniform [0, 1) (mulberry32). */
function rng(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * `n` client-series over `routes`, baseline then sessions 1…6 each attended with probability 0.75
 * (some series have no baseline or no later score), whole-number PHQ-9 scores falling with
 * session and correlated within a series.
 */
function cohort(seed: number, n: number, routes: string[]): Canon[] {
	const u = rng(seed);
	const rows: Canon[] = [];
	for (let i = 0; i < n; i++) {
		const route = routes[i % routes.length];
		const level = 14 + 8 * (u() - 0.5);
		const hasBaseline = u() > 0.05;
		if (hasBaseline) rows.push({ client_id: `c${i}`, route, instrument: 'phq9', phase: 'baseline', session: null, score: Math.round(level + 4 * (u() - 0.5)) });
		for (let s = 1; s <= 6; s++) {
			if (u() > 0.75) continue;
			const score = Math.max(0, Math.min(27, Math.round(level - (1 + routes.indexOf(route) * 0.4) * s + 6 * (u() - 0.5))));
			rows.push({ client_id: `c${i}`, route, instrument: 'phq9', phase: 'session', session: s, score });
		}
	}
	return rows;
}

async function db(rows: Canon[]): Promise<Connector> {
	const conn = await openNodeEngine();
	await loadCanonical(conn, rows);
	return conn;
}

describe('MMRM from SQL sums equals the row-by-row fit', () => {
	it('on the demo cohort, by route and with one group', async () => {
		const conn = await openNodeEngine();
		await loadDemoTable(conn);
		const byRoute = await mmrmModels(conn, { groupBy: 'route' });
		expect(byRoute.rows.map((r) => r.instrument)).toEqual(['bdi2', 'hama']);
		for (const m of byRoute.rows) await expectSame(conn, m, 'route');
		const one = await mmrmModels(conn, { instruments: ['bdi2'] });
		expect(one.rows[0].groups).toEqual(['all']);
		await expectSame(conn, one.rows[0], null);
	}, 60_000);

	it('on random cohorts with missed sessions: three groups, one group, a chosen last session and reference', async () => {
		const conn = await db(cohort(11, 400, ['iv', 'im', 'oral']));
		await expectSame(conn, (await mmrmModels(conn, { groupBy: 'route' })).rows[0], 'route');
		await expectSame(conn, (await mmrmModels(conn, {})).rows[0], null);
		const opts = { lastSession: 4, reference: 'iv' };
		await expectSame(conn, (await mmrmModels(conn, { groupBy: 'route', ...opts })).rows[0], 'route', opts);
	}, 60_000);

	it('gives the row path’s error for a session one group never attended and for two scores at one session', async () => {
		const rows = cohort(5, 120, ['iv', 'oral']).filter((r) => !(r.route === 'oral' && r.session === 2));
		let conn = await db(rows);
		const gap = (await mmrmModels(conn, { groupBy: 'route', lastSession: 3 })).rows[0];
		expect(gap.error).toMatch(/rank deficient/);
		await expectSame(conn, gap, 'route', { lastSession: 3 });
		const twice = cohort(5, 120, ['iv', 'oral']);
		twice.push({ ...twice.find((r) => r.phase === 'session' && r.session === 1)!, score: 3 });
		conn = await db(twice);
		const dup = (await mmrmModels(conn, { groupBy: 'route' })).rows[0];
		expect(dup.error).toMatch(/two observations at one visit/);
		await expectSame(conn, dup, 'route');
	}, 60_000);
});
