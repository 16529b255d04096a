/**
 * The safety tables as they may leave: the safety section of `report` (JSON and text) and the
 * /safety page's CSVs, each in one export.
 * A rate measured at every session has the session count as its n (and the client count per
 * client), and a mean or the minutes to ready over every session the same: one cell in several
 * tables (SAFETY_TABLES' `same`), so a count withheld in one table is not printed in another.
 */
import type { DissociationRow, MinutesRow, SafetyCountRow, SafetyMeanRow, SafetyRateRow } from '../metrics/safety';
import { SAFETY_TABLES } from '../metrics/safety';
import { protectTables, type Exported, type Protected } from './policy';
import type { Row } from './spec';

export interface SafetyTables {
	counts: SafetyCountRow[];
	rates: SafetyRateRow[];
	means: SafetyMeanRow[];
	minutes_to_ready: MinutesRow[];
	dissociation: DissociationRow[];
}

/** Every safety table through the policy together. */
export function protectSafety(t: SafetyTables, minCell: number): Record<keyof SafetyTables, Exported<Protected<Row>>> {
	const order = [
		['counts', SAFETY_TABLES.counts],
		['rates', SAFETY_TABLES.rates],
		['means', SAFETY_TABLES.means],
		['minutes_to_ready', SAFETY_TABLES.minutes],
		['dissociation', SAFETY_TABLES.dissociation]
	] as const;
	const out = protectTables(order.map(([k, spec]) => ({ spec, rows: t[k] as unknown as Row[] })), minCell);
	return Object.fromEntries(order.map(([k], i) => [k, out[i]])) as Record<keyof SafetyTables, Exported<Protected<Row>>>;
}

/** The report's safety tables as printed (nothing withheld when `minCell` ≤ 0). */
export function sharedSafety(t: SafetyTables, minCell: number): SafetyTables {
	if (!(minCell > 0)) return t;
	const e = protectSafety(t, minCell);
	return Object.fromEntries(Object.entries(e).map(([k, x]) => [k, [...x.rows]])) as unknown as SafetyTables;
}
