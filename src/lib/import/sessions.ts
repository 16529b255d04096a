/**
 * Dosing-session records (model/sessions.ts) from a table: recognised by their column names without a
 * mapping, or through a session mapping (any other layout: source column per field). Every rejected
 * row has line, column and reason; rows read = accepted + rejected.
 */
import { z } from 'zod';
import { ownRecord } from './own-record';
import { BP_PAIRS, SESSION_FIELDS, SessionRowSchema, type SessionField, type SessionRow } from '../model/sessions';
import { ValueSourceSchema } from './mapping';
import { routeOf } from './record';
import { col, fillByClient, readValue, resolveSource, sourceColumn, type Ctx } from './sources';
import type { ImportReport, RawTable } from './types';
import { cellNumber, cellText, DEFAULT_MISSING } from './values';

export const SessionMappingSchema = z
	.object({
		version: z.literal(1),
		kind: z.literal('sessions'),
		note: z.string().optional(),
		client_id: z.string().min(1),
		series: ValueSourceSchema.optional(),
		route: ValueSourceSchema.optional(),
		/** Column holding the dosing-session number (1, 2, …). */
		session: z.string().min(1),
		/** Canonical field (sbp_pre, nausea, …) → source column. */
		fields: ownRecord(z.string().min(1)),
		/** Blood pressure written as one column "120/80" (systolic/diastolic), per time point: split into sbp_ and dbp_. */
		blood_pressure: z.object({ pre: z.string().min(1), peak: z.string().min(1), end: z.string().min(1) }).partial().strict().optional(),
		format: z.object({ missing: z.array(z.string()).optional(), decimal_comma: z.boolean().optional() }).strict().optional()
	})
	.strict()
	.superRefine((m, ctx) => {
		const known = new Set(SESSION_FIELDS.map((f) => f.name));
		for (const k of Object.keys(m.fields))
			if (!known.has(k)) ctx.addIssue({ code: 'custom', path: ['fields', k], message: `unknown session field "${k}" (known: ${[...known].join(', ')})` });
		for (const t of Object.keys(m.blood_pressure ?? {}))
			for (const f of [`sbp_${t}`, `dbp_${t}`])
				if (m.fields[f]) ctx.addIssue({ code: 'custom', path: ['fields', f], message: `${f} is mapped twice: from column "${m.fields[f]}" and split from blood_pressure.${t}` });
	});
export type SessionMapping = z.infer<typeof SessionMappingSchema>;
export const BP_TIMES = ['pre', 'peak', 'end'] as const;

/** "120/80", "120 / 80", "120/80 mmHg": systolic and diastolic; null when the text is not one reading. */
export function splitBloodPressure(text: string, decimalComma: boolean): [number, number] | null {
	const m = /^(\d{1,3}(?:[.,]\d+)?)\s*\/\s*(\d{1,3}(?:[.,]\d+)?)\s*(?:mm\s*hg)?$/i.exec(text.trim());
	if (!m || (!decimalComma && (m[1].includes(',') || m[2].includes(',')))) return null;
	return [Number(m[1].replace(',', '.')), Number(m[2].replace(',', '.'))];
}

/** Why value `v` of field `f` is not accepted, or null. */
function fieldProblem(f: SessionField, v: number): string | null {
	if (v < f.min || v > f.max) return `${f.name} out of range: ${v}${f.unit ? ` ${f.unit}` : ''} is outside ${f.min}–${f.max} (${f.why})`;
	if (f.type === 'integer' && !Number.isInteger(v)) return `${f.name}: ${v} is not a whole number (${f.why})`;
	return null;
}

