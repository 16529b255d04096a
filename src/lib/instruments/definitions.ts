/**
 * Instrument definitions: one table per instrument, and nothing else.
 *
 * Every rule that depends on the questionnaire (kind, item count and range, total range, scoring
 * rule, severity bands, remission threshold, proration of missing items, reliability used for
 * reliable change) lives here as data, with the source it comes from (see
 * ../shared/domain/facts.md). Code elsewhere reads these tables; it never branches on an instrument
 * id. The session-level scales (dissociation, acute experience) are in acute.ts.
 */
import { ACUTE_INSTRUMENTS } from './acute';
import type { BandSet, InstrumentDefinition as Def, InstrumentKind } from './types';

export type * from './types';

export const INSTRUMENT_IDS = ['bdi2', 'hama', 'phq9', 'gad7', 'madrs', 'hamd17', 'qids16', 'cadss', 'cadss6', 'meq30', 'ebi'] as const;
export type InstrumentId = (typeof INSTRUMENT_IDS)[number];
export type InstrumentDefinition = Def<InstrumentId>;

const SUM = { rule: 'sum', source: 'items added up (manual / scoring instructions)' } as const;

const BDI2_AB_CODES: Record<string, number> = { '0': 0, '1a': 1, '1b': 1, '2a': 2, '2b': 2, '3a': 3, '3b': 3 };

