/**
 * `applyMapping`: a RawTable + a Mapping → canonical rows and a report. Linear in the rows: columns are
 * resolved once, each row is read once (plus one pre-pass only when a mapping asks for per-client
 * values), duplicates are found with one hash map. Bad rows never throw: they become report errors.
 * `startApply` exposes the same work in steps so `importFile` can report progress and be cancelled.
 */
import { ScoreRowSchema } from '../model/schema';
import { applyAttributes, prepareAttributes } from './attributes';
import type { Mapping } from './mapping';
import { buildScore, hasValue, prepareVisitOrder, routeOf } from './record';
import { resolveMapping } from './resolve';
import { fillByClient, readValue, sourceColumn } from './sources';
import { TableChecks } from './checks';
import type { CanonicalRow, ImportOutcome, ImportReport, RawTable } from './types';
import { cellNumber, cellText } from './values';

/** An import in progress: call `step` until it returns true, then `finish`. */
export interface ApplyRun {
	/** Process up to `limit` more source rows; true when all rows are done. */
	step(limit: number): boolean;
	/** Fraction of source rows processed, 0–1. */
	progress(): number;
	finish(): ImportOutcome;
}

/**
 * Map every row of `raw` with `mapping`. Never throws for bad rows; throws ImportError only when the
 * mapping itself cannot apply to this table (it names a column the file does not have).
 */
export function applyMapping(raw: RawTable, mapping: Mapping): ImportOutcome {
	const run = startApply(raw, mapping);
	run.step(Infinity);
	return run.finish();
}

/** Set up an import of `raw` with `mapping` (see applyMapping) without processing rows yet. */
export function startApply(raw: RawTable, mapping: Mapping): ApplyRun {
	const { table, ctx, identifiers, warnings, clientIdx, series, route, measures, attrs, extraColumns } = resolveMapping(raw, mapping);
	fillByClient(table, ctx, clientIdx, [series, route, ...measures.flatMap((m) => [m.instrument, m.phase, m.session, m.week])]);
	const clientKey = (row: (typeof raw.rows)[number]): string | null => {
		const c = cellText(row[clientIdx], ctx.missing);
		return c === null ? null : `${c}\u0001${readValue(series, row, ctx, c) ?? '1'}`;
	};
	prepareAttributes(table, ctx, attrs, clientKey);
	prepareVisitOrder(measures, raw.rows, ctx, clientKey);

	const rows: CanonicalRow[] = [];
	const acceptedLines: number[] = [];
	const errors: ImportReport['errors'] = [];
	const unknown = new Map<string, Set<string>>();
	const checks = new TableChecks();
	let read = 0;
	let emptySkipped = 0;
	let next = 0;
	const n = raw.rows.length;
	const noteUnknown = (u?: { column: string; value: string }) => {
		if (!u) return;
		if (!unknown.has(u.column)) unknown.set(u.column, new Set());
		unknown.get(u.column)!.add(u.value);
	};
	const firstValueColumn = measures[0].score?.column ?? measures[0].items.find((i) => i)?.column ?? null;

	function processRow(i: number): void {
		const row = raw.rows[i];
		const line = raw.lines[i];
		const client = cellText(row[clientIdx], ctx.missing);
		let produced = 0;
		for (const m of measures) {
			if (!hasValue(m, row, ctx)) {
				emptySkipped++;
				continue;
			}
			produced++;
			read++;
			if (client === null) {
				errors.push({ line, column: mapping.client_id, reason: 'missing client id' });
				continue;
			}
			const built = buildScore(m, row, ctx, client);
			if (!built.ok) {
				errors.push({ line, column: built.column, reason: built.reason });
				noteUnknown(built.unknown);
				continue;
			}
			const out = built.row;
			const routeText = readValue(route, row, ctx, client);
			const r = routeOf(routeText);
			if (r === null) {
				const c = sourceColumn(route);
				errors.push({ line, column: c, reason: `unknown route: "${routeText ?? ''}"` });
				if (c && routeText !== null) noteUnknown({ column: c, value: routeText });
				continue;
			}
			const seriesText = readValue(series, row, ctx, client) ?? '1';
			const s = cellNumber(seriesText, ctx.missing, false);
			if (s === null || !Number.isInteger(s) || s < 1) {
				errors.push({ line, column: sourceColumn(series), reason: `non-numeric value: series "${seriesText}" is not a whole number ≥ 1` });
				continue;
			}
			out.client_id = client;
			out.series = s;
			out.route = r;
			applyAttributes(out, row, ctx, attrs, `${client}\u0001${seriesText}`);
			const guard = ScoreRowSchema.safeParse(out);
			if (!guard.success) {
				const issue = guard.error.issues[0];
				errors.push({ line, column: String(issue.path[0] ?? '') || null, reason: issue.message });
				continue;
			}
			// Keep the validated object (zod output drops unknown keys, so extra attributes are copied back).
			const accepted = guard.data as CanonicalRow;
			for (const a of attrs) accepted[a.target] = out[a.target];
			const earlier = checks.add(accepted, rows.length, line);
			if (earlier !== undefined) {
				errors.push({ line, column: null, reason: `exact duplicate of line ${earlier} (same client, series, instrument, phase, session, week)` });
				continue;
			}
			if (built.note) warnings.push({ line, client_id: client, reason: built.note });
			if (built.incomplete) warnings.push({ line, client_id: client, reason: 'form marked Incomplete (0) in REDCap; imported anyway' });
			rows.push(accepted);
			acceptedLines.push(line);
		}
		if (produced === 0) {
			read++;
			emptySkipped -= measures.length;
			errors.push({ line, column: firstValueColumn, reason: 'no score: the row has no total and no item answers' });
		}
	}

	return {
		step(limit: number): boolean {
			const end = Math.min(n, next + limit);
			for (; next < end; next++) processRow(next);
			return next >= n;
		},
		progress: () => (n === 0 ? 1 : next / n),
		finish(): ImportOutcome {
			// One by one: spread as arguments, 200,000 warnings overflowed the call stack.
			for (const w of checks.warnings(rows, acceptedLines)) warnings.push(w);
			const report: ImportReport = {
				rows_read: read,
				rows_accepted: rows.length,
				rows_rejected: errors.length,
				errors,
				warnings,
				identifier_columns: identifiers,
				clients: new Set(rows.map((r) => r.client_id)).size,
				instruments: [...new Set(rows.map((r) => r.instrument))].sort(),
				format: raw.format,
				source_rows: n,
				empty_cells_skipped: emptySkipped
			};
			const unknownLabels = [...unknown].map(([column, values]) => ({ column, values: [...values].sort() }));
			return { rows, extraColumns, report, mapping, unknownLabels };
		}
	};
}
