/**
 * Import a prepared delimited file (or, on native DuckDB, a Parquet file: source.ts) through DuckDB:
 * its own reader's relation of the cells the mapping uses, all text, as read, read again where needed
 * rather than copied into a table (each distinct text is cleaned once, in JavaScript, not each cell in SQL; see `Cells`); one SELECT per measure
 * (records.ts) written once into `table` (the rejected records deleted after), duplicates by a window, whole-table warnings by GROUP BY. Only the rejected
 * records and the warned rows come back to JavaScript, to be worded with their source lines: no
 * parsed row is ever a JavaScript object. Same report as `applyMapping` on the same file and mapping.
 */
import { CANONICAL_COLUMNS, CANONICAL_SQL_TYPES } from '../../model/schema';
import type { Connector } from '../../engine/connector';
import { ident, join, sql, type Sql } from '../../engine/sql';
import type { Mapping } from '../mapping';
import { resolveMapping } from '../resolve';
import type { ImportReport } from '../types';
import { createDictionary, readTexts, scannedTexts, UseJavaScript, type Texts } from './dict';
import { Dictionaries, type Cells } from './lookups';
import { answerlessItemColumns, item } from './items';
import type { PreparedCsv } from './prepare';
import { csvSource, type RawSource } from './source';
import { CODES, createDefinitions, isPlain, ITEM_CODE, lookedUpColumns, measureSelect, plainColumns, sharedLookups } from './records';
import { cellText } from '../values';
import { categoryTypes, dropTypes, type TextStorage } from './categories';
import { clientCuts, clientRange } from '../../metrics/client-ranges';
import { jumpWarnings, rowWarnings, tableWarnings, type TableWarnings } from './warnings';
import type { InstrumentId } from '../../instruments/definitions';

export interface EngineImport {
	report: ImportReport;
	extraColumns: string[];
	mapping: Mapping;
	unknownLabels: { column: string; values: string[] }[];
	/** The table holding the accepted rows (canonical columns, then the extra ones). */
	table: string;
}

let imports = 0;

/** The work columns of the target table while the import checks its records (see importRawSource), dropped before it returns. */
const WORK_COLUMNS = ['ord', 'mi', 'code', 'reason', 'label', 'item_err_k', 'item_err_raw', 'score_said', 'incomplete'].map((c) => `kap_import_${c}`);

/**
 * Run the import of `csv` with `mapping` into a new table `table` (replaced if present). Throws
 * ImportError like `applyMapping` when the mapping names a missing column; throws UseJavaScript when
 * the file or mapping needs the JavaScript path (nothing is left behind then).
 */
export function importPreparedCsv(conn: Connector, csv: PreparedCsv, mapping: Mapping, table: string, sliceRecords?: number, wanted: Wanted = {}): Promise<EngineImport> {
	return importRawSource(conn, csvSource(csv, sliceRecords), mapping, table, wanted);
}

/**
 * Whether the table keeps each record's item answers (`item_1`, …): 'drop' leaves those columns out of
 * the table, for a caller that reads no answer (the command line has no client page). The answers are
 * read, checked, prorated and summed into the score either way, so the report and the scores are the
 * same. At 5M rows of Parquet on native DuckDB, `report` took 27.2–28.1 s keeping them and 24.4–25.0 s
 * with the columns written empty (2026-12-06 morning); leaving the 30 empty columns out took the
 * validating statement from 8.0–9.4 to 6.6–6.8 s (2026-12-06 23:00).
 */
export type ItemAnswers = 'keep' | 'drop';

/**
 * Whether the import words its warnings (implausible jumps, a client without a baseline, a series
 * without sessions, items against the total, REDCap Incomplete): 'none' leaves `report.warnings` empty,
 * for a caller that shows none (the command line's `report` and `bundle`; `validate` and the app show
 * them). What is accepted and rejected is the same either way: exact duplicates are still found and
 * rejected (mayHaveDuplicates). At 50M rows of Parquet on native DuckDB the warnings' statements took
 * about 40 s of a 4 min `report` (the jump window alone 29 s; 2026-12-06).
 */
export type ImportWarnings = 'all' | 'none';

/** What an import keeps beyond the accepted records; by default everything (the app's import). */
export interface Wanted {
	items?: ItemAnswers;
	warnings?: ImportWarnings;
	texts?: TextStorage;
}

