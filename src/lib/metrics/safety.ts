/**
 * Tolerability per group from the dosing-session records (`safety_sessions`, see views.ts): counts,
 * rates per session and per client with Wilson CIs, mean rises with t CIs, minutes to ready, and
 * dissociation by session number (from `acute_scores`). SQL only counts and averages; intervals are
 * computed from those counts in src/lib/stats. Every row names its definition and N.
 */
import type { Connector } from '../engine/connector';
import { ident, join, list, sql, type Sql } from '../engine/sql';
import { tInterval } from '../stats/effect';
import { wilsonInterval } from '../stats/proportions';
import { MISSING, whereSql, type Filters } from './filters';
import { SAFETY_DEFINITIONS, SAFETY_MEANS, SAFETY_RATES, type RateDefinition } from './safety-definitions';
import { ALL_GROUPS } from './source';
import type { TableSpec } from '../privacy/spec';

export interface SafetyOptions {
	filters?: Filters;
	/** Column to group by (route, dose_band, site, …); null → one group `all`. Default `route`. */
	groupBy?: string | null;
	/** Relation of session records (default `safety_sessions`): a name, or a parenthesised subquery. */
	relation?: string | Sql;
	/** Add the row over every group (`(all)`); default true. Off where the groups may overlap (/compare's cohorts). */
	total?: boolean;
	/** The rates to count (default SAFETY_RATES). */
	rates?: RateDefinition[];
	/** The means to compute (default SAFETY_MEANS). */
	means?: typeof SAFETY_MEANS;
	/** Relation of safety/experience scores (default `acute_scores`). */
	acuteRelation?: string;
}

export interface SafetyCountRow { group: string; sessions: number; clients: number; definition: string }
export interface SafetyRateRow { group: string; key: string; name: string; unit: 'sessions' | 'clients'; count: number; n: number; rate: number | null; ci_low: number | null; ci_high: number | null; definition: string }
export interface SafetyMeanRow { group: string; key: string; name: string; n: number; mean: number | null; sd: number | null; ci_low: number | null; ci_high: number | null; definition: string }
export interface MinutesRow { group: string; n: number; median: number | null; q1: number | null; q3: number | null; definition: string }
export interface DissociationRow { instrument: string; group: string; session: number; n: number; mean: number | null; ci_low: number | null; ci_high: number | null; definition: string }

