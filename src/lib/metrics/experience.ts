/**
 * The acute experience against later change: for each client-series, a safety / experience score at
 * its first dosing session with one (MEQ-30, EBI, CADSS, CADSS-6) against the % change of an outcome
 * instrument from baseline to the last observed dosing session. Spearman's ρ with a Fisher-z CI, and
 * the OLS slope of % change on the experience score adjusted for the baseline score
 * (SAFETY_DEFINITIONS.experience). SQL pairs the values; the statistics run in src/lib/stats.
 */
import type { Connector } from '../engine/connector';
import { ident, list, sql, type Sql } from '../engine/sql';
import { OUTCOME_IDS, idsOfKind, INSTRUMENTS, type InstrumentId } from '../instruments/definitions';
import { ols } from '../stats/regression';
import { spearman } from '../stats/spearman';
import { whereSql, type Filters } from './filters';
import { SAFETY_DEFINITIONS } from './safety-definitions';

export interface ExperienceRow {
	instrument: string;
	outcome: string;
	n: number;
	rho: number | null;
	ci_low: number | null;
	ci_high: number | null;
	/** % change per point of the experience score, adjusted for baseline; null when not estimable. */
	slope: number | null;
	slope_low: number | null;
	slope_high: number | null;
	definition: string;
}

export interface ExperienceOptions {
	filters?: Filters;
	/** Outcome instrument; default the first outcome instrument with scores. */
	outcome?: InstrumentId;
	scoresRelation?: string;
	acuteRelation?: string;
}

const num = (v: number) => (Number.isFinite(v) ? v : null);

/** One row per experience instrument present (with at least 2 paired client-series). */
export async function experienceVsChange(conn: Connector, opts: ExperienceOptions = {}): Promise<{ rows: ExperienceRow[]; sql: Sql | null; pairs: { instrument: string; experience: number; pct_change: number }[] }> {
	const scores = ident(opts.scoresRelation ?? 'scores');
	const acute = ident(opts.acuteRelation ?? 'acute_scores');
	const present = (await conn.query<{ instrument: string }>(sql`SELECT DISTINCT instrument FROM ${scores} WHERE score IS NOT NULL`)).map((r) => r.instrument);
	const outcome = opts.outcome ?? OUTCOME_IDS.find((id) => present.includes(id));
	if (!outcome) return { rows: [], sql: null, pairs: [] };
	const acuteCols = (await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${acute}`)).map((r) => r.column_name);
	const scoreCols = (await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${scores}`)).map((r) => r.column_name);
	const experienceIds = [...idsOfKind('experience'), ...idsOfKind('safety')];
	const q = sql`WITH e AS (
  SELECT client_id, series, instrument, arg_min(score, session) AS experience
  FROM ${acute}
  WHERE instrument IN (${list(experienceIds)}) AND phase = 'session' AND score IS NOT NULL AND ${whereSql(opts.filters, acuteCols)}
  GROUP BY client_id, series, instrument),
o AS (
  SELECT client_id, series, max(score) FILTER (WHERE phase = 'baseline') AS baseline,
         arg_max(score, session) FILTER (WHERE phase = 'session') AS end_score
  FROM ${scores}
  WHERE instrument = ${outcome} AND score IS NOT NULL AND ${whereSql(opts.filters, scoreCols)}
  GROUP BY client_id, series)
SELECT e.instrument, e.experience, o.baseline, 100.0 * (o.end_score - o.baseline) / o.baseline AS pct_change
FROM e JOIN o USING (client_id, series)
WHERE o.baseline > 0 AND o.end_score IS NOT NULL
ORDER BY e.instrument, e.client_id, e.series`;
	const pairs = await conn.query<{ instrument: string; experience: number; baseline: number; pct_change: number }>(q);
	const rows: ExperienceRow[] = [];
	for (const id of experienceIds) {
		const p = pairs.filter((r) => r.instrument === id);
		if (p.length < 2) continue;
		const s = spearman(p.map((r) => r.experience), p.map((r) => r.pct_change));
		let slope: number | null = null, low: number | null = null, high: number | null = null;
		try {
			const fit = ols(p.map((r) => r.pct_change), p.map((r) => [1, r.experience, r.baseline]), ['(intercept)', INSTRUMENTS[id].shortName, 'baseline']);
			const c = fit.coefficients[1];
			[slope, low, high] = [num(c.estimate), num(c.low), num(c.high)];
		} catch {
			/* too few or collinear pairs: the slope stays empty, ρ is still shown */
		}
		rows.push({ instrument: id, outcome, n: s.n, rho: num(s.rho), ci_low: num(s.low), ci_high: num(s.high), slope, slope_low: low, slope_high: high, definition: SAFETY_DEFINITIONS.experience.id });
	}
	return { rows, sql: q, pairs: pairs.map(({ instrument, experience, pct_change }) => ({ instrument, experience, pct_change })) };
}
