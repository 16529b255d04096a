/**
 * The mixed model's input as sums computed in SQL (issue 11): the observations never leave DuckDB.
 * One statement gives the design's cross-products overall (XᵀX, Xᵀy, yᵀy) and one the per
 * client-series sums (ZᵢᵀZᵢ, ZᵢᵀXᵢ, Zᵢᵀy with Z = [1, t]) pooled over the client-series that share
 * ZᵢᵀZᵢ; `fitLmmFromSums` needs nothing else, so each deviance evaluation costs O(patterns) and the
 * rows fetched are one per pattern, not one per client-series (stats/mixed-patterns.ts says why
 * that is exact). Where the dataset's summaries answer, the per client-series sums come from the
 * summaries' client-series (one row each, its scores a list) rather than from one row per score: the
 * statements are then O(client-series) too (`report` at 5M score rows, native: the per-pattern
 * statements 1.26–1.28 → 0.48 s each, 2026-12-06).
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import type { LmmPatternSums } from '../stats/mixed';
import type { DerivedTable } from './source';
import type { MetricPath, SummaryScope } from './summaries';
import { cellsCte } from './summary-read';

/** What the model reads: relation, filters, group expression, covariates, which scores. */
export interface ModelSource {
	relation: Sql;
	/** Filters and instrument restriction over the relation's columns. */
	where: Sql;
	groupExpr: Sql;
	/** Covariate columns (not `baseline`), in order; `cov0`, `cov1`, … in the statement. */
	columnCovariates: string[];
	/** Whether the baseline score is a covariate (rows without one are left out). */
	baselineCovariate: boolean;
	scores: 'all' | 'post';
	/** A table holding the observations (`sharedObservations`); without one each statement computes them. */
	observations?: string;
	/** The dataset's summaries under the same filters and grouping, when they can answer (`Prepared.summary`). */
	summary?: SummaryScope | null;
}

/** The summaries' scope when they can give the observations: null without one, or when a covariate is not an attribute the cells keep. */
function summaryScopeOf(src: ModelSource): SummaryScope | null {
	const scope = src.summary;
	return scope && src.columnCovariates.every((c) => scope.summaries.attributes.includes(c)) ? scope : null;
}

/** Covariate columns as `, cov0, cov1, …` (after a column list). */
function covariateList(src: ModelSource): Sql {
	return join(src.columnCovariates.map((_, i) => sql`, ${ident(`cov${i}`)}`), sql``);
}

/**
 * `WITH sum_k …, o AS (…)`: the summaries' client-series in `scope`, one row each (one per cohort in a
 * comparison) with its group, baseline, list of dosing-session scores and covariates (`cov0`, …, the
 * cells' attributes); `where` narrows them further.
 */
function clientSeriesCte(src: ModelSource, scope: SummaryScope, where?: Sql): Sql {
	const covs = join(src.columnCovariates.map((c, i) => sql`, a.${ident(c)} AS ${ident(`cov${i}`)}`), sql``);
	return sql`WITH ${cellsCte(scope)},
o AS (
  SELECT c.instrument, c.client_no, c.client_id, c.series, sum_k.grp, c.baseline, c.sess${covs}
  FROM ${ident(scope.summaries.cs)} c JOIN sum_k USING (cell)${src.columnCovariates.length ? sql` JOIN ${ident(scope.summaries.cells)} a USING (cell)` : sql``}
  WHERE ${scope.instrumentWhere}${where ? sql` AND ${where}` : sql``}
)`;
}

/**
 * The observations from the summaries' client-series (each series' baseline and list of dosing-session
 * scores, the cells' attributes for covariates) instead of every score row: the same rows, since the
 * summaries apply only where no timepoint of a series has two scores (summaries.ts). Null when a
 * covariate is not an attribute the cells keep.
 */
function summaryObservationsSql(src: ModelSource): Sql | null {
	const scope = summaryScopeOf(src);
	if (!scope) return null;
	const covOf = covariateList(src);
	return sql`${clientSeriesCte(src, scope)}
SELECT instrument, client_id, series, 'baseline' AS phase, 0 AS time, baseline AS score, grp${covOf}, baseline FROM o WHERE baseline IS NOT NULL
UNION ALL
SELECT instrument, client_id, series, 'session' AS phase, x.s AS time, x.score AS score, grp${covOf}, baseline FROM (SELECT *, unnest(sess) AS x FROM o)`;
}

