/**
 * Attrition: how many client-series are still observed at each step of a series and after it.
 * Counts are of client-series with an observed (non-null) score there.
 */
import type { Connector } from '../engine/connector';
import { DEFINITIONS } from './definitions';
import { GROUP_ORDER, prepare, summarySource, type MetricOptions, type MetricResult } from './source';

export interface AttritionRow {
	instrument: string;
	group: string;
	/** baseline | session | end (any dosing-session score) | completed (score at the planned last session) | followup */
	phase: 'baseline' | 'session' | 'end' | 'completed' | 'followup';
	/** Dosing session; for `completed` the planned last session. */
	session: number | null;
	week: number | null;
	clients: number;
	/** clients / client-series at baseline in the same group (null when none at baseline). */
	share: number | null;
	definition: string;
}

/**
 * Client-series observed at baseline, at each dosing session, at end of series, having completed
 * the planned series (share completing = the `completed` row's share), and at each follow-up week.
 */
export async function attrition(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<AttritionRow>> {
	const p = await prepare(conn, opts);
	const sql = `${await summarySource(conn, p)},
counts AS (
  SELECT instrument, grp, phase, session, week, count(DISTINCT (client_id, series))::INTEGER AS clients
  FROM base GROUP BY instrument, grp, phase, session, week
  UNION ALL
  SELECT instrument, grp, 'end', NULL, NULL, count(*) FILTER (WHERE last_score IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
  UNION ALL
  SELECT instrument, grp, 'completed', any_value(planned_session), NULL, count(*) FILTER (WHERE planned_score IS NOT NULL)::INTEGER FROM cs GROUP BY instrument, grp
)
SELECT instrument, grp AS "group", phase, session, week, clients FROM counts
ORDER BY instrument, ${GROUP_ORDER}, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 WHEN 'end' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END, session, week`;
	const raw = await conn.query<Omit<AttritionRow, 'share' | 'definition'>>(sql);
	const atBaseline = new Map(raw.filter((r) => r.phase === 'baseline').map((r) => [`${r.instrument}\u0001${r.group}`, r.clients]));
	const rows = raw.map((r) => {
		const b = atBaseline.get(`${r.instrument}\u0001${r.group}`);
		return { ...r, share: b ? r.clients / b : null, definition: DEFINITIONS.attrition.id };
	});
	return { rows, sql, definition: DEFINITIONS.attrition };
}
