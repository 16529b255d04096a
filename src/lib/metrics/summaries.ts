/**
 * Summaries built once per dataset (issue 11, Mosaic's pre-aggregation idea): instead of every
 * metric scanning every score row on every filter change, a dataset gets a few small tables when
 * it becomes active, and the metrics read those.
 *
 * - `cells`: one row per distinct combination of series number and the categorical client
 *   attributes the pages filter and group by (site, route, diagnosis, …), numbered. Filters and
 *   the grouping column are evaluated here, on a few thousand rows at most.
 * - `cs` (client-series): one row per client × series × instrument with its cell, baseline, last
 *   dosing-session score and session, planned sessions and the score there, last follow-up week,
 *   its mean dose over those score rows (the subgroups' dose band), and its dosing-session and
 *   follow-up scores as short lists (for settings that move the end of series, LOCF and time to loss
 *   of response).
 * - `options`: per categorical column, each value and how many clients have it (the filter bar's
 *   choices), counted over all the rows, so it holds columns that vary within a series too.
 * - `cube`: counts per cell × timepoint (instrument × phase × session × week, coded in
 *   `timepoints`) × (series has a baseline) × score, all integer keys. Because scores are
 *   integers, n, Σx and Σx² are exact, so mean and SD are exact, and the quartiles, min and max
 *   follow from the counts per score. Built by summary-cube.ts.
 * - `tpcounts`, `ends`, `patterns`, `mixed`, `clients`: counts per cell summed once from `cube` and `cs`
 *   (summary-cells.ts), for metrics made only of counts.
 * - `rates`, `followup`, `flow`, `rollup`: the default view's per-cell counts and summed cube (summary-defaults.ts).
 *
 * The summary path applies only when the numbers it gives are the raw path's: integer scores, no
 * two scores at the same timepoint of a series, and attributes constant within a client-series
 * (an attribute that varies is left out of `cells`, so filtering or grouping by it reads the raw
 * rows). `problem` says why a dataset cannot use them at all.
 */
