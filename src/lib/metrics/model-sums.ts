/**
 * The mixed model's input as sums computed in SQL (issue 11): the observations never leave DuckDB.
 * One statement gives the design's cross-products overall (XᵀX, Xᵀy, yᵀy) and one the per
 * client-series sums (ZᵢᵀZᵢ, ZᵢᵀXᵢ, Zᵢᵀy with Z = [1, t]) pooled over the client-series that share
 * ZᵢᵀZᵢ; `fitLmmFromSums` needs nothing else, so each deviance evaluation costs O(patterns) and the
 * rows fetched are one per pattern, not one per client-series (stats/mixed-patterns.ts says why
 * that is exact).
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

/**
 * The observations from the summaries' client-series (each series' baseline and list of dosing-session
 * scores, the cells' attributes for covariates) instead of every score row: the same rows, since the
 * summaries apply only where no timepoint of a series has two scores (summaries.ts). Null when a
 * covariate is not an attribute the cells keep.
 */
function summaryObservationsSql(src: ModelSource): Sql | null {
	const scope = src.summary;
	if (!scope || src.columnCovariates.some((c) => !scope.summaries.attributes.includes(c))) return null;
	const covs = join(src.columnCovariates.map((c, i) => sql`, a.${ident(c)} AS ${ident(`cov${i}`)}`), sql``);
	const covOf = join(src.columnCovariates.map((_, i) => sql`, ${ident(`cov${i}`)}`), sql``);
	return sql`WITH ${cellsCte(scope)},
o AS (
  SELECT c.instrument, c.client_id, c.series, sum_k.grp, c.baseline, c.sess${covs}
  FROM ${ident(scope.summaries.cs)} c JOIN sum_k USING (cell)${src.columnCovariates.length ? sql` JOIN ${ident(scope.summaries.cells)} a USING (cell)` : sql``}
  WHERE ${scope.instrumentWhere}
)
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
	return src.summary && !summaryObservationsSql(src) ? { source: 'rows', reason: 'a covariate is not a client attribute the summaries keep' } : path;
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

/** `WITH … used AS (…)`: the observations modelled, after listwise deletion. */
export function usedCte(src: ModelSource): Sql {
	const phases = src.scores === 'post' ? sql`'session'` : sql`'baseline', 'session'`;
	const complete = [
		...(src.baselineCovariate ? [sql`baseline IS NOT NULL`] : []),
		...src.columnCovariates.map((_, i) => sql`${ident(`cov${i}`)} IS NOT NULL`)
	];
	const rows = src.observations ? ident(src.observations) : sql`(${summaryObservationsSql(src) ?? observationsSql(src)})`;
	return sql`WITH used AS (
  SELECT * FROM ${rows} AS o
  WHERE phase IN (${phases})${complete.length ? sql` AND ${join(complete, sql` AND `)}` : sql``}
)`;
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

/** The design's columns: a term name and its expression over `used`. */
export interface DesignColumn {
	term: string;
	expr: Sql;
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
	const x = (j: number) => columns[j].expr;
	const cross: Sql[] = [];
	for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) cross.push(sql`sum(${x(j)} * ${x(k)}) AS ${ident(`xx${j}_${k}`)}`);
	const xy = columns.map((_, j) => sql`sum(${x(j)} * score) AS ${ident(`xy${j}`)}`);
	const overall = sql`${usedCte(src)}
SELECT count(*)::DOUBLE AS n, sum(score * score) AS yy, ${join([...cross, ...xy])}
FROM used WHERE instrument = ${instrument}`;
	// u₀ = [Σx_j, Σy], u₁ = [Σt·x_j, Σt·y] per client-series; y is column p.
	const u = [...columns.map((c) => c.expr), sql`score`];
	const lin = u.flatMap((e, j) => [sql`sum(${e})::DOUBLE AS ${ident(`a${j}`)}`, sql`sum(time * ${e})::DOUBLE AS ${ident(`b${j}`)}`]);
	const outer: Sql[] = [];
	for (let j = 0; j < m; j++)
		for (let k = 0; k < m; k++) {
			if (k <= j) outer.push(sql`sum(${ident(`a${j}`)} * ${ident(`a${k}`)}) AS ${ident(`s00_${j}_${k}`)}`, sql`sum(${ident(`b${j}`)} * ${ident(`b${k}`)}) AS ${ident(`s11_${j}_${k}`)}`);
			outer.push(sql`sum(${ident(`a${j}`)} * ${ident(`b${k}`)}) AS ${ident(`s01_${j}_${k}`)}`);
		}
	const positive = columns.map((_, j) => sql`count(*) FILTER (WHERE ${ident(`a${j}`)} > 0)::DOUBLE AS ${ident(`pos${j}`)}`);
	const zero = zeroOf.length ? join(zeroOf.map((j) => sql`${ident(`a${j}`)} = 0`), sql` AND `) : sql`TRUE`;
	const perPattern = sql`${usedCte(src)},
series AS (
  SELECT count(*)::DOUBLE AS n, sum(time)::DOUBLE AS t, sum(time * time)::DOUBLE AS tt, ${join(lin)}
  FROM used WHERE instrument = ${instrument}
  GROUP BY client_id, series
)
SELECT n, t, tt, count(*)::DOUBLE AS count, count(*) FILTER (WHERE ${zero})::DOUBLE AS zero, ${join([...positive, ...outer])}
FROM series
GROUP BY n, t, tt
ORDER BY n, t, tt`;
	const [[o], rows] = await Promise.all([conn.query<Record<string, number>>(overall), conn.query<Record<string, number>>(perPattern)]);
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
		statements: [overall, perPattern]
	};
}

/**
 * The MMRM's counts per instrument (`scores: 'all'`, no baseline covariate, so every instrument
 * with a score is listed): `kind` 'reach' — client-series with a baseline by the last time they
 * reach (a score there or later; the default last session is read from these), and `kind` 'cell' —
 * scores of client-series with a baseline per time and group (0 for an instrument none has).
 */
export function mmrmCountsSql(src: ModelSource): Sql {
	return sql`${usedCte(src)},
reach AS (SELECT instrument, max(time) AS reached FROM used WHERE baseline IS NOT NULL GROUP BY instrument, client_id, series)
SELECT instrument, 'reach' AS kind, reached AS time, NULL AS grp, count(*)::DOUBLE AS n FROM reach GROUP BY ALL
UNION ALL
SELECT instrument, 'cell' AS kind, time, grp, count(*) FILTER (WHERE baseline IS NOT NULL)::DOUBLE AS n FROM used GROUP BY ALL
ORDER BY instrument, kind, time, grp`;
}

/**
 * The MMRM's data for one instrument as sums (issue 11: the scores stay in DuckDB). Per client-series
 * with a baseline, its score y_a and group g_a at each session a of `sessions` (those up to the last
 * one); then per combination of the g_a (which sessions it was seen at, and in which group — the
 * design row is fixed by baseline, session and group): the client-series m, Σ baseline (b),
 * Σ baseline² (bb), Σ y_a, Σ baseline·y_a, Σ y_a·y_b (a ≤ b), the scores (rows), Σ baseline per
 * score (bk), and the scores beyond one per session (dups; the fit refuses them).
 */
export function mmrmPatternSql(src: ModelSource, instrument: string, sessions: number[]): Sql {
	const T = sessions.length;
	const perVisit = sessions.flatMap((s, a) => [
		sql`any_value(grp) FILTER (WHERE time = ${s}) AS ${ident(`g${a}`)}`,
		sql`any_value(score) FILTER (WHERE time = ${s}) AS ${ident(`y${a}`)}`
	]);
	const y = (a: number) => ident(`y${a}`);
	const sums: Sql[] = [];
	for (let a = 0; a < T; a++) {
		sums.push(sql`sum(${y(a)})::DOUBLE AS ${ident(`sy${a}`)}`, sql`sum(bl * ${y(a)})::DOUBLE AS ${ident(`sby${a}`)}`);
		for (let b = a; b < T; b++) sums.push(sql`sum(${y(a)} * ${y(b)})::DOUBLE AS ${ident(`syy${a}_${b}`)}`);
	}
	const groups = join(sessions.map((_, a) => ident(`g${a}`)));
	return sql`${usedCte(src)},
per AS (
  SELECT any_value(baseline) AS bl, count(*) AS k, count(*) - count(DISTINCT time) AS dup, ${join(perVisit)}
  FROM used WHERE instrument = ${instrument} AND baseline IS NOT NULL AND time BETWEEN ${sessions[0]} AND ${sessions[T - 1]}
  GROUP BY client_id, series
)
SELECT ${groups}, count(*)::DOUBLE AS m, sum(bl)::DOUBLE AS b, sum(bl * bl)::DOUBLE AS bb, sum(k)::DOUBLE AS rows,
  sum(bl * k)::DOUBLE AS bk, sum(dup)::DOUBLE AS dups, ${join(sums)}
FROM per
GROUP BY ${groups}
ORDER BY ${groups}`;
}
