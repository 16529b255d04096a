/**
 * The small-cell policy: the one place that decides what is withheld in anything exported or
 * shared — the app's CSV downloads, Table 1, the methods text, the CLI `report` (JSON and text),
 * and every future export (site bundles, safety tables). facts.md §5 (CMS policy): no count of
 * 1 … minCell−1 clients is shown (0 is allowed), nor anything it can be derived from.
 *
 * 1. Primary: every count of 1 … minCell−1 — printed, or implied by an equation (n − responders)
 *    — is sensitive; printed sensitive counts are withheld.
 * 2. Complementary, to a fixpoint: the audit (audit.ts) works out what a reader can determine from
 *    the printed cells and every declared equation (slices, group totals, life tables, the same
 *    count in two tables). While a sensitive cell is determined, the smallest printed cell of an
 *    equation that pins it is withheld too.
 * 3. Fields computed from a withheld count (rates, CIs, means, SDs, S(t)) are withheld with it.
 */
import { buildGraph, type Graph } from './cells';
import { determined } from './audit';
import { keyOf, matches, type Row, type TableSpec } from './spec';

/** Smallest count shown in anything exported: the policy's default (CMS; facts.md §5). */
export const MIN_CELL = 11;

/** A row as exported: withheld fields are null, and the row says which. */
export type Protected<T> = { [K in keyof T]: T[K] | null } & { suppressed: boolean; suppressed_fields: string[] };

declare const checked: unique symbol;

/**
 * Rows that went through this module: the only thing a download accepts. `policy` says what was
 * applied (`min cell 11`, or `individual record` for one client's own course).
 */
export interface Exported<T = Row> {
	readonly [checked]: true;
	readonly rows: readonly T[];
	readonly policy: string;
}

const stamp = <T>(rows: T[], policy: string) => ({ rows, policy }) as unknown as Exported<T>;

/** Which cells are withheld (indexes into `g.cells`) so that no sensitive cell is determined. */
export function withheldCells(g: Graph, minCell: number): Set<number> {
	const small = (v: number) => v > 0 && v < minCell;
	const withheld = new Set<number>();
	if (minCell <= 0) return withheld;
	// a total printed elsewhere (no place here) counts as known: it is not this export's to withhold
	g.cells.forEach((c, i) => c.at.length && small(c.value) && withheld.add(i));
	const eqsOf = new Map<number, number[]>();
	g.equations.forEach((e, k) => e.terms.forEach((t) => (eqsOf.get(t.cell) ?? eqsOf.set(t.cell, []).get(t.cell)!).push(k)));
	// A withheld cell is never recoverable (small or complementary); a small implied cell neither.
	// A 0 may be shown, so a withheld 0 a reader can prove (a slice whose total is 0) reveals nothing.
	const guarded = (c: number) => small(g.cells[c].value) || (withheld.has(c) && g.cells[c].value > 0);
	const stuck = new Set<number>();
	for (;;) {
		const exposed = [...determined(g, withheld)].filter((c) => guarded(c) && !stuck.has(c));
		if (!exposed.length) return withheld;
		for (const c of exposed) {
			const pick = complement(g, c, withheld, eqsOf);
			// nothing printed is left around it: it stays as withheld as it can be
			if (pick === undefined) stuck.add(c);
			else withheld.add(pick);
		}
	}
}

/**
 * The printed cell to withhold so `c` is no longer pinned: from the equation around it with the
 * fewest unknowns (the one that pins it), nearest first through unknown cells, the smallest
 * positive value (loses the least, and a 0 would bound a cycle).
 */