import { summaryTable, type Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import { isCategorical, isFilterColumn, optionsQuery } from './options';
import { buildCellCounts } from './summary-cells';
import { clientCuts, clientRange } from './client-ranges';
import { buildCube, listsHoldEveryRow } from './summary-cube';
// summary-defaults.ts is imported when needed: it reads the metrics (rates.ts), which read this module.
import type { PrebuiltTable } from './summary-defaults';

/**
 * Columns of the summary tables that the cells are joined to (cs, cube, timepoints, the per-cell counts)
 * or that their statements name beside the cells' columns: a file's own column of one of these names is
 * kept out of the cells (summaries.ts `attributes`). summaries-column-names.test.ts reads every summary
 * table's columns and fails when one is missing here; the aliases (`grp`, `gid`, `sig`, `kind`) it cannot see.
 */
export const SUMMARY_COLUMNS = new Set([
	...['cell', 'tp', 'n', 'with_baseline', 'client_no', 'baseline', 'last_score', 'last_session', 'plan', 'plan_score', 'last_week', 'dose', 'sess', 'fu'],
	...['seen_max', 'no_plan', 'ended', 'reached', 'plan_max', 'b', 'p', 's', 'series_n', 'first_n', 'booster_n', 'clients'],
	...['grp', 'gid', 'sig', 'kind']
]);

/** Score rows grouped per statement when the client-series table is built (see buildSummaries). */
export const PART_ROWS = 5_000_000;

/** Largest |score| for which the cube's sums stay exact in doubles at any realistic size. */
const MAX_ABS_SCORE = 100_000;

export interface Summaries {
	/** The table summarised. */
	dataset: string;
	cells: string;
	cs: string;
	cube: string;
	/** Timepoint code `tp` → instrument, phase, session (0 at baseline), week (follow-up only). */
	timepoints: string;
	/** Largest dosing session seen per cell × instrument (the planned end's fallback, per group). */
	cellmax: string;
	/** Counts per cell summed at build time (summary-cells.ts). */
	tpcounts: string;
	ends: string;
	patterns: string;
	mixed: string;
	clients: string;
	rates: string;
	followup: string;
	flow: string;
	rollup: string;
	/** The tables of the default view (`rates`, `followup`, `flow`, `rollup`) and the statement each answers. */
	prebuilt: PrebuiltTable[];
	/** Column, value, clients: the filter choices of every column in `optionColumns` (options.ts). */
	options: string;
	optionColumns: string[];
	/** Columns of `cells` a filter or the grouping may name (always includes `series`). */
	attributes: string[];
	/** Attribute columns left out because they vary within a client-series. */
	varying: string[];
	/** Why the summaries cannot stand in for the rows (null when they can). */
	problem: string | null;
	/** Row counts, for the benchmark and "which path ran"; `mixed` 0 lets completion read `patterns` alone (completion.ts). */
	rows: { scores: number; cells: number; cs: number; cube: number; mixed: number };
	/** The questionnaires in the order of the `patterns` table's bits (bit i is `patternBits[i]`: name order, `instrumentBits`). */
	patternBits: string[];
	buildMs: number;
}

/**
 * Names of a dataset's summary tables (derived from the dataset table's name): created in the
 * summaries' schema (connector.ts summaryTable, which says where that is), read by these bare names.
 */
export function summaryTables(dataset: string) {
	return {
		cells: `${dataset}__cells`,
		cs: `${dataset}__cs`,
		cube: `${dataset}__cube`,
		timepoints: `${dataset}__timepoints`,
		cellmax: `${dataset}__cellmax`,
		tpcounts: `${dataset}__tpcounts`,
		ends: `${dataset}__ends`,
		patterns: `${dataset}__patterns`,
		mixed: `${dataset}__mixed`,
		clients: `${dataset}__clients`,
		rates: `${dataset}__rates`,
		followup: `${dataset}__followup`,
		flow: `${dataset}__flow`,
		rollup: `${dataset}__rollup`,
		options: `${dataset}__options`
	};
}

/**
 * What the caller knows of the rows, and of who reads the tables. `uniqueTimepoints`: no timepoint of a client-series has two
 * scores, because the import that just wrote the table rejected such rows (both import paths reject an
 * exact duplicate of client, series, instrument, phase, session and week; the session of an accepted
 * baseline is 0 and only follow-up rows have a week, so that key is the summaries' timepoint). The
 * build then skips its own search for such timepoints, a grouping by that key of every score row: at
 * 50M rows most of a 43 s statement (the command line, which imports and summarises in one run).
 */
export interface KnownRows {
	uniqueTimepoints?: boolean;
	/**
	 * Only the command line's `report` reads the tables (cli/input.ts summarise): the tables only the
	 * app reads are not built. They are the filter choices (`options`: the filter bars), the cohort counts
	 * per cell (`clients`: the overview's tiles and Table 1, counts.ts), completion's patterns (`patterns`,
	 * completion.ts) and the default view's tables (summary-defaults.ts: the overview's first view).
	 * `report`'s sections (metrics/report.ts) read none of them. At 50M score rows they took about 20 s of the run.
	 * A metric that read one would fail (no such table) rather than answer from something else.
	 */
	reportOnly?: boolean;
}

/**
 * Build (or rebuild) the summaries of canonical table `dataset` (their tables are named after
 * it), reading its rows from the query `source` (default the whole table; the app passes the
 * dataset's outcome rows, what `scores` shows while it is active).
 * `partRows`: the most score rows grouped in one statement (tests set it low to check the parts).
 */
export async function buildSummaries(
	conn: Connector,
	dataset: string,
	source: Sql = sql`SELECT * FROM ${ident(dataset)}`,
	partRows = PART_ROWS,
	known: KnownRows = {}
): Promise<Summaries> {
	try {
		return await buildAll(conn, dataset, source, partRows, known);
	} catch (e) {
		// A build that fails (in a tab: out of memory) leaves no half-built tables holding memory the
		// score-row fallback then needs; the error still goes to the caller.
		for (const temp of Object.values(workTables(dataset))) await conn.exec(sql`DROP TABLE IF EXISTS ${temp}`).catch(() => {});
		await dropSummaries(conn, dataset).catch(() => {});
		throw e;
	}
}

/** The build's temporary table of the wide client-series rows (dropped once `cs` is written, or when the build fails). */
const workTables = (dataset: string) => ({ grouped: ident(`${dataset}__cs_parts`) });

/**
 * `conn` with its kept prepared statements closed before each statement it runs: they hold room the
 * build needs (connector.ts releaseStatements), and the first view's queries on the score rows may
 * still run between the build's statements (chartsSettled waits 5 s at most). Every statement of the
 * build goes through it, the per-cell counts' and the default view's tables too.
 */
function releasing(conn: Connector): Pick<Connector, 'exec' | 'query'> {
	return {
		exec: (q: Sql) => (conn.releaseStatements?.(), conn.exec(q)),
		query: <T extends object>(q: Sql) => (conn.releaseStatements?.(), conn.query<T>(q))
	};
}

async function buildAll(conn: Connector, dataset: string, source: Sql, partRows: number, known: KnownRows): Promise<Summaries> {
	const t0 = performance.now();
	const building = releasing(conn);
	const { exec, query } = building;
	const names = summaryTables(dataset);
	const T = sql`(${source})`;
	const described = await query<{ column_name: string; column_type: string }>(sql`DESCRIBE SELECT * FROM ${T}`);
	const columns = described.map((r) => r.column_name);
	// The cells hold what the pages filter and group by (the categorical columns) and the plan,
	// whose constancy within a series the planned end relies on; other columns stay in the rows.
	const candidates = described
		.filter((c) => (isCategorical(c.column_name, c.column_type) && !['instrument', 'series'].includes(c.column_name)) || c.column_name === 'planned_sessions')
		.map((c) => c.column_name);
	const hasPlan = columns.includes('planned_sessions');
	const hasDose = columns.includes('dose_mg');
	const { grouped } = workTables(dataset);
	// Whether a candidate varies within a client-series, whether the scores are whole and how large,
	// are read from the client-series grouping itself (below), not from a grouping of their own: at 50M
	// score rows that separate check was a 14 s statement. Two distinct values exist exactly when the
	// least and the greatest differ: min and max keep two values per group where count(DISTINCT) keeps a set.
	// The grouping names each candidate by its place (`kap_attr_<i>`): a file's own column may be called
	// like one of the grouping's columns (`baseline`, `dose`, `plan`, …).
	const attr = (i: number) => ident(`kap_attr_${i}`);
	const flag = (i: number) => ident(`kap_varies_${i}`);
	const varies = candidates.map((_, i) => sql`(coalesce(min(${attr(i)}) <> max(${attr(i)}), false) OR count(${attr(i)}) BETWEEN 1 AND count(*) - 1) AS ${flag(i)}`);
	const attributeValues = candidates.map((c, i) => (c === 'planned_sessions' ? null : sql`min(${attr(i)}) AS ${attr(i)}`)).filter((x): x is Sql => x !== null);
	// One row per client-series, from the score rows of the clients `part` selects, grouped by client,
	// series and instrument alone: a candidate that does not vary has its one value (min), and one that
	// does is left out of the cells below. The lists are gathered, then sorted (by session or week:
	// unique within a series where the summaries apply, see `dups`): an aggregate's own ORDER BY cost
	// DuckDB about six times the CPU (5M rows, native).
	const perSeries = (part: Sql) => sql`
WITH r AS (
  SELECT client_id, series, instrument, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
    CASE WHEN phase = 'followup' THEN week END AS week, score, ${hasPlan ? sql`planned_sessions` : sql`NULL::INTEGER`} AS plan,
    ${hasDose ? sql`dose_mg` : sql`NULL::DOUBLE`} AS dose_mg${join(candidates.map((c, i) => sql`, ${ident(c)} AS ${attr(i)}`), sql``)}
  FROM ${T} WHERE score IS NOT NULL AND ${part}
)
SELECT ${join([sql`client_id, series, instrument`, ...attributeValues, ...varies])},
  count(*) FILTER (WHERE score <> floor(score)) AS kap_fractional, max(abs(score)) AS kap_biggest,
  count(session) FILTER (WHERE phase = 'followup') AS kap_fu_sessions,
  arg_min(score, session) FILTER (WHERE phase = 'baseline') AS baseline,
  arg_max(score, session) FILTER (WHERE phase = 'session') AS last_score,
  max(session) FILTER (WHERE phase = 'session') AS last_session,
  max(plan) AS plan,
  max(score) FILTER (WHERE phase = 'session' AND session = plan) AS plan_score,
  max(week) FILTER (WHERE phase = 'followup') AS last_week,
  avg(dose_mg) AS dose,
  list_sort(list({'s': session, 'score': score}) FILTER (WHERE phase = 'session')) AS sess,
  list_sort(list({'w': week, 'score': score}) FILTER (WHERE phase = 'followup')) AS fu
FROM r GROUP BY client_id, series, instrument`;
	// The grouping's ordered lists stay in memory until it ends: at 50M score rows one statement ran
	// native DuckDB out of its 4 GB. Past `partRows` score rows the clients are grouped in parts, each
	// committed first: ranges of client id (client-ranges.ts). At 5M score rows in 6 parts 2.1–2.3 s,
	// against 3.6–4.5 s for parts chosen by a hash of the id, which read every row for every part
	// (native DuckDB; at 50M the 6 parts 24 s against 42 s).
	const [{ rows: scoreRows, all: allRows }] = await query<{ rows: number; all: number }>(sql`SELECT count(score)::BIGINT AS rows, count(*)::BIGINT AS all FROM ${T}`);
	const cuts = await clientCuts(query, T, sql`score IS NOT NULL`, Math.ceil(Number(scoreRows) / partRows));
	const parts = cuts.length + 1;
	const part = (i: number) => clientRange(cuts, i);
	await exec(sql`CREATE OR REPLACE TEMP TABLE ${grouped} AS ${perSeries(part(0))}`);
	for (let i = 1; i < parts; i++) await exec(sql`INSERT INTO ${grouped} ${perSeries(part(i))}`);
	const [check] = await query<Record<string, number | boolean | null>>(sql`SELECT ${join([
		sql`sum(kap_fractional)::BIGINT AS fractional, max(kap_biggest) AS biggest`,
		// Whether the baselines and lists hold every score row (summary-cube.ts).
		sql`coalesce(sum((baseline IS NOT NULL)::INTEGER + coalesce(len(sess), 0) + coalesce(len(fu), 0)), 0)::BIGINT AS listed, coalesce(sum(kap_fu_sessions), 0)::BIGINT AS fu_sessions`,
		...candidates.map((_, i) => sql`bool_or(${flag(i)}) AS ${flag(i)}`)
	])} FROM ${grouped}`);
	// Two scores at one timepoint: looked for unless the caller knows there are none (KnownRows).
	const [{ dups }] = known.uniqueTimepoints
		? [{ dups: 0 }]
		: await query<{ dups: number }>(sql`SELECT count(*)::BIGINT AS dups FROM (
    SELECT 1 FROM ${T} WHERE score IS NOT NULL
    GROUP BY client_id, series, instrument, phase, CASE WHEN phase = 'baseline' THEN 0 ELSE session END, CASE WHEN phase = 'followup' THEN week END
    HAVING count(*) > 1)`);
	const varying = candidates.filter((_, i) => check[`kap_varies_${i}`] === true);
	// A column named like a column of the summary tables the cells are joined to stays out of the cells
	// (filtering or grouping by it reads the rows), so no statement over them names two columns alike.
	const attributes = candidates.filter((c) => !varying.includes(c) && c !== 'planned_sessions' && !SUMMARY_COLUMNS.has(c));
	const grouping = (c: string) => attr(candidates.indexOf(c));
	let problem: string | null = null;
	if (Number(dups) > 0) problem = `${dups} timepoints of a client-series have more than one score`;
	else if (Number(check.fractional) > 0) problem = `${check.fractional} scores are not whole numbers (the score cube's sums are exact only for integers)`;
	else if (Number(check.biggest) > MAX_ABS_SCORE) problem = `scores beyond ±${MAX_ABS_SCORE}`;
	else if (varying.includes('planned_sessions')) problem = 'planned_sessions varies within a client-series';
	const optionColumns = described.filter((c) => isFilterColumn(c.column_name, c.column_type)).map((c) => c.column_name);
	// A column that does not vary within a client-series has its clients counted over the grouped rows
	// (a fifth of the score rows or fewer), where every row has a score (else a client may have rows
	// and no score); others over the rows (at 50M score rows 7.7 s for them all).
	const fromGroups = Number(allRows) === Number(scoreRows) ? optionColumns.filter((c) => !varying.includes(c)) : [];
	const fromRows = optionColumns.filter((c) => !fromGroups.includes(c));
	const groupedValues = sql`(SELECT ${join([sql`client_id`, ...fromGroups.map((c) => sql`${grouping(c)} AS ${ident(c)}`)])} FROM ${grouped})`;
	const options = [...(fromGroups.length ? [optionsQuery(fromGroups, groupedValues)] : []), ...(fromRows.length ? [optionsQuery(fromRows, T)] : [])];
	const noOptions = sql`SELECT NULL::VARCHAR AS col, NULL::VARCHAR AS value, NULL::INTEGER AS clients WHERE false`;
	if (!known.reportOnly) await exec(sql`CREATE OR REPLACE TABLE ${summaryTable(names.options)} AS ${options.length ? join(options, sql` UNION ALL `) : noOptions}`);
	const attrs = attributes.map((c) => ident(c));
	const attrList = attrs.length ? sql`, ${join(attrs)}` : sql``;
	// Cells and clients are numbered in small tables of their distinct keys, joined back: a window over
	// the wide rows (lists of scores) sorted every row twice. Same numbers as dense_rank over the rows;
	// an attribute may be NULL, hence IS NOT DISTINCT FROM. The client-series rows are written once,
	// into `cs` (a table of them with their cells' attributes, which `cells` and `cs` were then copied
	// from, cost a second copy of the wide rows: 7 s at 50M score rows).
	const sameCell = join([sql`c.series = g.series`, ...attributes.map((a) => sql`c.${ident(a)} IS NOT DISTINCT FROM g.${grouping(a)}`)], sql` AND `);
	const named = join(attributes.map((a) => sql`, ${grouping(a)} AS ${ident(a)}`), sql``);
	await exec(sql`CREATE OR REPLACE TABLE ${summaryTable(names.cells)} AS
SELECT row_number() OVER (ORDER BY series${attrList})::INTEGER AS cell, * FROM (SELECT DISTINCT series${named} FROM ${grouped}) ORDER BY cell`);
	await exec(sql`CREATE OR REPLACE TABLE ${summaryTable(names.cs)} AS
WITH k AS (SELECT row_number() OVER (ORDER BY client_id)::INTEGER AS client_no, client_id FROM (SELECT DISTINCT client_id FROM ${grouped}))
SELECT c.cell, g.instrument, k.client_no, g.client_id, g.series, g.baseline, g.last_score, g.last_session, g.plan, g.plan_score, g.last_week, g.dose, g.sess, g.fu
FROM ${grouped} g JOIN ${ident(names.cells)} c ON ${sameCell} JOIN k ON k.client_id = g.client_id`);
	// `cs` holds all that follows needs of the grouping: dropped now, so what follows (the cube from cs'
	// lists, or joined to every score row: summary-cube.ts) runs with one copy of the wide client-series rows, not two.
	await exec(sql`DROP TABLE ${grouped}`);
	const cs = ident(names.cs);
	await exec(sql`CREATE OR REPLACE TABLE ${summaryTable(names.cellmax)} AS
SELECT cell, instrument, max(last_session) AS seen_max FROM ${cs} GROUP BY cell, instrument`);
	await buildCube(building, T, names, listsHoldEveryRow({ scores: Number(scoreRows), listed: Number(check.listed), followupSessions: Number(check.fu_sessions) }));
	await buildCellCounts(building, names, !known.reportOnly);
	const [counts] = await query<{ cells: number; cs: number; cube: number; mixed: number }>(sql`SELECT
  (SELECT count(*) FROM ${ident(names.cells)})::INTEGER AS cells,
  (SELECT count(*) FROM ${ident(names.cs)})::INTEGER AS cs,
  (SELECT count(*) FROM ${ident(names.cube)})::INTEGER AS cube,
  (SELECT count(*) FROM ${ident(names.mixed)})::INTEGER AS mixed`);
	const bits = await query<{ instrument: string }>(sql`SELECT DISTINCT instrument FROM ${ident(names.cs)} ORDER BY instrument`);
	const built: Summaries = { dataset, ...names, prebuilt: [], attributes: ['series', ...attributes], varying, optionColumns, problem, rows: { scores: Number(scoreRows), ...counts }, patternBits: bits.map((b) => b.instrument), buildMs: 0 };
	if (!known.reportOnly) built.prebuilt = await (await import('./summary-defaults')).buildDefaults(building, built);
	return { ...built, buildMs: performance.now() - t0 };
}

/** Drop a dataset's summary tables (the dataset was removed). */
export async function dropSummaries(conn: Connector, dataset: string): Promise<void> {
	for (const t of Object.values(summaryTables(dataset))) await conn.exec(sql`DROP TABLE IF EXISTS ${summaryTable(t)}`);
}

// Which summaries answer which metric (the registry, cohorts, the scope a metric reads) is summary-scope.ts.
export * from './summary-scope';
