/**
 * Attrition: how many client-series are still observed at each step of a series and after it.
 * Counts are of client-series with an observed (non-null) score there.
 */
import type { Connector } from '../engine/connector';
import { sql } from '../engine/sql';
import { DEFINITIONS } from './definitions';
import { GROUP_ORDER, prepare, summarySource, type MetricOptions, type MetricResult, type Prepared } from './source';
import { summaryAttrition } from './summary-metrics';

export interface AttritionRow {
	instrument: string;
	group: string;
	/** baseline | session | end (any dosing-session score) | completed (score at the planned last session) | followup */
	phase: 'baseline' | 'session' | 'end' | 'completed' | 'followup';
	/** Dosing session; for `completed` the planned last session (the longest when series plan differently). */
	session: number | null;
	week: number | null;
	/** Client-series observed here (with or without a baseline score). */
	clients: number;
	/** Of `clients`, those with a baseline score: the numerator of `share`. */
	with_baseline: number;
	/**
	 * with_baseline / client-series at baseline in the same group (null when none at baseline). Only
	 * series with a baseline count, so the share is a proportion of the baseline cohort and never
	 * exceeds 1 (series seen at a session without a baseline are in `clients`, not here).
	 */
	share: number | null;
	definition: string;
}

/**
 * Client-series observed at baseline, at each dosing session, at end of series, having completed
 * the planned series (share completing = the `completed` row's share), and at each follow-up week.
 */
export async function attrition(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<AttritionRow>> {
	const p = await prepare(conn, opts);
	const { sql: q, rows: raw, derived } = p.summary ? { ...(await summaryAttrition(conn, p.summary, p.settings, GROUP_ORDER)), derived: [] } : await fromRows(conn, p);
	const atBaseline = new Map(raw.filter((r) => r.phase === 'baseline').map((r) => [`${r.instrument}\u0001${r.group}`, r.clients]));
	const rows = raw.map((r) => {
		const b = atBaseline.get(`${r.instrument}\u0001${r.group}`);
		return { ...r, share: b ? r.with_baseline / b : null, definition: DEFINITIONS.attrition.id };
	});
	return { rows, sql: q, derived, definition: DEFINITIONS.attrition, path: p.path };
}

/** The attrition counts from the score rows (the summaries' `summaryAttrition` gives the same). */
async function fromRows(conn: Connector, p: Prepared) {
	const src = await summarySource(conn, p);
	const q = sql`${src.ctes},
counts AS (
  SELECT b.instrument, b.grp, b.phase, b.session, b.week,
    count(DISTINCT (b.client_id, b.series))::INTEGER AS clients,
    count(DISTINCT (b.client_id, b.series)) FILTER (WHERE cs.baseline IS NOT NULL)::INTEGER AS with_baseline
  FROM base b LEFT JOIN cs USING (instrument, grp, client_id, series)
  GROUP BY b.instrument, b.grp, b.phase, b.session, b.week
  UNION ALL
  SELECT instrument, grp, 'end', NULL, NULL, count(*) FILTER (WHERE last_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE last_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
  UNION ALL
  SELECT instrument, grp, 'completed', max(planned_session), NULL, count(*) FILTER (WHERE planned_score IS NOT NULL)::INTEGER,
    count(*) FILTER (WHERE planned_score IS NOT NULL AND baseline IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
)
SELECT instrument, grp AS "group", phase, session, week, clients, with_baseline FROM counts
ORDER BY instrument, ${GROUP_ORDER}, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 WHEN 'end' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END, session, week`;
	return { sql: q, rows: await conn.query<Omit<AttritionRow, 'share' | 'definition'>>(q), derived: src.derived };
}
