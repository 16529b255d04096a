/**
 * Durability after a series.
 *
 * Definition (durability.loss-of-response.km@1): among end-of-series responders (≥ 50 % below
 * baseline at end of series), loss of response is the first follow-up score that is no longer a
 * ≥ 50 % reduction from baseline (score > ½·baseline); time = that follow-up week. Under an
 * instrument's point rule (settings.responsePoints) both use "at least k points below baseline"
 * instead (durabilityDefinition). A responder who
 * never loses response is censored at the last observed follow-up week; responders with no
 * follow-up score contribute no time at risk and are left out.
 */
import type { Connector } from '../engine/connector';
import { sql, type Sql } from '../engine/sql';
import { logRank, kaplanMeier, type KmPoint } from '../stats/survival';
import { durabilityDefinition, type Definition, type Settings } from './definitions';
import { GROUP_ORDER, prepare, responds, sampleSdSql, summarySource, type DerivedTable, type MetricOptions, type MetricResult } from './source';
import { summaryDurability, summaryLossOfResponse } from './summary-metrics';
import { tInterval } from '../stats/effect';

export interface DurabilityRow {
	instrument: string;
	group: string;
	week: number;
	/** Client-series with a score at this follow-up week. */
	n: number;
	mean: number;
	sd: number | null;
	ci_low: number | null;
	ci_high: number | null;
	/** End-of-series responders with a score at this week. */
	responders_n: number;
	/** Share of those still ≥ 50 % below baseline (null when responders_n = 0). */
	still_responding: number | null;
	/** Count behind `still_responding`. */
	still_responding_n: number;
	definition: string;
}

export interface SurvivalRow {
	instrument: string;
	group: string;
	n: number;
	events: number;
	median_weeks: number | null;
	median_low: number | null;
	median_high: number | null;
	/** Kaplan–Meier steps: time (weeks), at risk, events, censored, survival, Greenwood SE, log-log 95 % CI. */
	points: KmPoint[];
	definition: string;
}

export interface LogRankRow {
	instrument: string;
	groups: string[];
	chi2: number;
	df: number;
	p: number;
	observed: number[];
	expected: number[];
}

/** End-of-series responders (the series end even when the end point is a follow-up week), and the follow-up scores. */
const respondersCte = (s: Settings) => sql`resp AS (SELECT * FROM cs WHERE eos_score IS NOT NULL AND ${responds(s, sql`eos_score`, sql`baseline`)}),
fu AS (SELECT instrument, grp, client_id, series, week, score FROM base WHERE phase = 'followup')`;

/** The durability definitions of the instruments in `rows` (one when they agree). */
function definitionsOf(s: Settings, rows: { instrument: string }[]): Definition | Definition[] {
	const defs = [...new Map([...new Set(rows.map((r) => r.instrument))].map((i) => durabilityDefinition(s, i)).map((d) => [d.id, d])).values()];
	return defs.length === 1 ? defs[0] : defs.length ? defs : durabilityDefinition(s);
}

