/**
 * What every metric shares: its options, the relation it reads, the group expression, and the
 * per-client-series summary (baseline, end of series, planned-end score, last follow-up week)
 * built with arg_min/arg_max + GROUP BY — no window functions (spike §6: 3.7× faster in wasm).
 */
import type { Connector } from '../engine/connector';
import { ident, join, list, op, showStatement, sql, type ShownStatement, type Sql, type Statement } from '../engine/sql';
import { INSTRUMENTS, OUTCOME_IDS } from '../instruments/definitions';
import type { Definition, Settings, SettingsInput } from './definitions';
import { endWeek, resolveSettings } from './definitions';
import { describeColumns, MISSING, whereSql, type Filters } from './filters';
import { resolveSummaries, type MetricPath, type SummaryScope } from './summaries';
import { clientSeriesCtes, type CsNeeds } from './summary-read';

/** Options every metric takes. */
export interface MetricOptions {
	/** Canonical table to read; default `scores`. */
	table?: string;
	/** A parenthesised subquery read instead of `table` (cohort comparison builds one). */
	relation?: Sql;
	filters?: Filters;
	/** Any column to group by; absent/null → one group called `all`; NULL values → `(missing)`. */
	groupBy?: string | null;
	/** Only these instruments (default: all present). */
	instruments?: string[];
	settings?: SettingsInput;
	/**
	 * `rows`: read the score rows even where the dataset's summaries could answer (the path the
	 * summaries are tested against). Default: the summaries whenever they give the same numbers.
	 */
	source?: 'auto' | 'rows';
}

/** A temporary table a statement reads, and the statement that built it (shown beside the SQL). */
export interface DerivedTable {
	table: string;
	sql: Sql;
	/** What the table holds, as the "SQL" view names it (e.g. "the client-series summary, built once and shared by the page's charts"). */
	holds: string;
}

/** What every metric returns: plain rows, the exact statement run (for "show SQL"), the definition(s). */
export interface MetricResult<R> {
	rows: R[];
	/** The statement that produced the rows: text with `$n` placeholders and the values bound to them. */
	sql: Sql;
	/** Further statements run for this result, in order (e.g. Table 1's baseline distribution). */
	also?: Sql[];
	/** Temporary tables `sql` reads (the shared client-series summary, the models' observations) and how each was built. */
	derived?: DerivedTable[];
	definition?: Definition | Definition[];
	/** Which tables answered: the dataset's summaries, or the score rows (and why). */
	path?: MetricPath;
}

/** The statements behind a result, in the shapes metrics and the comparison return them. */
export interface StatementsRun {
	sql: Statement | readonly Statement[];
	also?: readonly Statement[];
	derived?: readonly { table: string; sql: Statement; holds: string }[];
}

/**
 * What a "SQL" view shows for a result: first each temporary table it reads with the statement
 * that built it, then the statements that ran, each with its bound values beside it.
 */
export function shownSql(r: StatementsRun): ShownStatement[] {
	const seen = new Set<string>();
	const derived = (r.derived ?? []).filter((d) => !seen.has(d.table) && seen.add(d.table));
	return [
		...derived.map((d) => showStatement(d.sql, `Temporary table ${d.table} (${d.holds}) holds the result of:`)),
		...[r.sql].flat().map((s) => showStatement(s)),
		...(r.also ?? []).map((s) => showStatement(s))
	];
}

/** Label of the total row added over groups. */
export const ALL_GROUPS = '(all)';

export interface Prepared {
	relation: Sql;
	columns: { name: string; type: string }[];
	where: Sql;
	/** `where` without the instrument restriction (a shared summary covers every instrument). */
	allInstruments: Sql;
	/** The instrument restriction alone (`TRUE` when none). */
	instrumentWhere: Sql;
	groupExpr: Sql;
	settings: Settings;
	/** The dataset's summaries under these filters and grouping, when they can answer exactly. */
	summary: SummaryScope | null;
	path: MetricPath;
}

