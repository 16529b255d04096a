/**
 * Safety and acute-experience definitions as data: a versioned id, one sentence a reader can
 * check, and for rates the SQL condition (fixed text, thresholds as bound parameters) that counts
 * an event and the one that says the session was measured at all. Changing what a definition means
 * changes its version. Thresholds: BP ≥ 180/110 after dosing is the hypertensive-crisis level, and
 * ≥ 140/90 before dosing stage-2 hypertension, as used by the esketamine REMS monitoring guidance
 * and KAP clinic protocols (product-anchors.md); SpO₂ < 90 % is the usual desaturation threshold.
 */
import { ident, join, sql, type Sql } from '../engine/sql';
import { SIDE_EFFECTS } from '../model/sessions';
import type { Definition } from './definitions';

export interface RateDefinition extends Definition {
	/** Column-safe key used in result rows. */
	key: string;
	/** True for a session with the event. */
	event: Sql;
	/** True for a session where the event could be observed (the denominator). */
	measured: Sql;
}

/** The thresholds the rates count (mmHg, %, MOAA/S); the client page flags one session's crossing with the same numbers. */
export const SAFETY_THRESHOLDS = { postSbp: 180, postDbp: 110, preSbp: 140, preDbp: 90, lowSpo2: 90, deepSedation: 3 } as const;
const { postSbp: HIGH_SBP, postDbp: HIGH_DBP, preSbp: PRE_SBP, preDbp: PRE_DBP, lowSpo2: LOW_SPO2, deepSedation: DEEP_SEDATION } = SAFETY_THRESHOLDS;

const post = (sys: number, dia: number) =>
	sql`(coalesce(greatest(sbp_peak, sbp_end) >= ${sys}, FALSE) OR coalesce(greatest(dbp_peak, dbp_end) >= ${dia}, FALSE))`;

const sideEffectRates = SIDE_EFFECTS.flatMap((e): RateDefinition[] => {
	const c = ident(e);
	return [
		{ key: `${e}_any`, id: `safety.${e}.any@1`, name: `${cap(e)}, any`, text: `Sessions with ${e} graded mild or worse (≥ 1 on 0 none – 3 severe), among sessions where ${e} was recorded.`, event: sql`${c} >= ${1}`, measured: sql`${c} IS NOT NULL` },
		{ key: `${e}_moderate`, id: `safety.${e}.moderate@1`, name: `${cap(e)}, moderate or worse`, text: `Sessions with ${e} graded moderate or severe (≥ 2), among sessions where ${e} was recorded.`, event: sql`${c} >= ${2}`, measured: sql`${c} IS NOT NULL` }
	];
});

function cap(s: string): string {
	return s[0].toUpperCase() + s.slice(1);
}

/** Rates counted per session and per client (a client counts once if any of their sessions has the event). */
export const SAFETY_RATES: RateDefinition[] = [
	{
		key: 'hypertensive_post',
		id: 'safety.bp.post-180-110@1',
		name: 'BP ≥ 180/110 after dosing',
		text: `Sessions with a peak or end systolic BP ≥ ${HIGH_SBP} mmHg or diastolic ≥ ${HIGH_DBP} mmHg after dosing, among sessions with any post-dose BP.`,
		event: post(HIGH_SBP, HIGH_DBP),
		measured: sql`coalesce(sbp_peak, sbp_end, dbp_peak, dbp_end) IS NOT NULL`
	},
	{
		key: 'hypertensive_pre',
		id: 'safety.bp.pre-140-90@1',
		name: 'BP ≥ 140/90 before dosing',
		text: `Sessions with a pre-dose systolic BP ≥ ${PRE_SBP} mmHg or diastolic ≥ ${PRE_DBP} mmHg, among sessions with a pre-dose BP.`,
		event: sql`(coalesce(sbp_pre >= ${PRE_SBP}, FALSE) OR coalesce(dbp_pre >= ${PRE_DBP}, FALSE))`,
		measured: sql`coalesce(sbp_pre, dbp_pre) IS NOT NULL`
	},
	{
		key: 'spo2_low',
		id: 'safety.spo2.below-90@1',
		name: 'SpO₂ < 90 %',
		text: `Sessions whose lowest SpO₂ was below ${LOW_SPO2} %, among sessions with SpO₂ recorded.`,
		event: sql`spo2_min < ${LOW_SPO2}`,
		measured: sql`spo2_min IS NOT NULL`
	},
	{
		key: 'sedation_deep',
		id: 'safety.sedation.moaas-le3@1',
		name: 'Sedation MOAA/S ≤ 3',
		text: `Sessions with a MOAA/S of ${DEEP_SEDATION} or lower (responds only when called loudly or repeatedly, or less), among sessions with sedation recorded.`,
		event: sql`sedation <= ${DEEP_SEDATION}`,
		measured: sql`sedation IS NOT NULL`
	},
	...sideEffectRates,
	{
		key: 'serious_ae',
		id: 'safety.serious-ae@1',
		name: 'Serious adverse event',
		text: 'Sessions with a serious adverse event recorded (1), among sessions where the field was filled in.',
		event: sql`serious_ae = ${1}`,
		measured: sql`serious_ae IS NOT NULL`
	}
];

