/**
 * Item answers as SQL: each item column's value per instrument, or NaN where `parseItem` rejects the
 * answer (worded later from the cell, for the few rejected records: run.ts). See lookups.ts.
 */
import { INSTRUMENTS, INSTRUMENT_IDS, type InstrumentId } from '../../instruments/definitions';
import { parseItem } from '../../instruments/scoring';
import { join, sql, type Sql } from '../../engine/sql';
import { cellText } from '../values';
import type { ResolvedMeasure } from '../record';
import { CASE_MAX, type Cells, type Lookup, type Spec } from './lookups';

/** One item column: its value for each instrument, or the rejection reason (`parseItem`'s words). */
export const itemSpec: Spec = { val: 'double', err: 'text' };
export function item(k: number) {
	return (t: string | null, id: InstrumentId) => {
		const def = INSTRUMENTS[id];
		if (k >= def.items) return t === null ? {} : { err: `item out of range: item ${k + 1} given but ${def.shortName} has ${def.items} items` };
		const p = parseItem(def, k + 1, t);
		if (!p.ok) return { err: `${/not a number/.test(p.reason) ? 'non-numeric value' : 'item out of range'}: ${p.reason}` };
		return { val: p.value };
	};
}

/** Item lookups keyed by cell text and instrument id (a missing answer joins nothing: value null, no error). */
export function lookupItem(cells: Cells, idx: number, k: number, instrumentId: Sql): Lookup {
	const f = item(k);
	return cells.dict.add(cells, idx, itemSpec, (t, id) => f(t, id as InstrumentId), { values: [...INSTRUMENT_IDS], sql: instrumentId });
}

const NAN = sql`CAST('NaN' AS DOUBLE)`;
const itemLiteral = (v: number | null) => (v === null ? sql`CAST(NULL AS DOUBLE)` : Number.isNaN(v) ? NAN : sql`CAST(${v} AS DOUBLE)`);

/**
 * Item `k` held in column `idx` as one DOUBLE expression: the answer's value, NULL when missing, and
 * NaN when `item(k)` rejects it (a parsed answer is always finite, so NaN marks exactly the
 * rejections; the reason is worded from the cell later, for the few rejected rows). `ids`: the
 * instruments the rows can name. Usually a CASE on the cell text, the outcome of each distinct text
 * computed here once per instrument: a join per item column cost a hash probe per row each, about
 * half of an import. A column with very many distinct texts is joined to the dictionary instead.
 * `joins` receives the join clauses that path needs.
 */
export function itemValue(cells: Cells, idx: number, k: number, inst: Lookup, ids: InstrumentId[], joins: Sql[]): Sql {
	const { raw, clean } = cells.dict.distinctOf(idx);
	const instrumentId = inst.get('id');
	if (raw.length > CASE_MAX) {
		const look = lookupItem(cells, idx, k, instrumentId);
		joins.push(...look.joins);
		return sql`CASE WHEN ${look.get('err')} IS NOT NULL THEN ${NAN} ELSE ${look.get('val')} END`;
	}
	if (raw.length === 0 || ids.length === 0) return itemLiteral(null);
	const f = item(k);
	const outcome = (t: string | null, id: InstrumentId) => {
		const o: { val?: number | null; err?: string } = f(t, id);
		return o.err !== undefined ? NaN : (o.val ?? null);
	};
	// A column stored as numbers is matched on the number (as the dictionaries join on it), its cells never made text.
	const num = cells.dict.numbers(cells, idx);
	// Where the answer's outcome depends on the instrument, an instrument column looked up by a CASE gives
	// it by the instrument's entry (a list, chosen by its number: `pick`), not by another CASE on the
	// instrument's id, which repeated the instrument's expression and compared its text in every branch
	// of every item (stage 1 of the validating statement, the most of its per-row work).
	const entryIds = inst.pick ? (inst.entries!('id') as (InstrumentId | null)[]) : null;
	const branches = raw.map((text, j) => {
		const outs = ids.map((id) => outcome(clean[j], id));
		const then = outs.every((o) => Object.is(o, outs[0]))
			? itemLiteral(outs[0])
			: entryIds
				? inst.pick!(entryIds.map((id) => itemLiteral(id !== null && ids.includes(id) ? outcome(clean[j], id) : null)))
				: sql`CASE ${instrumentId} ${join(ids.map((id, n) => sql`WHEN ${id} THEN ${itemLiteral(outs[n])}`), sql` `)} END`;
		return sql`WHEN ${num ? num.keys[j] : text} THEN ${then}`;
	});
	return sql`CASE ${num ? num.cell : cells.raw(idx)} ${join(branches, sql` `)} END`;
}

/**
 * The source columns the measures read only as item answers (not among `other`, the columns with
 * another role) whose every cell is missing (`distinct`: each looked-up column's distinct texts as read).
 */
export function answerlessItemColumns(measures: ResolvedMeasure[], other: Set<number>, distinct: Map<number, string[]>, missing: Set<string>): number[] {
	const items = new Set(measures.flatMap((m) => m.items.flatMap((i) => (i ? [i.idx] : []))));
	return [...items].filter((i) => !other.has(i) && distinct.has(i) && !distinct.get(i)!.some((t) => cellText(t, missing) !== null));
}
