/**
 * "Table 1" of a cohort comparison: who is in each cohort at baseline. The unit is the one every
 * comparison figure uses — a client-series with a baseline score on the instrument — so the Ns
 * here are the denominators the reader sees later; `analysed` (with an end-of-series score too)
 * shows the attrition between the two.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import { bandSet, INSTRUMENTS, isInstrumentId } from '../instruments/definitions';
import { COHORT, cohortRelation, type Cohort } from './compare';
import type { SettingsInput } from './definitions';
import { MISSING } from './filters';
import { prepare, sampleSdSql, summarySource, type MetricResult } from './source';

/** One count: how many client-series of `cohort` have `level` of `variable`, out of `total`. */
export interface Table1Row {
	/** `n` (the population rows), an attribute column, or `severity` (baseline band). */
	variable: string;
	level: string;
	cohort: string;
	n: number;
	/** Client-series of the cohort with a baseline (the denominator of `pct`). */
	total: number;
	pct: number | null;
}

/** Baseline score distribution per cohort. */
export interface BaselineRow {
	cohort: string;
	n: number;
	mean: number | null;
	sd: number | null;
	median: number | null;
	q1: number | null;
	q3: number | null;
}

/** Options of `cohortTable1`. */
export interface Table1Options {
	table?: string;
	a: Cohort;
	b: Cohort;
	instrument: string;
	settings?: SettingsInput;
	/** Band set of the baseline-severity rows (id from the instrument table; default its default set). */
	bandSet?: string;
}

/** Attribute columns described first, in this order, when the data have them. */
export const TABLE1_COLUMNS = ['route', 'site', 'age_band', 'sex', 'diagnosis'] as const;

/** Canonical measure columns, never described as attributes. */
const NOT_ATTRIBUTE = /^(client_id|series|instrument|phase|session|week|score|prorated|dose_mg|planned_sessions|item_\d+|__cohort)$/;
/** An attribute with more levels than this (an id, a free-text note) is not a Table 1 row. */
export const MAX_TABLE1_LEVELS = 12;

/** The known attributes the data have, then the file's own text columns (an imported file's `treatment`, `drug`, …). */
export function table1Columns(columns: { name: string; type: string }[]): string[] {
	const have = new Set(columns.map((c) => c.name));
	const own = columns.filter((c) => !NOT_ATTRIBUTE.test(c.name) && !(TABLE1_COLUMNS as readonly string[]).includes(c.name) && (/VARCHAR|BOOLEAN/.test(c.type) || c.type.startsWith('ENUM('))).map((c) => c.name);
	return [...TABLE1_COLUMNS.filter((c) => have.has(c)), ...own];
}

/** Drop variables that say nothing: every value missing in both cohorts, or too many levels to be a category. */
function informative<T extends { variable: string; level: string }>(rows: T[]): T[] {
	const levels = new Map<string, Set<string>>();
	for (const r of rows) levels.set(r.variable, (levels.get(r.variable) ?? new Set()).add(r.level));
	return rows.filter((r) => {
		if (r.variable === 'n') return true;
		const l = levels.get(r.variable)!;
		return !(l.size === 1 && l.has(MISSING)) && l.size <= MAX_TABLE1_LEVELS;
	});
}

/** Labels of the population rows (variable `n`). */
export const POPULATION = {
	clients: 'clients',
	series: 'client-series with a baseline',
	analysed: 'with an end-of-series score (analysed)'
} as const;

