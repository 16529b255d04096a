/**
 * ENUM storage for the imported table's text columns of few values (TextStorage 'enum'): route,
 * instrument and phase, whose values are the model's own lists, and the attributes stored as their
 * cell's text (site, sex, …), whose values are the file's distinct texts. DuckDB stores a text value
 * at a cost per value and an ENUM as a small integer: at 5M rows of Parquet on native DuckDB, writing
 * those seven columns took 4.1 s as VARCHAR and 1.3 s as ENUMs, the casts included (2026-12-07).
 *
 * Each type is made from a table of its values (bound, never SQL text) in sorted order, so the column
 * sorts, compares and takes min/max as the VARCHAR would; a value compared with a text parameter is
 * compared as text. Types are dropped once the table is written: its columns keep their values.
 */
import { INSTRUMENT_IDS } from '../../instruments/definitions';
import { PHASES, ROUTES } from '../../model/schema';
import type { Connector } from '../../engine/connector';
import { ident, join, sql, type Sql } from '../../engine/sql';
import { createDictionary, type Texts } from './dict';

/**
 * How the imported table stores route, instrument, phase and the plain text attributes: as VARCHAR or
 * ENUM. The app keeps VARCHAR: in duckdb-wasm at 1M rows of the benchmark's CSV the seven columns took
 * 1.1–1.3 s to write as text and 0.5 s as ENUMs, of an import of about 14 s (2026-12-07, the test suite
 * running beside it), not measured through the app's pages and kept datasets, which would then hold ENUMs.
 */
export type TextStorage = 'text' | 'enum';

/** An attribute with more distinct texts than this stays VARCHAR (a free-text column is no category). */
export const ENUM_MAX_VALUES = 10_000;

/** The values a lookup gives these columns (lookups.ts: routeOf, instrumentOf, phaseOf, or null). */
const CLOSED: Record<string, readonly string[]> = { route: ROUTES, instrument: INSTRUMENT_IDS, phase: PHASES };

export interface CategoryInput {
	conn: Connector;
	/** This import's prefix for the names of its work tables and types. */
	prefix: string;
	/** The plain text attributes: target column and source column. */
	plain: { target: string; idx: number }[];
	/** Distinct texts per source column, as the byte scan collected them (null or missing: not collected). */
	scanned?: (string[] | null)[];
	/** The reader's relation, its records filter and a source column's cell. */
	reader: Sql;
	keep: Sql;
	cell: (idx: number) => Sql;
	/** Texts that the import cleans (dict.ts Texts.fixes): the stored value is the cleaned one. */
	fixes: Texts['fixes'];
}

/**
 * Create an ENUM type per column stored as one; returns each column's type. The caller drops
 * `types` once the table is written (and on failure).
 */
export async function categoryTypes(input: CategoryInput, types: Sql[]): Promise<Map<string, Sql>> {
	const { conn, prefix, plain } = input;
	const values = new Map<string, readonly string[]>(Object.entries(CLOSED));
	const listed = await distinctTexts(input);
	for (const { target, idx } of plain) {
		const texts = listed.get(idx);
		if (!texts) continue;
		const fix = new Map(input.fixes.get(idx) ?? []);
		const stored = new Set(texts.map((t) => (fix.has(t) ? fix.get(t)! : t)).filter((t): t is string => t !== null));
		if (stored.size) values.set(target, [...stored]);
	}
	const out = new Map<string, Sql>();
	let j = 0;
	for (const [column, vals] of values) {
		const table = `${prefix}_enum_values_${j}`;
		const type = ident(`${prefix}_enum_${j++}`);
		await createDictionary(conn, table, { v: { type: 'text', values: [...vals] } });
		types.push(type);
		try {
			await conn.exec(sql`CREATE TYPE ${type} AS ENUM (SELECT v FROM ${ident(table)} WHERE v IS NOT NULL ORDER BY v)`);
		} finally {
			await conn.exec(sql`DROP TABLE IF EXISTS ${ident(table)}`);
		}
		out.set(column, type);
	}
	return out;
}

/** Each plain attribute's distinct texts as read (up to ENUM_MAX_VALUES; more: left out), from the scan where it has them, else one read. */
async function distinctTexts({ conn, plain, scanned, reader, keep, cell }: CategoryInput): Promise<Map<number, string[]>> {
	const out = new Map<number, string[]>();
	const unread: number[] = [];
	for (const { idx } of plain) {
		const t = scanned?.[idx];
		if (t) {
			if (t.length <= ENUM_MAX_VALUES) out.set(idx, t);
		} else unread.push(idx);
	}
	if (!unread.length) return out;
	// One read for them all (a list per column, unnested to rows: lists do not come back as values). The
	// list may hold NULL: one more entry than the cap is kept so that a column past it is seen as such.
	const col = (k: number) => ident(`l${k}`);
	const rows = await conn.query<{ k: number; t: string | null }>(
		sql`WITH s AS MATERIALIZED (SELECT ${join(unread.map((i, k) => sql`list(DISTINCT ${cell(i)})[1:${ENUM_MAX_VALUES + 2}] AS ${col(k)}`))} FROM ${reader} WHERE ${keep})
			${join(unread.map((_, k) => sql`SELECT ${k}::INTEGER AS k, unnest(${col(k)}) AS t FROM s`), sql` UNION ALL `)}`
	);
	const lists = unread.map(() => [] as string[]);
	for (const r of rows) if (r.t !== null) lists[r.k].push(r.t);
	unread.forEach((i, k) => {
		if (lists[k].length <= ENUM_MAX_VALUES) out.set(i, lists[k]);
	});
	return out;
}

/** Drop `types` (emptied): a table written with one keeps its values. */
export async function dropTypes(conn: Connector, types: Sql[]): Promise<void> {
	if (types.length) await conn.exec(join(types.splice(0).map((t) => sql`DROP TYPE IF EXISTS ${t}`), sql`; `));
}