/** Resolve options into SQL pieces; throws when the group column does not exist. */
export async function prepare(conn: Connector, opts: MetricOptions): Promise<Prepared> {
	const relation = opts.relation ?? ident(opts.table ?? 'scores');
	const columns = await describeColumns(conn, relation);
	const names = columns.map((c) => c.name);
	let groupExpr = sql`'all'`;
	if (opts.groupBy) {
		if (!names.includes(opts.groupBy)) throw new Error(`no column "${opts.groupBy}" to group by (columns: ${names.join(', ')})`);
		groupExpr = sql`coalesce(CAST(${ident(opts.groupBy)} AS VARCHAR), ${MISSING})`;
	}
	const allInstruments = whereSql(opts.filters ?? {}, names);
	const instrumentWhere = opts.instruments?.length ? sql`instrument IN (${list(opts.instruments)})` : sql`TRUE`;
	const where = opts.instruments?.length ? sql`${allInstruments} AND ${instrumentWhere}` : allInstruments;
	const { summary, path } = resolveSummaries(conn, opts, names, { cellWhere: allInstruments, groupExpr, instrumentWhere, instruments: opts.instruments?.length ? opts.instruments : null });
	return { relation, columns, where, allInstruments, instrumentWhere, groupExpr, settings: resolveSettings(opts.settings), summary, path };
}

/**
 * `CASE instrument WHEN 'bdi2' THEN … END` over the outcome instruments, from a per-instrument value
 * (outcome metrics never see safety or experience instruments: the `scores` view holds outcome rows).
 */
export function perInstrumentCase(f: (id: keyof typeof INSTRUMENTS) => Sql | null, otherwise: Sql = sql`NULL`): Sql {
	const whens = OUTCOME_IDS
		.map((id) => [id, f(id)] as const)
		.filter((w): w is readonly [keyof typeof INSTRUMENTS, Sql] => w[1] !== null)
		.map(([id, v]) => sql`WHEN ${id} THEN ${v}`);
	return whens.length ? sql`CASE instrument ${join(whens, sql` `)} ELSE ${otherwise} END` : otherwise;
}

/** SQL condition "end_score is in remission" under the settings. */
export function remissionCondition(s: Settings, scoreCol: Sql = sql`end_score`): Sql {
	return perInstrumentCase((id) => sql`${scoreCol} ${op(s.remission[id].op)} ${s.remission[id].threshold}`, sql`FALSE`);
}

/**
 * SQL condition "`score` is a response relative to `baseline`" under the settings: at least 50 %
 * below a positive baseline, or, for an instrument with a point rule (`responsePoints`), at least
 * that many points below it. The one statement of the response rule: the rates, durability, time
 * to loss of response, subgroups and a client's markers all use it, so they cannot drift apart.
 * `instrument` is the column naming the row's instrument (only read when a point rule is set).
 */
export function responds(s: Settings, score: Sql, baseline: Sql, instrument: Sql = sql`instrument`): Sql {
	const pct50 = sql`(${baseline} > 0 AND ${score} <= 0.5 * ${baseline})`;
	const whens = OUTCOME_IDS.filter((id) => s.responsePoints[id] !== undefined).map(
		(id) => sql`WHEN ${id} THEN (${baseline} > 0 AND ${baseline} - ${score} >= ${s.responsePoints[id]!})`
	);
	return whens.length ? sql`(CASE ${instrument} ${join(whens, sql` `)} ELSE ${pct50} END)` : pct50;
}

/** The series-end score column of `cs1` under the end rule (durability starts from it). */
export function seriesEndColumn(s: Settings): Sql {
	return s.end === 'planned' ? sql`planned_score` : sql`last_score`;
}

/** `end_score` / `end_session` of `cs` from the columns of `cs1` (which has `week_score` for a week end point). */
export function endColumns(s: Settings): Sql {
	const k = endWeek(s.end);
	if (k !== null) return sql`week_score AS end_score, NULL::INTEGER AS end_session, ${seriesEndColumn(s)} AS eos_score`;
	const endSession = s.end === 'last' ? sql`last_session` : sql`CASE WHEN planned_score IS NOT NULL THEN planned_session END`;
	return sql`${seriesEndColumn(s)} AS end_score, ${endSession} AS end_session, ${seriesEndColumn(s)} AS eos_score`;
}

