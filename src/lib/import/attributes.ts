/**
 * Client attributes kept alongside scores: known ones (site, age_band, sex, diagnosis, dose_mg) and
 * extra columns with sanitised snake_case names. Identifier columns are dropped here unless the user
 * insisted, or unless a transform removes the identifying detail (age bands, relative days).
 */
import { CANONICAL_COLUMNS, KNOWN_ATTRIBUTES } from '../model/schema';
import { snake } from './deid';
import type { Attribute } from './mapping';
import { col, type Ctx } from './sources';
import type { Cell, RawTable } from './types';
import { ageBand, ageCap, cellNumber, cellText, parseDateDays } from './values';

export interface ResolvedAttribute {
	spec: Attribute;
	idx: number;
	target: string;
	labels: Map<string, string | null> | null;
	/** relative_days: the first date per client (days since 1970) — series start. */
	start: Map<string, number> | null;
	byClient: Map<string, string | number | null> | null;
}

const CANON = new Set<string>(CANONICAL_COLUMNS);

/** Name of the table column an attribute lands in: a known attribute, or a snake_case extra column. */
export function attributeTarget(as: string): string {
	if ((KNOWN_ATTRIBUTES as readonly string[]).includes(as)) return as;
	let name = snake(as) || 'attribute';
	if (/^\d/.test(name)) name = `a_${name}`;
	if (CANON.has(name)) name = `${name}_attr`;
	return name;
}

/**
 * Resolve attribute specs. Returns the usable ones, the extra column names, and a warning per
 * identifier column that was dropped.
 */
export function resolveAttributes(
	specs: Attribute[],
	ctx: Ctx,
	flagged: Map<string, string>,
	insisted: Set<string>
): { attrs: ResolvedAttribute[]; extraColumns: string[]; dropped: string[] } {
	const attrs: ResolvedAttribute[] = [];
	const extra: string[] = [];
	const dropped: string[] = [];
	for (const spec of specs) {
		const reason = flagged.get(spec.column);
		if (reason && !insisted.has(spec.column) && !spec.transform) {
			dropped.push(`column "${spec.column}" not imported: it looks like an identifier (${reason}); list it in include_identifiers to import it anyway`);
			continue;
		}
		const target = attributeTarget(spec.as);
		if (attrs.some((a) => a.target === target)) continue;
		if (!(KNOWN_ATTRIBUTES as readonly string[]).includes(target)) extra.push(target);
		attrs.push({
			spec,
			idx: col(ctx, spec.column),
			target,
			labels: spec.labels ? new Map(Object.entries(spec.labels).map(([k, v]) => [k.trim(), v === null ? null : String(v)])) : null,
			start: spec.transform === 'relative_days' ? new Map() : null,
			byClient: spec.by_client ? new Map() : null
		});
	}
	return { attrs, extraColumns: extra, dropped };
}

/** One pass: first date per client/series for relative_days; first value per client for by_client. */
export function prepareAttributes(raw: RawTable, ctx: Ctx, attrs: ResolvedAttribute[], clientKey: (row: Cell[]) => string | null): void {
	if (!attrs.some((a) => a.start || a.byClient)) return;
	for (const row of raw.rows) {
		const key = clientKey(row);
		if (key === null) continue;
		for (const a of attrs) {
			if (a.start) {
				const t = cellText(row[a.idx], ctx.missing);
				const d = t === null ? null : parseDateDays(t);
				if (d !== null && (!a.start.has(key) || d < a.start.get(key)!)) a.start.set(key, d);
			}
			if (a.byClient && !a.byClient.has(key)) {
				const v = own(a, row, ctx, key);
				if (v !== null) a.byClient.set(key, v);
			}
		}
	}
}

/** The attribute's own value in `row` (labels and transform applied), before any per-client fill. */
export function own(a: ResolvedAttribute, row: Cell[], ctx: Ctx, key: string): string | number | null {
	const raw = row[a.idx];
	switch (a.spec.transform) {
		case 'age_band':
		case 'age_cap': {
			const n = cellNumber(raw, ctx.missing, true);
			if (n === null || Number.isNaN(n)) return null;
			return a.spec.transform === 'age_band' ? ageBand(n) : ageCap(n);
		}
		case 'relative_days': {
			const t = cellText(raw, ctx.missing);
			const d = t === null ? null : parseDateDays(t);
			const s = a.start?.get(key);
			return d === null || s === undefined ? null : String(d - s);
		}
	}
	const t = cellText(raw, ctx.missing);
	if (t === null) return null;
	const v = a.labels?.has(t) ? a.labels.get(t)! : t;
	if ((a.target === 'dose_mg' || a.target === 'planned_sessions') && v !== null) {
		const n = cellNumber(v, ctx.missing, true);
		if (n === null || Number.isNaN(n)) return null;
		// a planned session count is a whole number ≥ 1; anything else is not a plan
		return a.target === 'planned_sessions' ? (Number.isInteger(n) && n >= 1 ? n : null) : n;
	}
	return v;
}

/** Set every attribute of `row` on `out`. `key` is the client/series key used by the pre-pass. */
export function applyAttributes(out: Record<string, unknown>, row: Cell[], ctx: Ctx, attrs: ResolvedAttribute[], key: string): void {
	for (const a of attrs) {
		let v = own(a, row, ctx, key);
		if (v === null && a.byClient) v = a.byClient.get(key) ?? null;
		out[a.target] = v;
	}
}
