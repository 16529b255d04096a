/**
 * Individual-level change: Jacobson & Truax (1991) reliable change, fixed-point rules
 * (IAPT), percentage rules, and the clinical-significance cutoff c. Scores are assumed
 * to be "lower is better" (BDI-II, PHQ-9, HAM-D, MADRS...). See facts.md §2.4–2.5.
 *
 * The variant implemented is the original Jacobson–Truax one: S_diff = √2·SE_meas with
 * SE_meas = SD·√(1 − r), using one SD (usually the baseline SD of the sample or a norm
 * SD). Maassen's pre/post-variance variant is not implemented; callers must document
 * which SD they pass (Blampied 2022).
 */

export type ChangeClass = 'improved' | 'unchanged' | 'deteriorated';

/** Critical |RCI| for p < .05 two-sided, as in Jacobson & Truax (1991). */
export const RCI_CRITICAL = 1.96;

/**
 * Reliable change index (post − pre)/sdiff. Negative = fewer symptoms on a lower-is-better
 * scale. NaN input or sdiff ≤ 0 → NaN.
 */
export function rci(pre: number, post: number, sdiff: number): number {
	if (!(sdiff > 0)) return NaN;
	return (post - pre) / sdiff;
}

export type ChangeRule = { sdiff: number } | { points: number };

/**
 * Classify one person's change on a lower-is-better scale.
 *
 * - `{ sdiff }`: Jacobson–Truax. improved if (pre − post)/sdiff > 1.96, deteriorated if
 *   (post − pre)/sdiff > 1.96 (strict, as the R package clinicalsignificance does).
 * - `{ points }`: fixed-point rule, e.g. IAPT PHQ-9 `{ points: 6 }`, GAD-7 `{ points: 4 }`:
 *   improved if pre − post ≥ points, deteriorated if post − pre ≥ points (inclusive,
 *   matching IAPT's "drop of 6 or more").
 *
 * Throws a RangeError when pre or post is not finite (missing data must be excluded by the
 * caller — silently calling it "unchanged" would bias the counts) or when sdiff/points is
 * not a positive number.
 */
export function classifyChange(pre: number, post: number, opts: ChangeRule): ChangeClass {
	if (!Number.isFinite(pre) || !Number.isFinite(post)) {
		throw new RangeError(`classifyChange: pre and post must be finite numbers (got ${pre}, ${post})`);
	}
	if ('sdiff' in opts) {
		if (!(opts.sdiff > 0)) throw new RangeError(`classifyChange: sdiff must be > 0 (got ${opts.sdiff})`);
		const r = rci(pre, post, opts.sdiff);
		if (-r > RCI_CRITICAL) return 'improved';
		if (r > RCI_CRITICAL) return 'deteriorated';
		return 'unchanged';
	}
	if (!(opts.points > 0)) throw new RangeError(`classifyChange: points must be > 0 (got ${opts.points})`);
	if (pre - post >= opts.points) return 'improved';
	if (post - pre >= opts.points) return 'deteriorated';
	return 'unchanged';
}


