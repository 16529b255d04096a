/**
 * Completion per client-series, independent of questionnaire: one answer to "how many finished
 * their planned series?" where attrition (attrition.ts) answers per questionnaire. A client-series
 * scored on two questionnaires counts once; it completed when any of its questionnaires has a
 * score at that questionnaire's planned last session (the same planned end as attrition's
 * `completed` step, so a single-questionnaire dataset gives the same figure).
 */
import type { Connector } from '../engine/connector';
import { sql } from '../engine/sql';
import { DEFINITIONS } from './definitions';
import { ALL_GROUPS, GROUP_ORDER, prepare, summarySource, type MetricOptions, type MetricResult } from './source';

export interface CompletionRow {
	/** A group (route by default on the overview), or `(all)`: every client-series under the filters. */
	group: string;
	/** Client-series with a baseline score on at least one questionnaire (the denominator). */
	with_baseline: number;
	/** Of those, the ones with a score at the planned last session on at least one questionnaire. */
	completed: number;
	/** completed / with_baseline; null when no client-series has a baseline. */
	share: number | null;
	definition: string;
}

/**
 * Client-series with a baseline and, of them, those that reached their planned last session, per
 * group and in total (`(all)`, also when there is one group: the tile reads it). The planned end
 * is found per questionnaire × group (a route's protocol), then the questionnaires of a
 * client-series are pooled.
 */
export async function seriesCompletion(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<CompletionRow>> {
	const p = await prepare(conn, opts);
	const src = await summarySource(conn, p, { planned: true });
	const q = sql`${src.ctes},
per_series AS (
  SELECT grp, client_id, series,
    bool_or(baseline IS NOT NULL) AS has_baseline,
    bool_or(planned_score IS NOT NULL) AS reached_planned
  FROM cs GROUP BY grp, client_id, series
)
SELECT coalesce(grp, ${ALL_GROUPS}) AS "group",
  count(*) FILTER (WHERE has_baseline)::INTEGER AS with_baseline,
  count(*) FILTER (WHERE has_baseline AND reached_planned)::INTEGER AS completed
FROM per_series
GROUP BY GROUPING SETS ((grp), ())
ORDER BY ${GROUP_ORDER}`;
	const raw = await conn.query<Omit<CompletionRow, 'share' | 'definition'>>(q);
	const rows = raw.map((r) => ({ ...r, share: r.with_baseline ? r.completed / r.with_baseline : null, definition: DEFINITIONS.seriesCompletion.id }));
	return { rows, sql: q, derived: src.derived, definition: DEFINITIONS.seriesCompletion, path: p.path };
}
