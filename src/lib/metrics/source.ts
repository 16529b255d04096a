/**
 * What every metric shares: its options, the relation it reads, the group expression, and the
 * per-client-series summary (baseline, end of series, planned-end score, last follow-up week)
 * built with arg_min/arg_max + GROUP BY — no window functions (spike §6: 3.7× faster in wasm).
 */
import { ident, lit, type Connector } from '../engine/connector';
import { INSTRUMENTS, OUTCOME_IDS } from '../instruments/definitions';
import type { Definition, Settings, SettingsInput } from './definitions';
import { resolveSettings } from './definitions';
import { describeColumns, MISSING, whereSql, type Filters } from './filters';

/** Options every metric takes. */
export interface MetricOptions {
	/** Canonical table to read; default `scores`. */
	table?: string;
	/** A parenthesised subquery read instead of `table` (cohort comparison builds one). */
	relation?: string;
	filters?: Filters;
	/** Any column to group by; absent/null → one group called `all`; NULL values → `(missing)`. */
	groupBy?: string | null;
	/** Only these instruments (default: all present). */
	instruments?: string[];
	settings?: SettingsInput;
}

/** What every metric returns: plain rows, the exact SQL run (for "show SQL"), the definition(s). */
export interface MetricResult<R> {
	rows: R[];
	sql: string;
	definition?: Definition | Definition[];
}

/** Label of the total row added over groups. */
export const ALL_GROUPS = '(all)';

export interface Prepared {
	relation: string;
	columns: { name: string; type: string }[];
	where: string;
	/** `where` without the instrument restriction (a shared summary covers every instrument). */
	allInstruments: string;
	/** The instrument restriction alone (`TRUE` when none). */
	instrumentWhere: string;
	groupExpr: string;
	settings: Settings;
}

/** Resolve options into SQL pieces; throws when the group column does not exist. */
export async function prepare(conn: Connector, opts: MetricOptions): Promise<Prepared> {
	const relation = opts.relation ?? ident(opts.table ?? 'scores');
	const columns = await describeColumns(conn, relation);
	const names = columns.map((c) => c.name);
	let groupExpr = `'all'`;
	if (opts.groupBy) {
		if (!names.includes(opts.groupBy)) throw new Error(`no column "${opts.groupBy}" to group by (columns: ${names.join(', ')})`);
		groupExpr = `coalesce(CAST(${ident(opts.groupBy)} AS VARCHAR), ${lit(MISSING)})`;
	}
	let where = whereSql(opts.filters ?? {}, names);
	const instrumentWhere = opts.instruments?.length ? `instrument IN (${opts.instruments.map((i) => lit(i)).join(', ')})` : 'TRUE';
	const allInstruments = where;
	if (opts.instruments?.length) where += ` AND ${instrumentWhere}`;
	return { relation, columns, where, allInstruments, instrumentWhere, groupExpr, settings: resolveSettings(opts.settings) };
}

/**
 * `CASE instrument WHEN 'bdi2' THEN … END` over the outcome instruments, from a per-instrument value
 * (outcome metrics never see safety or experience instruments: the `scores` view holds outcome rows).
 */
export function perInstrumentCase(f: (id: keyof typeof INSTRUMENTS) => string | null, otherwise = 'NULL'): string {
	const whens = OUTCOME_IDS
		.map((id) => [id, f(id)] as const)
		.filter(([, v]) => v !== null)
		.map(([id, v]) => `WHEN ${lit(id)} THEN ${v}`);
	return whens.length ? `CASE instrument ${whens.join(' ')} ELSE ${otherwise} END` : otherwise;
}

/** SQL condition "end_score is in remission" under the settings. */
export function remissionCondition(s: Settings, scoreCol = 'end_score'): string {
	return perInstrumentCase((id) => `${scoreCol} ${s.remission[id].op} ${lit(s.remission[id].threshold)}`, 'FALSE');
}

/**
 * The common CTEs: `base` (observed scores with a normalised session/week and `grp`),
 * `planned` (planned last session: the setting for the instrument when given, else the series'
 * own `planned_sessions` (its treatment plan) when the data have it, else the largest session seen
 * in the instrument × group, since protocols differ by route) and `cs` (one row per instrument × group ×
 * client-series: baseline, last_score/last_session, planned_score, end_score/end_session per the
 * end rule, last_week). Ends without a trailing comma; callers append `, x AS (…) SELECT …`.
 */