/** Counts by attribute and baseline severity band per cohort, plus the baseline score distribution. */
export async function cohortTable1(conn: Connector, opts: Table1Options): Promise<MetricResult<Table1Row> & { baseline: BaselineRow[] }> {
	if (opts.a.label === opts.b.label) throw new Error('the two cohorts need different labels');
	const relation = await cohortRelation(conn, opts.table ?? 'scores', opts.a, opts.b);
	const p = await prepare(conn, { relation, groupBy: COHORT, instruments: [opts.instrument], settings: opts.settings });
	const attrs = table1Columns(p.columns);
	const txt = (c: string) => sql`coalesce(CAST(${ident(c)} AS VARCHAR), ${MISSING})`;
	// Attributes are per client-series; any_value because they are constant within one.
	const attrSel = join(attrs.map((c) => sql`, any_value(${txt(c)}) AS ${ident(c)}`), sql``);
	const def = isInstrumentId(opts.instrument) ? INSTRUMENTS[opts.instrument] : null;
	const bands = (def && bandSet(def, opts.bandSet)?.bands) ?? [];
	const bandWhens = bands.map((b) => sql`WHEN baseline BETWEEN ${b.min} AND ${b.max} THEN ${`${b.label} (${b.min}–${b.max})`}`);
	const band: Sql = bands.length ? sql`CASE ${join(bandWhens, sql` `)} ELSE ${MISSING} END` : sql`CAST(${MISSING} AS VARCHAR)`;
	// The client-series summary the comparison's cards share (one temporary table per cohorts ×
	// settings, when the connector materializes), not a third rebuild of it from the score rows.
	const src = await summarySource(conn, p);
	// Each client-series' attributes: from its cell when the summaries keep them all (the series of
	// `cs` are those of the cells the cohorts keep), else from the score rows; both statements below
	// read them, so those are gathered once into a table when the connector can make one (a pass over
	// every score row of the two cohorts each time otherwise).
	const S = p.summary && attrs.every((c) => p.summary!.summaries.attributes.includes(c)) ? p.summary.summaries : null;
	const cellAttrs = join(attrs.map((c) => sql`, ${txt(c)} AS ${ident(c)}`), sql``);
	const attrSql = S
		? sql`SELECT grp, client_id, series${cellAttrs} FROM cs JOIN ${ident(S.cs)} c USING (instrument, client_id, series) JOIN (SELECT cell${join(attrs.map((c) => sql`, ${ident(c)}`), sql``)} FROM ${ident(S.cells)}) a USING (cell)`
		: sql`SELECT ${p.groupExpr} AS grp, client_id, series${attrSel} FROM ${p.relation} WHERE ${p.where} GROUP BY ALL`;
	const attrTable = conn.materialize && !S ? await conn.materialize(attrSql) : null;
	const derived = [...src.derived, ...(attrTable ? [{ table: attrTable, sql: attrSql, holds: "each client-series' attributes in the two cohorts, read by Table 1's two statements" }] : [])];
	const ctes = sql`${src.ctes},
attrs AS (${attrTable ? sql`SELECT * FROM ${ident(attrTable)}` : attrSql}),
units AS (SELECT cs.*${join(attrs.map((c) => sql`, attrs.${ident(c)}`), sql``)}, ${band} AS severity FROM cs JOIN attrs USING (grp, client_id, series) WHERE cs.baseline IS NOT NULL)`;
	const parts = [
		sql`SELECT 'n' AS variable, CAST(${POPULATION.clients} AS VARCHAR) AS level, grp AS cohort, count(DISTINCT client_id)::INTEGER AS n, 0 AS k FROM units GROUP BY grp`,
		sql`SELECT 'n', ${POPULATION.series}, grp, count(*)::INTEGER, 1 FROM units GROUP BY grp`,
		sql`SELECT 'n', ${POPULATION.analysed}, grp, count(*) FILTER (WHERE end_score IS NOT NULL)::INTEGER, 2 FROM units GROUP BY grp`,
		...[...attrs, 'severity'].map((c, i) => sql`SELECT ${c}, ${ident(c)}, grp, count(*)::INTEGER, ${10 + i} FROM units GROUP BY grp, ${ident(c)}`)
	];
	// Levels in order: severity bands as defined, everything else alphabetically; k keeps variables in place.
	const q = sql`${ctes}
SELECT variable, level, cohort, n FROM (${join(parts, sql`\nUNION ALL `)}) t
ORDER BY k, level, cohort`;
	// The SD from exact sums (sampleSdSql): stddev_samp's result depends on the order of the rows in
	// the last bits, and the summaries and the score rows give the client-series in different orders.
	const baselineSql = sql`${ctes}
SELECT grp AS cohort, count(*)::INTEGER AS n, avg(baseline) AS mean, ${sampleSdSql(sql`baseline`)} AS sd,
  quantile_cont(baseline, 0.5) AS median, quantile_cont(baseline, 0.25) AS q1, quantile_cont(baseline, 0.75) AS q3
FROM units GROUP BY grp ORDER BY grp`;
	const raw = await conn.query<{ variable: string; level: string; cohort: string; n: number }>(q);
	const baseline = await conn.query<BaselineRow>(baselineSql);
	const totals = new Map(raw.filter((r) => r.variable === 'n' && r.level === POPULATION.series).map((r) => [r.cohort, r.n]));
	const bandOrder = new Map(bands.map((b, i) => [`${b.label} (${b.min}–${b.max})`, i]));
	const rows = raw.map((r) => {
		const total = totals.get(r.cohort) ?? 0;
		return { ...r, total, pct: total ? r.n / total : null };
	});
	// Severity comes last (k); its bands go in their defined order, not alphabetically.
	const sev = rows.filter((r) => r.variable === 'severity');
	sev.sort((x, y) => (bandOrder.get(x.level) ?? 99) - (bandOrder.get(y.level) ?? 99) || x.cohort.localeCompare(y.cohort));
	const out = informative([...rows.filter((r) => r.variable !== 'severity'), ...sev]);
	return { rows: out, baseline, sql: q, also: [baselineSql], derived };
}