export const INSTRUMENTS: Record<InstrumentId, InstrumentDefinition> = {
	bdi2: {
		id: 'bdi2',
		name: 'Beck Depression Inventory-II',
		shortName: 'BDI-II',
		kind: 'outcome',
		scoring: SUM,
		rater: 'self',
		construct: 'depression',
		items: 21,
		itemMin: 0,
		itemMax: 3,
		totalMin: 0,
		totalMax: 63,
		itemCodes: { 16: BDI2_AB_CODES, 18: BDI2_AB_CODES },
		suicideItem: 9,
		bandSets: [
			{
				id: 'bdi2-manual',
				name: 'BDI-II manual (Beck, Steer & Brown 1996)',
				source: 'facts.md §1.1 [R1][R2][R3]',
				bands: [
					{ min: 0, max: 13, label: 'minimal' },
					{ min: 14, max: 19, label: 'mild' },
					{ min: 20, max: 28, label: 'moderate' },
					{ min: 29, max: 63, label: 'severe' }
				]
			}
		],
		defaultBandSet: 'bdi2-manual',
		remission: { op: '<=', threshold: 13, source: 'top of BDI-II "minimal" band (facts.md §2.2 [R1])' },
		proration: { maxMissing: 2, source: 'no manual rule found (facts.md §1.7); project default, configurable' },
		reliableChange: { reliability: 0.93, source: 'manual 1-week test–retest r = .93 (facts.md §1.2 [R6])' },
		loinc: '89209-1'
	},
	hama: {
		id: 'hama',
		name: 'Hamilton Anxiety Rating Scale',
		shortName: 'HAM-A',
		kind: 'outcome',
		scoring: SUM,
		rater: 'clinician',
		construct: 'anxiety',
		items: 14,
		itemMin: 0,
		itemMax: 4,
		totalMin: 0,
		totalMax: 56,
		bandSets: [
			{
				id: 'hama-matza2010',
				name: 'Matza et al. 2010',
				source: 'facts.md §1.1 [R8]',
				bands: [
					{ min: 0, max: 7, label: 'none/minimal' },
					{ min: 8, max: 14, label: 'mild' },
					{ min: 15, max: 23, label: 'moderate' },
					{ min: 24, max: 56, label: 'severe' }
				]
			},
			{
				id: 'hama-17-24-30',
				name: 'CamCOPS / MDCalc (≤17, 18–24, 25–30, ≥31)',
				source: 'facts.md §1.1 [R7][R9]',
				bands: [
					{ min: 0, max: 17, label: 'mild' },
					{ min: 18, max: 24, label: 'mild–moderate' },
					{ min: 25, max: 30, label: 'moderate–severe' },
					{ min: 31, max: 56, label: 'very severe' }
				]
			}
		],
		defaultBandSet: 'hama-matza2010',
		remission: { op: '<=', threshold: 7, source: '"no/minimal anxiety", Matza 2010 (facts.md §2.2 [R8])' },
		proration: { maxMissing: 0, source: 'CamCOPS: incomplete unless all 14 items (facts.md §1.7 [R7])' },
		reliableChange: {
			reliability: 0.8,
			source: 'no published HAM-A reliability in facts.md; conventional 0.80 assumed, configurable'
		}
	},
	phq9: {
		id: 'phq9',
		name: 'Patient Health Questionnaire-9',
		shortName: 'PHQ-9',
		kind: 'outcome',
		scoring: SUM,
		rater: 'self',
		construct: 'depression',
		items: 9,
		itemMin: 0,
		itemMax: 3,
		totalMin: 0,
		totalMax: 27,
		suicideItem: 9,
		bandSets: [
			{
				id: 'phq9-kroenke',
				name: 'Kroenke 2001 (5/10/15/20)',
				source: 'facts.md §1.1 [R10][R13b]',
				bands: [
					{ min: 0, max: 4, label: 'minimal' },
					{ min: 5, max: 9, label: 'mild' },
					{ min: 10, max: 14, label: 'moderate' },
					{ min: 15, max: 19, label: 'moderately severe' },
					{ min: 20, max: 27, label: 'severe' }
				]
			}
		],
		defaultBandSet: 'phq9-kroenke',
		remission: { op: '<', threshold: 5, source: 'PHQ-9 < 5 (facts.md §2.2 [R24][R25][R26])' },
		proration: { maxMissing: 2, source: 'third-party convention: prorate when ≥ 7/9 answered (facts.md §1.7, 2°)' },
		reliableChange: {
			reliability: 0.89,
			source: 'internal consistency α .89 (facts.md §1.4 [R10], 2°)',
			pointRule: { points: 6, source: 'IAPT reliable improvement: decrease ≥ 6 (facts.md §2.5 [R28])' }
		},
		loinc: '44261-6'
	},
	gad7: {
		id: 'gad7',
		name: 'Generalized Anxiety Disorder-7',
		shortName: 'GAD-7',
		kind: 'outcome',
		scoring: SUM,
		rater: 'self',
		construct: 'anxiety',
		items: 7,
		itemMin: 0,
		itemMax: 3,
		totalMin: 0,
		totalMax: 21,
		bandSets: [
			{
				id: 'gad7-spitzer',
				name: 'Spitzer 2006 (5/10/15)',
				source: 'facts.md §1.1 [R13]',
				bands: [
					{ min: 0, max: 4, label: 'minimal' },
					{ min: 5, max: 9, label: 'mild' },
					{ min: 10, max: 14, label: 'moderate' },
					{ min: 15, max: 21, label: 'severe' }
				]
			}
		],
		defaultBandSet: 'gad7-spitzer',
		remission: { op: '<', threshold: 5, source: 'project default (below "mild"); no sourced cutoff (facts.md §2.2)' },
		proration: { maxMissing: 2, source: 'third-party convention: prorate when ≥ 5/7 answered (facts.md §1.7, 2°)' },
		reliableChange: {
			reliability: 0.89,
			source: 'no GAD-7 reliability in facts.md; PHQ family value .89 assumed, configurable',
			pointRule: { points: 4, source: 'IAPT reliable improvement: decrease ≥ 4 (facts.md §2.5 [R28])' }
		},
		loinc: '70274-6'
	},
	madrs: {
		id: 'madrs',
		name: 'Montgomery–Åsberg Depression Rating Scale',
		shortName: 'MADRS',
		kind: 'outcome',
		scoring: SUM,
		rater: 'clinician',
		construct: 'depression',
		items: 10,
		itemMin: 0,
		itemMax: 6,
		totalMin: 0,
		totalMax: 60,
		bandSets: [
			{
				id: 'madrs-snaith',
				name: 'Snaith (0–6, 7–19, 20–34, 35–60)',
				source: 'facts.md §1.1 [R17] (2°)',
				bands: [
					{ min: 0, max: 6, label: 'absent' },
					{ min: 7, max: 19, label: 'mild' },
					{ min: 20, max: 34, label: 'moderate' },
					{ min: 35, max: 60, label: 'severe' }
				]
			}
		],
		defaultBandSet: 'madrs-snaith',
		remission: { op: '<', threshold: 10, source: 'Hawley 2002 (facts.md §2.2 [R18])' },
		proration: { maxMissing: 0, source: 'no rule found (facts.md §1.7); all items required' },
		reliableChange: {
			reliability: 0.8,
			source: 'no MADRS reliability in facts.md; conventional 0.80 assumed, configurable'
		}
	},
	hamd17: {
		id: 'hamd17',
		name: 'Hamilton Depression Rating Scale (17 items)',
		shortName: 'HAM-D17',
		kind: 'outcome',
		scoring: SUM,
		rater: 'clinician',
		construct: 'depression',
		items: 17,
		itemMin: 0,
		itemMax: 4,
		totalMin: 0,
		totalMax: 52,
		// items 4–6, 12–14, 16–17 are 0–2; the rest 0–4 (facts.md §1.5 [R14])
		itemMaxByItem: [4, 4, 4, 2, 2, 2, 4, 4, 4, 4, 4, 2, 2, 2, 4, 2, 2],
		bandSets: [
			{
				id: 'hamd17-camcops',
				name: 'CamCOPS (≤7, 8–13, 14–18, 19–22, ≥23)',
				source: 'facts.md §1.1 [R14]',
				bands: [
					{ min: 0, max: 7, label: 'none' },
					{ min: 8, max: 13, label: 'mild' },
					{ min: 14, max: 18, label: 'moderate' },
					{ min: 19, max: 22, label: 'severe' },
					{ min: 23, max: 52, label: 'very severe' }
				]
			}
		],
		defaultBandSet: 'hamd17-camcops',
		remission: { op: '<=', threshold: 7, source: 'trial registry definition (facts.md §2.2 [R15])' },
		proration: { maxMissing: 0, source: 'CamCOPS: all 17 items (facts.md §1.7 [R14])' },
		reliableChange: {
			reliability: 0.8,
			source: 'reliability 0.80 as used for HAM-D by Claus et al. 2020 / clinicalsignificance'
		}
	},
	qids16: {
		id: 'qids16',
		name: 'Quick Inventory of Depressive Symptomatology, Self-Report (16 items)',
		shortName: 'QIDS-SR16',
		kind: 'outcome',
		rater: 'self',
		construct: 'depression',
		items: 16,
		itemMin: 0,
		itemMax: 3,
		totalMin: 0,
		totalMax: 27,
		// Nine DSM symptom domains; a domain scores its highest item: sleep 1–4, weight/appetite 6–9, psychomotor 15–16.
		scoring: {
			rule: 'max-within-groups',
			groups: [[1, 2, 3, 4], [5], [6, 7, 8, 9], [10], [11], [12], [13], [14], [15, 16]],
			source: 'Rush et al. 2003, Biol Psychiatry 54:573–583 (highest of items 1–4, 6–9, 15–16; total 0–27)'
		},
		suicideItem: 12,
		bandSets: [
			{
				id: 'qids16-rush',
				name: 'Rush 2003 / ids-qids.org (≤5, 6–10, 11–15, 16–20, ≥21)',
				source: 'ids-qids.org interpretation table (adapted from Rush et al. 2003, Trivedi et al. 2004)',
				bands: [
					{ min: 0, max: 5, label: 'none' },
					{ min: 6, max: 10, label: 'mild' },
					{ min: 11, max: 15, label: 'moderate' },
					{ min: 16, max: 20, label: 'severe' },
					{ min: 21, max: 27, label: 'very severe' }
				]
			}
		],
		defaultBandSet: 'qids16-rush',
		remission: { op: '<=', threshold: 5, source: 'QIDS-SR16 ≤ 5, STAR*D (Trivedi et al. 2006, Am J Psychiatry 163:28–40), top of the "none" band' },
		proration: { maxMissing: 0, source: 'no proration rule found; every domain required (a domain counts when any of its items is answered)' },
		reliableChange: { reliability: 0.86, source: 'Cronbach α = .86 (Rush et al. 2003)' }
	},
	...ACUTE_INSTRUMENTS
};