/**
 * Any side effect graded moderate or worse at a session (the worst of the graded effects ≥ 2), among
 * sessions with at least one effect recorded: the one tolerability figure /compare sets beside efficacy.
 */
export const ANY_SIDE_EFFECT_MODERATE: RateDefinition = {
	key: 'any_side_effect_moderate',
	id: 'safety.side-effects.any-moderate@1',
	name: 'Any side effect, moderate or worse',
	text: `Sessions with any of ${SIDE_EFFECTS.join(', ')} graded moderate or severe (≥ 2), among sessions with at least one of them recorded.`,
	event: sql`coalesce(greatest(${join(SIDE_EFFECTS.map((e) => ident(e)))}) >= ${2}, FALSE)`,
	measured: sql`coalesce(${join(SIDE_EFFECTS.map((e) => ident(e)))}) IS NOT NULL`
};

/** The rates of the /compare tolerability card, per cohort. */
export const TOLERABILITY_RATES: RateDefinition[] = [
	SAFETY_RATES.find((d) => d.key === 'hypertensive_post')!,
	ANY_SIDE_EFFECT_MODERATE,
	SAFETY_RATES.find((d) => d.key === 'serious_ae')!
];

/** Means with a t-based 95 % CI. */
export const SAFETY_MEANS: (Definition & { key: string; value: Sql })[] = [
	{ key: 'sbp_rise', id: 'safety.bp.sbp-rise@1', name: 'Systolic rise (peak − pre)', text: 'Mean of peak minus pre-dose systolic BP over sessions with both, with a t-based 95 % CI (mmHg).', value: sql`sbp_peak - sbp_pre` },
	{ key: 'dbp_rise', id: 'safety.bp.dbp-rise@1', name: 'Diastolic rise (peak − pre)', text: 'Mean of peak minus pre-dose diastolic BP over sessions with both, with a t-based 95 % CI (mmHg).', value: sql`dbp_peak - dbp_pre` },
	{ key: 'hr_rise', id: 'safety.hr.rise@1', name: 'Heart-rate rise (peak − pre)', text: 'Mean of peak minus pre-dose heart rate over sessions with both, with a t-based 95 % CI (bpm).', value: sql`hr_peak - hr_pre` },
	...(['pre', 'peak', 'end'] as const).flatMap((t) =>
		(['sbp', 'dbp'] as const).map((bp) => ({
			key: `${bp}_${t}`,
			id: `safety.bp.${bp}-${t}@1`,
			name: `${bp === 'sbp' ? 'Systolic' : 'Diastolic'} BP ${t === 'pre' ? 'before dosing' : t === 'peak' ? 'at peak' : 'before discharge'}`,
			text: `Mean ${bp === 'sbp' ? 'systolic' : 'diastolic'} BP ${t === 'pre' ? 'before dosing' : t === 'peak' ? 'at its highest after dosing' : 'before discharge'} over sessions with it recorded, with a t-based 95 % CI (mmHg).`,
			value: ident(`${bp}_${t}`)
		}))
	),
	{ key: 'sedation', id: 'safety.sedation.mean@1', name: 'Sedation (MOAA/S, mean)', text: 'Mean MOAA/S (5 alert … 0 unresponsive) over sessions with sedation recorded, with a t-based 95 % CI.', value: sql`sedation` }
];

export const SAFETY_DEFINITIONS = {
	counts: { id: 'safety.counts@1', name: 'Sessions and clients', text: 'Session records and distinct clients with at least one session record in the group.' },
	minutes: { id: 'safety.minutes-to-ready@1', name: 'Minutes to ready', text: 'Median and interquartile range (continuous quantiles) of minutes from dosing until ready to leave, over sessions with it recorded.' },
	dissociation: {
		id: 'safety.dissociation.by-session@1',
		name: 'Dissociation by session',
		text: 'Mean CADSS (or CADSS-6) total at each dosing session number with a t-based 95 % CI: does dissociation fade over a series?'
	},
	experience: {
		id: 'experience.vs-change.spearman@1',
		name: 'Acute experience against later change',
		text: 'For each client-series: the experience score at its first dosing session with one, against the % change of the outcome from baseline to the last observed dosing session (negative = improvement). Spearman ρ with a Fisher-z 95 % CI (SE 1.06/√(n − 3), Fieller et al. 1957), and the OLS slope of % change on the experience score adjusted for the baseline score.'
	}
} satisfies Record<string, Definition>;

/** Dose bands (mg, upper bound exclusive), for grouping sessions by dose. */
export const DOSE_BANDS = [
	{ max: 50, label: '< 50 mg' },
	{ max: 100, label: '50–99 mg' },
	{ max: 200, label: '100–199 mg' },
	{ max: 400, label: '200–399 mg' },
	{ max: Infinity, label: '≥ 400 mg' }
] as const;
