/**
 * The /compare tolerability card's table (metrics/compare-safety.ts) as one long table for the
 * page's one export (compare-page.ts): per cohort its sessions and clients, each rate per session
 * and per client, the mean rises and the minutes to ready, and each A − B difference of the client
 * shares. Its structure for the policy: a rate's count is part of its n; a rate measured at every
 * session (client) has the cohort's session (client) count as its n, and so has a mean or the
 * minutes over every session; a difference's n is the two cohorts' client n, and it gives either
 * cohort's rate back, so it goes when either side's count or n does. The cohorts may overlap and
 * publish no total: no groups-add-up slice.
 */
import type { Tolerability } from '../metrics/compare-safety';
import type { Row, TableSpec } from './spec';

/** The card's rows: `stat` says which kind, `kind` cohort or contrast. */
export function tolerabilityRows(t: Tolerability | null | undefined): Row[] {
	if (!t) return [];
	return [
		...t.counts.map((r) => ({ stat: 'counts', kind: 'cohort', cohort: r.group, measure: 'Sessions and clients', sessions: r.sessions, clients: r.clients, definition: r.definition })),
		...t.rates.map((r) => ({ stat: 'rate', kind: 'cohort', cohort: r.group, measure: r.name, key: r.key, unit: r.unit, count: r.count, n: r.n, value: r.rate, low: r.ci_low, high: r.ci_high, definition: r.definition })),
		...t.differences.map((d) => ({ stat: 'rate', kind: 'contrast', cohort: 'A − B', measure: d.name, key: d.key, unit: 'clients', count: null, n: d.a.n + d.b.n, value: d.diff, low: d.low, high: d.high, definition: d.definition })),
		...t.means.map((r) => ({ stat: 'mean', kind: 'cohort', cohort: r.group, measure: r.name, key: r.key, unit: 'sessions', n: r.n, value: r.mean, low: r.ci_low, high: r.ci_high, definition: r.definition })),
		...t.minutes.map((r) => ({ stat: 'minutes', kind: 'cohort', cohort: r.group, measure: 'Median minutes to ready (IQR)', key: 'minutes_to_ready', unit: 'sessions', n: r.n, value: r.median, low: r.q1, high: r.q3, definition: r.definition }))
	];
}

const COHORT = { kind: 'cohort' };
const SESSIONS = { as: 'tolerability-sessions', by: ['cohort'] };
const CLIENTS = { as: 'tolerability-clients', by: ['cohort'] };

export const TOLERABILITY: TableSpec = {
	name: 'tolerability',
	counts: ['sessions', 'clients', 'count', 'n'],
	derived: [
		{ fields: ['value', 'low', 'high'], from: ['count', 'n'], where: COHORT },
		{ fields: ['value', 'low', 'high'], from: ['count', 'n'], row: { by: ['key', 'unit'], match: COHORT }, where: { kind: 'contrast' } }
	],
	slices: [
		{ kind: 'fields', parts: ['count'], total: 'n', complete: false, where: { stat: 'rate', kind: 'cohort' } },
		{ kind: 'rows', by: ['key', 'unit'], where: { stat: 'rate', kind: 'cohort' }, count: 'n', totalRow: { kind: 'contrast' } }
	],
	same: [
		{ field: 'sessions', where: { stat: 'counts' }, ...SESSIONS },
		{ field: 'clients', where: { stat: 'counts' }, ...CLIENTS },
		{ field: 'n', where: { kind: 'cohort', unit: 'sessions' }, ...SESSIONS },
		{ field: 'n', where: { kind: 'cohort', unit: 'clients' }, ...CLIENTS },
		// a cohort whose clients each had one session: its sessions with an event are its clients with one
		// (one cell; joined only when the two values agree)
		{ field: 'count', where: { stat: 'rate', kind: 'cohort' }, as: 'tolerability-events', by: ['cohort', 'key'] }
	]
};
