/**
 * `report <scores> --sessions <records> [--session-mapping m.json]`: a clinic's dosing-session records
 * kept in a file of their own, read with the app's session importer (recognised by their columns, or
 * through a saved session mapping) into `<table>__sessions` beside the scores, and linked to them by
 * client, series and session (metrics/session-links.ts) — the same dataset the Data page makes from
 * two files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connector } from '../engine/connector';
import { ident } from '../engine/sql';
import { readTable } from '../import/index';
import { applySessionMapping, parseSessionMapping, suggestSessionMapping, type SessionMapping } from '../import/sessions';
import { suggestSessionFields } from '../import/sessions-suggest';
import { loadSessions } from '../import/sessions-load';
import type { ImportReport } from '../import/types';
import { describeLinks, sessionLinks, type SessionLinks } from '../metrics/session-links';
import type { Accounting, SharedAccounting } from '../privacy/import-accounting';

export interface SessionFileMeta {
	file: string;
	rows_read: number;
	rows_accepted: number;
	rows_rejected: number;
	errors: ImportReport['errors'];
	links: SessionLinks;
	/** Records that do not link to the scores, in words (kept, not dropped). */
	warnings: string[];
}

/** The session file's meta as shared (--min-cell): counts through the policy, rejections by kind only. */
export type SharedSessionFileMeta = { file: string } & SharedAccounting & { warnings: string[] };

/** `s` with its counts as the policy let them out (`shared`: the accounting of `s` through privacy/import-accounting.ts). */
export function sharedSessionFile(s: SessionFileMeta, shared: SharedAccounting): SharedSessionFileMeta {
	return { file: s.file, ...shared, warnings: shared.links ? describeLinks(shared.links).warnings : [] };
}

/** Read a session mapping file (`"kind": "sessions"`); throws with the reason. */
export async function readSessionMapping(file: string): Promise<SessionMapping> {
	const m = parseSessionMapping(JSON.parse(await readFile(file, 'utf8')));
	if (!m.ok) throw new Error(`invalid session mapping ${file}: ${m.error}`);
	return m.mapping;
}

/**
 * Import the session records of `file` into `${table}__sessions` and link them to the score rows of
 * `table`. Throws (the command exits 1) when the file is not session records and no mapping says how
 * to read it, or when no record is usable.
 */
export async function loadSessionFile(conn: Connector, file: string, table: string, mapping?: SessionMapping): Promise<SessionFileMeta> {
	const name = path.basename(file);
	const raw = await readTable(new Uint8Array(await readFile(file)), name);
	const m = mapping ?? suggestSessionMapping(raw);
	if (!m) {
		const hint = suggestSessionFields(raw).mapping;
		throw new Error(
			`${name} does not have the columns of dosing-session records (client_id, series, route, session, sbp_pre …). ` +
				`Map it on the Data page ("This file holds: dosing-session records"), save the mapping and pass it with --session-mapping. The mapping its column names suggest:\n${JSON.stringify(hint, null, 2)}`
		);
	}
	const { rows, report } = applySessionMapping(raw, m);
	if (rows.length === 0)
		throw new Error(`no usable session records in ${name}: ${report.errors.slice(0, 3).map((e) => `line ${e.line} ${e.column ?? ''}: ${e.reason}`).join('; ')}`);
	const sessions = `${table}__sessions`;
	await loadSessions(conn, sessions, rows);
	const links = await sessionLinks(conn, ident(table), ident(sessions));
	return { file: name, rows_read: report.rows_read, rows_accepted: report.rows_accepted, rows_rejected: report.rows_rejected, errors: report.errors, links, warnings: describeLinks(links).warnings };
}

/** Rows accepted and rejected for a terminal: the rejected rows by line, or as shared, by kind (– withheld). */
export function acceptedText(s: Accounting | SharedAccounting): string {
	const c = (n: number | null) => (n === null ? '–' : n.toLocaleString('en'));
	const head = `${c(s.rows_accepted)} of ${c(s.rows_read)} rows accepted`;
	if ('rejected_by_reason' in s) {
		const kinds = s.rejected_by_reason.map((r) => `${r.reason}: ${c(r.rows)}`).join('; ');
		return `${head}; ${c(s.rows_rejected)} rejected${kinds ? ` (${kinds})` : ''}; rejected rows ${s.rejected_rows}`;
	}
	return s.rows_rejected ? `${head}; rejected: ${s.errors.slice(0, 5).map((e) => `line ${e.line} ${e.column ?? ''} (${e.reason})`).join('; ')}${s.rows_rejected > 5 ? ' …' : ''}` : head;
}

/** The session file's lines for a terminal: counts, rejected rows, links and their warnings. */
export function sessionFileText(s: SessionFileMeta | SharedSessionFileMeta): string {
	const lines = [`session records ${s.file}: ${acceptedText(s)}`, ...(s.links ? [describeLinks(s.links).summary] : [])];
	for (const w of s.warnings) lines.push(`warning: ${w}`);
	return lines.join('\n') + '\n';
}