/** Column names of a relation. */
async function columnsOf(conn: Connector, relation: string | Sql): Promise<string[]> {
	return (await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${rel(relation)}`)).map((r) => r.column_name);
}

function rel(relation: string | Sql): Sql {
	return typeof relation === 'string' ? ident(relation) : relation;
}

interface Base {
	from: Sql;
	grouped: boolean;
	total: boolean;
}

/** `SELECT *, grp FROM relation WHERE filters` as a CTE body, and whether a total row is wanted. */
async function base(conn: Connector, relation: string | Sql, opts: SafetyOptions): Promise<Base> {
	const columns = await columnsOf(conn, relation);
	const g = opts.groupBy === undefined ? 'route' : opts.groupBy;
	if (g && !columns.includes(g)) throw new Error(`no column "${g}" to group by (columns: ${columns.join(', ')})`);
	const grp = g ? sql`coalesce(CAST(${ident(g)} AS VARCHAR), ${MISSING})` : sql`${'all'}`;
	return { from: sql`SELECT *, ${grp} AS grp FROM ${rel(relation)} WHERE ${whereSql(opts.filters, columns)}`, grouped: !!g, total: opts.total ?? true };
}

const groupingSets = (b: Base) => (b.grouped && b.total ? sql`GROUP BY GROUPING SETS ((grp), ())` : sql`GROUP BY grp`);
const label = (g: string | null) => g ?? ALL_GROUPS;

/** The t interval (src/lib/stats/effect.ts) as the rows name its ends. */
function tCiFields(n: number, mean: number | null, sd: number | null) {
	const ci = tInterval(n, mean, sd);
	return { ci_low: ci.low, ci_high: ci.high };
}

/** Sessions and clients, the rates of SAFETY_RATES per session and per client, and the SQL run. */
export async function safetyRates(conn: Connector, opts: SafetyOptions = {}) {
	const b = await base(conn, opts.relation ?? 'safety_sessions', opts);
	const defs = opts.rates ?? SAFETY_RATES;
	const cols = defs.flatMap((d) => [
		sql`count(*) FILTER (WHERE ${d.event})::INT AS ${ident(`${d.key}__sc`)}`,
		sql`count(*) FILTER (WHERE ${d.measured})::INT AS ${ident(`${d.key}__sn`)}`,
		sql`count(DISTINCT client_id) FILTER (WHERE ${d.event})::INT AS ${ident(`${d.key}__cc`)}`,
		sql`count(DISTINCT client_id) FILTER (WHERE ${d.measured})::INT AS ${ident(`${d.key}__cn`)}`
	]);
	const q = sql`WITH base AS (${b.from})
SELECT grp, count(*)::INT AS sessions, count(DISTINCT client_id)::INT AS clients, ${join(cols)}
FROM base ${groupingSets(b)} ORDER BY grp NULLS LAST`;
	const raw = await conn.query<Record<string, number | string | null>>(q);
	const counts: SafetyCountRow[] = raw.map((r) => ({ group: label(r.grp as string | null), sessions: r.sessions as number, clients: r.clients as number, definition: SAFETY_DEFINITIONS.counts.id }));
	const rates: SafetyRateRow[] = [];
	for (const d of defs)
		for (const r of raw)
			for (const [unit, c, n] of [['sessions', '__sc', '__sn'], ['clients', '__cc', '__cn']] as const) {
				const count = r[d.key + c] as number, total = r[d.key + n] as number;
				const w = total > 0 ? wilsonInterval(count, total) : null;
				rates.push({ group: label(r.grp as string | null), key: d.key, name: d.name, unit, count, n: total, rate: w?.rate ?? null, ci_low: w?.low ?? null, ci_high: w?.high ?? null, definition: d.id });
			}
	return { counts, rates, sql: q };
}

/** Mean rises and mean sedation with t-based CIs. */
export async function safetyMeans(conn: Connector, opts: SafetyOptions = {}) {
	const b = await base(conn, opts.relation ?? 'safety_sessions', opts);
	const defs = opts.means ?? SAFETY_MEANS;
	const cols = defs.flatMap((d) => [
		sql`count(${d.value})::INT AS ${ident(`${d.key}__n`)}`,
		sql`avg(${d.value}) AS ${ident(`${d.key}__mean`)}`,
		sql`stddev_samp(${d.value}) AS ${ident(`${d.key}__sd`)}`
	]);
	const q = sql`WITH base AS (${b.from}) SELECT grp, ${join(cols)} FROM base ${groupingSets(b)} ORDER BY grp NULLS LAST`;
	const raw = await conn.query<Record<string, number | string | null>>(q);
	const rows: SafetyMeanRow[] = [];
	for (const d of defs)
		for (const r of raw) {
			const n = r[`${d.key}__n`] as number, mean = r[`${d.key}__mean`] as number | null, sd = r[`${d.key}__sd`] as number | null;
			rows.push({ group: label(r.grp as string | null), key: d.key, name: d.name, n, mean, sd, ...tCiFields(n, mean, sd), definition: d.id });
		}
	return { rows, sql: q };
}

/** Median and IQR of minutes until ready to leave. */
export async function minutesToReady(conn: Connector, opts: SafetyOptions = {}) {
	const b = await base(conn, opts.relation ?? 'safety_sessions', opts);
	const q = sql`WITH base AS (${b.from})
SELECT grp, count(minutes_to_ready)::INT AS n, quantile_cont(minutes_to_ready, 0.5) AS median,
       quantile_cont(minutes_to_ready, 0.25) AS q1, quantile_cont(minutes_to_ready, 0.75) AS q3
FROM base ${groupingSets(b)} ORDER BY grp NULLS LAST`;
	const raw = await conn.query<{ grp: string | null; n: number; median: number | null; q1: number | null; q3: number | null }>(q);
	return { rows: raw.map((r): MinutesRow => ({ group: label(r.grp), n: r.n, median: r.median, q1: r.q1, q3: r.q3, definition: SAFETY_DEFINITIONS.minutes.id })), sql: q };
}

/** Mean CADSS / CADSS-6 total per dosing session number (does dissociation fade over a series?). */
export async function dissociationBySession(conn: Connector, opts: SafetyOptions = {}) {
	const relation = opts.acuteRelation ?? 'acute_scores';
	const columns = await columnsOf(conn, relation);
	const groupBy = opts.groupBy === undefined ? 'route' : opts.groupBy;
	const b = await base(conn, relation, { ...opts, groupBy: groupBy && columns.includes(groupBy) ? groupBy : null });
	const q = sql`WITH base AS (${b.from})
SELECT instrument, grp, session, count(score)::INT AS n, avg(score) AS mean, stddev_samp(score) AS sd
FROM base WHERE instrument IN (${list(['cadss', 'cadss6'])}) AND phase = 'session' AND score IS NOT NULL
GROUP BY ${b.grouped ? sql`GROUPING SETS ((instrument, grp, session), (instrument, session))` : sql`instrument, grp, session`}
ORDER BY instrument, grp NULLS LAST, session`;
	const raw = await conn.query<{ instrument: string; grp: string | null; session: number; n: number; mean: number | null; sd: number | null }>(q);
	const rows = raw.map((r): DissociationRow => ({ instrument: r.instrument, group: label(r.grp), session: r.session, n: r.n, mean: r.mean, ...tCiFields(r.n, r.mean, r.sd), definition: SAFETY_DEFINITIONS.dissociation.id }));
	return { rows, sql: q };
}

/**
 * The safety tables' structure for the privacy policy (src/lib/privacy: `protect(rows, spec)`):
 * clients and sessions both count as small cells; groups add up to the ungrouped view's totals; a
 * rate, mean or minutes n equal to the group's session (client) count is that count (measured at
 * every session: a subset of the sessions as large as all of them is all of them).
 */
export const SAFETY_TABLES = {
	counts: {
		name: 'safety_counts',
		counts: ['clients', 'sessions'],
		slices: [{ kind: 'groups', group: 'group', by: ['definition'], totalKnown: true }],
		same: [
			{ field: 'sessions', as: 'safety-sessions', by: ['group'] },
			{ field: 'clients', as: 'safety-clients', by: ['group'] }
		]
	},
	rates: {
		name: 'safety_rates',
		counts: ['n', 'count'],
		derived: [{ fields: ['rate', 'ci_low', 'ci_high'], from: ['n', 'count'] }],
		slices: [
			{ kind: 'fields', parts: ['count'], total: 'n', complete: false },
			{ kind: 'groups', group: 'group', by: ['key', 'unit'], totalKnown: true }
		],
		// measured at every session (or for every client): n is the session (client) count
		same: [
			{ field: 'n', where: { unit: 'sessions' }, as: 'safety-sessions', by: ['group'] },
			{ field: 'n', where: { unit: 'clients' }, as: 'safety-clients', by: ['group'] },
			// where every client of a group had one session, its sessions with an event are its clients with
			// one: the same count (joined only when the values agree, so otherwise nothing changes)
			{ field: 'count', as: 'safety-events', by: ['group', 'key'] }
		]
	},
	means: {
		name: 'safety_means',
		counts: ['n'],
		derived: [{ fields: ['mean', 'sd', 'ci_low', 'ci_high'], from: ['n'] }],
		slices: [{ kind: 'groups', group: 'group', by: ['key'], totalKnown: true }],
		same: [{ field: 'n', as: 'safety-sessions', by: ['group'] }]
	},
	minutes: { name: 'safety_minutes', counts: ['n'], derived: [{ fields: ['median', 'q1', 'q3'], from: ['n'] }], same: [{ field: 'n', as: 'safety-sessions', by: ['group'] }] },
	dissociation: {
		name: 'safety_dissociation',
		counts: ['n'],
		derived: [{ fields: ['mean', 'ci_low', 'ci_high'], from: ['n'] }],
		slices: [{ kind: 'groups', group: 'group', by: ['instrument', 'session'], totalKnown: true }]
	}
} satisfies Record<string, TableSpec>;
