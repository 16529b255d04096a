/**
 * Small-cell suppression for anything shared or exported (facts.md §5, CMS policy): no count of
 * 1 … minCell−1 clients is shown (0 is allowed), nor anything it can be derived from — a rate or
 * mean over it, its complement within a shown denominator, or a margin: when one cell of a
 * table slice is withheld and the slice's total is known, a second cell is withheld too
 * (complementary suppression), so the first cannot be recovered by subtraction.
 */

export interface SuppressOptions {
	/** Smallest count shown; 0 or less disables suppression. Default policy 11. */
	minCell: number;
	/** Fields holding client counts. */
	countFields: string[];
	/**
	 * Fields identifying a table slice whose non-total rows add up to its total row, e.g.
	 * ['instrument', 'phase', 'session', 'week'] for trajectories across groups.
	 */
	groupKeys?: string[];
	/** count field → its denominator field, e.g. { count: 'n' }: the complement n − count is checked too. */
	parts?: Record<string, string>;
	/** count field → fields computed from it (rate, CI, mean …), withheld with it. */
	derived?: Record<string, string[]>;
	/** Field naming the group; a row whose value is `(all)` (or with `total: true`) is the slice total. */
	groupField?: string;
	/** Treat each slice's total as known even without a total row (it is shown elsewhere). */
	totalKnown?: boolean;
}

export type SuppressedRow<T> = { [K in keyof T]: T[K] | null } & { suppressed: boolean; suppressed_fields: string[] };

type AnyRow = Record<string, unknown>;

const small = (v: unknown, min: number) => typeof v === 'number' && v > 0 && v < min;

/**
 * Copy of `rows` with withheld fields set to null, `suppressed: true` on rows with any withheld
 * field and `suppressed_fields` listing them. Rows are never dropped (the cell stays visible as
 * "suppressed", which is what a reader of a shared table needs to see).
 */
export function suppress<T extends object>(rows: T[], opts: SuppressOptions): SuppressedRow<T>[] {
	const min = opts.minCell;
	const gf = opts.groupField ?? 'group';
	const hidden = rows.map(() => new Set<string>());
	const raw = rows as unknown as AnyRow[];
	if (min > 0) {
		// Primary suppression (iterated: a withheld denominator withholds its parts).
		let changed = true;
		while (changed) {
			changed = false;
			raw.forEach((r, i) => {
				for (const f of opts.countFields) {
					if (hidden[i].has(f) || !(f in r)) continue;
					const den = opts.parts?.[f];
					const v = r[f];
					const d = den ? r[den] : undefined;
					const hide =
						small(v, min) ||
						(den !== undefined && hidden[i].has(den)) ||
						(typeof v === 'number' && typeof d === 'number' && small(d - v, min));
					if (hide) {
						hidden[i].add(f);
						changed = true;
					}
				}
			});
			if (!changed) changed = complementary(raw, hidden, opts, gf);
		}
	}
	return raw.map((r, i) => {
		const out: AnyRow = { ...r };
		const fields = new Set(hidden[i]);
		for (const f of hidden[i]) for (const d of opts.derived?.[f] ?? []) if (d in r) fields.add(d);
		for (const f of fields) out[f] = null;
		out.suppressed = fields.size > 0;
		out.suppressed_fields = [...fields];
		return out as SuppressedRow<T>;
	});
}

/** One round of complementary suppression; true when it withheld anything. */
function complementary(rows: AnyRow[], hidden: Set<string>[], opts: SuppressOptions, gf: string): boolean {
	if (!opts.groupKeys) return false;
	const slices = new Map<string, number[]>();
	rows.forEach((r, i) => {
		const k = JSON.stringify(opts.groupKeys!.map((g) => r[g] ?? null));
		(slices.get(k) ?? slices.set(k, []).get(k)!).push(i);
	});
	let changed = false;
	for (const idx of slices.values()) {
		const isTotal = (i: number) => rows[i][gf] === '(all)' || rows[i].total === true;
		const members = idx.filter((i) => !isTotal(i));
		const totals = idx.filter(isTotal);
		for (const f of opts.countFields) {
			const totalShown = totals.some((t) => !hidden[t].has(f) && typeof rows[t][f] === 'number') || (opts.totalKnown && totals.length === 0);
			if (!totalShown) continue;
			const withheld = members.filter((i) => hidden[i].has(f));
			if (withheld.length !== 1) continue;
			// Withhold the smallest other cell: it loses the least information.
			const candidates = members.filter((i) => !hidden[i].has(f) && typeof rows[i][f] === 'number');
			candidates.sort((a, b) => (rows[a][f] as number) - (rows[b][f] as number));
			const pick = candidates[0] ?? totals.find((t) => !hidden[t].has(f));
			if (pick === undefined) continue;
			hidden[pick].add(f);
			changed = true;
		}
	}
	return changed;
}