/** Per follow-up week: everyone's n/mean/CI, and the responders still responding. */
export async function durability(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<DurabilityRow>> {
	const p = await prepare(conn, opts);
	type Raw = Omit<DurabilityRow, 'ci_low' | 'ci_high' | 'still_responding' | 'definition'>;
	let q: Sql;
	let raw: Raw[];
	let also: Sql[] | undefined;
	let derived: DerivedTable[] = [];
	if (p.summary) ({ sql: q, rows: raw, also, derived } = await summaryDurability(conn, p.summary, p.settings));
	else {
		const src = await summarySource(conn, p);
		derived = src.derived;
		q = sql`${src.ctes},
${respondersCte(p.settings)}
SELECT fu.instrument, fu.grp AS "group", fu.week, count(*)::INTEGER AS n, avg(fu.score) AS mean, ${sampleSdSql(sql`fu.score`)} AS sd,
  count(r.client_id)::INTEGER AS responders_n,
  count(r.client_id) FILTER (WHERE ${responds(p.settings, sql`fu.score`, sql`r.baseline`, sql`fu.instrument`)})::INTEGER AS still_responding_n
FROM fu LEFT JOIN resp r USING (instrument, grp, client_id, series)
GROUP BY fu.instrument, fu.grp, fu.week
ORDER BY fu.instrument, ${GROUP_ORDER}, fu.week`;
		raw = await conn.query<Raw>(q);
	}
	const rows = raw.map((r) => {
		const ci = tInterval(r.n, r.mean, r.sd);
		return {
			...r,
			ci_low: ci.low,
			ci_high: ci.high,
			still_responding: r.responders_n ? r.still_responding_n / r.responders_n : null,
			definition: durabilityDefinition(p.settings, r.instrument).id
		};
	});
	return { rows, sql: q, also, derived, definition: definitionsOf(p.settings, rows), path: p.path };
}

/** Per responder: time (weeks) and whether response was lost (the KM input), from SQL. */
export function lossOfResponseSql(ctes: Sql, s: Settings): Sql {
	const lost = sql`NOT ${responds(s, sql`f.score`, sql`r.baseline`, sql`r.instrument`)}`;
	return sql`${ctes},
${respondersCte(s)}
SELECT r.instrument, r.grp AS "group", r.client_id, r.series,
  coalesce(min(f.week) FILTER (WHERE ${lost}), max(f.week)) AS time,
  (count(*) FILTER (WHERE ${lost}) > 0) AS event
FROM resp r JOIN fu f USING (instrument, grp, client_id, series)
GROUP BY r.instrument, r.grp, r.client_id, r.series
ORDER BY r.instrument, "group", time`;
}

/**
 * Kaplan–Meier of time to loss of response per instrument × group (Greenwood SE, log-log CI,
 * median with Brookmeyer–Crowley CI) and, with two or more groups, a log-rank test per instrument.
 */
export async function survival(
	conn: Connector,
	opts: MetricOptions = {}
): Promise<MetricResult<SurvivalRow> & { logRank: LogRankRow[] }> {
	const p = await prepare(conn, opts);
	let q: Sql;
	/** Responders by time and event; `count` of them (one each when absent: the score rows' path). */
	let raw: { instrument: string; group: string; time: number; event: boolean; count?: number }[];
	let derived: DerivedTable[] = [];
	if (p.summary) ({ sql: q, rows: raw, derived } = await summaryLossOfResponse(conn, p.summary, p.settings));
	else {
		const src = await summarySource(conn, p);
		derived = src.derived;
		raw = await conn.query<{ instrument: string; group: string; time: number; event: boolean }>((q = lossOfResponseSql(src.ctes, p.settings)));
	}
	const byKey = new Map<string, { instrument: string; group: string; times: number[]; events: boolean[]; counts: number[] }>();
	for (const r of raw) {
		const k = `${r.instrument}\u0001${r.group}`;
		const e = byKey.get(k) ?? byKey.set(k, { instrument: r.instrument, group: r.group, times: [], events: [], counts: [] }).get(k)!;
		e.times.push(r.time);
		e.events.push(r.event);
		e.counts.push(r.count ?? 1);
	}
	const rows: SurvivalRow[] = [...byKey.values()].map((g) => {
		const km = kaplanMeier(g.times, g.events, undefined, undefined, g.counts);
		return {
			instrument: g.instrument,
			group: g.group,
			n: km.n,
			events: km.totalEvents,
			median_weeks: km.median,
			median_low: km.medianLow,
			median_high: km.medianHigh,
			points: km.points,
			definition: durabilityDefinition(p.settings, g.instrument).id
		};
	});
	const tests: LogRankRow[] = [];
	for (const instrument of new Set(rows.map((r) => r.instrument))) {
		const gs = [...byKey.values()].filter((g) => g.instrument === instrument);
		if (gs.length < 2) continue;
		const lr = logRank(gs.map((g) => ({ times: g.times, events: g.events, counts: g.counts })));
		tests.push({ instrument, groups: gs.map((g) => g.group), ...lr });
	}
	return { rows, sql: q, derived, definition: definitionsOf(p.settings, rows), logRank: tests, path: p.path };
}
