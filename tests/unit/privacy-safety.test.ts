/**
 * The safety section of `report --min-cell 11` as one export: a rate measured at every session has
 * the session count as its n (and the client count per client), and so does a mean over every
 * session. Protected table by table, a complement withheld in the counts table was printed as a
 * rate's n. The attacker (privacy-attacker.ts, independent of src/lib/privacy) knows those
 * equalities, the groups adding up to (all), and count + rest = n; it must pin down no withheld count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SafetyCountRow, SafetyMeanRow, SafetyRateRow } from '../../src/lib/metrics/safety';
import { SAFETY_TABLES } from '../../src/lib/metrics/safety';
import { protect } from '../../src/lib/privacy/policy';
import { sharedSafety, type SafetyTables } from '../../src/lib/privacy/safety';
import { Attacker, recovered } from './privacy-attacker';

type G = { sessions: number; clients: number; events: number; eventClients: number; bp: number };

function tables(groups: Record<string, G>): SafetyTables {
	const all: G = { sessions: 0, clients: 0, events: 0, eventClients: 0, bp: 0 };
	for (const g of Object.values(groups)) for (const k of Object.keys(all) as (keyof G)[]) all[k] += g[k];
	const list = [...Object.entries(groups), ['(all)', all] as const];
	const rate = (group: string, unit: 'sessions' | 'clients', count: number, n: number): SafetyRateRow => ({ group, key: 'any', name: 'Any event', unit, count, n, rate: n ? count / n : null, ci_low: null, ci_high: null, definition: 'any' });
	return {
		counts: list.map(([group, g]): SafetyCountRow => ({ group, sessions: g.sessions, clients: g.clients, definition: 'counts' })),
		// recorded at every session: n = the sessions (clients)
		rates: list.flatMap(([group, g]) => [rate(group, 'sessions', g.events, g.sessions), rate(group, 'clients', g.eventClients, g.clients)]),
		means: list.map(([group, g]): SafetyMeanRow => ({ group, key: 'bp', name: 'BP rise', n: g.bp, mean: 10, sd: 5, ci_low: 5, ci_high: 15, definition: 'bp' })),
		minutes_to_ready: [],
		dissociation: []
	};
}

/** What a reader of the printed tables knows. */
function read(t: SafetyTables, shown: SafetyTables): Attacker {
	const a = new Attacker();
	const groups = t.counts.map((r) => r.group).filter((g) => g !== '(all)');
	t.counts.forEach((r, i) => {
		a.cell(`sessions:${r.group}`, r.sessions, shown.counts[i].sessions);
		a.cell(`clients:${r.group}`, r.clients, shown.counts[i].clients);
	});
	t.rates.forEach((r, i) => {
		const k = `${r.unit}:${r.group}`;
		a.cell(k, r.n, shown.rates[i].n);
		a.cell(`ev-${k}`, r.count, shown.rates[i].count);
		a.hidden(`no-ev-${k}`, r.n - r.count);
		a.sum([`ev-${k}`, `no-ev-${k}`], k);
	});
	t.means.forEach((r, i) => {
		a.cell(`bp:${r.group}`, r.n, shown.means[i].n);
		// measured at every session of the group: the same count (the reader is told which are)
		if (r.n === t.counts[i].sessions) a.sum([`bp:${r.group}`], `sessions:${r.group}`);
	});
	// a group where every client had one session: its clients with an event are its sessions with one
	for (const r of t.counts) if (r.sessions === r.clients) a.sum([`ev-sessions:${r.group}`], `ev-clients:${r.group}`);
	for (const p of ['sessions', 'clients', 'ev-sessions', 'ev-clients', 'bp']) a.sum(groups.map((g) => `${p}:${g}`), `${p}:(all)`);
	return a;
}

const separately = (t: SafetyTables, minCell: number): SafetyTables => ({
	counts: [...protect(t.counts, SAFETY_TABLES.counts, minCell).rows] as never,
	rates: [...protect(t.rates, SAFETY_TABLES.rates, minCell).rows] as never,
	means: [...protect(t.means, SAFETY_TABLES.means, minCell).rows] as never,
	minutes_to_ready: [],
	dissociation: []
});

const group = fc
	.record({ sessions: fc.integer({ min: 0, max: 80 }), c: fc.integer({ min: 0, max: 100 }), e: fc.integer({ min: 0, max: 100 }), ec: fc.integer({ min: 0, max: 100 }), b: fc.integer({ min: 0, max: 100 }) })
	.map(({ sessions, c, e, ec, b }): G => {
		const clients = Math.min(sessions, Math.round((sessions * c) / 100));
		const events = Math.round((sessions * e) / 100);
		// one session per client (clients = sessions): the clients with an event are the sessions with one
		const eventClients = clients === sessions ? events : Math.min(clients, events, Math.round((clients * ec) / 100));
		return { sessions, clients, events, eventClients, bp: Math.round((sessions * b) / 100) };
	});

describe('safety tables: one export', () => {
	it('random clinics (fast-check): nothing withheld is recoverable, and table by table it was', () => {
		let leaked = 0;
		fc.assert(
			fc.property(fc.record({ iv: group, im: group, sublingual: group }), (groups) => {
				const t = tables(groups);
				expect(recovered(read(t, sharedSafety(t, 11)), 11)).toEqual([]);
				if (recovered(read(t, separately(t, 11)), 11).length) leaked++;
			}),
			{ seed: 20261201, numRuns: 150 }
		);
		// the test would catch a return to one protect call per table
		expect(leaked).toBeGreaterThan(0);
	});

	it('a group whose clients each had one session: its session and client event counts are one count', () => {
		// IV: 14 sessions of 14 clients, 6 with an event (6 sessions, 6 clients); IM and sublingual larger.
		// Before, the clients' 6 was withheld but the sessions' 6 printed (a rate of 6 / 14 per session).
		const one = (sessions: number, events: number): G => ({ sessions, clients: sessions, events, eventClients: events, bp: sessions });
		const t = tables({ iv: one(14, 6), im: { sessions: 60, clients: 30, events: 20, eventClients: 15, bp: 60 }, sublingual: { sessions: 90, clients: 40, events: 25, eventClients: 18, bp: 90 } });
		const shown = sharedSafety(t, 11);
		const iv = (unit: string) => shown.rates.find((r) => r.group === 'iv' && r.unit === unit)!;
		expect([iv('sessions').count, iv('clients').count]).toEqual([null, null]);
		expect(recovered(read(t, shown), 11)).toEqual([]);
		fc.assert(
			fc.property(fc.record({ iv: group.map((g): G => ({ ...g, clients: g.sessions, eventClients: g.events })), im: group, sublingual: group }), (groups) => {
				const t = tables(groups);
				expect(recovered(read(t, sharedSafety(t, 11)), 11)).toEqual([]);
			}),
			{ seed: 20261202, numRuns: 150 }
		);
	});
});
