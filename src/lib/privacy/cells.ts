/**
 * Tables + specs → cells and linear equations. A cell is one count (published in one or more
 * places, or implied: n − responders); an equation says a set of cells adds up to another.
 */
import { keyOf, matches, type Row, type TableSpec } from './spec';

export interface Cell {
	value: number;
	/** Printed somewhere in the export (false: implied by an equation only). */
	published: boolean;
	/** Where it is printed: table index, row index, field. */
	at: { table: number; row: number; field: string }[];
}

/** Σ coef · cell = 0. */
export interface Equation {
	terms: { cell: number; coef: number }[];
}

export interface Graph {
	cells: Cell[];
	equations: Equation[];
	/** Cell of table t, row i, field f (undefined when that field holds no count). */
	cellAt: (t: number, i: number, f: string) => number | undefined;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function partition(rows: Row[], by: string[], keep: (r: Row) => boolean = () => true): Map<string, number[]> {
	const out = new Map<string, number[]>();
	rows.forEach((r, i) => {
		if (!keep(r)) return;
		const k = keyOf(r, by);
		(out.get(k) ?? out.set(k, []).get(k)!).push(i);
	});
	return out;
}

/** Build the cell graph of one export (several tables whose specs may share cells). */
export function buildGraph(tables: { spec: TableSpec; rows: Row[] }[]): Graph {
	const cells: Cell[] = [];
	const equations: Equation[] = [];
	const byId = new Map<string, number>();
	const at = new Map<string, number>();
	const loc = (t: number, i: number, f: string) => `${t}\u0001${i}\u0001${f}`;
	const newCell = (value: number, published: boolean) => cells.push({ value, published, at: [] }) - 1;

	tables.forEach(({ spec, rows }, t) => {
		rows.forEach((r, i) => {
			for (const f of spec.counts) {
				const v = r[f];
				if (!isCount(v)) continue;
				const same = spec.same?.find((s) => s.field === f && matches(r, s.where));
				const id = same ? `${same.as}\u0001${keyOf(r, same.by)}` : null;
				let c = id === null ? undefined : byId.get(id);
				if (c === undefined || cells[c].value !== v) {
					c = newCell(v, !spec.implied);
					if (id !== null && !byId.has(id)) byId.set(id, c);
				}
				// an implied table's count is printed only where a printed table shares it
				if (!spec.implied) {
					cells[c].published = true;
					cells[c].at.push({ table: t, row: i, field: f });
				}
				at.set(loc(t, i, f), c);
			}
		});
	});
	const cellAt = (t: number, i: number, f: string) => at.get(loc(t, i, f));
	/** parts (+ an implied rest) = total; skipped when a cell is missing. */
	const sum = (parts: (number | undefined)[], total: number | undefined, complete = true) => {
		if (total === undefined || parts.length === 0 || parts.some((p) => p === undefined)) return;
		const ps = parts as number[];
		const terms = ps.map((cell) => ({ cell, coef: 1 }));
		if (!complete) {
			const rest = cells[total].value - ps.reduce((a, p) => a + cells[p].value, 0);
			terms.push({ cell: newCell(rest, false), coef: 1 });
		}
		// the same cell on both sides (a total equal to its only part) cancels
		terms.push({ cell: total, coef: -1 });
		const net = new Map<number, number>();
		for (const x of terms) net.set(x.cell, (net.get(x.cell) ?? 0) + x.coef);
		const kept = [...net].filter(([, coef]) => coef !== 0).map(([cell, coef]) => ({ cell, coef }));
		if (kept.length) equations.push({ terms: kept });
	};

	tables.forEach(({ spec, rows }, t) => {
		for (const s of spec.slices ?? []) {
			if (s.kind === 'fields') {
				rows.forEach((r, i) => {
					if (matches(r, s.where)) sum(s.parts.map((f) => cellAt(t, i, f)), cellAt(t, i, s.total), s.complete ?? true);
				});
			} else if (s.kind === 'rows') {
				for (const idx of partition(rows, s.by).values()) {
					const parts = idx.filter((i) => matches(rows[i], s.where) && !(s.except && matches(rows[i], s.except)) && !(s.totalRow && matches(rows[i], s.totalRow)));
					if (!parts.length) continue;
					let total: number | undefined;
					if (s.totalRow) {
						const tr = idx.find((i) => matches(rows[i], s.totalRow));
						total = tr === undefined ? undefined : cellAt(t, tr, s.count);
					} else if (s.total) {
						total = cellAt(t, parts[0], s.total);
						// every row carries the total: copies that are not one cell are equal
						for (const i of parts.slice(1)) sum([cellAt(t, i, s.total)], total);
					}
					sum(parts.map((i) => cellAt(t, i, s.count)), total, s.complete ?? true);
				}
			} else if (s.kind === 'groups') {
				const all = s.all ?? '(all)';
				for (const idx of partition(rows, s.by, (r) => matches(r, s.where)).values()) {
					const parts = idx.filter((i) => rows[i][s.group] !== all);
					const totalRow = idx.find((i) => rows[i][s.group] === all);
					for (const f of s.counts ?? spec.counts) {
						const ps = parts.map((i) => cellAt(t, i, f));
						if (totalRow !== undefined) sum(ps, cellAt(t, totalRow, f));
						else if (s.totalKnown && ps.length > 1 && ps.every((p) => p !== undefined))
							sum(ps, newCell(ps.reduce((a, p) => a + cells[p!].value, 0), true));
					}
				}
			} else if (s.kind === 'link') {
				for (const idx of partition(rows, s.by).values())
					for (const i of idx) {
						const j = idx.find((k) => rows[i][s.ref] !== null && rows[i][s.ref] !== undefined && rows[k][s.id] === rows[i][s.ref]);
						if (j !== undefined) sum(s.parts.map((f) => cellAt(t, i, f)), cellAt(t, j, s.total));
					}
			} else {
				for (const idx of partition(rows, s.by).values()) {
					const sorted = [...idx].sort((a, b) => Number(rows[a][s.order]) - Number(rows[b][s.order]));
					sorted.forEach((i, k) => {
						const next = sorted[k + 1];
						const parts = [...s.minus.map((f) => cellAt(t, i, f)), ...(next === undefined ? [] : [cellAt(t, next, s.from)])];
						sum(parts, cellAt(t, i, s.from));
					});
				}
			}
		}
	});
	return { cells, equations, cellAt };
}
