/**
 * Cohort size under the filters: distinct clients and client-series (first series and boosters),
 * per instrument and over all instruments. The headline tiles read this; every other figure
 * has its own n.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { cellsCte } from './summary-read';
import type { SummaryScope } from './summaries';
import { ALL_GROUPS, prepare, type MetricOptions, type MetricResult } from './source';

/** Counts of one instrument, or of all instruments together (`instrument` = `(all)`). */
export interface CountRow {
	instrument: string;
	/** Distinct clients with at least one observed score. */
	clients: number;
	/** Distinct client-series (a booster series counts separately from the client's first). */
	series: number;
	/** Client-series that are a client's first series (series = 1). */
	first_series: number;
	/** Client-series that are boosters (series > 1). */
	booster_series: number;
}

/**
 * Clients and client-series with an observed score, per instrument plus an `(all)` row (a client
 * seen on two instruments counts once there). `groupBy` is ignored: the counts are cohort totals.
 */
export async function cohortCounts(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<CountRow>> {
	const p = await prepare(conn, { ...opts, groupBy: null });
	// Over every instrument, the counts of the dataset's cells are summed from their per-cell table
	// (summary-cells.ts `clients`) instead of counting distinct clients over every client-series.
	if (p.summary && !p.summary.cells && !p.summary.instruments) {
		const q = countsOverCells(p.summary);
		return { rows: await conn.query<CountRow>(q), sql: q, path: p.path };
	}
	// One statement for every instrument and the total. The distinct client-series per instrument are
	// found first (the summaries' `cs` table, or from the score rows), so the counts run over roughly
	// a tenth of the score rows.
	const q = p.summary
		? sql`WITH ${cellsCte(p.summary)},
c AS (SELECT instrument, client_no, series FROM ${ident(p.summary.summaries.cs)} JOIN sum_k USING (cell) WHERE ${p.summary.instrumentWhere})${countsOf(sql`c`, sql`client_no`)}`
		: sql`WITH cs AS (
  SELECT DISTINCT instrument, client_id, series FROM ${p.relation} WHERE ${p.where} AND score IS NOT NULL
)${countsOf(sql`cs`, sql`client_id`)}`;
	return { rows: await conn.query<CountRow>(q), sql: q, path: p.path };
}

/**
 * The counts of the cells `scope` keeps from the summaries' `clients` table (summary-cells.ts): the same
 * rows as `countsOf`. Clients counted in one cell are summed; those in several cells are counted once per
 * set of cells (`sig`) any of whose cells is kept.
 */
function countsOverCells(scope: SummaryScope): Sql {
	// Every kept row adds its counts to its instrument (a set of client-series pairs to `(all)`): the rows
	// of one cell (no `sig`) each once, a set once however many of its cells are kept. One aggregate
	// instead of one per kind joined back together.
	const all = sql`CAST(${ALL_GROUPS} AS VARCHAR)`;
	return sql`WITH ${cellsCte(scope)},
k AS (SELECT t.* FROM ${ident(scope.summaries.clients)} t JOIN sum_k USING (cell)),
summed AS (
  SELECT instrument, sum(clients) AS clients, sum(series_n) AS series, sum(first_n) AS first_series, sum(booster_n) AS booster_series
  FROM (
    SELECT instrument, clients, series_n, first_n, booster_n FROM k WHERE sig IS NULL
    UNION ALL
    SELECT DISTINCT ON (sig) instrument, clients, series_n, first_n, booster_n FROM k WHERE sig IS NOT NULL
  ) GROUP BY instrument
)
SELECT instrument, coalesce(clients, 0)::INTEGER AS clients, coalesce(series, 0)::INTEGER AS series,
  coalesce(first_series, 0)::INTEGER AS first_series, coalesce(booster_series, 0)::INTEGER AS booster_series
FROM (SELECT ${all} AS instrument) FULL JOIN summed USING (instrument)
ORDER BY instrument <> ${all}, instrument`;
}

/**
 * The counts over `series`' client-series (columns instrument, `client`, series; each client-series
 * at most once per instrument, as both callers build it). Per instrument the client-series are
 * then its rows, counted plainly; the `(all)` row counts the distinct (client, series) pairs. Only
 * `count(DISTINCT client)` remains: DISTINCT over (client, series) tuples was the slow part at 1M rows.
 * The total's label is cast: a parameter whose place gives it no type leaves the prepared statement
 * to be bound and planned again at every run (half the statement's CPU time at 100k score rows in
 * duckdb-wasm's Node build, 10.0 -> 4.9 ms).
 */
function countsOf(series: Sql, client: Sql): Sql {
	const counted = sql`count(DISTINCT ${client})::INTEGER AS clients, count(*)::INTEGER AS series,
    count(*) FILTER (WHERE series = 1)::INTEGER AS first_series, count(*) FILTER (WHERE series > 1)::INTEGER AS booster_series`;
	return sql`, per_instrument AS (SELECT 1 AS k, instrument, ${counted} FROM ${series} GROUP BY instrument),
pairs AS (SELECT DISTINCT ${client}, series FROM ${series}),
total AS (SELECT 0 AS k, CAST(${ALL_GROUPS} AS VARCHAR) AS instrument, ${counted} FROM pairs)
SELECT instrument, clients, series, first_series, booster_series FROM (SELECT * FROM total UNION ALL SELECT * FROM per_instrument)
ORDER BY k, instrument`;
}
