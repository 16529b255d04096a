/**
 * One client's outcome markers: response, remission and reliable change of each series × instrument,
 * computed with the same rules and SQL pieces as the cohort rates (the client-series summary of
 * `summaryCtes`, the reliable-change SD of `reliableChange`), so a client's marker always agrees with
 * the rate it is counted in. The course and the axis they sit on: client.ts.
 */
import type { Connector } from '../engine/connector';
import { sql } from '../engine/sql';
import { classifyChange, type ChangeClass } from '../stats/reliable';
import { reliableDefinition, remissionDefinition, responseDefinition } from './definitions';
import { reliableChange } from './rates';
import { prepare, remissionCondition, responds, summaryCtes, type MetricResult } from './source';
import type { ClientOptions } from './client';

/** Outcome markers of one client-series on one instrument. */
export interface ClientMarkerRow {
	instrument: string;
	series: number;
	route: string;
	baseline: number | null;
	/** End-of-series score and session under the settings' end rule (default: last observed dosing session). */
	end_score: number | null;
	end_session: number | null;
	/** end − baseline (negative = fewer symptoms). */
	change: number | null;
	/** (end − baseline) / baseline; null unless baseline > 0. */
	pct_change: number | null;
	/** ≥ 50 % drop; null when not evaluable (no end score, or baseline 0 / missing). */
	response: boolean | null;
	/** End score meets the instrument's remission rule; null without baseline and end. */
	remission: boolean | null;
	/** Jacobson–Truax (or point-rule) class; null when not evaluable. */
	reliable: ChangeClass | null;
	/** (end − baseline) / S_diff under Jacobson–Truax; null under the point rule. */
	rci: number | null;
	/** SD used: sample SD of the baselines of the `sd_n` client-series in the dataset with a baseline and an end score, or the stated SD. */
	sd: number | null;
	sd_n: number | null;
	reliability: number | null;
	sdiff: number | null;
	/** Smallest reliable change in points (1.96·S_diff, or the point rule's points). */
	rc_value: number | null;
	response_definition: string;
	remission_definition: string;
	reliable_definition: string;
}

/**
 * Response, remission and reliable change of each series × instrument of `clientId`, from the same
 * client-series summary (`summaryCtes`, over the whole dataset so the planned end is the cohort's)
 * and the same reliable-change SD / S_diff as `reliableChange` (cohort-level, or the stated SD).
 */
export async function clientMarkers(conn: Connector, clientId: string, opts: ClientOptions = {}): Promise<MetricResult<ClientMarkerRow>> {
	const table = opts.table ?? 'scores';
	const p = await prepare(conn, { table, settings: opts.settings });
	const s = p.settings;
	const markerSql = sql`${summaryCtes(p)},
rt AS (SELECT series, string_agg(DISTINCT route, ',' ORDER BY route) AS route FROM ${p.relation} WHERE client_id = ${clientId} GROUP BY series)
SELECT instrument, series, rt.route, baseline, end_score, end_session,
  CASE WHEN baseline > 0 AND end_score IS NOT NULL THEN ${responds(s, sql`end_score`, sql`baseline`)} END AS response,
  CASE WHEN baseline IS NOT NULL AND end_score IS NOT NULL THEN (${remissionCondition(s)}) END AS remission
FROM cs LEFT JOIN rt USING (series)
WHERE client_id = ${clientId}
ORDER BY series, instrument`;
	type Raw = Pick<ClientMarkerRow, 'instrument' | 'series' | 'route' | 'baseline' | 'end_score' | 'end_session' | 'response' | 'remission'>;
	const raw = await conn.query<Raw>(markerSql);
	const instruments = [...new Set(raw.map((r) => r.instrument))];
	const rel = instruments.length ? await reliableChange(conn, { table, instruments, settings: opts.settings }) : null;
	const rcBy = new Map((rel?.rows ?? []).filter((r) => r.outcome === 'improved').map((r) => [r.instrument, r]));
	const rows: ClientMarkerRow[] = raw.map((r) => {
		const rc = rcBy.get(r.instrument);
		const evaluable = r.baseline !== null && r.end_score !== null;
		const points = rc && rc.sdiff === null ? rc.rc_value : null;
		let reliable: ChangeClass | null = null;
		if (evaluable && points) reliable = classifyChange(r.baseline!, r.end_score!, { points });
		else if (evaluable && rc?.sdiff && rc.sdiff > 0) reliable = classifyChange(r.baseline!, r.end_score!, { sdiff: rc.sdiff });
		return {
			...r,
			change: evaluable ? r.end_score! - r.baseline! : null,
			pct_change: evaluable && r.baseline! > 0 ? (r.end_score! - r.baseline!) / r.baseline! : null,
			rci: evaluable && rc?.sdiff ? (r.end_score! - r.baseline!) / rc.sdiff : null,
			reliable,
			sd: rc?.sd ?? null,
			sd_n: rc?.n ?? null,
			reliability: rc?.reliability ?? null,
			sdiff: rc?.sdiff ?? null,
			rc_value: rc?.rc_value ?? null,
			response_definition: responseDefinition(s, r.instrument).id,
			remission_definition: remissionDefinition(r.instrument, s).id,
			reliable_definition: reliableDefinition(r.instrument, s).id
		};
	});
	const defs = [...new Map(instruments.map((i) => responseDefinition(s, i)).map((d) => [d.id, d])).values(), ...instruments.map((i) => remissionDefinition(i, s)), ...new Set(instruments.map((i) => reliableDefinition(i, s)))];
	// The reliable-change SD and S_diff come from a second statement over the whole dataset (reliableChange).
	return { rows, sql: markerSql, also: rel ? [rel.sql] : [], derived: rel?.derived, definition: defs };
}