/** Ids of one kind, in table order. */
export function idsOfKind(kind: InstrumentKind): InstrumentId[] {
	return INSTRUMENT_IDS.filter((id) => INSTRUMENTS[id].kind === kind);
}

/** Instruments that response, remission and reliable change apply to. */
export const OUTCOME_IDS = idsOfKind('outcome');

/**
 * The outcome instruments among a dataset's `ids`, in their order: what the outcome views (/, /compare)
 * list. Safety and experience scales (CADSS, MEQ-30, EBI) are not in `scores` and have no outcome figures.
 */
export function outcomeInstruments(ids: readonly string[]): InstrumentId[] {
	return ids.filter((id): id is InstrumentId => isInstrumentId(id) && INSTRUMENTS[id].kind === 'outcome');
}

/** Largest item count over all instruments: the canonical table has item_1..item_MAX_ITEMS. */
export const MAX_ITEMS = Math.max(...Object.values(INSTRUMENTS).map((d) => d.items));

/** True when `id` names a known instrument. */
export function isInstrumentId(id: string): id is InstrumentId {
	return (INSTRUMENT_IDS as readonly string[]).includes(id);
}

/** Maximum allowed answer for item `item` (1-based) of `def`. */
export function itemMax(def: InstrumentDefinition, item: number): number {
	return def.itemMaxByItem?.[item - 1] ?? def.itemMax;
}

/** The band set with `id`, or the instrument's default when `id` is absent or unknown. */
export function bandSet(def: InstrumentDefinition, id?: string): BandSet | undefined {
	return def.bandSets.find((b) => b.id === id) ?? def.bandSets.find((b) => b.id === def.defaultBandSet);
}

/** Label of the band containing `score` in the chosen band set, or undefined when outside all bands. */
export function bandFor(def: InstrumentDefinition, score: number, bandSetId?: string): string | undefined {
	return bandSet(def, bandSetId)?.bands.find((b) => score >= b.min && score <= b.max)?.label;
}