/**
 * Sample SD (n − 1) of `x` from n, Σx and Σx²: √((nΣx² − (Σx)²) / (n(n − 1))). For whole-number
 * scores the sums are exact, so the result does not depend on the order of the rows (DuckDB's
 * streaming `stddev_samp` does, in the last bits): the row path and the summaries (which sum
 * counts) then give the same number. NULL below two values, as `stddev_samp`.
 */
export function sampleSdSql(x: Sql): Sql {
	return sql`CASE WHEN count(${x}) > 1 THEN sqrt(greatest(count(${x}) * sum(${x} * ${x}) - sum(${x}) * sum(${x}), 0) / (count(${x}) * (count(${x}) - 1))) END`;
}

/**
 * The common CTEs: `base` (observed scores with a normalised session/week and `grp`),
 * `planned` (planned last session: the setting for the instrument when given, else the series'
 * own `planned_sessions` (its treatment plan) when the data have it, else the largest session seen
 * in the instrument × group, since protocols differ by route) and `cs` (one row per instrument × group ×
 * client-series: baseline, last_score/last_session, planned_score, end_score/end_session per the
 * end rule, last_week). Ends without a trailing comma; callers append `, x AS (…) SELECT …`.
 */
export function summaryCtes(p: Prepared): Sql {
	const s = p.settings;
	const fixed = perInstrumentCase((id) => (s.plannedSessions[id] !== undefined ? sql`CAST(${s.plannedSessions[id]!} AS INTEGER)` : null));
	const k = endWeek(s.end);
	// One pass over the score rows, no join: the fallback plan (largest session seen in the group) is
	// taken from the small per-series table afterwards. A series has a score at that session exactly
	// when its own last session is it (no session of the group lies beyond it).
	return sql`${baseCte(p)},
cs0 AS (
  SELECT instrument, grp, client_id, series,
    arg_min(score, session) FILTER (WHERE phase = 'baseline') AS baseline,
    arg_max(score, session) FILTER (WHERE phase = 'session') AS last_score,
    max(session) FILTER (WHERE phase = 'session') AS last_session,
    coalesce(${fixed}, max(plan)) AS own_plan,
    max(score) FILTER (WHERE phase = 'session' AND session = coalesce(${fixed}, plan)) AS own_plan_score,
    max(week) FILTER (WHERE phase = 'followup') AS last_week,
    ${k === null ? sql`NULL::DOUBLE` : sql`max(score) FILTER (WHERE phase = 'followup' AND week = ${k})`} AS week_score
  FROM base
  GROUP BY instrument, grp, client_id, series
),
planned AS (
  SELECT instrument, grp, max(last_session) AS seen_max FROM cs0 GROUP BY instrument, grp
),
cs1 AS (
  SELECT c.instrument, c.grp, c.client_id, c.series, c.baseline, c.last_score, c.last_session, c.last_week, c.week_score,
    coalesce(c.own_plan, p.seen_max) AS planned_session,
    CASE WHEN c.own_plan IS NOT NULL THEN c.own_plan_score WHEN c.last_session = p.seen_max THEN c.last_score END AS planned_score
  FROM cs0 c LEFT JOIN planned p USING (instrument, grp)
),
cs AS (
  SELECT *, ${endColumns(s)} FROM cs1
)`;
}

/** `WITH base AS (…)`: the observed scores a metric reads, with `grp` and the series' plan (see summaryCtes). */
export function baseCte(p: Prepared): Sql {
	const plan = p.columns.some((c) => c.name === 'planned_sessions') ? sql`planned_sessions` : sql`NULL::INTEGER`;
	return sql`WITH base AS (
  SELECT client_id, series, instrument, phase,
    CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
    CASE WHEN phase = 'followup' THEN week END AS week,
    score, ${p.groupExpr} AS grp, ${plan} AS plan
  FROM ${p.relation}
  WHERE ${p.where} AND score IS NOT NULL
)`;
}

/** The summary CTEs for a metric's statement, and the temporary table they read when one was made. */
export interface SummarySource {
	ctes: Sql;
	derived: DerivedTable[];
}