/** Validate parsed JSON as a session mapping (as parseMapping does for score mappings). */
export function parseSessionMapping(json: unknown): { ok: true; mapping: SessionMapping } | { ok: false; error: string } {
	const r = SessionMappingSchema.safeParse(json);
	if (r.success) return { ok: true, mapping: r.data };
	return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

const norm = (c: string) => c.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/**
 * The session mapping for a table whose columns carry the canonical names (case and punctuation
 * ignored), or null when the table does not look like session records: it needs client_id, session,
 * at least two measured fields, and no instrument / score column (those are score files).
 */
export function suggestSessionMapping(raw: RawTable): SessionMapping | null {
	const byNorm = new Map(raw.columns.map((c) => [norm(c), c]));
	const client = byNorm.get('client_id');
	const session = byNorm.get('session');
	if (!client || !session || byNorm.has('instrument') || byNorm.has('score')) return null;
	const fields: Record<string, string> = {};
	for (const f of SESSION_FIELDS) {
		const c = byNorm.get(f.name);
		if (c) fields[f.name] = c;
	}
	if (Object.keys(fields).length < 2) return null;
	const series = byNorm.get('series');
	const route = byNorm.get('route');
	return {
		version: 1,
		kind: 'sessions',
		client_id: client,
		session,
		...(series ? { series: { column: series } } : {}),
		...(route ? { route: { column: route } } : {}),
		fields
	};
}

export interface SessionOutcome {
	rows: SessionRow[];
	report: ImportReport;
	mapping: SessionMapping;
	/** Route labels of the route column that are not recognised (for the user to map, as for scores). */
	unknownLabels: { column: string; values: string[] }[];
}

/** Map and validate every row; never throws for a bad row (ImportError when the mapping names a missing column). */
export function applySessionMapping(raw: RawTable, mapping: SessionMapping): SessionOutcome {
	const ctx: Ctx = {
		index: new Map(raw.columns.map((c, i) => [c, i])),
		missing: new Set([...DEFAULT_MISSING, ...(mapping.format?.missing ?? [])]),
		decimalComma: mapping.format?.decimal_comma ?? (raw.delimiter !== undefined && raw.delimiter !== ',')
	};
	const clientIdx = col(ctx, mapping.client_id);
	const sessionIdx = col(ctx, mapping.session);
	const series = resolveSource(ctx, mapping.series, '1');
	const route = resolveSource(ctx, mapping.route, null);
	fillByClient(raw, ctx, clientIdx, [series, route]);
	const fields = SESSION_FIELDS.filter((f) => mapping.fields[f.name]).map((f) => ({ ...f, column: mapping.fields[f.name], idx: col(ctx, mapping.fields[f.name]) }));
	const field = (name: string) => SESSION_FIELDS.find((f) => f.name === name)!;
	const bpColumns = BP_TIMES.filter((t) => mapping.blood_pressure?.[t]).map((t) => {
		const column = mapping.blood_pressure![t]!;
		return { column, idx: col(ctx, column), sys: field(`sbp_${t}`), dia: field(`dbp_${t}`) };
	});
	/** The column a canonical field was read from (its own, or a "120/80" column it was split from). */
	const columnOf = (name: string) => mapping.fields[name] ?? bpColumns.find((b) => b.sys.name === name || b.dia.name === name)?.column ?? null;
	const rows: SessionRow[] = [];
	const errors: ImportReport['errors'] = [];
	const seen = new Map<string, number>();
	const unknownRoutes = new Set<string>();

	raw.rows.forEach((row, i) => {
		const line = raw.lines[i];
		const reject = (column: string | null, reason: string) => errors.push({ line, column, reason });
		const client = cellText(row[clientIdx], ctx.missing);
		if (client === null) return reject(mapping.client_id, 'missing client id');
		const sessionText = cellText(row[sessionIdx], ctx.missing);
		const session = cellNumber(row[sessionIdx], ctx.missing, false);
		if (session === null || !Number.isInteger(session) || session < 1)
			return reject(mapping.session, `session "${sessionText ?? ''}" is not a dosing-session number (a whole number ≥ 1)`);
		const seriesText = readValue(series, row, ctx, client) ?? '1';
		const s = cellNumber(seriesText, ctx.missing, false);
		if (s === null || !Number.isInteger(s) || s < 1) return reject(sourceColumn(series), `series "${seriesText}" is not a whole number ≥ 1`);
		const routeText = readValue(route, row, ctx, client);
		const r = routeOf(routeText);
		if (routeText !== null && r === null) {
			unknownRoutes.add(routeText);
			return reject(sourceColumn(route), `unknown route: "${routeText}"`);
		}
		const out: SessionRow = { client_id: client, series: s, route: r, session };
		for (const f of fields) {
			const v = cellNumber(row[f.idx], ctx.missing, ctx.decimalComma);
			if (v !== null && Number.isNaN(v)) return reject(f.column, `${f.name}: "${cellText(row[f.idx], ctx.missing)}" is not a number`);
			const problem = v === null ? null : fieldProblem(f, v);
			if (problem) return reject(f.column, problem);
			out[f.name] = v;
		}
		for (const b of bpColumns) {
			const text = cellText(row[b.idx], ctx.missing);
			if (text === null) {
				[out[b.sys.name], out[b.dia.name]] = [null, null];
				continue;
			}
			const bp = splitBloodPressure(text, ctx.decimalComma);
			if (!bp) return reject(b.column, `blood pressure "${text}" is not one reading written systolic/diastolic (such as 120/80)`);
			for (const [f, v] of [[b.sys, bp[0]], [b.dia, bp[1]]] as const) {
				const problem = fieldProblem(f, v);
				if (problem) return reject(b.column, problem);
				out[f.name] = v;
			}
		}
		for (const [sys, dia] of BP_PAIRS) {
			const a = out[sys], b = out[dia];
			if (typeof a === 'number' && typeof b === 'number' && b >= a)
				return reject(columnOf(dia), `${dia} ${b} is not below ${sys} ${a}: diastolic must be lower than systolic`);
		}
		const guard = SessionRowSchema.safeParse(out);
		if (!guard.success) return reject(String(guard.error.issues[0].path[0] ?? '') || null, guard.error.issues[0].message);
		const key = `${client}\u0001${s}\u0001${session}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) return reject(mapping.session, `duplicate of line ${earlier}: client ${client}, series ${s}, session ${session} already recorded`);
		seen.set(key, line);
		rows.push(out);
	});

	const report: ImportReport = {
		rows_read: raw.rows.length,
		rows_accepted: rows.length,
		rows_rejected: errors.length,
		errors,
		warnings: [],
		identifier_columns: [],
		clients: new Set(rows.map((r) => r.client_id)).size,
		instruments: [],
		format: raw.format,
		source_rows: raw.rows.length,
		empty_cells_skipped: 0
	};
	const routeColumn = sourceColumn(route);
	const unknownLabels = routeColumn && unknownRoutes.size ? [{ column: routeColumn, values: [...unknownRoutes].sort() }] : [];
	return { rows, report, mapping, unknownLabels };
}