/** The observations with their series' baseline score, before the scores and covariates the model keeps are chosen. */
function observationsSql(src: ModelSource): Sql {
	const covs = src.columnCovariates.map((c, i) => sql`, ${ident(c)} AS ${ident(`cov${i}`)}`);
	return sql`WITH obs AS (
  SELECT instrument, client_id, series, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS time, score,
    ${src.groupExpr} AS grp${join(covs, sql``)}
  FROM ${src.relation}
  WHERE ${src.where} AND score IS NOT NULL AND phase IN ('baseline', 'session')
),
bl AS (
  SELECT instrument, client_id, series, arg_min(score, time) FILTER (WHERE phase = 'baseline') AS baseline
  FROM obs GROUP BY instrument, client_id, series
)
SELECT obs.*, bl.baseline FROM obs LEFT JOIN bl USING (instrument, client_id, series)`;
}

/** Which path the observations take: `path` (the metric's), unless a covariate sends them to the score rows. */
export function observationsPath(src: ModelSource, path: MetricPath): MetricPath {
	return src.summary && !summaryScopeOf(src) ? { source: 'rows', reason: 'a covariate is not a client attribute the summaries keep' } : path;
}

/**
 * `src` reading its observations from a table made once (`Connector.materialize`) when the
 * connector can: the mixed model's three statements and the MMRM's two would otherwise each
 * rebuild them from every score row. The table holds what `observationsSql` selects, so the
 * statements reading it keep the same rows; `derived` names it and the statement that built it.
 */
export async function sharedObservations(conn: Connector, src: ModelSource): Promise<{ src: ModelSource; derived: DerivedTable[] }> {
	if (!conn.materialize) return { src, derived: [] };
	const q = summaryObservationsSql(src) ?? observationsSql(src);
	const table = await conn.materialize(q);
	return { src: { ...src, observations: table }, derived: [{ table, sql: q, holds: 'the observations the mixed model and the MMRM read, with each series\' baseline, built once per page' }] };
}

/** Listwise deletion: the series' baseline when it is a covariate, and every column covariate, present. */
function completeConditions(src: ModelSource): Sql[] {
	return [...(src.baselineCovariate ? [sql`baseline IS NOT NULL`] : []), ...src.columnCovariates.map((_, i) => sql`${ident(`cov${i}`)} IS NOT NULL`)];
}

/** `WITH … used AS (…)`: the observations modelled, after listwise deletion. */
export function usedCte(src: ModelSource): Sql {
	const phases = src.scores === 'post' ? sql`'session'` : sql`'baseline', 'session'`;
	const complete = completeConditions(src);
	const rows = src.observations ? ident(src.observations) : sql`(${summaryObservationsSql(src) ?? observationsSql(src)})`;
	return sql`WITH used AS (
  SELECT * FROM ${rows} AS o
  WHERE phase IN (${phases})${complete.length ? sql` AND ${join(complete, sql` AND `)}` : sql``}
)`;
}

/**
 * One row per client-series of `instrument` and group that `used` keeps, read from the summaries' client-series
 * (its baseline and its list of dosing-session scores) without spreading the list into rows: its group,
 * covariates and baseline, and over the scores `used` keeps (the baseline at time 0 with `scores:
 * 'all'`) their number n and Σt, Σt², Σy, Σt·y, Σy². Null when the observations come from the score
 * rows. On this path the group and covariates are attributes of the series' cell, constant within it,
 * so any design column's per-series sums are its factor times n, Σt or Σt² (DesignColumn).
 */
function summarySeriesSql(src: ModelSource, instrument: string): Sql | null {
	const scope = summaryScopeOf(src);
	if (!scope) return null;
	const complete = completeConditions(src);
	const b = src.scores === 'all' ? sql`coalesce(baseline, 0)` : sql`0`;
	const listSum = (e: Sql) => sql`coalesce(list_sum([${e} for x in sess]), 0)::DOUBLE`;
	return sql`${clientSeriesCte(src, scope, sql`c.instrument = ${instrument}`)}
SELECT client_no, series, grp, baseline${covariateList(src)},
  (${src.scores === 'all' ? sql`(baseline IS NOT NULL)::INTEGER + ` : sql``}coalesce(len(sess), 0))::DOUBLE AS n,
  ${listSum(sql`x.s`)} AS t, ${listSum(sql`x.s * x.s`)} AS tt,
  ${b} + ${listSum(sql`x.score`)} AS y, ${listSum(sql`x.s * x.score`)} AS ty, ${b} * ${b} + ${listSum(sql`x.score * x.score`)} AS yy
FROM o${complete.length ? sql` WHERE ${join(complete, sql` AND `)}` : sql``}`;
}

/** Distinct values per instrument of the group (`k` = 0) and of covariate `k − 1`, as text. */
export function levelsSql(src: ModelSource, categorical: number[]): Sql {
	const parts = [
		sql`SELECT DISTINCT instrument, 0 AS k, grp AS v FROM used`,
		...categorical.map((i) => sql`SELECT DISTINCT instrument, ${i + 1} AS k, CAST(${ident(`cov${i}`)} AS VARCHAR) AS v FROM used`)
	];
	return sql`${usedCte(src)}
${join(parts, sql`\nUNION ALL\n`)}`;
}

