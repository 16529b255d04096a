/**
 * The cohort comparison's methods and results text as it may leave the app (copied or downloaded):
 * the numbers of the comparison cards' tables as the page's one export lets them out
 * (compare-page.ts), withheld numbers reading "withheld"; a model fitted on a cohort under the
 * threshold keeps no coefficients. Without the page's other tables (the CLI, tests) the
 * comparison's own tables make the export.
 */
import type { Comparison } from '../metrics/compare';
import { protectComparePage } from './compare-page';
import { MIN_CELL } from './policy';

/** Methods and results as copied or downloaded: every number the policy allows. */
export function sharedText(c: Comparison, minCell = MIN_CELL): { methods: string; results: string[] } {
	return protectComparePage({ instrument: c.instrument, comparison: c }, minCell).text!;
}