/** The import of any `RawSource` (a delimited file's bytes, or a Parquet file on native DuckDB); see importPreparedCsv. */
export async function importRawSource(conn: Connector, csv: RawSource, mapping: Mapping, table: string, wanted: Wanted = {}): Promise<EngineImport> {
	const { items = 'keep', warnings: worded = 'all', texts: storage = 'text' } = wanted;
	const { ctx, identifiers, warnings, clientIdx, series, route, measures, attrs, extraColumns } = resolveMapping(csv.head, mapping);
	if (attrs.some((a) => a.start || a.byClient)) throw new UseJavaScript('the mapping fills values per client (by_client or relative days)');
	for (const s of [series, route, ...measures.flatMap((m) => [m.instrument, m.phase, m.session, m.week])])
		if (s.kind === 'box' || (s.kind === 'col' && s.byClient)) throw new UseJavaScript('the mapping fills values per client (by_client or REDCap checkboxes)');
	if (measures.some((m) => m.timepoint?.instanceIdx != null)) throw new UseJavaScript('the mapping takes timepoints from REDCap repeat instances');

	const prefix = `imp_${Date.now().toString(36)}_${imports++}`;
	const made: Sql[] = [];
	// ENUM types (TextStorage 'enum'), dropped once the table is written or the import fails.
	const types: Sql[] = [];
	const t = (name: string) => ident(`${prefix}_${name}`);
	const create = async (name: string, as: Sql) => {
		made.push(t(name));
		await conn.exec(sql`CREATE TABLE ${t(name)} AS ${as}`);
	};
	// The target while it holds every record and the work columns: dropped if the import fails.
	let created: Sql | null = null;
	try {
		const parts = await csv.open(conn, prefix);
		const reader = parts.length === 1 ? parts[0] : sql`(${join(parts.map((p) => sql`SELECT * FROM ${p}`), sql` UNION ALL `)})`;
		const rawCol = (i: number) => ident(`c${i}`);
		const lookedUp = lookedUpColumns(route, series, measures, attrs);
		const plain = plainColumns(clientIdx, measures, attrs);
		// Cells as read: no per-cell trim or missing-marker test (see `Cells` in lookups.ts).
		let used = [...new Set([...lookedUp, ...plain])].sort((a, b) => a - b);
		const r = (i: number) => ident(`r${i}`);
		// The records are read from the reader each time they are needed, never copied into a table: at
		// 1M rows of the benchmark's 45-column CSV a table of every cell as text cost 8.6 s of CPU in
		// duckdb-wasm's Node build (3.7 s of it compressing the text), a read of the file 1.8 s, and the
		// import reads it once per measure, and once for its texts (readTexts) unless the byte scan collected them. (Not a view: a view's statement cannot bind the
		// file's path as a parameter.) The header and the records with no text (which the JavaScript
		// reader drops; the line scan found them) are left out by `keep`.
		if (csv.blank.length) {
			made.push(t('blank'));
			await createDictionary(conn, `${prefix}_blank`, { ord: { type: 'int', values: csv.blank } });
		}
		const first = csv.header ? 1 : 0;
		const keep = sql`ord >= ${first}${csv.blank.length ? sql` AND ord NOT IN (SELECT ord FROM ${t('blank')})` : sql``}`;
		// A source's numeric columns come as numbers too (`n<i>`), for the dictionaries to join on, and as
		// stored (`o<i>`), to be made text only where a statement needs the text (a rejected item).
		let numeric = used.filter((i) => lookedUp.has(i) && csv.numeric?.has(i));
		const cellsOf = (from: Sql) => sql`(SELECT ord, ${join([...used.map((i) => sql`${rawCol(i)} AS ${r(i)}`), ...numeric.flatMap((i) => [ident(`n${i}`), ident(`o${i}`)])])} FROM ${from} WHERE ${keep})`;
		const values = new Map(numeric.map((i) => [i, { stored: ident(`o${i}`), double: !!csv.doubles?.has(i) }]));
		// The texts the dictionaries need: from the byte scan where it collected them (no read of the file), else read here.
		const scanned = csv.texts && scannedTexts(csv.texts, csv.records, lookedUp, plain, ctx.missing);
		let texts: Texts;
		try {
			texts = scanned || await readTexts(conn, reader, keep, new Map([...lookedUp].map((i) => [i, rawCol(i)])), new Map([...plain].map((i) => [i, rawCol(i)])), ctx.missing, csv.columnar, values);
		} catch (e) {
			if (e instanceof UseJavaScript) throw e;
			throw new UseJavaScript(`DuckDB's reader refused the file (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
		}
		const { n, distinct, fixes } = texts;
		if (n !== csv.records) throw new UseJavaScript(`DuckDB read ${n} records, the line scan ${csv.records}`);
		// Item columns with no answer anywhere are not read again (records.ts leaves them out): 9 of the 30 of
		// the benchmark's CSV, and without them its validating statement was ~4 % faster at 1M rows
		// (duckdb-wasm's Node build, warm).
		const notItems = new Set([...lookedUpColumns(route, series, measures.map((m) => ({ ...m, items: [] })), attrs), ...plain]);
		const answerless = new Set(answerlessItemColumns(measures, notItems, distinct, ctx.missing));
		used = used.filter((i) => !answerless.has(i));
		numeric = numeric.filter((i) => !answerless.has(i));

		const fixed = [...plain].filter((i) => fixes.get(i)!.length);
		// What the target is written from, a statement each: the reader's slices (source.ts), or (rare) the
		// table of cleaned cells, whole.
		let writes = parts.map(cellsOf);
		if (fixed.length) {
			// Rare: a plain column with padded or missing-coded texts gets a cleaned twin `t<i>`.
			const rows = fixed.flatMap((i) => fixes.get(i)!.map(([k, v]) => ({ i, k, v })));
			made.push(t('fix'));
			await createDictionary(conn, `${prefix}_fix`, { i: { type: 'int', values: rows.map((x) => x.i) }, k: { type: 'text', values: rows.map((x) => x.k) }, v: { type: 'text', values: rows.map((x) => x.v) } });
			const f = (i: number) => ident(`f${i}`);
			await create('clean', sql`SELECT c.*, ${join(fixed.map((i) => sql`CASE WHEN ${f(i)}.k IS NULL THEN c.${r(i)} ELSE ${f(i)}.v END AS ${ident(`t${i}`)}`))}
				FROM ${cellsOf(reader)} c ${join(fixed.map((i) => sql`LEFT JOIN ${t('fix')} ${f(i)} ON ${f(i)}.i = ${i} AND ${f(i)}.k = c.${r(i)}`), sql` `)}`);
			writes = [t('clean')];
		}
		// The measures' SELECTs over one relation of cells. Built again for each slice: the same lookups
		// in the same order give the same dictionary (its entries are numbered as they are added).
		const selectsOf = (from: Sql) => {
			const dict = new Dictionaries(`${prefix}_dict`, distinct, ctx.missing);
			const cells: Cells = {
				conn,
				from,
				dict,
				raw: (i) => sql`c.${r(i)}`,
				number: (i) => (numeric.includes(i) ? sql`c.${ident(`n${i}`)}` : null),
				stored: (i) => (numeric.includes(i) ? sql`c.${ident(`o${i}`)}` : null),
				text: (i) => (fixed.includes(i) ? sql`c.${ident(`t${i}`)}` : sql`c.${r(i)}`)
			};
			const shared = sharedLookups(cells, ctx, clientIdx, route, series, attrs);
			return { dict, selects: measures.map((m, mi) => measureSelect(shared, m, mi)) };
		};
		const { dict, selects } = selectsOf(writes[0]);
		made.push(t('dict'), t('defs'));
		await dict.create(conn);
		await createDefinitions(conn, `${prefix}_defs`);
		const M = measures.length;
		// Every record, accepted or not, is written once, into the target table: its canonical columns
		// (in source order) and after them the work columns (WORK_COLUMNS) the checks below read; the
		// rejected records are then deleted, if there are any, and the work columns dropped. (Written into
		// a table of records first and the accepted ones copied into the target, the import wrote every
		// accepted record twice: at 1M rows of the benchmark's CSV, duckdb-wasm's Node build, the records
		// table took 10.8 s of CPU and the copy 2.6 s.)
		const byTarget = new Map(attrs.map((a, j) => [a.target, sql`${ident(`a_${j}`)}`]));
		// A rejected record's session may be any number (cast only where the rules accepted it).
		const expr: Record<string, Sql> = { score: sql`CASE WHEN item_total IS NOT NULL THEN item_total ELSE score_num END`, session: sql`CASE WHEN code IS NULL THEN session END` };
		const columns = [...CANONICAL_COLUMNS.filter((c) => items === 'keep' || !c.startsWith('item_')), ...extraColumns];
		if (columns.some((c) => WORK_COLUMNS.includes(c))) throw new UseJavaScript('a column named like one of the import\'s work columns');
		const enums = storage === 'enum'
			? await categoryTypes({ conn, prefix, plain: attrs.filter((a) => isPlain(a) && columns.includes(a.target)).map((a) => ({ target: a.target, idx: a.idx })), scanned: csv.texts, reader, keep, cell: rawCol, fixes }, types)
			: new Map<string, Sql>();
		const out = columns.map((c) => {
			// item columns are in `columns` only when kept (above)
			const kept = ['client_id', 'series', 'route', 'instrument', 'phase', 'week', 'prorated'].includes(c) || c.startsWith('item_');
			const e = expr[c] ?? byTarget.get(c) ?? (kept ? ident(c) : sql`NULL`);
			return sql`CAST(${e} AS ${enums.get(c) ?? typeOf(CANONICAL_SQL_TYPES[c] ?? 'VARCHAR')}) AS ${ident(c)}`;
		});
		// The total column's value where the items' total overrides a different one (a warning): null for nearly every record.
		const said = sql`CASE WHEN item_total IS NOT NULL AND score_num IS NOT NULL AND score_num <> item_total THEN score_num END`;
		const work = [sql`ord`, sql`mi`, sql`code`, sql`reason`, sql`label`, sql`item_err_k`, sql`item_err_raw`, said, sql`incomplete`].map((e, i) => sql`${e} AS ${ident(WORK_COLUMNS[i])}`);
		const target = ident(table);
		await conn.exec(sql`DROP TABLE IF EXISTS ${target}`);
		created = target;
		// One measure read without joins gives its records in source order, which DuckDB's order
		// preservation keeps: no sort (at 5M rows of Parquet on native DuckDB the sort was a fifth of the import).
		// A slice's records follow the previous slice's (in `ord`), so the table is in order as a whole.
		const ordered = M === 1 && !selects[0].joined;
		const recordsOf = (x: { select: Sql }[]) => sql`SELECT ${join([...out, ...work])} FROM (${join(x.map((y) => y.select), sql` UNION ALL BY NAME `)})${ordered ? sql`` : sql` ORDER BY ord, mi`}`;
		// A statement per slice, each committed (so compressed) before the next: see source.ts SLICE_RECORDS.
		// With the texts from the scan these are DuckDB's first reads of the file: a refusal sends it to JavaScript, as above.
		const write = (q: Sql) => conn.exec(q).catch((e) => {
			throw scanned ? new UseJavaScript(`DuckDB's reader refused the file (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`) : e;
		});
		await write(sql`CREATE TABLE ${target} AS ${recordsOf(selects)}`);
		for (const from of writes.slice(1)) await write(sql`INSERT INTO ${target} ${recordsOf(selectsOf(from).selects)}`);
		await dropTypes(conn, types);
		const w = (c: string) => ident(`kap_import_${c}`);
		const rec = sql`(SELECT ${join(['ord', 'mi', 'code', 'reason', 'label', 'item_err_k', 'item_err_raw', 'score_said', 'incomplete'].map((c) => sql`${w(c)} AS ${ident(c)}`))},
			client_id, series, instrument, phase, session, week, score, prorated FROM ${target})`;
		const acc = sql`(SELECT *, ord * ${M} + mi AS seq FROM ${rec} WHERE code IS NULL)`;
		const defs = t('defs');
		// The whole-table warnings first, over every record the rules accepted: their jump window also
		// says whether two records may share a timepoint (warnings.ts TableWarnings), so an import that
		// words warnings needs no separate test; one that words none asks mayHaveDuplicates (a distinct
		// count of the key's hash per range of client id, 5.6 s at 50M rows, where the window took 29 s). Only then are
		// exact duplicates looked for, by a window over the key columns only: `dup` keeps the second and
		// later records of a key, a few rows.
		const key = sql`client_id, series, instrument, phase, session, week`;
		let whole: TableWarnings | null = null;
		if (worded === 'all') {
			made.push(t('groups'));
			whole = await tableWarnings(conn, acc, defs, t('groups'), csv.lineOf);
		}
		let dups = false;
		if (whole ? whole.maybeDuplicates : await mayHaveDuplicates(conn, rec, key, n)) {
			await create('dup', sql`SELECT ord, mi, rn, first_ord FROM (
				SELECT ord, mi, row_number() OVER w AS rn, first_value(ord) OVER w AS first_ord
				FROM ${rec} WHERE code IS NULL WINDOW w AS (PARTITION BY ${key} ORDER BY ord, mi)) WHERE rn > 1`);
			const [{ found }] = await conn.query<{ found: number }>(sql`SELECT count(*)::INTEGER AS found FROM ${t('dup')}`);
			dups = found > 0;
		}
		if (dups) {
			// Duplicates get code 0, so the accepted records are a filter, not a join each time they are read
			// (the warnings and the counts read them five times). A duplicate may have made a jump: asked again.
			await conn.exec(sql`UPDATE ${target} AS r SET ${w('code')} = 0 FROM ${t('dup')} d WHERE r.${w('ord')} = d.ord AND r.${w('mi')} = d.mi`);
			if (whole) whole.jumps = await jumpWarnings(conn, acc, defs, t('groups'), csv.lineOf);
		}

		// One scan for the counts. With one measure a source record has at most one record, so the records
		// with a value are the records: no distinct count of `ord` (1.4 s of CPU at 5M rows on native DuckDB).
		const ok = sql`FILTER (WHERE code IS NULL)`;
		const [counts] = await conn.query<{ measured: number; rows_with: number; clients: number; instruments: string | null; accepted: number }>(sql`
			SELECT count(*)::INTEGER AS measured, ${M === 1 ? sql`count(*)` : sql`count(DISTINCT ord)`}::INTEGER AS rows_with,
			       count(DISTINCT client_id) ${ok}::INTEGER AS clients, string_agg(DISTINCT instrument, ',' ORDER BY instrument) ${ok} AS instruments,
			       count(*) ${ok}::INTEGER AS accepted FROM ${rec}`);
		// Rejections: rule failures, duplicates, and rows with no value for any measure: the source's
		// records with no record written (each measure's SELECT keeps the rows with a value for it), found
		// without reading the source again, and looked for only when some are missing (at 5M rows the
		// search cost 2 s of CPU where every row had a record).
		const missed = counts.rows_with < n - first - csv.blank.length;
		const rejected = await conn.query<{ ord: number; mi: number; code: number; reason: string | null; label: string | null; k: number | null; raw: string | null; instrument: string | null; first_ord: number | null }>(sql`
			SELECT ord, mi, code, reason, label, item_err_k AS k, item_err_raw AS raw, instrument, NULL AS first_ord FROM ${rec} WHERE code <> 0
			${dups ? sql`UNION ALL SELECT ord, mi, 0, NULL, NULL, NULL, NULL, NULL, first_ord FROM ${t('dup')}` : sql``}
			${missed ? sql`UNION ALL SELECT ord, ${M}, 19, 'no score: the row has no total and no item answers', NULL, NULL, NULL, NULL, NULL
				FROM (SELECT range AS ord FROM range(${first}::BIGINT, ${n}::BIGINT)) s WHERE ${keep} AND NOT EXISTS (SELECT 1 FROM ${target} x WHERE x.${w('ord')} = s.ord)` : sql``}
			ORDER BY ord, mi`);
		const errors: ImportReport['errors'] = [];
		const unknown = new Map<string, Set<string>>();
		const firstValueColumn = measures[0].score?.column ?? measures[0].items.find((i) => i)?.column ?? null;
		for (const r of rejected) {
			const line = csv.lineOf(r.ord);
			if (r.code === 0) {
				errors.push({ line, column: null, reason: `exact duplicate of line ${csv.lineOf(r.first_ord!)} (same client, series, instrument, phase, session, week)` });
				continue;
			}
			if (r.mi === M) {
				errors.push({ line, column: firstValueColumn, reason: r.reason! });
				continue;
			}
			const column = CODES[r.code](measures[r.mi], mapping.client_id, route, series, r.k);
			// A rejected item is worded here, from its cell, by the function that rejected it (itemValue).
			const reason = r.code === ITEM_CODE ? item(r.k!)(cellText(r.raw, ctx.missing), r.instrument as InstrumentId).err! : r.reason!;
			errors.push({ line, column, reason });
			if (column !== null && r.label !== null) {
				if (!unknown.has(column)) unknown.set(column, new Set());
				unknown.get(column)!.add(r.label);
			}
		}

		// Pushed one by one: spread as arguments, 200,000 warnings overflowed the call stack. Without the
		// warnings wanted, the mapping's own (resolveMapping's, about the columns) are not wanted either.
		if (whole) {
			for (const x of await rowWarnings(conn, acc, defs, csv.lineOf)) warnings.push(x);
			for (const x of whole.groups) warnings.push(x);
			for (const x of whole.jumps) warnings.push(x);
		} else warnings.length = 0;
		// The target keeps the accepted records alone, and its canonical columns alone.
		if (rejected.some((r) => r.mi < M)) await conn.exec(sql`DELETE FROM ${target} WHERE ${w('code')} IS NOT NULL`);
		await conn.exec(join(WORK_COLUMNS.map((c) => sql`ALTER TABLE ${target} DROP COLUMN ${ident(c)}`), sql`; `));
		created = null;
		const noScore = rejected.filter((r) => r.mi === M).length;
		const report: ImportReport = {
			rows_read: counts.measured + noScore,
			rows_accepted: counts.accepted,
			rows_rejected: errors.length,
			errors,
			warnings,
			identifier_columns: identifiers,
			clients: counts.clients,
			instruments: counts.instruments ? counts.instruments.split(',') : [],
			format: csv.format,
			source_rows: n - first - csv.blank.length,
			empty_cells_skipped: counts.rows_with * M - counts.measured
		};
		const unknownLabels = [...unknown].map(([column, values]) => ({ column, values: [...values].sort() }));
		return { report, extraColumns, mapping, unknownLabels, table };
	} finally {
		if (created) await conn.exec(sql`DROP TABLE IF EXISTS ${created}`);
		if (made.length) await conn.exec(join(made.map((name) => sql`DROP TABLE IF EXISTS ${name}`), sql`; `));
		await dropTypes(conn, types);
		await csv.close(conn, prefix);
	}
}

