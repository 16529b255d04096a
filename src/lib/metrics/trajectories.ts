/**
 * Trajectories: per instrument × group × phase × session/week, the distribution of scores.
 * n, mean, SD and quartiles come from SQL; the t-based CI is finished here because DuckDB has no
 * t quantile.
 */
import type { Connector } from '../engine/connector';
import { sql, type Sql } from '../engine/sql';
import { tInterval } from '../stats/effect';
import { DEFINITIONS } from './definitions';
import { summaryTrajectories } from './summary-metrics';
import { GROUP_ORDER, prepare, sampleSdSql, summaryCtes, type DerivedTable, type MetricOptions, type MetricResult, type Prepared } from './source';

export interface TrajectoryRow {
	instrument: string;
	group: string;
	phase: 'baseline' | 'session' | 'followup';
	/** Dosing session (0 at baseline); null at follow-up. */
	session: number | null;
	/** Weeks after the series' last dosing session; follow-up only. */
	week: number | null;
	n: number;
	mean: number;
	sd: number | null;
	ci_low: number | null;
	ci_high: number | null;
	median: number;
	q1: number;
	q3: number;
	min: number;
	max: number;
	/** 'observed' or 'locf' (always labelled, so a LOCF figure can never pass for observed cases). */
	method: 'observed' | 'locf';
	definition: string;
}

export interface TrajectoryOptions extends MetricOptions {
	/** Overrides settings.locf. */
	locf?: boolean;
}

const AGG = sql`count(*)::INTEGER AS n, avg(score) AS mean, ${sampleSdSql(sql`score`)} AS sd,
  quantile_cont(score, 0.5) AS median, quantile_cont(score, 0.25) AS q1, quantile_cont(score, 0.75) AS q3,
  min(score) AS min, max(score) AS max`;

const ORDER = sql`ORDER BY instrument, ${GROUP_ORDER}, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END, session, week`;

function observedSql(p: Prepared): Sql {
	return sql`${summaryCtes(p)}
SELECT instrument, grp AS "group", phase, session, week, ${AGG}
FROM base GROUP BY instrument, grp, phase, session, week
${ORDER}`;
}

/**
 * LOCF: a grid of sessions 0..planned per client-series, each filled with the latest observed
 * score at or before it (arg_max over a range join, not a window function).
 */
function locfSql(p: Prepared): Sql {
	return sql`${summaryCtes(p)},
obs AS (SELECT * FROM base WHERE phase IN ('baseline', 'session')),
grid AS (
  SELECT instrument, grp, client_id, series, unnest(range(0, planned_session + 1)) AS s
  FROM cs WHERE planned_session IS NOT NULL
),
filled AS (
  SELECT g.instrument, g.grp, g.client_id, g.series, g.s AS session, arg_max(o.score, o.session) AS score
  FROM grid g JOIN obs o
    ON o.instrument = g.instrument AND o.grp = g.grp AND o.client_id = g.client_id AND o.series = g.series AND o.session <= g.s
  GROUP BY g.instrument, g.grp, g.client_id, g.series, g.s
),
rows AS (
  SELECT instrument, grp, CASE WHEN session = 0 THEN 'baseline' ELSE 'session' END AS phase, session, NULL::DOUBLE AS week, score FROM filled
  UNION ALL
  SELECT instrument, grp, phase, session, week, score FROM base WHERE phase = 'followup'
)
SELECT instrument, grp AS "group", phase, session, week, ${AGG}
FROM rows GROUP BY instrument, grp, phase, session, week
${ORDER}`;
}

/**
 * Trajectories, observed cases by default; LOCF (labelled `method: 'locf'`) when `opts.locf` or
 * `settings.locf`. Without a group a single group `all` is returned.
 */
export async function trajectories(conn: Connector, opts: TrajectoryOptions = {}): Promise<MetricResult<TrajectoryRow>> {
	const p = await prepare(conn, opts);
	const locf = opts.locf ?? p.settings.locf;
	const def = locf ? DEFINITIONS.trajectoryLocf : DEFINITIONS.trajectoryObserved;
	type Raw = Omit<TrajectoryRow, 'ci_low' | 'ci_high' | 'method' | 'definition'>;
	let q: Sql;
	let raw: Raw[];
	let derived: DerivedTable[] = [];
	if (p.summary) ({ sql: q, rows: raw, derived } = (await summaryTrajectories(conn, p.summary, p.settings, locf)) as { sql: Sql; rows: Raw[]; derived: DerivedTable[] });
	else raw = await conn.query<Raw>((q = locf ? locfSql(p) : observedSql(p)));
	const rows = raw.map((r) => {
		const ci = tInterval(r.n, r.mean, r.sd);
		return { ...r, ci_low: ci.low, ci_high: ci.high, method: locf ? ('locf' as const) : ('observed' as const), definition: def.id };
	});
	return { rows, sql: q, derived, definition: def, path: p.path };
}
