/**
 * Resolving the mapping's value sources against a table: column names → indexes (once, up front),
 * label maps → Maps, and the per-client fill of `by_client` sources (one linear pre-pass).
 */
import type { ValueSource } from './mapping';
import { ImportError, type Cell, type RawTable } from './types';
import { cellText } from './values';

export interface Ctx {
	index: Map<string, number>;
	missing: Set<string>;
	decimalComma: boolean;
}

export type Resolved =
	| { kind: 'const'; value: string | null }
	| { kind: 'col'; idx: number; column: string; labels: Map<string, string | null> | null; byClient: Map<string, string> | null }
	| { kind: 'box'; boxes: { idx: number; value: string }[]; column: string; byClient: Map<string, string> | null };

/** Index of `column` in the table; throws ImportError naming the missing column (a mapping error, not a row error). */
export function col(ctx: Ctx, column: string): number {
	const i = ctx.index.get(column);
	if (i === undefined) throw new ImportError(`the mapping names column "${column}", which is not in the file`);
	return i;
}

/** Resolve `src` once; `fallback` is used when the mapping leaves the source out. */
export function resolveSource(ctx: Ctx, src: ValueSource | undefined, fallback: string | null): Resolved {
	if (!src) return { kind: 'const', value: fallback };
	if ('value' in src) return { kind: 'const', value: src.value === null ? null : String(src.value) };
	if ('column' in src) {
		const labels = src.labels
			? new Map(Object.entries(src.labels).map(([k, v]) => [k.trim(), v === null ? null : String(v)]))
			: null;
		return { kind: 'col', idx: col(ctx, src.column), column: src.column, labels, byClient: src.by_client ? new Map() : null };
	}
	const boxes = Object.entries(src.checkboxes).map(([c, value]) => ({ idx: col(ctx, c), value }));
	return { kind: 'box', boxes, column: Object.keys(src.checkboxes)[0] ?? '', byClient: src.by_client ? new Map() : null };
}

/** The source's own value in `row` (labels applied), ignoring the per-client fill. */
export function ownValue(r: Resolved, row: Cell[], ctx: Ctx): string | null {
	if (r.kind === 'const') return r.value;
	if (r.kind === 'col') {
		const t = cellText(row[r.idx], ctx.missing);
		if (t === null || !r.labels) return t;
		return r.labels.has(t) ? r.labels.get(t)! : t;
	}
	// A checkbox counts as checked when it holds 1 (REDCap raw export) or "Checked" (label export).
	for (const b of r.boxes) {
		const t = cellText(row[b.idx], ctx.missing);
		if (t === '1' || t?.toLowerCase() === 'checked' || t?.toLowerCase() === 'yes') return b.value;
	}
	return null;
}

/** The source's value for `row` of client `client`: its own, else the client's first non-empty one. */
export function readValue(r: Resolved, row: Cell[], ctx: Ctx, client: string | null): string | null {
	const own = ownValue(r, row, ctx);
	if (own !== null || r.kind === 'const' || !r.byClient || client === null) return own;
	return r.byClient.get(client) ?? null;
}

/** Fill every by_client source's per-client value with one pass over the table. */
export function fillByClient(raw: RawTable, ctx: Ctx, clientIdx: number, sources: Resolved[]): void {
	const active = sources.filter((s) => s.kind !== 'const' && s.byClient);
	if (active.length === 0) return;
	for (const row of raw.rows) {
		const client = cellText(row[clientIdx], ctx.missing);
		if (client === null) continue;
		for (const s of active) {
			if (s.kind === 'const' || !s.byClient || s.byClient.has(client)) continue;
			const v = ownValue(s, row, ctx);
			if (v !== null) s.byClient.set(client, v);
		}
	}
}

/** The column a source reads (for error reports), or null for a constant. */
export function sourceColumn(r: Resolved): string | null {
	return r.kind === 'const' ? null : r.column;
}
