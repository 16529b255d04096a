/**
 * Tolerability of cohort A against cohort B (the /compare card beside efficacy), from the
 * dosing-session records: per cohort the sessions and clients, mean systolic and diastolic rise
 * (peak − pre, t CI), the share of sessions (and of clients with at least one) at ≥ 180/110 after
 * dosing, with any side effect moderate or worse, and with a serious adverse event (Wilson CIs),
 * and the median minutes to ready (IQR) — the safety metrics of safety.ts over the cohorts' sessions.
 *
 * The differences A − B are given for the shares of clients only (Newcombe's CI): sessions of one
 * client are not independent, so a CI over sessions (or over session means) would be too narrow.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { newcombeDifference, NEWCOMBE_METHOD } from '../stats/proportions';
import { COHORT, type Cohort } from './compare';
import { describeColumns, whereSql, type Filters } from './filters';
import { minutesToReady, safetyMeans, safetyRates, type MinutesRow, type SafetyCountRow, type SafetyMeanRow, type SafetyRateRow } from './safety';
import { SAFETY_MEANS, TOLERABILITY_RATES } from './safety-definitions';

/** The mean rises the card shows. */
export const TOLERABILITY_MEANS = SAFETY_MEANS.filter((d) => d.key === 'sbp_rise' || d.key === 'dbp_rise');

export interface ToleranceDifference {
	key: string;
	name: string;
	/** The two cohorts' client rows (unit `clients`). */
	a: SafetyRateRow;
	b: SafetyRateRow;
	diff: number;
	low: number;
	high: number;
	definition: string;
}

export interface Tolerability {
	cohorts: [string, string];
	/** False when the dataset has no dosing-session records at all (the card says so). */
	hasSessions: boolean;
	counts: SafetyCountRow[];
	rates: SafetyRateRow[];
	means: SafetyMeanRow[];
	minutes: MinutesRow[];
	differences: ToleranceDifference[];
	sql: Sql[];
}

/**
 * The two cohorts' session records as one relation with a `__cohort` column. A filter on a column
 * the session view has (route, site, age band, sex, diagnosis, series) applies to it directly; a
 * filter on any other attribute of the scores keeps the sessions of the client-series whose scores
 * match it (a cohort "sex: female" of an imported file whose sessions lack the column).
 */
export async function cohortSessions(conn: Connector, a: Cohort, b: Cohort, table = 'safety_sessions', scores = 'scores'): Promise<Sql> {
	const here = (await describeColumns(conn, ident(table))).map((c) => c.name);
	const there = (await describeColumns(conn, ident(scores))).map((c) => c.name);
	const part = (c: Cohort) => {
		const own: Filters = {}, linked: Filters = {};
		for (const [k, v] of Object.entries(c.filters)) {
			if (here.includes(k)) own[k] = v;
			else if (there.includes(k)) linked[k] = v;
		}
		const link = Object.keys(linked).length
			? sql` AND EXISTS (SELECT 1 FROM ${ident(scores)} x WHERE x.client_id = s.client_id AND x.series = s.series AND ${whereSql(linked, there)})`
			: sql``;
		return sql`SELECT s.*, CAST(${c.label} AS VARCHAR) AS ${ident(COHORT)} FROM ${ident(table)} s WHERE ${whereSql(own, here)}${link}`;
	};
	return sql`(${part(a)} UNION ALL ${part(b)})`;
}

/** Per cohort, in the order A, B (a cohort without sessions has no rows). */
const inOrder = <T extends { group: string }>(rows: T[], [A, B]: [string, string]) => [...rows.filter((r) => r.group === A), ...rows.filter((r) => r.group === B)];

/** The tolerability of two cohorts (see the module comment). */
export async function compareTolerability(conn: Connector, opts: { a: Cohort; b: Cohort }): Promise<Tolerability> {
	const cohorts: [string, string] = [opts.a.label, opts.b.label];
	const [{ n }] = await conn.query<{ n: number }>(sql`SELECT count(*)::INT AS n FROM dosing_sessions`);
	if (n === 0) return { cohorts, hasSessions: false, counts: [], rates: [], means: [], minutes: [], differences: [], sql: [] };
	const relation = await cohortSessions(conn, opts.a, opts.b);
	const o = { relation, groupBy: COHORT, total: false };
	const r = await safetyRates(conn, { ...o, rates: TOLERABILITY_RATES });
	const m = await safetyMeans(conn, { ...o, means: TOLERABILITY_MEANS });
	const t = await minutesToReady(conn, o);
	const rates = inOrder(r.rates, cohorts);
	const differences: ToleranceDifference[] = [];
	for (const d of TOLERABILITY_RATES) {
		const [ra, rb] = cohorts.map((c) => rates.find((x) => x.key === d.key && x.unit === 'clients' && x.group === c));
		if (!ra || !rb || !(ra.n > 0 && rb.n > 0)) continue;
		const x = newcombeDifference(ra.count, ra.n, rb.count, rb.n);
		differences.push({ key: d.key, name: d.name, a: ra, b: rb, diff: x.diff, low: x.low, high: x.high, definition: NEWCOMBE_METHOD });
	}
	return { cohorts, hasSessions: true, counts: inOrder(r.counts, cohorts), rates, means: inOrder(m.rows, cohorts), minutes: inOrder(t.rows, cohorts), differences, sql: [r.sql, m.sql, t.sql] };
}