/**
 * A design column: its term name, and its value on an observation as `factor` (an expression over the
 * series' group `grp`, covariates `cov0`, … and `baseline`), times the observation's time when `time`.
 * Written so, a column's per-series sums are the factor times n, Σt or Σt² wherever the factor is
 * constant within a series (summarySeriesSql).
 */
export interface DesignColumn {
	term: string;
	factor: Sql;
	time: boolean;
}

/** The column's value on one observation of `used`. */
function rowValue(c: DesignColumn): Sql {
	return c.time ? sql`(${c.factor}) * time` : c.factor;
}

/**
 * The sums' statement in parts: `series`, a WITH list ending in the CTE `series` (one row per
 * client-series: n, t, tt, a_j, b_j); `overall`, a SELECT of the overall cross-products (n, yy, xx…,
 * xy…) over the relations that WITH list defines.
 */
interface Parts {
	overall: Sql;
	series: Sql;
}

/**
 * The statement's parts (Parts) from the observation rows of `used`: `series` groups the rows by
 * client-series (per client-series n, Σt, Σt², and per column j, the score being column p, a_j = Σx_j
 * and b_j = Σt·x_j), `overall` sums the cross-products over the rows.
 */
function fromRows(src: ModelSource, instrument: string, columns: DesignColumn[]): Parts {
	const x = columns.map(rowValue);
	const cross: Sql[] = [];
	for (let j = 0; j < x.length; j++) for (let k = 0; k <= j; k++) cross.push(sql`sum(${x[j]} * ${x[k]}) AS ${ident(`xx${j}_${k}`)}`);
	const xy = x.map((e, j) => sql`sum(${e} * score) AS ${ident(`xy${j}`)}`);
	const lin = [...x, sql`score`].flatMap((e, j) => [sql`sum(${e})::DOUBLE AS ${ident(`a${j}`)}`, sql`sum(time * ${e})::DOUBLE AS ${ident(`b${j}`)}`]);
	return {
		overall: sql`SELECT count(*)::DOUBLE AS n, sum(score * score) AS yy, ${join([...cross, ...xy])}
FROM used WHERE instrument = ${instrument}`,
		series: sql`${usedCte(src)},
series AS (
  SELECT count(*)::DOUBLE AS n, sum(time)::DOUBLE AS t, sum(time * time)::DOUBLE AS tt, ${join(lin)}
  FROM used WHERE instrument = ${instrument}
  GROUP BY client_id, series
)`
	};
}

/**
 * The same parts from one row per client-series and group (summarySeriesSql): a column's sum over a
 * series is its factor times n, Σt or Σt² (Σt² also for Σt·x of a column with time, and for the
 * cross-product of two such columns), and with the score Σy or Σt·y. A client-series in two cohorts of
 * a comparison has a row in each; `series` adds them up, as the row path's grouping by client-series
 * does (`oneRowEach` false). O(client-series), not O(scores). Without cohorts each series has one row,
 * and grouping them again cost more than the sums at 50M rows (native, 2026-12-06).
 */
function fromSeries(perSeries: Sql, columns: DesignColumn[], oneRowEach: boolean): Parts {
	const power = [sql`n`, sql`t`, sql`tt`];
	const f = (j: number) => sql`(${columns[j].factor})`;
	const k = (j: number) => (columns[j].time ? 1 : 0);
	const cross: Sql[] = [];
	for (let j = 0; j < columns.length; j++) for (let l = 0; l <= j; l++) cross.push(sql`sum(${f(j)} * ${f(l)} * ${power[k(j) + k(l)]}) AS ${ident(`xx${j}_${l}`)}`);
	const xy = columns.map((_, j) => sql`sum(${f(j)} * ${columns[j].time ? sql`ty` : sql`y`}) AS ${ident(`xy${j}`)}`);
	const p = columns.length;
	// Summed per client-series only where one may have several rows (a comparison's cohorts).
	const per = (e: Sql) => (oneRowEach ? sql`(${e})::DOUBLE` : sql`sum(${e})::DOUBLE`);
	const lin = [
		...columns.flatMap((_, j) => [sql`${per(sql`${f(j)} * ${power[k(j)]}`)} AS ${ident(`a${j}`)}`, sql`${per(sql`${f(j)} * ${power[k(j) + 1]}`)} AS ${ident(`b${j}`)}`]),
		sql`${per(sql`y`)} AS ${ident(`a${p}`)}`,
		sql`${per(sql`ty`)} AS ${ident(`b${p}`)}`
	];
	return {
		overall: sql`SELECT coalesce(sum(n), 0)::DOUBLE AS n, sum(yy) AS yy, ${join([...cross, ...xy])}
FROM per_series`,
		// Materialized: read by `series` and by `overall`, it is computed once (at 50M score rows, twice in two statements cost about 4 s).
		series: sql`WITH per_series AS MATERIALIZED (${perSeries}),
series AS (
  SELECT ${join(['n', 't', 'tt'].map((c) => sql`${per(ident(c))} AS ${ident(c)}`))}, ${join(lin)}
  FROM per_series${oneRowEach ? sql` WHERE n > 0` : sql`
  GROUP BY client_no, series HAVING sum(n) > 0`}
)`
	};
}