/**
 * Whether two accepted records of `rec` (of about `records` rows) may have the same `key` (an exact
 * duplicate), without the warnings' jump window: fewer distinct hashes of the key than records. Equal
 * keys hash alike (NULLs included, as the duplicates' window groups them), so false means there is
 * none; true may also be two keys with one hash, which the window that follows then finds are not
 * duplicates. The key holds the client, so past DUPLICATE_PART_ROWS the test runs per range of client
 * id (client-ranges.ts): a distinct count's hash table grows with its rows and costs more per row as it
 * does. Over 50M accepted rows on native DuckDB (2026-12-07): one count 11.7–14.4 s; in six ranges 5.9–7.2 s
 * (a copy of the table); in `report`, five ranges 4.7 s and the sample placing them 0.9 s. The warnings'
 * jump window that also answers it took 29 s.
 */
export async function mayHaveDuplicates(conn: Connector, rec: Sql, key: Sql, records: number, partRows = DUPLICATE_PART_ROWS): Promise<boolean> {
	const cuts = await clientCuts((q) => conn.query(q), rec, sql`code IS NULL`, Math.ceil(records / partRows));
	for (let i = 0; i <= cuts.length; i++) {
		const [{ maybe }] = await conn.query<{ maybe: boolean }>(sql`SELECT count(*) <> count(DISTINCT hash(${key})) AS maybe FROM ${rec} WHERE code IS NULL AND ${clientRange(cuts, i)}`);
		if (maybe) return true;
	}
	return false;
}

/** Records per range of the duplicate test (mayHaveDuplicates): at 5M one count took 0.6–0.9 s. */
const DUPLICATE_PART_ROWS = 10_000_000;

const TYPES: Record<string, Sql> = { VARCHAR: sql`VARCHAR`, INTEGER: sql`INTEGER`, DOUBLE: sql`DOUBLE`, BOOLEAN: sql`BOOLEAN`, TINYINT: sql`TINYINT` };
function typeOf(name: string): Sql {
	const t = TYPES[name];
	if (!t) throw new Error(`no SQL type ${name}`);
	return t;
}
