import { INSTRUMENTS, itemMax, type InstrumentDefinition, type InstrumentId } from './definitions';

/** An item answer as it may arrive from a file: number, numeric string, coded string ("2a"), or missing. */
export type RawItem = number | string | null | undefined;

export type ItemParse = { ok: true; value: number | null } | { ok: false; reason: string };

/**
 * Parse one item answer of `def` (1-based `item`). Empty / null is a missing answer (value null).
 * Accepts instrument-specific codes (BDI-II items 16 and 18: 1a, 1b, 2a …). Rejects non-integers and
 * values outside the item's range with a reason a person can act on.
 */
export function parseItem(def: InstrumentDefinition, item: number, raw: RawItem): ItemParse {
	if (raw === null || raw === undefined) return { ok: true, value: null };
	const text = typeof raw === 'number' ? String(raw) : raw.trim();
	if (text === '') return { ok: true, value: null };
	const coded = def.itemCodes?.[item]?.[text.toLowerCase()];
	const value = coded ?? Number(text.replace(',', '.'));
	if (!Number.isFinite(value)) return { ok: false, reason: `item ${item} of ${def.shortName}: "${text}" is not a number` };
	const max = itemMax(def, item);
	if (!Number.isInteger(value) || value < def.itemMin || value > max)
		return { ok: false, reason: `item ${item} of ${def.shortName}: ${text} is outside ${def.itemMin}–${max}` };
	return { ok: true, value };
}

export interface ScoredItems {
	/** Total score, or null when too many items are missing to form one. */
	total: number | null;
	/** True when the total was prorated from fewer than all items. */
	prorated: boolean;
	answered: number;
	missing: number;
}

/**
 * Total of already-parsed item values (null = missing) under the instrument's proration rule:
 * all answered → plain sum; up to `proration.maxMissing` missing → mean × item count, rounded, flagged;
 * more missing → no total.
 */
export function totalFromItems(id: InstrumentId, values: (number | null)[]): ScoredItems {
	const def = INSTRUMENTS[id];
	const answeredValues = values.slice(0, def.items).filter((v): v is number => v !== null);
	const answered = answeredValues.length;
	const missing = def.items - answered;
	const sum = answeredValues.reduce((a, b) => a + b, 0);
	if (missing === 0) return { total: sum, prorated: false, answered, missing };
	if (answered === 0 || missing > def.proration.maxMissing) return { total: null, prorated: false, answered, missing };
	return { total: Math.round((sum / answered) * def.items), prorated: true, answered, missing };
}
