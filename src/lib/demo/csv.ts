/**
 * Canonical long CSV for demo rows: header = `CANONICAL_COLUMNS`, nulls as empty fields, booleans as
 * `true`/`false`. Pure string building, so callers choose how to write (stream, Blob, test).
 */
import { CANONICAL_COLUMNS } from '../model/schema';
import type { CanonicalDemoRow } from './generate';

/** Header line (no newline). */
export const DEMO_CSV_HEADER = CANONICAL_COLUMNS.join(',');

const ITEM_KEYS = CANONICAL_COLUMNS.filter((c) => c.startsWith('item_')) as `item_${number}`[];

/**
 * One CSV line (no newline) for `row`, columns in `CANONICAL_COLUMNS` order (a test checks the
 * order against the header). No field needs quoting: the generator's strings contain no comma,
 * quote or newline. Written out field by field rather than looping over column names because this
 * is the hot loop of 5M-row benchmark files.
 */
export function demoCsvLine(r: CanonicalDemoRow): string {
	let line = `${r.client_id},${r.series},${r.route},${r.instrument},${r.phase},${r.session ?? ''},${r.week ?? ''},${r.score},${r.prorated},${r.site},${r.age_band},${r.sex},${r.diagnosis},${r.dose_mg},${r.planned_sessions}`;
	for (let i = 0; i < ITEM_KEYS.length; i++) {
		const v = r[ITEM_KEYS[i]];
		line += v === null ? ',' : ',' + v;
	}
	return line;
}
