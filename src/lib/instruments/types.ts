/**
 * The shape of an instrument definition (see definitions.ts for the tables). Kept apart from the
 * tables so the outcome scales and the session-level (safety / experience) scales can live in
 * separate files without importing each other.
 */

/** What an instrument is for. Response, remission and reliable change apply to `outcome` only. */
export type InstrumentKind = 'outcome' | 'safety' | 'experience';

/** A closed score interval [min, max] with a label, e.g. 14–19 "mild". */
export interface Band {
	min: number;
	max: number;
	label: string;
}

/** A named set of severity bands, with its source. Some instruments have competing sets. */
export interface BandSet {
	id: string;
	name: string;
	source: string;
	bands: Band[];
}

/** A remission rule: total `<=` or `<` a threshold. */
export interface RemissionRule {
	op: '<=' | '<';
	threshold: number;
	source: string;
}

/**
 * How a total is formed when some items (or, for grouped scoring, whole item groups) are missing:
 * with at most `maxMissing` missing the total is the mean of the answered parts times their count
 * (rounded for sums) and the score is flagged `prorated`; with more, no total is formed.
 */
export interface ProrationRule {
	maxMissing: number;
	source: string;
}

/** Inputs to Jacobson–Truax reliable change: test reliability and where it comes from. */
export interface ReliabilitySpec {
	reliability: number;
	source: string;
	/** Fixed point rule (e.g. IAPT PHQ-9 ≥ 6) offered as an alternative definition, if any. */
	pointRule?: { points: number; source: string };
}

/**
 * How item answers become the total:
 * - `sum`: the items added up;
 * - `mean`: the mean of the items (EBI: 0–100 visual-analogue items, total on the same 0–100 scale);
 * - `max-within-groups`: each group (1-based item numbers) contributes its highest answer and the
 *   group scores are added (QIDS-SR16: sleep 1–4, weight 6–9, psychomotor 15–16, the rest single).
 */
export type ScoringRule =
	| { rule: 'sum'; source: string }
	| { rule: 'mean'; source: string }
	| { rule: 'max-within-groups'; groups: number[][]; source: string };

/** A named part of an instrument scored as the sum of its items (MEQ-30 factors, CADSS-6 within CADSS). */
export interface Subscale {
	id: string;
	name: string;
	/** 1-based item numbers. */
	items: number[];
	source: string;
}

/**
 * A yes/no classification of one administration from its subscales: true when every listed subscale
 * reaches `minFraction` of its maximum (MEQ-30 "complete mystical experience": all four ≥ 60 %).
 */
export interface SubscaleCriterion {
	id: string;
	name: string;
	subscales: string[];
	minFraction: number;
	source: string;
}

export interface InstrumentDefinition<Id extends string = string> {
	id: Id;
	name: string;
	shortName: string;
	kind: InstrumentKind;
	rater: 'self' | 'clinician';
	construct: 'depression' | 'anxiety' | 'dissociation' | 'mystical experience' | 'emotional breakthrough';
	items: number;
	itemMin: number;
	itemMax: number;
	totalMin: number;
	totalMax: number;
	scoring: ScoringRule;
	/** Per-item maxima where items differ (HAM-D17); index 0 = item 1. Defaults to itemMax. */
	itemMaxByItem?: number[];
	/** Extra answer codes accepted for some items, mapped to their numeric value (BDI-II 16/18). */
	itemCodes?: Record<number, Record<string, number>>;
	/** Item that asks about suicidal thoughts, if any (1-based). Used only for a clinical-review prompt. */
	suicideItem?: number;
	bandSets: BandSet[];
	defaultBandSet?: string;
	/** Outcome instruments only. */
	remission?: RemissionRule;
	proration: ProrationRule;
	/** Outcome instruments only. */
	reliableChange?: ReliabilitySpec;
	subscales?: Subscale[];
	criterion?: SubscaleCriterion;
	/** When the instrument is given (shown next to its scores). */
	administered?: string;
	loinc?: string;
}
