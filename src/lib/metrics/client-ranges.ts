/**
 * Ranges of client id for work done a part at a time over many score rows (the summaries' client-series
 * grouping, the import's test for duplicates). Each client falls in exactly one range, so anything
 * grouped by client, or by a key holding the client, is the same summed over the parts. Score files come
 * sorted or grouped by client, so a range's rows sit in a few of a table's row groups and DuckDB skips
 * the others by their min/max; in a file in no order a part reads every row, as a part chosen by a hash
 * of the id did.
 */
import type { Connector } from '../engine/connector';
import { join, sql, type Sql } from '../engine/sql';

/**
 * Where to cut the client ids of `rows` (a relation with `client_id`, filtered by `where`) into `parts`
 * ranges of about equal rows: the quantiles of a fixed sample of 100,000 rows' ids, which puts each cut
 * within about 0.3 % of its share. Gives `parts` - 1 ids, ascending, or none when no row has an id. A
 * range may come out empty or larger than its share, which costs time or memory, never a wrong number.
 */
export async function clientCuts(query: Connector['query'], rows: Sql, where: Sql, parts: number): Promise<string[]> {
	if (parts <= 1) return [];
	const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
	const cuts = await query<{ cut: string }>(sql`SELECT unnest(quantile_disc(client_id, [${join(fractions.map((f) => sql`${f}::DOUBLE`))}])) AS cut
FROM (SELECT client_id FROM ${rows} WHERE ${where} AND client_id IS NOT NULL USING SAMPLE reservoir(100000 ROWS) REPEATABLE (7))`);
	return cuts.map((r) => r.cut);
}

/** The condition on `client_id` of range `i` of the `cuts.length + 1` ranges (the first holds a NULL id). */
export function clientRange(cuts: string[], i: number): Sql {
	if (!cuts.length) return sql`TRUE`;
	if (i === 0) return sql`(client_id IS NULL OR client_id < ${cuts[0]})`;
	if (i === cuts.length) return sql`client_id >= ${cuts[i - 1]}`;
	return sql`(client_id >= ${cuts[i - 1]} AND client_id < ${cuts[i]})`;
}
