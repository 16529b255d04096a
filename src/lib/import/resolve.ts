/**
 * The mapping resolved against a table, once, before any row is read: column names (after the
 * mapping's `column_names`), the cell context, the identifier check, the value sources, measures and
 * attributes, and the warnings these raise. Shared by both import paths (`apply.ts` row by row,
 * `duck/run.ts` in SQL), so they resolve a mapping the same way.
 */
import { resolveAttributes, type ResolvedAttribute } from './attributes';
import type { Warning } from './checks';
import { detectIdentifiers } from './deid';
import type { Mapping } from './mapping';
import { resolveMeasure, type ResolvedMeasure } from './record';
import { col, resolveSource, type Ctx, type Resolved } from './sources';
import type { ImportReport, RawTable } from './types';
import { DEFAULT_MISSING } from './values';

export interface ResolvedMapping {
	/** `raw` with the mapping's column names. */
	table: RawTable;
	ctx: Ctx;
	identifiers: ImportReport['identifier_columns'];
	warnings: Warning[];
	clientIdx: number;
	series: Resolved;
	route: Resolved;
	measures: ResolvedMeasure[];
	attrs: ResolvedAttribute[];
	extraColumns: string[];
}

/**
 * Resolve `mapping` against `raw` (only its columns, header flag, delimiter and first rows are read).
 * Throws ImportError when the mapping names a column the table does not have.
 */
export function resolveMapping(raw: RawTable, mapping: Mapping): ResolvedMapping {
	const table: RawTable = { ...raw, columns: renamed(raw, mapping) };
	const ctx: Ctx = {
		index: new Map(table.columns.map((c, i) => [c, i])),
		missing: new Set([...DEFAULT_MISSING, ...(mapping.format?.missing ?? [])]),
		decimalComma: mapping.format?.decimal_comma ?? (raw.delimiter !== undefined && raw.delimiter !== ',')
	};
	const identifiers = detectIdentifiers(table);
	const flagged = new Map(identifiers.map((f) => [f.column, f.reason]));
	const warnings: Warning[] = [];
	const clientIdx = col(ctx, mapping.client_id);
	if (flagged.has(mapping.client_id))
		warnings.push({ line: null, client_id: null, reason: `the client id column "${mapping.client_id}" looks like an identifier (${flagged.get(mapping.client_id)}); use a study code instead` });
	const series = resolveSource(ctx, mapping.series, '1');
	const route = resolveSource(ctx, mapping.route, null);
	const measures = mapping.measures.map((m) => resolveMeasure(ctx, m));
	const { attrs, extraColumns, dropped } = resolveAttributes(mapping.attributes ?? [], ctx, flagged, new Set(mapping.include_identifiers ?? []));
	for (const d of dropped) warnings.push({ line: null, client_id: null, reason: d });
	return { table, ctx, identifiers, warnings, clientIdx, series, route, measures, attrs, extraColumns };
}

/** Column names after the mapping's `format.column_names` (for files without a header row). */
function renamed(raw: RawTable, mapping: Mapping): string[] {
	const names = mapping.format?.column_names;
	if (!names || raw.header !== false) return raw.columns;
	return raw.columns.map((c, i) => names[i] ?? c);
}
