/**
 * What a report says about its input file as it may be shared (CLI `report --min-cell N`): rows
 * read, accepted and rejected, the rejections counted by kind (never the rejected rows line by line:
 * a line number and its value is a record), and how session records link to the scores. These are
 * counts like any other: a file with one record of a client without any score says that a client
 * exists and how often they were dosed. They go through the one policy (policy.ts) in the same export
 * as the safety tables, because the accepted records are the safety section's sessions count and
 * their clients its clients count (joined as one cell through `same`): withholding "accepted" here
 * while the safety section prints it would give "rejected" back as read − sessions.
 */
import { valueFreeKind } from '../import/reasons';
import type { ImportReport } from '../import/types';
import type { SessionLinks } from '../metrics/session-links';
import type { Protected } from './policy';
import type { Row, TableSpec } from './spec';

/** The accounting as the importer reports it (`links` when session records were linked to scores). */
export interface Accounting {
	rows_read: number;
	rows_accepted: number;
	rows_rejected: number;
	errors: ImportReport['errors'];
	links?: SessionLinks;
}

/** Link counts as shared: null where withheld. */
export type SharedLinks = { [K in keyof SessionLinks]: number | null };

/** The accounting as shared: withheld counts are null; the rejected rows only as counts by kind. */
export interface SharedAccounting {
	rows_read: number | null;
	rows_accepted: number | null;
	rows_rejected: number | null;
	/** Rejected rows per kind of reason, without the rows' values (`valueFreeKind`). */
	rejected_by_reason: { reason: string; rows: number | null }[];
	/** Says where the rejected rows line by line are. */
	rejected_rows: string;
	links?: SharedLinks;
	/** Which counts were withheld (rejected_by_reason: `rejected_by_reason[i]`). */
	suppressed_fields: string[];
}

const LINK_COUNTS: (keyof SessionLinks)[] = [
	'records',
	'clients',
	'linked_records',
	'linked_series',
	'unknown_client_records',
	'unknown_clients',
	'unknown_series_records',
	'unknown_series',
	'same_session_records',
	'scored_series_without_records'
];

/**
 * One row. Rows read is accepted + rejected: a field computed from the two, withheld with either
 * (were it a count of its own, the policy could keep it and withhold "accepted" instead, which is
 * the safety section's sessions count and the n of its per-session rates). Records (of the links) =
 * accepted; records = linked + of an unknown client + in an unknown series; records with a
 * same-session score are some of the linked ones, and clients without any score some of the clients
 * (the rest of each is a count a reader could work out: an implied cell). `group` is the label of
 * the safety section's row over every session.
 */
export const IMPORT_ACCOUNTING: TableSpec = {
	name: 'import_accounting',
	counts: ['rows_accepted', 'rows_rejected', ...LINK_COUNTS],
	derived: [{ fields: ['rows_read'], from: ['rows_accepted', 'rows_rejected'] }],
	slices: [
		{ kind: 'fields', parts: ['rows_accepted'], total: 'records' },
		{ kind: 'fields', parts: ['linked_records', 'unknown_client_records', 'unknown_series_records'], total: 'records' },
		{ kind: 'fields', parts: ['same_session_records'], total: 'linked_records', complete: false },
		{ kind: 'fields', parts: ['unknown_clients'], total: 'clients', complete: false }
	],
	same: [
		{ field: 'rows_accepted', as: 'safety-sessions', by: ['group'] },
		{ field: 'clients', as: 'safety-clients', by: ['group'] },
		{ field: 'rows_rejected', as: 'import-rows-rejected', by: [] }
	]
};

/** Rejected rows per kind; the `reason: null` row is the total, the accounting's rows rejected. */
export const REJECTED_BY_REASON: TableSpec = {
	name: 'rejected_by_reason',
	counts: ['rows'],
	slices: [{ kind: 'rows', by: [], count: 'rows', totalRow: { reason: null } }],
	same: [{ field: 'rows', where: { reason: null }, as: 'import-rows-rejected', by: [] }]
};

/** Rejected rows counted by value-free kind, most first (ties by kind). */
export function rejectedByReason(errors: ImportReport['errors']): { reason: string; rows: number }[] {
	const counts = new Map<string, number>();
	for (const e of errors) counts.set(valueFreeKind(e.reason), (counts.get(valueFreeKind(e.reason)) ?? 0) + 1);
	return [...counts].map(([reason, rows]) => ({ reason, rows })).sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
}

/**
 * The accounting's two tables for the policy, in the export of the safety tables: `totalGroup` is
 * the label of the safety section's row over every session ('(all)' when grouped, 'all' when not).
 */
export function accountingTables(a: Accounting, totalGroup: string): { spec: TableSpec; rows: Row[] }[] {
	const { errors: _e, links, ...counts } = a;
	return [
		{ spec: IMPORT_ACCOUNTING, rows: [{ group: totalGroup, ...counts, ...(links ?? {}) }] },
		{ spec: REJECTED_BY_REASON, rows: [...rejectedByReason(a.errors), { reason: null, rows: a.rows_rejected }] }
	];
}

/** The accounting as shared, from the rows of `accountingTables` as the policy let them out. */
export function sharedAccounting(a: Accounting, [account, reasons]: Row[][], minCell: number): SharedAccounting {
	const row = account[0] as Protected<Row>;
	const num = (k: string) => row[k] as number | null;
	// the policy withholds counts only: a kind is never null, the total row (reason null) is rows_rejected
	const byReason = reasons.filter((r) => r.reason !== null) as (Protected<{ rows: number }> & { reason: string })[];
	const links = a.links ? (Object.fromEntries(LINK_COUNTS.map((k) => [k, num(k)])) as SharedLinks) : undefined;
	return {
		rows_read: num('rows_read'),
		rows_accepted: num('rows_accepted'),
		rows_rejected: num('rows_rejected'),
		rejected_by_reason: byReason.map((r) => ({ reason: r.reason, rows: r.rows })),
		rejected_rows: `not listed under --min-cell ${minCell} (a line and its values are one record); the report without --min-cell lists every rejected row with its line, column and reason`,
		...(links ? { links } : {}),
		suppressed_fields: [...row.suppressed_fields, ...byReason.flatMap((r, i) => (r.suppressed ? [`rejected_by_reason[${i}]`] : []))]
	};
}
