/**
 * The mixed model's input as sums computed in SQL (issue 11): the observations never leave DuckDB.
 * One statement gives the design's cross-products overall (XᵀX, Xᵀy, yᵀy) and one the per
 * client-series sums (ZᵢᵀZᵢ, ZᵢᵀXᵢ, Zᵢᵀy with Z = [1, t]); `fitLmmFromSums` needs nothing else,
 * so each deviance evaluation costs O(client-series) and the rows fetched are one per series.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import type { LmmSums } from '../stats/mixed';

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
}

/** `WITH obs …, used AS (…)`: the observations modelled, after listwise deletion. */
export function usedCte(src: ModelSource): Sql {
	const covs = src.columnCovariates.map((c, i) => sql`, ${ident(c)} AS ${ident(`cov${i}`)}`);
	const phases = src.scores === 'post' ? sql`'session'` : sql`'baseline', 'session'`;
	const complete = [
		...(src.baselineCovariate ? [sql`bl.baseline IS NOT NULL`] : []),
		...src.columnCovariates.map((_, i) => sql`${ident(`cov${i}`)} IS NOT NULL`)
	];
	return sql`WITH obs AS (
  SELECT instrument, client_id, series, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS time, score,
    ${src.groupExpr} AS grp${join(covs, sql``)}
  FROM ${src.relation}
  WHERE ${src.where} AND score IS NOT NULL AND phase IN ('baseline', 'session')
),
bl AS (
  SELECT instrument, client_id, series, arg_min(score, time) FILTER (WHERE phase = 'baseline') AS baseline
  FROM obs GROUP BY instrument, client_id, series
),
used AS (
  SELECT obs.*, bl.baseline FROM obs LEFT JOIN bl USING (instrument, client_id, series)
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

/** Cross-products of `columns` for one instrument: overall, and per client-series. */
export async function designSums(
	conn: Connector,
	src: ModelSource,
	instrument: string,
	columns: DesignColumn[],
	random: LmmSums['random'],
	method: LmmSums['method']
): Promise<{ sums: LmmSums; statements: Sql[] }> {
	const p = columns.length;
	const x = (j: number) => columns[j].expr;
	const cross: Sql[] = [];
	for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) cross.push(sql`sum(${x(j)} * ${x(k)}) AS ${ident(`xx${j}_${k}`)}`);
	const xy = columns.map((_, j) => sql`sum(${x(j)} * score) AS ${ident(`xy${j}`)}`);
	const overall = sql`${usedCte(src)}
SELECT count(*)::DOUBLE AS n, sum(score * score) AS yy, ${join([...cross, ...xy])}
FROM used WHERE instrument = ${instrument}`;
	const lin = columns.flatMap((_, j) => [sql`sum(${x(j)}) AS ${ident(`x${j}`)}`, sql`sum(time * ${x(j)}) AS ${ident(`tx${j}`)}`]);
	const perSeries = sql`${usedCte(src)}
SELECT count(*)::DOUBLE AS n, sum(time)::DOUBLE AS t, sum(time * time)::DOUBLE AS tt, sum(score) AS y, sum(time * score) AS ty, ${join(lin)}
FROM used WHERE instrument = ${instrument}
GROUP BY client_id, series`;
	const [[o], groups] = await Promise.all([conn.query<Record<string, number>>(overall), conn.query<Record<string, number>>(perSeries)]);
	const XtX = new Float64Array(p * p);
	for (let j = 0; j < p; j++)
		for (let k = 0; k <= j; k++) XtX[j * p + k] = XtX[k * p + j] = Number(o[`xx${j}_${k}`] ?? 0);
	const sums: LmmSums = {
		terms: columns.map((c) => c.term),
		random,
		method,
		n: Number(o.n),
		XtX,
		Xty: columns.map((_, j) => Number(o[`xy${j}`] ?? 0)),
		yty: Number(o.yy ?? 0),
		groups: groups.map((g) => ({
			n: g.n,
			t: g.t,
			tt: g.tt,
			y: g.y,
			ty: g.ty,
			x: columns.map((_, j) => Number(g[`x${j}`])),
			tx: columns.map((_, j) => Number(g[`tx${j}`]))
		}))
	};
	return { sums, statements: [overall, perSeries] };
}

/** The same sums restricted to the columns at `keep` (a nested model). */
export function subsetSums(s: LmmSums, keep: number[], method: LmmSums['method']): LmmSums {
	const p = s.terms.length;
	return {
		...s,
		method,
		terms: keep.map((j) => s.terms[j]),
		XtX: keep.flatMap((j) => keep.map((k) => s.XtX[j * p + k])),
		Xty: keep.map((j) => s.Xty[j]),
		groups: s.groups.map((g) => ({ ...g, x: keep.map((j) => g.x[j]), tx: keep.map((j) => g.tx[j]) }))
	};
}
