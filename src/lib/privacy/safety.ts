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
import type { Row, TableSpec } from './spec';

export interface SafetyTables {
	counts: SafetyCountRow[];
	rates: SafetyRateRow[];
	means: SafetyMeanRow[];
	minutes_to_ready: MinutesRow[];
	dissociation: DissociationRow[];
}

/**
 * Every safety table through the policy together, with `more` tables of the same export (the CLI
 * report's import accounting, whose accepted records are the sessions count): their rows as exported.
 */
export function protectSafety(
	t: SafetyTables,
	minCell: number,
	more: { spec: TableSpec; rows: Row[] }[] = []
): Record<keyof SafetyTables, Exported<Protected<Row>>> & { more: Exported<Protected<Row>>[] } {
	const order = [
		['counts', SAFETY_TABLES.counts],
		['rates', SAFETY_TABLES.rates],
		['means', SAFETY_TABLES.means],
		['minutes_to_ready', SAFETY_TABLES.minutes],
		['dissociation', SAFETY_TABLES.dissociation]
	] as const;
	const out = protectTables([...order.map(([k, spec]) => ({ spec, rows: t[k] as unknown as Row[] })), ...more], minCell);
	return { ...(Object.fromEntries(order.map(([k], i) => [k, out[i]])) as Record<keyof SafetyTables, Exported<Protected<Row>>>), more: out.slice(order.length) };
}

/** The report's safety tables as printed (nothing withheld when `minCell` ≤ 0). */
export function sharedSafety(t: SafetyTables, minCell: number): SafetyTables {
	return sharedSafetyWith(t, minCell).tables;
}

/** `sharedSafety` with `more` tables in the same export (`more`: their rows as exported, or as given when nothing is withheld). */
export function sharedSafetyWith(t: SafetyTables, minCell: number, more: { spec: TableSpec; rows: Row[] }[] = []): { tables: SafetyTables; more: Row[][] } {
	if (!(minCell > 0)) return { tables: t, more: more.map((m) => m.rows) };
	const { more: extra, ...e } = protectSafety(t, minCell, more);
	return { tables: Object.fromEntries(Object.entries(e).map(([k, x]) => [k, [...x.rows]])) as unknown as SafetyTables, more: extra.map((x) => [...x.rows]) };
}
