/**
 * A dataset's summaries kept beside it (src/lib/data/kept-summaries.ts writes and reads the file): what
 * the kept copy records about its tables, the tables as written, and the summaries recreated from a
 * copy, which is a copy of small tables instead of a pass over every score row.
 */
import { z } from 'zod';
import { summaryTable, type Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { summaryTables, type Summaries } from './summaries';

/** Layout of the summary tables; a kept copy of another layout is built again instead of used. */
export const SUMMARY_FORMAT = 8;

/** What a kept copy of a dataset's summaries records beside its tables (store.ts saveDerived). */
const SummaryInfo = z.object({
	format: z.literal(SUMMARY_FORMAT),
	attributes: z.array(z.string()),
	varying: z.array(z.string()),
	optionColumns: z.array(z.string()),
	problem: z.string().nullable(),
	rows: z.object({ scores: z.number(), cells: z.number(), cs: z.number(), cube: z.number(), mixed: z.number() }),
	patternBits: z.array(z.string()),
	prebuilt: z.array(z.object({ table: z.string(), key: z.string() }))
});
export type SummaryInfo = z.infer<typeof SummaryInfo>;

export function summaryInfo(s: Summaries): SummaryInfo {
	return { format: SUMMARY_FORMAT, attributes: s.attributes, varying: s.varying, optionColumns: s.optionColumns, problem: s.problem, rows: s.rows, patternBits: s.patternBits, prebuilt: s.prebuilt };
}

/** The summary tables as (name in a kept file, relation) pairs, for keep.ts writeTablesFile. */
export function summaryTableRows(s: Summaries): { name: string; rows: Sql }[] {
	return Object.entries(summaryTables(s.dataset)).map(([name, table]) => ({ name, rows: ident(table) }));
}

/**
 * Recreate the summary tables of `dataset` from a kept copy (attached database `db`, written from
 * `summaryTableRows`) described by `info`: a copy of small tables instead of a pass over every score
 * row. Null when the copy is of another layout or does not hold what `info` says (then build them).
 */
export async function restoreSummaries(conn: Connector, dataset: string, db: { relation: Sql; name: string }, info: unknown): Promise<Summaries | null> {
	const t0 = performance.now();
	const parsed = SummaryInfo.safeParse(info);
	if (!parsed.success) return null;
	const names = summaryTables(dataset);
	const kept = await conn.query<{ name: string; cols: string[] }>(
		sql`SELECT table_name AS name, list(column_name) AS cols FROM duckdb_columns() WHERE database_name = ${db.name} GROUP BY table_name`
	);
	const cells = kept.find((t) => t.name === 'cells');
	if (Object.keys(names).some((k) => !kept.some((t) => t.name === k)) || !parsed.data.attributes.every((a) => cells?.cols.includes(a))) return null;
	for (const [key, table] of Object.entries(names)) await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(table)} AS SELECT * FROM ${db.relation}.${ident(key)}`);
	const { format: _f, prebuilt, ...rest } = parsed.data;
	const restored: Summaries = { dataset, ...names, ...rest, prebuilt: [], buildMs: 0 };
	return { ...restored, prebuilt: (await import('./summary-defaults')).stillDefault(restored, prebuilt), buildMs: performance.now() - t0 };
}
