/**
 * Expected course for one client (OQ-style progress feedback): where client-series of the same
 * dataset that started like this one — same instrument, baseline in the same severity band, the
 * same route where that leaves enough series — stood at each dosing session and follow-up week
 * (median and IQR, n), with "not on track" (above the band's upper edge, Q3, at a session after
 * the first) and reliable-deterioration (rise ≥ the reliable-change value) markers per score.
 * The reference excludes the client. Withheld below the small-cell threshold.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { bandSet, INSTRUMENTS, isInstrumentId } from '../instruments/definitions';
import type { Definition } from './definitions';
import { MIN_CELL } from '../privacy/policy';

export const EXPECTED_DEFINITION: Definition = {
	id: 'client.expected-course.band-route@1',
	name: 'Expected course',
	text: 'Reference: the other client-series of this dataset on the same instrument whose baseline lies in the same severity band, restricted to the same route when that leaves at least the small-cell threshold of series. At each dosing session and follow-up week: the median and interquartile range (R type 7) of their observed scores and how many series were seen there. A score is not on track when it lies above the reference Q3 at a dosing session after the first (or at follow-up); reliable deterioration when it is above baseline by at least the reliable-change value (1.96 · S_diff, or the point rule). Points seen by fewer than the threshold are withheld, and the whole band when the reference is smaller.'
};

export interface ExpectedPoint {
	phase: 'session' | 'followup';
	session: number | null;
	week: number | null;
	n: number;
	q1: number | null;
	median: number | null;
	q3: number | null;
	withheld: boolean;
}

export interface ExpectedCourse {
	instrument: string;
	series: number;
	baseline: number;
	band: { label: string; min: number; max: number };
	/** The route the reference was restricted to, or null when all routes were needed. */
	route: string | null;
	reference_n: number;
	/** True when the reference has fewer series than the threshold: no band is shown. */
	withheld: boolean;
	points: ExpectedPoint[];
	/** The statement that read the reference group (text with $n placeholders and its bound values). */
	sql: Sql;
	definition: string;
}

export interface ExpectedOptions {
	table?: string;
	/** Small-cell threshold (default 11). */
	minCell?: number;
	bandSet?: string;
}

const scoresOf = (table: string, instrument: string): Sql => sql`SELECT client_id, series, route, phase, session, week, score FROM ${ident(table)} WHERE instrument = ${instrument} AND score IS NOT NULL`;

async function reference(conn: Connector, table: string, instrument: string, client: string, min: number, max: number, route: string | null) {
	const q = sql`WITH s AS (${scoresOf(table, instrument)}),
bl AS (SELECT client_id, series, any_value(route) AS route, min(score) FILTER (WHERE phase = 'baseline') AS baseline FROM s GROUP BY client_id, series),
ref AS (SELECT client_id, series FROM bl WHERE baseline BETWEEN ${min} AND ${max} AND client_id <> ${client} AND (${route === null} OR route = ${route ?? ''})),
pts AS (
  SELECT phase, CASE WHEN phase = 'session' THEN session END AS sess, CASE WHEN phase = 'followup' THEN week END AS wk, client_id, series, score
  FROM s JOIN ref USING (client_id, series) WHERE phase IN ('session', 'followup')
)
SELECT phase, sess AS session, wk AS week, count(DISTINCT (client_id, series))::INTEGER AS n,
  quantile_cont(score, 0.25) AS q1, quantile_cont(score, 0.5) AS median, quantile_cont(score, 0.75) AS q3,
  (SELECT count(*) FROM ref)::INTEGER AS reference_n
FROM pts GROUP BY phase, sess, wk
ORDER BY phase = 'followup', session, week`;
	const rows = await conn.query<Omit<ExpectedPoint, 'withheld'> & { reference_n: number }>(q);
	let n = rows[0]?.reference_n;
	if (n === undefined) {
		const c = await conn.query<{ n: number }>(sql`WITH s AS (${scoresOf(table, instrument)}),
bl AS (SELECT client_id, series, any_value(route) AS route, min(score) FILTER (WHERE phase = 'baseline') AS baseline FROM s GROUP BY client_id, series)
SELECT count(*)::INTEGER AS n FROM bl WHERE baseline BETWEEN ${min} AND ${max} AND client_id <> ${client} AND (${route === null} OR route = ${route ?? ''})`);
		n = c[0]?.n ?? 0;
	}
	return { rows, n, sql: q };
}

/**
 * The expected-course band for one client-series on one instrument, given its baseline and route.
 * Tries the same route first, then all routes when the route leaves fewer than `minCell` series.
 */
export async function expectedCourse(
	conn: Connector,
	target: { client_id: string; series: number; instrument: string; baseline: number; route: string | null },
	opts: ExpectedOptions = {}
): Promise<ExpectedCourse | null> {
	if (!isInstrumentId(target.instrument)) return null;
	const minCell = opts.minCell ?? MIN_CELL;
	const band = bandSet(INSTRUMENTS[target.instrument], opts.bandSet)?.bands.find((b) => target.baseline >= b.min && target.baseline <= b.max);
	if (!band) return null;
	const table = opts.table ?? 'scores';
	let route = target.route;
	let ref = await reference(conn, table, target.instrument, target.client_id, band.min, band.max, route);
	if (route !== null && ref.n < minCell) {
		route = null;
		ref = await reference(conn, table, target.instrument, target.client_id, band.min, band.max, null);
	}
	const withheld = ref.n < minCell;
	const points = withheld
		? []
		: ref.rows.map(({ reference_n: _n, ...p }) => {
				const small = p.n < minCell;
				return { ...p, q1: small ? null : p.q1, median: small ? null : p.median, q3: small ? null : p.q3, withheld: small };
			});
	return {
		instrument: target.instrument, series: target.series, baseline: target.baseline,
		band: { label: band.label, min: band.min, max: band.max },
		route, reference_n: ref.n, withheld, points, sql: ref.sql, definition: EXPECTED_DEFINITION.id
	};
}

/** Per observed score after baseline: above the reference Q3 (not on track) and reliable deterioration. */
export interface CourseFlag {
	phase: 'session' | 'followup';
	session: number | null;
	week: number | null;
	score: number;
	not_on_track: boolean;
	deteriorated: boolean;
}

/**
 * Flags for a client-series' scores against its expected course. Not on track is judged at dosing
 * sessions after the first and at follow-up, only where the band point is shown; reliable
 * deterioration needs the reliable-change value (`rcValue`, points).
 */
export function courseFlags(
	scores: { phase: string; session: number | null; week: number | null; score: number | null }[],
	baseline: number,
	expected: ExpectedCourse | null,
	rcValue: number | null
): CourseFlag[] {
	const out: CourseFlag[] = [];
	for (const s of scores) {
		if (s.score === null || (s.phase !== 'session' && s.phase !== 'followup')) continue;
		const p = expected?.points.find((q) => q.phase === s.phase && (s.phase === 'session' ? q.session === s.session : q.week === s.week));
		const judged = s.phase === 'followup' || (s.session ?? 0) > 1;
		out.push({
			phase: s.phase as CourseFlag['phase'], session: s.phase === 'session' ? s.session : null, week: s.phase === 'followup' ? s.week : null, score: s.score,
			not_on_track: judged && !!p && p.q3 !== null && s.score > p.q3,
			deteriorated: rcValue !== null && rcValue > 0 && s.score - baseline >= rcValue
		});
	}
	return out;
}