function complement(g: Graph, c: number, withheld: Set<number>, eqsOf: Map<number, number[]>): number | undefined {
	const unknown = (i: number) => !g.cells[i].published || withheld.has(i);
	// a total printed elsewhere (the ungrouped view) cannot be withheld from here
	const candidate = (i: number) => !unknown(i) && g.cells[i].at.length > 0;
	const rank = (i: number) => (g.cells[i].value > 0 ? g.cells[i].value : Infinity);
	const seen = new Set([c]);
	let frontier = [c];
	while (frontier.length) {
		const eqs = [...new Set(frontier.flatMap((u) => eqsOf.get(u) ?? []))].map((k) => g.equations[k].terms.map((t) => t.cell));
		const unknowns = (cells: number[]) => cells.filter((i) => unknown(i) && !seen.has(i)).length;
		eqs.sort((a, b) => unknowns(a) - unknowns(b));
		for (const cells of eqs) {
			const found = cells.filter((i) => candidate(i) && !seen.has(i));
			if (found.length) return found.sort((a, b) => rank(a) - rank(b) || a - b)[0];
		}
		const next = [...new Set(eqs.flat())].filter((i) => unknown(i) && !seen.has(i));
		next.forEach((i) => seen.add(i));
		frontier = next;
	}
	return undefined;
}

/** Withheld fields per row of each table: counts, then what derives from them. */
function hiddenFields(tables: { spec: TableSpec; rows: Row[] }[], g: Graph, withheld: Set<number>): Set<string>[][] {
	return tables.map(({ spec, rows }, t) => {
		const hidden = rows.map((_, i) => new Set(spec.counts.filter((f) => withheld.has(g.cellAt(t, i, f) ?? -1))));
		for (const d of spec.derived ?? []) {
			const hit = (i: number) => d.from.some((f) => hidden[i].has(f));
			const hide = (i: number) => matches(rows[i], d.where) && d.fields.forEach((f) => f in rows[i] && hidden[i].add(f));
			rows.forEach((r, i) => {
				if (hit(i)) hide(i);
				if (d.row && rows.some((x, j) => keyOf(x, d.row!.by) === keyOf(r, d.row!.by) && matches(x, d.row!.match) && hit(j))) hide(i);
			});
			if (d.carry) {
				const { by, order } = d.carry;
				const parts = new Map<string, number[]>();
				rows.forEach((r, i) => (parts.get(keyOf(r, by)) ?? parts.set(keyOf(r, by), []).get(keyOf(r, by))!).push(i));
				for (const idx of parts.values()) {
					let on = false;
					for (const i of idx.sort((a, b) => Number(rows[a][order]) - Number(rows[b][order]))) {
						on ||= hit(i);
						if (on) hide(i);
					}
				}
			}
		}
		return hidden;
	});
}

/** Apply the policy to several tables published together (cells shared through `same`). */
export function protectTables(tables: { spec: TableSpec; rows: Row[] }[], minCell = MIN_CELL): Exported<Protected<Row>>[] {
	const g = buildGraph(tables);
	const hidden = hiddenFields(tables, g, withheldCells(g, minCell));
	return tables.map(({ rows }, t) =>
		stamp(
			rows.map((r, i) => {
				const out: Row = { ...r };
				for (const f of hidden[t][i]) out[f] = null;
				return { ...out, suppressed: hidden[t][i].size > 0, suppressed_fields: [...hidden[t][i]] } as Protected<Row>;
			}),
			minCell > 0 ? `min cell ${minCell}` : 'no suppression'
		)
	);
}

/** Apply the policy to one table. */
export function protect<T extends object>(rows: readonly T[], spec: TableSpec, minCell = MIN_CELL): Exported<Protected<T>> {
	return protectTables([{ spec, rows: rows as unknown as Row[] }], minCell)[0] as unknown as Exported<Protected<T>>;
}

/** Part of an export (fewer cells never reveal more): e.g. one instrument's rows of a page-wide table. */
export function select<T>(e: Exported<T>, keep: (row: T) => boolean): Exported<T> {
	return stamp(e.rows.filter(keep), e.policy);
}

/**
 * One client's own course, exported by the clinician who follows them (the client page): not an
 * aggregate, so no cell is withheld — declared here so that it is a decision, not an omission.
 */
export function individualRecord<T>(rows: readonly T[]): Exported<T> {
	return stamp([...rows], 'individual record');
}
