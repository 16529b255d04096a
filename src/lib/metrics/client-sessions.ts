/**
 * One client's dosing sessions for their therapist (the strip under the course on /clients/[id]):
 * per session the blood pressure before, at peak and before discharge, the lowest SpO₂, sedation,
 * minutes to ready, each side effect, the CADSS (dissociation) total when scored at that session,
 * and a flag for every threshold crossed. The flags are the events of the safety rates
 * (safety-definitions.ts: the same SQL and thresholds), so a session flagged here is one that
 * rate counts. One client's own records: nothing is withheld (privacy `individualRecord`).
 */
import type { Connector } from '../engine/connector';
import { ident, join, list, sql } from '../engine/sql';
import { SIDE_EFFECTS } from '../model/sessions';
import { SAFETY_RATES, type RateDefinition } from './safety-definitions';

/** The rates a session is flagged for, in the order the flags are shown. */
export const SESSION_FLAGS: RateDefinition[] = ['hypertensive_post', 'hypertensive_pre', 'spo2_low', 'serious_ae'].map((k) => SAFETY_RATES.find((d) => d.key === k)!);

export interface ClientSessionRow {
	series: number;
	session: number;
	route: string | null;
	dose_mg: number | null;
	sbp_pre: number | null;
	dbp_pre: number | null;
	sbp_peak: number | null;
	dbp_peak: number | null;
	sbp_end: number | null;
	dbp_end: number | null;
	spo2_min: number | null;
	sedation: number | null;
	minutes_to_ready: number | null;
	nausea: number | null;
	vomiting: number | null;
	headache: number | null;
	dizziness: number | null;
	anxiety: number | null;
	serious_ae: number | null;
	/** CADSS (or CADSS-6) total scored at this session, and which. */
	cadss: number | null;
	cadss_instrument: string | null;
	/** Keys of SESSION_FLAGS whose event this session has. */
	flags: string[];
}

const FIELDS = ['route', 'dose_mg', 'sbp_pre', 'dbp_pre', 'sbp_peak', 'dbp_peak', 'sbp_end', 'dbp_end', 'spo2_min', 'sedation', 'minutes_to_ready', ...SIDE_EFFECTS, 'serious_ae'];

/**
 * The client's sessions in series and session order: every session record, and a session with a
 * CADSS score but no record (its vitals empty).
 */
export async function clientSessions(conn: Connector, clientId: string): Promise<{ rows: ClientSessionRow[]; sql: ReturnType<typeof sql> }> {
	const flagCols = SESSION_FLAGS.map((d) => sql`coalesce(${d.event}, FALSE) AS ${ident(`flag__${d.key}`)}`);
	const q = sql`WITH rec AS (
  SELECT client_id, series, session, ${join(FIELDS.map((f) => ident(f)))}, ${join(flagCols)}
  FROM dosing_sessions WHERE client_id = ${clientId}
), diss AS (
  SELECT series, session, arg_min(instrument, instrument) AS cadss_instrument, arg_min(score, instrument) AS cadss
  FROM acute_scores WHERE client_id = ${clientId} AND instrument IN (${list(['cadss', 'cadss6'])}) AND phase = 'session' AND score IS NOT NULL
  GROUP BY series, session
)
SELECT coalesce(rec.series, diss.series) AS series, coalesce(rec.session, diss.session) AS session,
       ${join(FIELDS.map((f) => sql`rec.${ident(f)}`))}, diss.cadss, diss.cadss_instrument,
       ${join(SESSION_FLAGS.map((d) => sql`coalesce(rec.${ident(`flag__${d.key}`)}, FALSE) AS ${ident(`flag__${d.key}`)}`))}
FROM rec FULL OUTER JOIN diss ON rec.series = diss.series AND rec.session = diss.session
ORDER BY 1, 2`;
	const raw = await conn.query<Record<string, unknown>>(q);
	const rows = raw.map((r) => {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(r)) if (!k.startsWith('flag__')) out[k] = v;
		out.flags = SESSION_FLAGS.filter((d) => r[`flag__${d.key}`] === true).map((d) => d.key);
		return out as unknown as ClientSessionRow;
	});
	return { rows, sql: q };
}