/**
 * The summary CTEs for a metric's SQL, like `summaryCtes`. When the connector can materialize,
 * the client-series summary is computed once per filters × grouping × settings and shared by every
 * metric of a page (they would otherwise each rebuild it from all score rows); the returned CTEs
 * then read it from that table, and `derived` names the table and the statement that built it
 * (shown beside the metric's own statement; never inside it). When the dataset's summaries can
 * answer (`p.summary`), `cs` is read from them instead; `needs` says which of its optional
 * columns the caller reads.
 */
export async function summarySource(conn: Connector, p: Prepared, needs: CsNeeds = {}): Promise<SummarySource> {
	// From the dataset's summaries (no `base` CTE then: metrics that read score rows branch first).
	// A comparison's cards (a scope of cohorts' cells) share one table of the cohorts' client-series,
	// as on the rows path, rather than each joining the summaries' client-series again (its columns
	// are the same under any `needs` but the score lists, which are read from the summaries).
	if (p.summary) {
		if (!p.summary.cells || !conn.materialize || needs.sess || needs.fu) return { ctes: clientSeriesCtes(p.summary, p.settings, needs), derived: [] };
		const shared = sql`${clientSeriesCtes(p.summary, p.settings, { planned: true, cellDose: true })}\nSELECT * FROM cs`;
		const table = await conn.materialize(shared);
		return { ctes: sql`WITH cs AS (SELECT * FROM ${ident(table)})`, derived: [{ table, sql: shared, holds: "the cohorts' client-series from the dataset's summaries, built once and shared by the page's cards" }] };
	}
	if (!conn.materialize) return { ctes: summaryCtes(p), derived: [] };
	// One summary per filters × grouping × settings, over every instrument: the page's metrics for
	// one instrument and for all of them then share it.
	const summarySql = sql`${summaryCtes({ ...p, where: p.allInstruments })}\nSELECT * FROM cs`;
	const table = await conn.materialize(summarySql);
	return {
		ctes: sql`${baseCte(p)},\ncs AS (SELECT * FROM ${ident(table)} WHERE ${p.instrumentWhere})`,
		derived: [{ table, sql: summarySql, holds: "the client-series summary, built once and shared by the page's charts" }]
	};
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
	/** Responds at the end point (the settings' rule); null without a baseline > 0 and an end score. */
	responder?: boolean | null;
	/** From the dataset's summaries only: the series' summary cell (its attributes are the cell's) and mean dose. */
	series_cell?: number;
	series_dose?: number | null;
}

/** One row per instrument × group × client-series: baseline, end of series, last follow-up week. */
export async function clientSummary(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<ClientSummaryRow>> {
	const p = await prepare(conn, opts);
	const src = await summarySource(conn, p, { planned: true, cellDose: true });
	const q = sql`${src.ctes}
SELECT instrument, grp AS "group", client_id, series, baseline, end_score, end_session, last_session, planned_session, last_week,
  CASE WHEN baseline > 0 AND end_score IS NOT NULL THEN ${responds(p.settings, sql`end_score`, sql`baseline`)} END AS responder${p.summary ? sql`, series_cell, series_dose` : sql``}
FROM cs ORDER BY instrument, "group", client_id, series`;
	return { rows: await conn.query<ClientSummaryRow>(q), sql: q, derived: src.derived, path: p.path };
}

/** Order total rows after the groups, groups alphabetically (SQL `ORDER BY` clause body). */
export const GROUP_ORDER = sql`"group" = ${ALL_GROUPS}, "group"`;

/** Drop the `(all)` total rows when there is only one group (they would repeat it). */
export function dropRedundantTotals<R extends { instrument: string; group: string }>(rows: R[]): R[] {
	const groups = new Map<string, Set<string>>();
	for (const r of rows) if (r.group !== ALL_GROUPS) (groups.get(r.instrument) ?? groups.set(r.instrument, new Set()).get(r.instrument)!).add(r.group);
	return rows.filter((r) => r.group !== ALL_GROUPS || (groups.get(r.instrument)?.size ?? 0) > 1);
}
