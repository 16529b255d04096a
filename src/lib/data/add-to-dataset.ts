/**
 * Adding a second file to a dataset: session records to a dataset of scores, or scores to one of
 * session records. The rows are staged in the engine first (the import), their links to the other
 * part counted for the report (metrics/session-links.ts), and on keeping, one new dataset is made
 * of the base's part and the staged rows (the app state lists, activates and keeps it).
 */
import type { Connector } from '../engine/connector';
import { ident, sql } from '../engine/sql';
import { sessionLinks, type SessionLinks } from '../metrics/session-links';
import { relation, sessionsRelation, type DatasetInfo } from './datasets';

/** The staged rows of a second file: `scores` or `sessions`, the engine table holding them. */
export interface Staged {
	scores?: string;
	sessions?: string;
}

/**
 * `active` when a second file can be added to it: a loaded dataset of scores without session records
 * (`adding` 'sessions'), or one of session records without scores (`adding` 'scores'); else null.
 */
export function linkTarget(active: DatasetInfo | undefined, loaded: boolean, adding: 'scores' | 'sessions'): DatasetInfo | null {
	if (!active || !loaded || active.builtin) return null;
	const hasSessions = !!sessionsRelation(active);
	return adding === 'sessions' ? (active.rows > 0 && !hasSessions ? active : null) : active.rows === 0 && hasSessions ? active : null;
}

/** How the staged rows link to `base`'s other part; throws when `base` is not loaded. */
export async function linksWith(conn: Connector | null, base: DatasetInfo | undefined, staged: Staged): Promise<SessionLinks> {
	const baseSessions = base && sessionsRelation(base);
	if (!base || !conn || (!staged.sessions && !baseSessions)) throw new Error('the dataset to add to is not loaded');
	return sessionLinks(conn, staged.scores ? ident(staged.scores) : relation(base), staged.sessions ? ident(staged.sessions) : baseSessions!);
}

/**
 * The tables of the new dataset `table` from `base` (loaded) and the staged rows: the base's part is
 * copied first, so a failure leaves the base and the staged rows as they were; then the staged table
 * is renamed. Returns the new dataset's session-records table.
 */
export async function linkTables(conn: Connector, base: DatasetInfo | undefined, loaded: boolean, table: string, staged: Staged): Promise<string> {
	const baseSessions = base && sessionsRelation(base);
	if (!base || !loaded || (!staged.sessions && !baseSessions)) throw new Error('the dataset to add to is not loaded; choose it on this page first');
	const sessionsTable = `${table}__sessions`;
	const copied = staged.scores ? sessionsTable : table;
	try {
		await conn.exec(sql`CREATE TABLE ${ident(copied)} AS SELECT * FROM ${staged.scores ? baseSessions! : relation(base)}`);
		await conn.exec(sql`ALTER TABLE ${ident(staged.scores ?? staged.sessions!)} RENAME TO ${ident(staged.scores ? table : sessionsTable)}`);
	} catch (e) {
		await conn.exec(sql`DROP TABLE IF EXISTS ${ident(copied)}`).catch(() => {});
		throw e;
	}
	return sessionsTable;
}
