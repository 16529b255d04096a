/**
 * Tables of the default view built with a dataset's summaries (and kept with them), so that the
 * overview's first view and every refresh only sum small tables: the rate counts, the responders'
 * follow-up and the flow per cell under the default definitions (summary-cellwise.ts, flow.ts), and
 * the cube summed over the overview's grouping column. A view under other definitions or over other columns builds its own
 * table on its first use, as before (`keptTable`).
 *
 * Why: a refresh forgets the tables kept with the data (the bench's refresh clears the result cache),
 * and building the rates', the follow-up's and the cube's again was 134 of its ~240 ms of SQL at 1M
 * score rows (duckdb-wasm's Node build). The flow's table is new: the flow read every client-series.
 */
import type { Connector } from '../engine/connector';
import { summaryTable } from '../engine/connector';
import { statementKey, sql, type Sql } from '../engine/sql';
import { resolveSettings } from './definitions';
import { flowPerCell } from './flow';
import { rateCountsPerCell } from './rates';
import type { Summaries } from './summaries';
import { everyCell } from './summary-cellwise';
import { respondersFollowUpSql } from './summary-metrics';
import { cubeRollupSql } from './summary-read';

/** The overview's grouping column (overview-metrics.ts groups its rates and trajectories by it). */
export const OVERVIEW_GROUP = 'route';

/** A table built with the summaries, and the key (`statementKey`) of the statement whose result it holds. */
export interface PrebuiltTable {
	table: string;
	key: string;
}

/**
 * The default view's statements over `summaries` (their tables already built), each with the summary
 * table that holds its result: the cube is summed over the overview's grouping column when the
 * summaries keep it as an attribute, else over none (the view of everything, ungrouped).
 */
export function defaultStatements(summaries: Summaries): { table: string; sql: Sql }[] {
	const s = resolveSettings({});
	const scope = everyCell(summaries);
	const dims = summaries.attributes.includes(OVERVIEW_GROUP) ? [OVERVIEW_GROUP] : [];
	return [
		{ table: summaries.rates, sql: rateCountsPerCell(summaries, s) },
		{ table: summaries.followup, sql: respondersFollowUpSql(scope, s) },
		{ table: summaries.flow, sql: flowPerCell(summaries, s) },
		{ table: summaries.rollup, sql: cubeRollupSql({ ...scope, dims }) }
	];
}

/** Build the default view's tables of `summaries`; what each holds. */
export async function buildDefaults(conn: Pick<Connector, 'exec'>, summaries: Summaries): Promise<PrebuiltTable[]> {
	const out: PrebuiltTable[] = [];
	for (const d of defaultStatements(summaries)) {
		await conn.exec(sql`CREATE OR REPLACE TABLE ${summaryTable(d.table)} AS ${d.sql}`);
		out.push({ table: d.table, key: statementKey(d.sql) });
	}
	return out;
}

/**
 * Of the tables a kept copy says it holds (`kept`), those whose statement is still the one this code
 * sends for the default view: a copy written by an earlier version, whose statements differed, is
 * left unused (its views build their own tables) rather than read as if it answered today's.
 */
export function stillDefault(summaries: Summaries, kept: PrebuiltTable[]): PrebuiltTable[] {
	const now = new Set(defaultStatements(summaries).map((d) => `${d.table}\u0000${statementKey(d.sql)}`));
	return kept.filter((k) => now.has(`${k.table}\u0000${k.key}`));
}
