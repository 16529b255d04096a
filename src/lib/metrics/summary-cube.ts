/**
 * The summaries' `timepoints` and `cube` (summaries.ts): every score row counted once per cell ×
 * timepoint × (series has a baseline) × score.
 *
 * Where the client-series rows' baseline and lists hold every score row (`listed`), both are counted
 * from them: at 5M score rows of native DuckDB 0.25–0.33 s where joining each score row to its
 * client-series by client, series and instrument took 0.9–1.25 s, with the same rows (2026-12-06).
 * Otherwise (a follow-up row with a session number, which the lists do not keep; a second score at a
 * timepoint, where the summaries do not apply but are still built) from the score rows, joined.
 */
import { summaryTable, type Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';

/** What the client-series grouping (summaries.ts `perSeries`) says of its rows, to tell whether its lists hold every score row. */
export interface ListedRows {
	/** Score rows grouped. */
	scores: number;
	/** Baselines plus list entries of the grouped rows. */
	listed: number;
	/** Follow-up rows with a session number. */
	followupSessions: number;
}

export const listsHoldEveryRow = (r: ListedRows) => r.scores === r.listed && r.followupSessions === 0;

/** Timepoints coded in instrument, phase, session and week order; the cube by those codes. */
export async function buildCube(conn: Pick<Connector, 'exec'>, rows: Sql, t: { cs: string; timepoints: string; cube: string }, listed: boolean): Promise<void> {
	const cs = ident(t.cs);
	const numbered = (from: Sql) => sql`CREATE OR REPLACE TABLE ${summaryTable(t.timepoints)} AS
SELECT row_number() OVER (ORDER BY instrument, CASE phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END, session, week)::INTEGER AS tp, *
FROM (SELECT DISTINCT instrument, phase, session, week FROM ${from})`;
	const sameTimepoint = sql`t.instrument = r.instrument AND t.phase = r.phase AND t.session IS NOT DISTINCT FROM r.session AND t.week IS NOT DISTINCT FROM r.week`;
	if (listed) {
		// Counted per cell, timepoint and score first (a few hundred thousand rows at 5M score rows), then numbered.
		const counts = ident(`${t.cube}_counts`);
		await conn.exec(sql`CREATE OR REPLACE TEMP TABLE ${counts} AS
WITH e AS (
  SELECT cell, instrument, true AS with_baseline, 'baseline' AS phase, 0 AS session, NULL::DOUBLE AS week, baseline AS score FROM ${cs} WHERE baseline IS NOT NULL
  UNION ALL
  SELECT cell, instrument, with_baseline, 'session', u.s, NULL, u.score FROM (SELECT cell, instrument, baseline IS NOT NULL AS with_baseline, unnest(sess) AS u FROM ${cs})
  UNION ALL
  SELECT cell, instrument, with_baseline, 'followup', NULL, u.w, u.score FROM (SELECT cell, instrument, baseline IS NOT NULL AS with_baseline, unnest(fu) AS u FROM ${cs})
)
SELECT cell, instrument, phase, session, week, with_baseline, score::INTEGER AS score, count(*)::INTEGER AS n FROM e GROUP BY ALL`);
		try {
			await conn.exec(numbered(counts));
			await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.cube)} AS
SELECT r.cell, t.tp, r.with_baseline, r.score, r.n FROM ${counts} r JOIN ${ident(t.timepoints)} t ON ${sameTimepoint} ORDER BY r.cell, t.tp`);
		} finally {
			await conn.exec(sql`DROP TABLE IF EXISTS ${counts}`);
		}
		return;
	}
	const scored = sql`(SELECT client_id, series, instrument, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
    CASE WHEN phase = 'followup' THEN week END AS week, score
  FROM ${rows} WHERE score IS NOT NULL)`;
	await conn.exec(numbered(scored));
	await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(t.cube)} AS
SELECT k.cell, t.tp, k.baseline IS NOT NULL AS with_baseline, r.score::INTEGER AS score, count(*)::INTEGER AS n
FROM ${scored} r
JOIN ${cs} k USING (client_id, series, instrument)
JOIN ${ident(t.timepoints)} t ON ${sameTimepoint}
GROUP BY k.cell, t.tp, with_baseline, r.score
ORDER BY k.cell, t.tp`);
}
