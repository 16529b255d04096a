/**
 * Filters: which score rows a metric looks at, as data, turned into one SQL `WHERE` clause.
 *
 * A filter names a column and the values to keep. Values are bound as parameters and columns go
 * through `ident()` (see engine/sql.ts), and a filter on a column the table does not have is
 * dropped (a page may offer `site` while a file has none) rather than failing the whole query.
 */
import type { Connector } from '../engine/connector';
import { ident, join, list, sql, type Sql } from '../engine/sql';

/** Series selections: every series, only a client's first series, or only booster series (2, 3, …). */
export const SERIES_FILTERS = ['all', 'first', 'boosters'] as const;
export type SeriesFilter = (typeof SERIES_FILTERS)[number];

/**
 * Column → values to keep. Known columns are typed; any extra attribute column may be named too.
 * An empty or absent list means "no filter on that column". The value `(missing)` matches NULL.
 */
export interface Filters {
	site?: string[];
	route?: string[];
	diagnosis?: string[];
	age_band?: string[];
	sex?: string[];
	series?: SeriesFilter;
	[attr: string]: string[] | SeriesFilter | undefined;
}

/** The label used for a NULL group or filter value everywhere in the metrics layer. */
export const MISSING = '(missing)';

/**
 * SQL boolean expression for `filters`, e.g. `(CAST("route" AS VARCHAR) IN ($1, $2)) AND ("series" = 1)`;
 * `TRUE` when nothing filters. `columns`, when given, lists the columns that exist: filters on
 * any other column are ignored. Values compare as text, so numeric attributes filter too.
 */
export function whereSql(filters: Filters = {}, columns?: string[]): Sql {
	const has = (c: string) => !columns || columns.includes(c);
	const parts: Sql[] = [];
	for (const [col, value] of Object.entries(filters)) {
		if (value === undefined) continue;
		if (col === 'series') {
			if (!has('series') || value === 'all') continue;
			if (value === 'first') parts.push(sql`(${ident('series')} = 1)`);
			else if (value === 'boosters') parts.push(sql`(${ident('series')} > 1)`);
			continue;
		}
		if (!Array.isArray(value) || value.length === 0 || !has(col)) continue;
		const real = value.filter((v) => v !== MISSING);
		const alts: Sql[] = [];
		if (real.length) alts.push(sql`CAST(${ident(col)} AS VARCHAR) IN (${list(real)})`);
		// NULL never matches IN (…): the "(missing)" choice needs its own test.
		if (real.length < value.length) alts.push(sql`${ident(col)} IS NULL`);
		parts.push(sql`(${join(alts, sql` OR `)})`);
	}
	return parts.length ? join(parts, sql` AND `) : sql`TRUE`;
}

/** Column names and DuckDB types of a table or a parenthesised subquery. */
export async function describeColumns(conn: Connector, relation: Sql): Promise<{ name: string; type: string }[]> {
	const rows = await conn.query<{ column_name: string; column_type: string }>(sql`DESCRIBE SELECT * FROM ${relation}`);
	return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}
