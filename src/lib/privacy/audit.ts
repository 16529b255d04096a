/**
 * What a reader can work out about the cells that are not printed, from the printed ones and the
 * equations: bounds by interval propagation over non-negative whole numbers, and exact values by
 * Gaussian elimination (a cell fixed by a combination of equations that no single equation
 * pins down). The policy withholds more until no small count is determined.
 */
import type { Graph } from './cells';

export interface Bounds {
	lo: number;
	hi: number;
}

/** Unknown cells: withheld or never printed. */
export const unknownCells = (g: Graph, withheld: Set<number>) => g.cells.map((c, i) => !c.published || withheld.has(i));

/** Interval propagation to a fixpoint: bounds of every cell (known cells: their value). */
export function propagate(g: Graph, unknown: boolean[]): Bounds[] {
	const b = g.cells.map((c, i) => (unknown[i] ? { lo: 0, hi: Infinity } : { lo: c.value, hi: c.value }));
	const eqs = g.equations.filter((e) => e.terms.some((t) => unknown[t.cell]));
	for (let round = 0, changed = true; changed && round < 500; round++) {
		changed = false;
		for (const e of eqs) {
			for (const x of e.terms) {
				if (!unknown[x.cell]) continue;
				// coef·x = −Σ others
				let lo = 0;
				let hi = 0;
				for (const y of e.terms) {
					if (y === x) continue;
					const [a, c] = [-y.coef * b[y.cell].lo, -y.coef * b[y.cell].hi];
					lo += Math.min(a, c);
					hi += Math.max(a, c);
				}
				let [nlo, nhi] = x.coef > 0 ? [lo / x.coef, hi / x.coef] : [hi / x.coef, lo / x.coef];
				nlo = Math.ceil(nlo - 1e-9);
				nhi = Math.floor(nhi + 1e-9);
				const cur = b[x.cell];
				if (nlo > cur.lo) (cur.lo = nlo), (changed = true);
				if (nhi < cur.hi) (cur.hi = nhi), (changed = true);
			}
		}
	}
	return b;
}

/** Unknown cells whose value the equations fix exactly (over the reals), by component. */
export function eliminate(g: Graph, unknown: boolean[]): Set<number> {
	const out = new Set<number>();
	const eqs = g.equations.filter((e) => e.terms.some((t) => unknown[t.cell]));
	// connected components of unknown cells through shared equations (union–find)
	const parent = new Map<number, number>();
	const find = (x: number): number => {
		while (parent.get(x)! !== x) x = parent.get(x)!;
		return x;
	};
	for (const e of eqs) for (const t of e.terms) if (unknown[t.cell] && !parent.has(t.cell)) parent.set(t.cell, t.cell);
	for (const e of eqs) {
		const us = e.terms.filter((t) => unknown[t.cell]).map((t) => find(t.cell));
		for (const u of us.slice(1)) parent.set(find(u), find(us[0]));
	}
	const groups = new Map<number, typeof eqs>();
	for (const e of eqs) {
		const r = find(e.terms.find((t) => unknown[t.cell])!.cell);
		(groups.get(r) ?? groups.set(r, []).get(r)!).push(e);
	}
	for (const group of groups.values()) {
		const cols = [...new Set(group.flatMap((e) => e.terms.filter((t) => unknown[t.cell]).map((t) => t.cell)))];
		const col = new Map(cols.map((c, j) => [c, j]));
		const m = group.map((e) => {
			const row = new Array(cols.length).fill(0);
			for (const t of e.terms) if (unknown[t.cell]) row[col.get(t.cell)!] += t.coef;
			return row;
		});
		let r = 0;
		for (let j = 0; j < cols.length && r < m.length; j++) {
			let p = r;
			for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i][j]) > Math.abs(m[p][j])) p = i;
			if (Math.abs(m[p][j]) < 1e-9) continue;
			[m[r], m[p]] = [m[p], m[r]];
			const piv = m[r][j];
			for (let k = 0; k < cols.length; k++) m[r][k] /= piv;
			for (let i = 0; i < m.length; i++) {
				if (i === r || Math.abs(m[i][j]) < 1e-12) continue;
				const f = m[i][j];
				for (let k = 0; k < cols.length; k++) m[i][k] -= f * m[r][k];
			}
			r++;
		}
		for (const row of m.slice(0, r)) {
			const nz = row.map((v, j) => (Math.abs(v) > 1e-9 ? j : -1)).filter((j) => j >= 0);
			if (nz.length === 1) out.add(cols[nz[0]]);
		}
	}
	return out;
}

/** Unknown cells a reader can determine exactly (zero-width bounds or fixed by elimination). */
export function determined(g: Graph, withheld: Set<number>): Set<number> {
	const unknown = unknownCells(g, withheld);
	const b = propagate(g, unknown);
	const out = eliminate(g, unknown);
	b.forEach((x, i) => {
		if (unknown[i] && x.lo === x.hi) out.add(i);
	});
	return out;
}
