/**
 * What a page can offer in its filters: the distinct values of each categorical column of the
 * active data, with how many clients have each.
 */
import type { Connector } from '../engine/connector';
import { ident, join, list, sql, type Sql } from '../engine/sql';
import { describeColumns, MISSING } from './filters';
import { registeredSummaries } from './summaries';

export interface FilterOption {
	value: string;
	clients: number;
}

/** Columns that are never offered as filters or groupings (ids, measures, indices, items). */
const NOT_CATEGORICAL = /^(client_id|score|session|week|prorated|dose_mg|planned_sessions|phase|item_\d+)$/;

/** Whether a column of this name and DuckDB type is offered as a filter or a grouping (an ENUM: the command line's import, TextStorage). */
export function isCategorical(name: string, type: string): boolean {
	return !NOT_CATEGORICAL.test(name) && (/VARCHAR|BOOLEAN|INTEGER/.test(type) || type.startsWith('ENUM('));
}

/** Whether the filter bar offers a column: categorical, and not one with its own control (instrument, series). */
export function isFilterColumn(name: string, type: string): boolean {
	return isCategorical(name, type) && name !== 'instrument' && name !== 'series';
}

/** Categorical columns of `table` usable as a filter or a grouping (VARCHAR or small-integer columns). */
export async function categoricalColumns(conn: Connector, table = 'scores'): Promise<string[]> {
	const cols = await conn.query<{ column_name: string; column_type: string }>(sql`DESCRIBE SELECT * FROM ${ident(table)}`);
	return cols.filter((c) => isCategorical(c.column_name, c.column_type)).map((c) => c.column_name);
}

/**
 * The statement behind the filter choices: per column of `columns`, each distinct value (as text,
 * NULL as "(missing)") and how many clients have it in `relation`. The summaries keep its result
 * for every categorical column (summaries.ts), so a page reads a few dozen rows instead of scanning
 * every score row each time it opens.
 */
export function optionsQuery(columns: string[], relation: Sql): Sql {
	const parts = columns.map(
		(c) => sql`SELECT CAST(${c} AS VARCHAR) AS col, coalesce(CAST(${ident(c)} AS VARCHAR), ${MISSING}) AS value,
			count(DISTINCT client_id)::INT AS clients FROM ${relation} GROUP BY ALL`
	);
	return join(parts, sql` UNION ALL `);
}

/**
 * Distinct values (as text, NULL as "(missing)") and client counts of each of `columns`, most
 * clients first: from the dataset's kept choices when summaries are registered for `table`, else
 * from its rows.
 */
export async function filterOptions(conn: Connector, columns: string[], table = 'scores'): Promise<Record<string, FilterOption[]>> {
	if (!columns.length) return {};
	const kept = registeredSummaries(conn, table);
	const source = kept && columns.every((c) => kept.optionColumns.includes(c))
		? sql`SELECT * FROM ${ident(kept.options)} WHERE col IN (${list(columns)})`
		: optionsQuery(columns, ident(table));
	const rows = await conn.query<{ col: string; value: string; clients: number }>(sql`${source} ORDER BY col, clients DESC, value`);
	const out: Record<string, FilterOption[]> = Object.fromEntries(columns.map((c) => [c, []]));
	for (const r of rows) out[r.col].push({ value: r.value, clients: r.clients });
	return out;
}

/**
 * What the pages offer as filters: every categorical column of `table` except the ones that
 * have their own control (instrument, series), with its values and client counts.
 */
export async function filterChoices(conn: Connector, table = 'scores'): Promise<Record<string, FilterOption[]>> {
	return (await filterChoicesAndColumns(conn, table)).options;
}

/** `filterChoices`, and every column of `table` (a link's filter on any other is ignored), from one DESCRIBE. */
export async function filterChoicesAndColumns(conn: Connector, table = 'scores'): Promise<{ options: Record<string, FilterOption[]>; columns: string[] }> {
	const described = await describeColumns(conn, ident(table));
	const categorical = described.filter((c) => isFilterColumn(c.name, c.type)).map((c) => c.name);
	return { options: await filterOptions(conn, categorical, table), columns: described.map((c) => c.name) };
}
