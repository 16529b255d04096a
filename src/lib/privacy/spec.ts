/**
 * How an exported table declares its structure to the privacy policy, as data: which fields are
 * client counts, which fields are computed from them, and which counts add up to which totals.
 * The policy (policy.ts) turns a spec and its rows into cells and linear equations and withholds
 * cells until no small count can be recovered from what is published.
 */

/** A row of any exported table. */
export type Row = Record<string, unknown>;

/** Rows whose fields have these values (a list: any of its values). */
export type Match = Record<string, string | number | boolean | null | (string | number | boolean | null)[]>;

/**
 * Counts that add up to a total. Every slice becomes one equation per partition of the rows by
 * `by` (default: all rows together):
 *
 * - `fields`: within one row, `parts` add up to `total` (wide rows: improved + unchanged +
 *   deteriorated = n). `complete: false` when the parts do not cover the total: the rest is an
 *   unpublished cell (responders ≤ n; n − responders = non-responders).
 * - `rows`: the `count` field of every row of the partition (restricted by `where`) adds up to the
 *   `total` field of those rows (the same cell on each: long format, e.g. one row per outcome with
 *   its n), or to the `count` of the row matching `totalRow`; rows matching `except` are left out.
 * - `groups`: across groups, each count of the rows with `group` ≠ `all` adds up to the row with
 *   `group` = `all`, or (`totalKnown`) to a total published elsewhere (the ungrouped view).
 * - `chain`: a life table per partition ordered by `order`: `from` of one row = the `minus`
 *   fields of that row + `from` of the next row; after the last row nobody is left.
 * - `link`: each row names (in `ref`) the row of its partition (by its `id` field) it is counted
 *   from: that row's `total` = this row's `parts` (a flow diagram: n before = n after + left).
 */
export type Slice =
	| { kind: 'fields'; parts: string[]; total: string; complete?: boolean; where?: Match }
	| { kind: 'rows'; by: string[]; count: string; total?: string; totalRow?: Match; where?: Match; except?: Match; complete?: boolean }
	| { kind: 'groups'; group: string; by: string[]; all?: string; totalKnown?: boolean; counts?: string[]; where?: Match }
	| { kind: 'chain'; by: string[]; order: string; from: string; minus: string[] }
	| { kind: 'link'; by: string[]; id: string; ref: string; parts: string[]; total: string };

/**
 * Fields computed from counts (rates, CIs, means, SDs …): withheld when any count they come from is
 * withheld — in the same row, in any row of the partition matching `row` (a share of the
 * baseline count; a difference of two cohorts' rates), or (`carry`) in any earlier row of the
 * partition ordered by `carry` (a Kaplan–Meier S(t) carries every earlier step). `where` limits
 * the rows the rule applies to.
 */
export interface Derived {
	fields: string[];
	from: string[];
	row?: { by: string[]; match: Match };
	carry?: { by: string[]; order: string };
	where?: Match;
}

/**
 * The same quantity published in several places (a field of some rows here, or a field of another
 * table in the same export) is one cell: `as` names the quantity, `by` the fields that identify
 * it. Cells are joined only when their values agree.
 */
export interface Same {
	field: string;
	as: string;
	by: string[];
	where?: Match;
}

export interface TableSpec {
	/** Shown in messages; unique within one export. */
	name: string;
	/**
	 * Never printed: a breakdown a reader does not see but that ties printed counts of other tables
	 * together (which questionnaires a client-series has a baseline on links per-questionnaire counts
	 * to per-series ones). Its counts are unknowns of the equations, protected like any implied cell;
	 * a count it shares (`same`) with a printed table is that table's cell.
	 */
	implied?: boolean;
	/** Fields holding whole client counts. */
	counts: string[];
	derived?: Derived[];
	slices?: Slice[];
	same?: Same[];
}

/** True when `row` matches every field of `m` (an absent `m` matches everything). */
export function matches(row: Row, m: Match | undefined): boolean {
	if (!m) return true;
	for (const [k, v] of Object.entries(m)) {
		const x = row[k] ?? null;
		if (Array.isArray(v) ? !v.includes(x as string | number | boolean | null) : x !== v) return false;
	}
	return true;
}

/** Stable text key of `row`'s values of `fields`. */
export function keyOf(row: Row, fields: string[]): string {
	return JSON.stringify(fields.map((f) => row[f] ?? null));
}
