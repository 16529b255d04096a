/**
 * Which of a dataset's summaries (summaries.ts) a metric reads: the summaries registered per
 * connector for the table it reads, the cohorts of a comparison, and the scope (cells, filters,
 * group, instruments) its summary statements are written over; or why it reads the score rows.
 */
import type { Connector } from '../engine/connector';
import { ident, type Sql } from '../engine/sql';
import type { Filters } from './filters';
import type { Summaries } from './summaries';

// Which summaries stand for which relation a metric reads, per connector. The app registers the
// active dataset's summaries under `scores` (the view every metric reads) when it activates one.
const registry = new WeakMap<Connector, Map<string, Summaries>>();

/** Let metrics reading table `relation` on `conn` use `summaries` (null: read the rows again). */
export function useSummaries(conn: Connector, relation: string, summaries: Summaries | null): void {
	const m = registry.get(conn) ?? registry.set(conn, new Map()).get(conn)!;
	if (summaries) m.set(relation, summaries);
	else m.delete(relation);
}

/** The summaries registered for `relation` on `conn`, if any. */
export function registeredSummaries(conn: Connector, relation: string): Summaries | undefined {
	return registry.get(conn)?.get(relation);
}

// Which relations are cohorts of a table (compare.ts cohortRelation): the union of the rows each
// cohort's filters keep, labelled. Since a cohort is defined by client attributes, the same union
// over the summaries' `cells` gives each cohort's cells, so its metrics can read the summaries.
const cohortRelations = new WeakMap<Sql, CohortUnion>();

/** Cohorts of `table`: their filters, and their labelled union over a relation of its columns. */
export interface CohortUnion {
	table: string;
	/** The column of the union holding the cohort's label. */
	label: string;
	filters: Filters[];
	over: (rows: Sql) => Sql;
}

/** Mark `relation` (`union.over(table)`) as the cohorts `union`; returns it. */
export function markCohorts(relation: Sql, union: CohortUnion): Sql {
	cohortRelations.set(relation, union);
	return relation;
}

/** Which path computed a metric: the summary tables, or the score rows (and why). */
export interface MetricPath {
	source: 'summaries' | 'rows';
	/** Why the rows were read (absent when summaries answered, or none were built). */
	reason?: string;
}

/** A metric's filters and grouping, resolved against a dataset's summaries. */
export interface SummaryScope {
	summaries: Summaries;
	/** The cells with the group's columns (default the `cells` table; a comparison's: each cohort's cells, labelled). */
	cells?: Sql;
	/** The filters, as a condition over `cells` columns. */
	cellWhere: Sql;
	/** The group label, an expression over `cells` columns. */
	groupExpr: Sql;
	/** The instrument restriction, a condition over `instrument`. */
	instrumentWhere: Sql;
	/** The instruments it restricts to (null: all). */
	instruments: string[] | null;
	/** The `cells` columns `cellWhere` and `groupExpr` read (when known; not for cohorts): the cube summed over them answers the scope. */
	dims?: string[];
}

/**
 * Whether `summaries` can answer a metric that filters on `filterColumns` and groups by
 * `groupBy`: a reason when not (a column outside `cells`, or a dataset-wide problem).
 */
export function summaryObstacle(summaries: Summaries, filterColumns: string[], groupBy: string | null | undefined): string | null {
	if (summaries.problem) return summaries.problem;
	for (const c of [...filterColumns, ...(groupBy ? [groupBy] : [])])
		if (!summaries.attributes.includes(c))
			return summaries.varying.includes(c) ? `"${c}" varies within a client-series` : `"${c}" is not a client attribute the summaries keep`;
	return null;
}

/**
 * The summaries a metric may read, and the path it takes: the summaries registered for its table
 * when it reads a table, or cohorts of one (`markCohorts`; not any other subquery), did not ask for
 * the rows, and filters, defines cohorts and groups only by columns the summaries keep (the
 * cohorts' label column aside); otherwise the rows, with the reason when summaries exist.
 * `columns` are the relation's columns (a filter on another column is ignored, as in `whereSql`).
 */
export function resolveSummaries(
	conn: Connector,
	opts: { table?: string; relation?: Sql; filters?: Filters; groupBy?: string | null; source?: 'auto' | 'rows' },
	columns: string[],
	fragments: Omit<SummaryScope, 'summaries'>
): { summary: SummaryScope | null; path: MetricPath } {
	const cohorts = opts.relation ? cohortRelations.get(opts.relation) : undefined;
	const summaries = opts.relation ? cohorts && registeredSummaries(conn, cohorts.table) : registeredSummaries(conn, opts.table ?? 'scores');
	if (!summaries) return { summary: null, path: { source: 'rows' } };
	if (opts.source === 'rows') return { summary: null, path: { source: 'rows', reason: 'the score rows were asked for' } };
	const filtered = [opts.filters ?? {}, ...(cohorts?.filters ?? [])].flatMap((f) =>
		Object.entries(f)
			.filter(([c, v]) => columns.includes(c) && (c === 'series' ? v !== undefined && v !== 'all' : Array.isArray(v) && v.length > 0))
			.map(([c]) => c)
	);
	// The cohorts' label is a column of their union over the cells too.
	const groupBy = cohorts && opts.groupBy === cohorts.label ? null : opts.groupBy;
	const obstacle = summaryObstacle(summaries, [...new Set(filtered)], groupBy);
	if (obstacle) return { summary: null, path: { source: 'rows', reason: obstacle } };
	if (cohorts) return { summary: { summaries, ...fragments, cells: cohorts.over(ident(summaries.cells)) }, path: { source: 'summaries' } };
	const dims = [...new Set([...filtered, ...(groupBy ? [groupBy] : [])])].sort();
	return { summary: { summaries, ...fragments, dims }, path: { source: 'summaries' } };
}
