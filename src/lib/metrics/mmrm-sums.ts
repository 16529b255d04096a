/**
 * The MMRM's input as SQL over the model's observations (`usedCte`, model-sums.ts): its counts per
 * instrument and its sums per pattern of visits, so the scores stay in DuckDB (issue 11).
 */
import { ident, join, sql, type Sql } from '../engine/sql';
import { usedCte, type ModelSource } from './model-sums';

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
