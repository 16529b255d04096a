import { z } from 'zod';
import { INSTRUMENT_IDS, MAX_ITEMS } from '../instruments/definitions';
import { ident, join, sql, sqlType, type Sql } from '../engine/sql';

/**
 * The canonical data model: long format, one row per completed questionnaire.
 * Every importer produces these rows; every metric reads the `scores` table built from them.
 */

export const ROUTES = ['iv', 'im', 'sublingual', 'oral', 'intranasal', 'other'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_LABELS: Record<Route, string> = {
	iv: 'IV infusion',
	im: 'IM injection',
	sublingual: 'Sublingual (troche/lozenge)',
	oral: 'Oral',
	intranasal: 'Intranasal',
	other: 'Other'
};

export const PHASES = ['baseline', 'session', 'followup'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Client attributes the app knows by name; any other categorical column is kept as an extra attribute.
 * `planned_sessions` is the number of dosing sessions the series was planned to have (the treatment
 * plan): "completed the planned series" is measured against it when present.
 */
export const KNOWN_ATTRIBUTES = ['site', 'age_band', 'sex', 'diagnosis', 'dose_mg', 'planned_sessions'] as const;

const itemShape = Object.fromEntries(
	Array.from({ length: MAX_ITEMS }, (_, i) => [`item_${i + 1}`, z.number().int().min(0).max(100).nullable().optional()])
) as Record<`item_${number}`, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>;

/**
 * One canonical score row. Cross-field rules (phase ↔ session/week) are checked here;
 * instrument ranges are checked by the importer against the instrument table (items go up to 100:
 * the EBI's visual-analogue items).
 */
export const ScoreRowSchema = z
	.object({
		client_id: z.string().trim().min(1, 'missing client id'),
		series: z.number().int().min(1).default(1),
		route: z.enum(ROUTES),
		instrument: z.enum(INSTRUMENT_IDS),
		phase: z.enum(PHASES),
		session: z.number().int().min(0, 'negative session').nullable(),
		week: z.number().min(0, 'negative week').nullable(),
		score: z.number().nullable(),
		prorated: z.boolean().default(false),
		site: z.string().nullable().optional(),
		age_band: z.string().nullable().optional(),
		sex: z.string().nullable().optional(),
		diagnosis: z.string().nullable().optional(),
		dose_mg: z.number().nullable().optional(),
		planned_sessions: z.number().int().min(1).nullable().optional(),
		...itemShape
	})
	.superRefine((row, ctx) => {
		if (row.phase === 'baseline' && row.session !== null && row.session !== 0)
			ctx.addIssue({ code: 'custom', path: ['session'], message: 'phase/index mismatch: baseline must have session 0' });
		if (row.phase === 'session' && (row.session === null || row.session < 1))
			ctx.addIssue({ code: 'custom', path: ['session'], message: 'phase/index mismatch: a dosing-session row needs session ≥ 1' });
		if (row.phase === 'followup' && row.week === null)
			ctx.addIssue({ code: 'custom', path: ['week'], message: 'phase/index mismatch: a follow-up row needs a week' });
		if (row.phase !== 'followup' && row.week !== null)
			ctx.addIssue({ code: 'custom', path: ['week'], message: 'phase/index mismatch: only follow-up rows have a week' });
	});

export type ScoreRow = z.infer<typeof ScoreRowSchema>;

/** Column names of the canonical table, in order (extra attributes follow them). */
export const CANONICAL_COLUMNS = [
	'client_id',
	'series',
	'route',
	'instrument',
	'phase',
	'session',
	'week',
	'score',
	'prorated',
	...KNOWN_ATTRIBUTES,
	...Array.from({ length: MAX_ITEMS }, (_, i) => `item_${i + 1}`)
] as const;

/** DuckDB column types of the canonical table. Explicit, so no column arrives as BIGINT. */
export const CANONICAL_SQL_TYPES: Record<string, string> = {
	client_id: 'VARCHAR',
	series: 'INTEGER',
	route: 'VARCHAR',
	instrument: 'VARCHAR',
	phase: 'VARCHAR',
	session: 'INTEGER',
	week: 'DOUBLE',
	score: 'DOUBLE',
	prorated: 'BOOLEAN',
	site: 'VARCHAR',
	age_band: 'VARCHAR',
	sex: 'VARCHAR',
	diagnosis: 'VARCHAR',
	dose_mg: 'DOUBLE',
	planned_sessions: 'INTEGER',
	...Object.fromEntries(Array.from({ length: MAX_ITEMS }, (_, i) => [`item_${i + 1}`, 'TINYINT']))
};

/** `CREATE TABLE` statement for a canonical table named `table`, plus VARCHAR `extraColumns`. */
export function createTableSql(table: string, extraColumns: string[] = []): Sql {
	// Types come from the fixed table above; names (a file's attribute headers) only through ident().
	const cols = [
		...CANONICAL_COLUMNS.map((c) => sql`${ident(c)} ${sqlType(CANONICAL_SQL_TYPES[c])}`),
		...extraColumns.map((c) => sql`${ident(c)} VARCHAR`)
	];
	return sql`CREATE OR REPLACE TABLE ${ident(table)} (${join(cols)})`;
}