/**
 * Cross-products of `columns` for one instrument: overall, and per pattern of a client-series'
 * ZᵢᵀZᵢ (its number of scores n, Σt, Σt²) the sums of the outer products of its per-series sums
 * u₀ = [Σx, Σy] and u₁ = [Σt·x, Σt·y] (stats/mixed-patterns.ts). The per-series sums stay inside the
 * statement: the rows fetched are one per pattern (a few hundred), however many client-series there
 * are. Also, per column, the client-series whose sum of it is positive, and those whose sums of the
 * `zeroOf` columns are all 0 (the group dummies: client-series per group level).
 */
export async function designSums(
	conn: Connector,
	src: ModelSource,
	instrument: string,
	columns: DesignColumn[],
	random: LmmPatternSums['random'],
	method: LmmPatternSums['method'],
	zeroOf: number[] = []
): Promise<{ sums: LmmPatternSums; positive: number[]; zero: number; statements: Sql[] }> {
	const p = columns.length;
	const m = p + 1;
	const perSeries = summarySeriesSql(src, instrument);
	const { overall, series } = perSeries ? fromSeries(perSeries, columns, !src.summary?.cells) : fromRows(src, instrument, columns);
	const outer: Sql[] = [];
	for (let j = 0; j < m; j++)
		for (let k = 0; k < m; k++) {
			if (k <= j) outer.push(sql`sum(${ident(`a${j}`)} * ${ident(`a${k}`)}) AS ${ident(`s00_${j}_${k}`)}`, sql`sum(${ident(`b${j}`)} * ${ident(`b${k}`)}) AS ${ident(`s11_${j}_${k}`)}`);
			outer.push(sql`sum(${ident(`a${j}`)} * ${ident(`b${k}`)}) AS ${ident(`s01_${j}_${k}`)}`);
		}
	const positive = columns.map((_, j) => sql`count(*) FILTER (WHERE ${ident(`a${j}`)} > 0)::DOUBLE AS ${ident(`pos${j}`)}`);
	const zero = zeroOf.length ? join(zeroOf.map((j) => sql`${ident(`a${j}`)} = 0`), sql` AND `) : sql`TRUE`;
	// One statement: the overall row first (kap_overall), then a row per pattern; the per-series sums are computed once for both.
	const statement = sql`${series},
overall AS (${overall}),
patterns AS (
  SELECT n, t, tt, count(*)::DOUBLE AS count, count(*) FILTER (WHERE ${zero})::DOUBLE AS zero, ${join([...positive, ...outer])}
  FROM series
  GROUP BY n, t, tt
)
SELECT * FROM (SELECT true AS kap_overall, * FROM overall UNION ALL BY NAME SELECT false AS kap_overall, * FROM patterns)
ORDER BY kap_overall DESC, n, t, tt`;
	const [o, ...rows] = await conn.query<Record<string, number>>(statement);
	const XtX = new Float64Array(p * p);
	for (let j = 0; j < p; j++)
		for (let k = 0; k <= j; k++) XtX[j * p + k] = XtX[k * p + j] = Number(o[`xx${j}_${k}`] ?? 0);
	const square = (r: Record<string, number>, name: string, symmetric: boolean) => {
		const out = new Float64Array(m * m);
		for (let j = 0; j < m; j++)
			for (let k = 0; k < m; k++) out[j * m + k] = Number(symmetric && k > j ? r[`${name}_${k}_${j}`] : r[`${name}_${j}_${k}`]);
		return out;
	};
	const sums: LmmPatternSums = {
		terms: columns.map((c) => c.term),
		random,
		method,
		n: Number(o.n),
		XtX,
		Xty: columns.map((_, j) => Number(o[`xy${j}`] ?? 0)),
		yty: Number(o.yy ?? 0),
		patterns: rows.map((r) => ({ n: Number(r.n), t: Number(r.t), tt: Number(r.tt), count: Number(r.count), s00: square(r, 's00', true), s01: square(r, 's01', false), s11: square(r, 's11', true) }))
	};
	return {
		sums,
		positive: columns.map((_, j) => rows.reduce((t, r) => t + Number(r[`pos${j}`]), 0)),
		zero: rows.reduce((t, r) => t + Number(r.zero), 0),
		statements: [statement]
	};
}