export function summaryCtes(p: Prepared): string {
	const s = p.settings;
	const fixed = perInstrumentCase((id) => (s.plannedSessions[id] !== undefined ? lit(s.plannedSessions[id]!) : null));
	const endScore = s.end === 'last' ? 'last_score' : 'planned_score';
	const endSession = s.end === 'last' ? 'last_session' : `CASE WHEN planned_score IS NOT NULL THEN planned_session END`;
	// One pass over the score rows, no join: the fallback plan (largest session seen in the group) is
	// taken from the small per-series table afterwards. A series has a score at that session exactly
	// when its own last session is it (no session of the group lies beyond it).
	return `${baseCte(p)},
cs0 AS (
  SELECT instrument, grp, client_id, series,
    arg_min(score, session) FILTER (WHERE phase = 'baseline') AS baseline,
    arg_max(score, session) FILTER (WHERE phase = 'session') AS last_score,
    max(session) FILTER (WHERE phase = 'session') AS last_session,
    coalesce(${fixed}, max(plan)) AS own_plan,
    max(score) FILTER (WHERE phase = 'session' AND session = coalesce(${fixed}, plan)) AS own_plan_score,
    max(week) FILTER (WHERE phase = 'followup') AS last_week
  FROM base
  GROUP BY instrument, grp, client_id, series
),
planned AS (
  SELECT instrument, grp, max(last_session) AS seen_max FROM cs0 GROUP BY instrument, grp
),
cs1 AS (
  SELECT c.instrument, c.grp, c.client_id, c.series, c.baseline, c.last_score, c.last_session, c.last_week,
    coalesce(c.own_plan, p.seen_max) AS planned_session,
    CASE WHEN c.own_plan IS NOT NULL THEN c.own_plan_score WHEN c.last_session = p.seen_max THEN c.last_score END AS planned_score
  FROM cs0 c LEFT JOIN planned p USING (instrument, grp)
),
cs AS (
  SELECT *, ${endScore} AS end_score, ${endSession} AS end_session FROM cs1
)`;
}

/** `WITH base AS (…)`: the observed scores a metric reads, with `grp` and the series' plan (see summaryCtes). */
export function baseCte(p: Prepared): string {
	return `WITH base AS (
  SELECT client_id, series, instrument, phase,
    CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
    CASE WHEN phase = 'followup' THEN week END AS week,
    score, ${p.groupExpr} AS grp, ${p.columns.some((c) => c.name === 'planned_sessions') ? 'planned_sessions' : 'NULL::INTEGER'} AS plan
  FROM ${p.relation}
  WHERE ${p.where} AND score IS NOT NULL
)`;
}

/**
 * The summary CTEs for a metric's SQL, like `summaryCtes`. When the connector can materialize,
 * the client-series summary is computed once per filters × grouping × settings and shared by every
 * metric of a page (they would otherwise each rebuild it from all score rows); the returned CTEs
 * then read it from that table, and the SQL says what the table holds.
 */
export async function summarySource(conn: Connector, p: Prepared): Promise<string> {
	if (!conn.materialize) return summaryCtes(p);
	// One summary per filters × grouping × settings, over every instrument: the page's metrics for
	// one instrument and for all of them then share it.
	const summarySql = `${summaryCtes({ ...p, where: p.allInstruments })}\nSELECT * FROM cs`;
	const table = await conn.materialize(summarySql);
	return `/* ${table} holds the client-series summary:\n${summarySql}\n*/\n${baseCte(p)},\ncs AS (SELECT * FROM ${table} WHERE ${p.instrumentWhere})`;
}

/** Per-client-series summary row (see `summaryCtes`). */
export interface ClientSummaryRow {
	instrument: string;
	group: string;
	client_id: string;
	series: number;
	baseline: number | null;
	end_score: number | null;
	end_session: number | null;
	last_session: number | null;
	planned_session: number | null;
	last_week: number | null;
}

/** One row per instrument × group × client-series: baseline, end of series, last follow-up week. */
export async function clientSummary(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<ClientSummaryRow>> {
	const p = await prepare(conn, opts);
	const sql = `${await summarySource(conn, p)}
SELECT instrument, grp AS "group", client_id, series, baseline, end_score, end_session, last_session, planned_session, last_week
FROM cs ORDER BY instrument, "group", client_id, series`;
	return { rows: await conn.query<ClientSummaryRow>(sql), sql };
}

/** Order total rows after the groups, groups alphabetically (SQL `ORDER BY` clause body). */
export const GROUP_ORDER = `"group" = ${lit(ALL_GROUPS)}, "group"`;

/** Drop the `(all)` total rows when there is only one group (they would repeat it). */
export function dropRedundantTotals<R extends { instrument: string; group: string }>(rows: R[]): R[] {
	const groups = new Map<string, Set<string>>();
	for (const r of rows) if (r.group !== ALL_GROUPS) (groups.get(r.instrument) ?? groups.set(r.instrument, new Set()).get(r.instrument)!).add(r.group);
	return rows.filter((r) => r.group !== ALL_GROUPS || (groups.get(r.instrument)?.size ?? 0) > 1);
}
