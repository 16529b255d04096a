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
	/** True when the total was prorated from fewer than all items (or item groups). */
	prorated: boolean;
	answered: number;
	missing: number;
}

/**
 * Total of already-parsed item values (null = missing) under the instrument's scoring and proration
 * rules. `sum`: all answered → plain sum; up to `proration.maxMissing` missing → mean × item count,
 * rounded, flagged. `mean`: mean of the answered items under the same missing-item limit.
 * `max-within-groups`: each group scores its highest answered item (a group with no answer is
 * missing), group scores are summed and prorated over groups the same way. More missing → no total.
 */
export function totalFromItems(id: InstrumentId, values: (number | null)[]): ScoredItems {
	const def = INSTRUMENTS[id];
	const answeredValues = values.slice(0, def.items).filter((v): v is number => v !== null);
	const answered = answeredValues.length;
	const missing = def.items - answered;
	const none = { total: null, prorated: false, answered, missing };
	if (answered === 0) return none;
	const scoring = def.scoring;
	if (scoring.rule === 'max-within-groups') {
		const parts = scoring.groups.map((g) => {
			const vs = g.map((item) => values[item - 1]).filter((v): v is number => v !== null && v !== undefined);
			return vs.length ? Math.max(...vs) : null;
		});
		const got = parts.filter((v): v is number => v !== null);
		const lost = parts.length - got.length;
		if (lost > def.proration.maxMissing) return none;
		const sum = got.reduce((a, b) => a + b, 0);
		return lost === 0 ? { total: sum, prorated: false, answered, missing } : { total: Math.round((sum / got.length) * parts.length), prorated: true, answered, missing };
	}
	if (missing > def.proration.maxMissing) return none;
	const sum = answeredValues.reduce((a, b) => a + b, 0);
	if (scoring.rule === 'mean') return { total: sum / answered, prorated: missing > 0, answered, missing };
	if (missing === 0) return { total: sum, prorated: false, answered, missing };
	return { total: Math.round((sum / answered) * def.items), prorated: true, answered, missing };
}

export interface SubscaleScore {
	id: string;
	name: string;
	score: number | null;
	max: number;
	/** score / max, null when the score is. */
	fraction: number | null;
}

/** Subscale sums of one administration (null when any of a subscale's items is missing). */
export function subscaleScores(id: InstrumentId, values: (number | null)[]): SubscaleScore[] {
	const def = INSTRUMENTS[id];
	return (def.subscales ?? []).map((s) => {
		const vs = s.items.map((item) => values[item - 1] ?? null);
		const score = vs.some((v) => v === null) ? null : (vs as number[]).reduce((a, b) => a + b, 0);
		const max = s.items.reduce((a, item) => a + itemMax(def, item), 0);
		return { id: s.id, name: s.name, score, max, fraction: score === null ? null : score / max };
	});
}

/** The instrument's criterion (MEQ-30 complete mystical experience) for one administration: null when not computable. */
export function meetsCriterion(id: InstrumentId, values: (number | null)[]): boolean | null {
	const c = INSTRUMENTS[id].criterion;
	if (!c) return null;
	const subs = subscaleScores(id, values).filter((s) => c.subscales.includes(s.id));
	if (subs.some((s) => s.fraction === null)) return null;
	return subs.every((s) => s.fraction! >= c.minFraction);
}
