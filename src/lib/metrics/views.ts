/**
 * The relations every page and the CLI read, created over one dataset's tables:
 *
 *   scores          outcome-instrument score rows (what response, remission, trajectories … read)
 *   acute_scores    safety and experience instrument rows (CADSS, MEQ-30, EBI) at dosing sessions
 *   dosing_sessions session records (model/sessions.ts), empty when the dataset has none
 *   safety_sessions dosing_sessions with the client-series attributes of the scores (site, age
 *                   band, sex, diagnosis) and the dose band, for grouping and the filters of `/`
 *
 * Instrument kinds and dose bands live in small tables filled with bound parameters (DuckDB cannot
 * prepare a view with parameters), so the views name no value.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import { INSTRUMENT_IDS, INSTRUMENTS } from '../instruments/definitions';
import { SESSION_COLUMNS, SESSION_SQL_TYPES } from '../model/sessions';
import { DOSE_BANDS } from './safety-definitions';

const TYPE: Record<string, Sql> = { VARCHAR: sql`VARCHAR`, INTEGER: sql`INTEGER`, DOUBLE: sql`DOUBLE` };
/** Client-series attributes copied from the scores onto session records when the scores have them. */
const ATTRIBUTES = ['site', 'age_band', 'sex', 'diagnosis'];

/** The outcome-instrument rows of a scores relation: what the `scores` view holds (reads `instrument_kinds`). */
export function outcomeScores(t: Sql): Sql {
	return sql`SELECT * FROM ${t} WHERE instrument IN (SELECT instrument FROM instrument_kinds WHERE kind = 'outcome')`;
}

/**
 * Make (or replace) the tables the views read that hold no dataset's rows: the instruments' kinds, the
 * dose bands and the empty session records of a dataset without any. They never change, so a caller
 * that keeps one engine may make them once, ahead of time, and hand the promise to each
 * createDatasetViews: the app starts them as soon as its engine is open, so the engine's worker makes
 * them while the kept dataset is read from the browser's storage and checked (a 1M reload spent ~150
 * ms on them after that read, 2026-12-05).
 */
export async function createFixedTables(conn: Connector): Promise<void> {
	await conn.exec(sql`CREATE OR REPLACE TABLE instrument_kinds (instrument VARCHAR, kind VARCHAR)`);
	const rows = join(INSTRUMENT_IDS.map((id) => sql`(${id}, ${INSTRUMENTS[id].kind})`));
	await conn.exec(sql`INSERT INTO instrument_kinds VALUES ${rows}`);
	const cols = join(SESSION_COLUMNS.map((c) => sql`${ident(c)} ${TYPE[SESSION_SQL_TYPES[c]]}`));
	await conn.exec(sql`CREATE OR REPLACE TABLE no_dosing_sessions (${cols})`);
	// Views cannot hold bound parameters, so the bands are a table too (the last band's bound is open).
	await conn.exec(sql`CREATE OR REPLACE TABLE dose_bands (upper DOUBLE, label VARCHAR)`);
	await conn.exec(sql`INSERT INTO dose_bands VALUES ${join(DOSE_BANDS.map((b) => sql`(${Number.isFinite(b.max) ? b.max : 1e12}, ${b.label})`))}`);
}

/**
 * Create (or replace) the views over `scoresTable` (a table name, or a relation such as an attached
 * kept file's table) and, when given, `sessionsTable` (the same). `fixed`: createFixedTables already
 * started on this connector, and its tables not dropped since; without it, or when it failed, they are
 * made here.
 */
export async function createDatasetViews(conn: Connector, scoresTable: string | Sql, sessionsTable: string | Sql | null, fixed?: Promise<void>): Promise<void> {
	await (fixed ? fixed.catch(() => createFixedTables(conn)) : createFixedTables(conn));
	const t = typeof scoresTable === 'string' ? ident(scoresTable) : scoresTable;
	await conn.exec(sql`CREATE OR REPLACE VIEW scores AS ${outcomeScores(t)}`);
	await conn.exec(sql`CREATE OR REPLACE VIEW acute_scores AS SELECT * FROM ${t} WHERE instrument IN (SELECT instrument FROM instrument_kinds WHERE kind <> 'outcome')`);
	const sessions = sessionsTable === null ? sql`no_dosing_sessions` : typeof sessionsTable === 'string' ? ident(sessionsTable) : sessionsTable;
	await conn.exec(sql`CREATE OR REPLACE VIEW dosing_sessions AS SELECT * FROM ${sessions}`);

	const have = new Set((await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${t}`)).map((r) => r.column_name));
	const attrs = ATTRIBUTES.filter((a) => have.has(a));
	// One grouping of the score rows per client-series gives both the route and dose a record lacks and
	// the attributes. It was two: a grouped count over the view on the demo took 13–20 ms instead of
	// 11–12 (duckdb-wasm's Node build, warm, 2026-12-05).
	const pick = join(attrs.map((a) => sql`, any_value(${ident(a)}) AS ${ident(a)}`), sql``);
	const fromA = join(attrs.map((a) => sql`, a.${ident(a)}`), sql``);
	const last = join(attrs.map((a) => sql`, d.${ident(a)}`), sql``); // after dose_band, where they have always been
	const exclude = join([sql`dose`, ...attrs.map((a) => ident(a))]);
	await conn.exec(sql`CREATE OR REPLACE VIEW safety_sessions AS
SELECT d.* EXCLUDE (${exclude}), (SELECT label FROM dose_bands b WHERE d.dose < b.upper ORDER BY b.upper LIMIT 1) AS dose_band${last}
FROM (SELECT s.* EXCLUDE (route, dose_mg), coalesce(s.route, a.route) AS route, coalesce(s.dose_mg, a.dose_mg) AS dose_mg, coalesce(s.dose_mg, a.dose_mg) AS dose${fromA}
        FROM dosing_sessions s
        LEFT JOIN (SELECT client_id, series, any_value(route) AS route, any_value(dose_mg) AS dose_mg${pick} FROM ${t} GROUP BY client_id, series) a
          USING (client_id, series)) d`);
}
