/**
 * How a dataset's dosing-session records link to its questionnaire scores (by client, series and
 * session, model/sessions.ts), for a clinic that brings the two in separate files: how many records
 * belong to a client-series the scores have, how many name a client the scores do not have at all, or
 * a known client in a series the scores do not have, and how many records have a score at the same
 * session number. Records that do not link are kept (their vitals and side effects still count on
 * /safety) and reported as warnings with their counts; nothing is dropped silently.
 */
import type { Connector } from '../engine/connector';
import { sql, type Sql } from '../engine/sql';

export interface SessionLinks {
	/** Session records, and their clients. */
	records: number;
	clients: number;
	/** Records of a client-series that has scores. */
	linked_records: number;
	/** Client-series of the records that have scores. */
	linked_series: number;
	/** Records whose client has no score at all (and how many such clients). */
	unknown_client_records: number;
	unknown_clients: number;
	/** Records of a client with scores, but in a series without any (and how many such client-series). */
	unknown_series_records: number;
	unknown_series: number;
	/** Records with a score of the same client, series and session number. */
	same_session_records: number;
	/** Client-series with scores but no session record. */
	scored_series_without_records: number;
}

/** The link counts of session records `sessions` against score rows `scores` (any relations). */
export async function sessionLinks(conn: Connector, scores: Sql, sessions: Sql): Promise<SessionLinks> {
	const [row] = await conn.query<SessionLinks>(sql`WITH
  s AS (SELECT client_id, series, session FROM ${sessions}),
  sc AS (SELECT DISTINCT client_id, series FROM ${scores}),
  sess AS (SELECT DISTINCT client_id, series, session FROM ${scores} WHERE phase = 'session'),
  known AS (SELECT DISTINCT client_id FROM sc),
  r AS (
    SELECT s.*, sc.client_id IS NOT NULL AS linked, k.client_id IS NOT NULL AS client_known, x.client_id IS NOT NULL AS same_session
    FROM s
    LEFT JOIN sc ON sc.client_id = s.client_id AND sc.series = s.series
    LEFT JOIN known k ON k.client_id = s.client_id
    LEFT JOIN sess x ON x.client_id = s.client_id AND x.series = s.series AND x.session = s.session)
SELECT count(*)::INT AS records,
       count(DISTINCT client_id)::INT AS clients,
       (count(*) FILTER (WHERE linked))::INT AS linked_records,
       (count(DISTINCT (client_id, series)) FILTER (WHERE linked))::INT AS linked_series,
       (count(*) FILTER (WHERE NOT client_known))::INT AS unknown_client_records,
       (count(DISTINCT client_id) FILTER (WHERE NOT client_known))::INT AS unknown_clients,
       (count(*) FILTER (WHERE client_known AND NOT linked))::INT AS unknown_series_records,
       (count(DISTINCT (client_id, series)) FILTER (WHERE client_known AND NOT linked))::INT AS unknown_series,
       (count(*) FILTER (WHERE same_session))::INT AS same_session_records,
       (SELECT count(*) FROM sc WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.client_id = sc.client_id AND s.series = sc.series))::INT AS scored_series_without_records
FROM r`);
	return row;
}

/** A count in words; null is a count withheld by the privacy policy (a report under --min-cell). */
const count = (n: number | null) => (n === null ? '–' : n.toLocaleString('en'));
const plural = (n: number | null, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/**
 * The links as sentences: what linked, and a warning for each kind of record that did not (kept,
 * counted on /safety, but not beside any score). `warnings` go into the import report. A withheld
 * count (null) is written "–", and its warning is kept: only a 0 is known to need none.
 */
export function describeLinks(l: { [K in keyof SessionLinks]: number | null }): { summary: string; warnings: string[] } {
	const summary =
		`${plural(l.linked_records, 'session record')} of ${count(l.records)} link to the scores ` +
		`(${plural(l.linked_series, 'client-series', 'client-series')}; ${plural(l.same_session_records, 'record')} with a score at the same session)`;
	const warnings: string[] = [];
	if (l.unknown_client_records !== 0)
		warnings.push(`${plural(l.unknown_client_records, 'session record')} of ${plural(l.unknown_clients, 'client')} without any score: kept and counted on the safety page, but not linked to an outcome`);
	if (l.unknown_series_records !== 0)
		warnings.push(`${plural(l.unknown_series_records, 'session record')} in ${plural(l.unknown_series, 'client-series', 'client-series')} the scores do not have (the client has scores in another series): kept, not linked to an outcome`);
	if (l.scored_series_without_records !== 0)
		warnings.push(`${plural(l.scored_series_without_records, 'client-series', 'client-series')} with scores but no session record`);
	return { summary, warnings };
}
