/**
 * Outcome definitions as data: each has a versioned id (carried by every figure computed with it)
 * and one sentence a reader can check. Changing what a definition means changes its version;
 * the parameters a user may set (thresholds, reliability) live in `Settings` and are echoed in
 * the rows that use them, and parametrised ids (remission) include the parameter.
 */
import { INSTRUMENTS, isInstrumentId, OUTCOME_IDS, type InstrumentId } from '../instruments/definitions';
import { MIN_CELL } from '../privacy/policy';

export interface Definition {
	id: string;
	name: string;
	text: string;
}

/**
 * The end point: the last observed dosing session, the planned last session, or follow-up week k
 * (`week8`: the score k weeks after the series' last dosing session).
 */
export type EndRule = 'last' | 'planned' | `week${number}`;

/** The end points as data: how a definition id names each, what it reads, whom it analyses. */
export const END_POINTS = {
	last: { code: 'eos', where: 'last observed dosing-session score', who: 'observed cases: clients with a baseline > 0 and at least one dosing-session score' },
	planned: { code: 'planned', where: 'score at the planned last dosing session', who: 'completers: clients with a baseline > 0 and a score at that session' },
	week: {
		code: 'week',
		where: 'score at follow-up week K (K weeks after the last dosing session)',
		who: 'clients with a baseline > 0 and a score at follow-up week K; clients without one are not analysed at this end point'
	}
} as const;

/** Follow-up week k of a `weekK` end rule (a whole number 1–520), else null. */
export function endWeek(end: EndRule): number | null {
	const m = /^week(\d{1,3})$/.exec(end);
	const k = m ? Number(m[1]) : NaN;
	return Number.isInteger(k) && k >= 1 && k <= 520 ? k : null;
}

/** The END_POINTS entry of `end`, with K filled in, and the code used in definition ids (`week8`). */
export function endPoint(end: EndRule): { code: string; where: string; who: string } {
	const k = endWeek(end);
	if (k !== null) return { code: `week${k}`, where: END_POINTS.week.where.replaceAll('K', String(k)), who: END_POINTS.week.who.replaceAll('K', String(k)) };
	return end === 'planned' ? END_POINTS.planned : END_POINTS.last;
}

/** Fixed definitions (the remission ones are built per instrument by `remissionDefinition`). */
export const DEFINITIONS = {
	responseLast: {
		id: 'response.pct50.eos.observed@1',
		name: 'Response (≥ 50 % reduction, end of series)',
		text: 'A client-series responds when its last observed dosing-session score is at least 50 % below its baseline score (observed cases: clients with a baseline > 0 and at least one dosing-session score).'
	},
	responsePlanned: {
		id: 'response.pct50.planned.completers@1',
		name: 'Response (≥ 50 % reduction, planned end)',
		text: 'A client-series responds when its score at the planned last dosing session is at least 50 % below its baseline score (completers: clients with a baseline > 0 and a score at that session).'
	},
	reliableJt: {
		id: 'reliable.jt.baseline-sd@1',
		name: 'Reliable change (Jacobson & Truax)',
		text: 'Change is reliable when |end − baseline| / S_diff > 1.96, with S_diff = √2 · SD · √(1 − r); SD is the sample SD of the baseline scores of the clients analysed (or a stated SD) and r the stated reliability; a reliable fall is improvement, a reliable rise deterioration.'
	},
	reliablePoints: {
		id: 'reliable.iapt.points@1',
		name: 'Reliable change (IAPT point rule)',
		text: 'Change is reliable when the score falls (improvement) or rises (deterioration) by at least the instrument’s IAPT point value (PHQ-9 6, GAD-7 4).'
	},
	clinicallySignificant: {
		id: 'clinsig.reliable-remission@1',
		name: 'Clinically significant change',
		text: 'Reliable improvement and an end-of-series score that meets the instrument’s remission threshold (the threshold stands in for the Jacobson–Truax cut-off, since no normative means are stored).'
	},
	trajectoryObserved: {
		id: 'trajectory.observed@1',
		name: 'Trajectory, observed cases',
		text: 'At each phase and session or follow-up week: n, mean, SD, t-based 95 % CI, median and IQR of the scores observed there; missing visits are not filled in.'
	},
	trajectoryLocf: {
		id: 'trajectory.locf@1',
		name: 'Trajectory, last observation carried forward',
		text: 'Like observed cases, but a client-series missing a dosing session up to the planned last session takes its latest earlier score (baseline included); follow-up weeks stay observed. A sensitivity analysis only: LOCF biases change estimates.'
	},
	durability: {
		id: 'durability.loss-of-response.km@1',
		name: 'Durability (time to loss of response)',
		text: 'Among end-of-series responders, loss of response is the first follow-up score that is no longer ≥ 50 % below baseline; time is the follow-up week; a responder without loss is censored at the last observed follow-up week; responders without follow-up are left out.'
	},
	attrition: {
		id: 'attrition.observed@1',
		name: 'Attrition',
		text: 'Client-series with an observed score at baseline, at each dosing session, at end of series (any dosing-session score), at each follow-up week, and at the planned last session (completed the series).'
	},
	seriesCompletion: {
		id: 'completion.series.any-questionnaire@1',
		name: 'Completed the planned series (per client-series)',
		text: 'Of the client-series with a baseline score on at least one questionnaire, the share with a score on at least one questionnaire at the planned last dosing session of that questionnaire (the series’ own planned length when the data give it, else the largest session seen on the route); each client-series counts once, whatever questionnaires it was scored on.'
	},
	lmm: {
		id: 'lmm.time-by-group@1',
		name: 'Linear mixed model',
		text: 'All observed baseline and dosing-session scores, time = session number (0 at baseline): score ~ time (× group) (+ covariates) with a random intercept, or random intercept and slope, per client-series; ML or REML (lme4 profiled deviance); cohort terms tested by a likelihood-ratio test of ML fits.'
	},
	mmrm: {
		id: 'mmrm.us.reml@1',
		name: 'Mixed model for repeated measures (MMRM)',
		text: 'Observed scores at dosing sessions 1 … K of client-series with a baseline (K = the common last session: by default the highest session that more than half of the series with a baseline reach): score ~ baseline + factor(session) × group with an unstructured covariance across sessions within a client-series, REML (as nlme::gls with corSymm + varIdent). LS means per session and group at the mean baseline; the group difference at session K with a t-based 95 % CI on N − p degrees of freedom (residual, as nlme::gls).'
	}
} satisfies Record<string, Definition>;

export interface RemissionSetting {
	op: '<=' | '<';
	threshold: number;
}

/**
 * User-settable parameters. Defaults come from the instrument tables; every field may be
 * overridden in part (`resolveSettings`).
 */
export interface Settings {
	/** Remission rule per instrument. */
	remission: Record<InstrumentId, RemissionSetting>;
	/** Test reliability r for Jacobson–Truax per instrument. */
	reliability: Record<InstrumentId, number>;
	/** SD for Jacobson–Truax: 'baseline' = sample SD of the analysed baselines, or a fixed number. */
	sd: Record<InstrumentId, 'baseline' | number>;
	/** Use the IAPT point rule instead of Jacobson–Truax where the instrument has one. */
	pointRule: boolean;
	/** Smallest cell shown in anything shared or exported (0 turns suppression off). */
	minCell: number;
	/** Trajectories with last observation carried forward instead of observed cases. */
	locf: boolean;
	/** End point: last observed dosing session, the planned last session, or follow-up week k. */
	end: EndRule;
	/**
	 * Response as a fall of at least this many points (a minimal important difference) instead of
	 * ≥ 50 % below baseline, per instrument; instruments not listed keep the 50 % rule.
	 */
	responsePoints: Partial<Record<InstrumentId, number>>;
	/** Planned series length (last dosing session) per instrument; default the largest session seen in each group. */
	plannedSessions: Partial<Record<InstrumentId, number>>;
}

/** A value per outcome instrument (safety and experience instruments have no remission or reliable change). */
function perInstrument<T>(f: (id: InstrumentId) => T): Record<InstrumentId, T> {
	return Object.fromEntries(OUTCOME_IDS.map((id) => [id, f(id)])) as Record<InstrumentId, T>;
}

/** Defaults from the instrument tables: remission rules, reliabilities, baseline SD, min cell 11. */
export function defaultSettings(): Settings {
	return {
		remission: perInstrument((id) => ({ op: INSTRUMENTS[id].remission!.op, threshold: INSTRUMENTS[id].remission!.threshold })),
		reliability: perInstrument((id) => INSTRUMENTS[id].reliableChange!.reliability),
		sd: perInstrument(() => 'baseline' as const),
		pointRule: false,
		minCell: MIN_CELL,
		locf: false,
		end: 'last',
		plannedSessions: {},
		responsePoints: {}
	};
}

/** Overrides on top of the defaults (record fields merge per instrument). */
export type SettingsInput = Partial<{
	[K in keyof Settings]: Settings[K] extends Record<InstrumentId, infer V> ? Partial<Record<InstrumentId, V>> : Settings[K];
}>;

/** Defaults with `input` applied. */
export function resolveSettings(input: SettingsInput = {}): Settings {
	const d = defaultSettings();
	return {
		...d,
		...input,
		remission: { ...d.remission, ...input.remission },
		reliability: { ...d.reliability, ...input.reliability },
		sd: { ...d.sd, ...input.sd },
		plannedSessions: { ...d.plannedSessions, ...input.plannedSessions },
		responsePoints: { ...d.responsePoints, ...input.responsePoints }
	} as Settings;
}

/** Remission definition for one instrument under `settings`, id e.g. `remission.bdi2.le13.eos@1`. */
export function remissionDefinition(instrument: string, settings: Settings): Definition {
	if (!isInstrumentId(instrument)) throw new Error(`unknown instrument "${instrument}"`);
	const r = settings.remission[instrument];
	if (!r) throw new Error(`${INSTRUMENTS[instrument].shortName} is a ${INSTRUMENTS[instrument].kind} instrument: remission does not apply`);
	const op = r.op === '<=' ? 'le' : 'lt';
	const end = endPoint(settings.end);
	return {
		id: `remission.${instrument}.${op}${r.threshold}.${end.code}@1`,
		name: `Remission (${INSTRUMENTS[instrument].shortName} ${r.op === '<=' ? '≤' : '<'} ${r.threshold})`,
		text: `A client-series is in remission when its ${INSTRUMENTS[instrument].shortName} ${end.where} is ${r.op === '<=' ? '≤' : '<'} ${r.threshold}.`
	};
}

/** The response rule of `instrument`: a fall of at least `points`, or (null) ≥ 50 % below baseline. */
export function responsePointsOf(settings: Settings, instrument: string): number | null {
	return isInstrumentId(instrument) ? (settings.responsePoints[instrument] ?? null) : null;
}

/**
 * The response definition in force (for `instrument`: its point rule when one is set). The
 * defaults keep their published ids; other combinations name the rule and end point in the id.
 */
export function responseDefinition(settings: Settings, instrument?: string): Definition {
	const points = instrument === undefined ? null : responsePointsOf(settings, instrument);
	if (points === null && settings.end === 'last') return DEFINITIONS.responseLast;
	if (points === null && settings.end === 'planned') return DEFINITIONS.responsePlanned;
	const end = endPoint(settings.end);
	const who = `${INSTRUMENTS[instrument as InstrumentId]?.shortName ?? ''}`;
	const rule = points === null ? '≥ 50 % reduction' : `${who} fall ≥ ${points} points`;
	return {
		id: `response.${points === null ? 'pct50' : `${instrument}.pts${points}`}.${end.code}@1`,
		name: `Response (${rule}, ${end.code.startsWith('week') ? `follow-up week ${endWeek(settings.end)}` : end.code === 'eos' ? 'end of series' : 'planned end'})`,
		text: `A client-series responds when its ${end.where} is ${points === null ? 'at least 50 % below its baseline score' : `at least ${points} points below its baseline ${who} score (a minimal important difference)`} (${end.who}).`
	};
}

/**
 * The durability definition in force for `instrument`: the default, or, under a point rule, loss of
 * response = the first follow-up score no longer at least that many points below baseline.
 */
export function durabilityDefinition(settings: Settings, instrument?: string): Definition {
	const points = instrument === undefined ? null : responsePointsOf(settings, instrument);
	if (points === null) return DEFINITIONS.durability;
	const name = INSTRUMENTS[instrument as InstrumentId].shortName;
	return {
		id: `durability.loss-of-response.${instrument}.pts${points}.km@1`,
		name: DEFINITIONS.durability.name,
		text: `Among end-of-series responders (${name} at least ${points} points below baseline), loss of response is the first follow-up score that is no longer at least ${points} points below baseline; time is the follow-up week; a responder without loss is censored at the last observed follow-up week; responders without follow-up are left out.`
	};
}

/** The reliable-change definition in force for `instrument` (point rule only where one exists). */
export function reliableDefinition(instrument: string, settings: Settings): Definition {
	const usePoints = settings.pointRule && isInstrumentId(instrument) && !!INSTRUMENTS[instrument].reliableChange?.pointRule;
	return usePoints ? DEFINITIONS.reliablePoints : DEFINITIONS.reliableJt;
}

/** Every definition that can be in force, for the "definitions" list in the UI and the report. */
export function allDefinitions(settings: Settings, instruments: string[]): Definition[] {
	const fixed = Object.values(DEFINITIONS);
	return [...fixed, ...instruments.filter(isInstrumentId).filter((i) => settings.remission[i]).map((i) => remissionDefinition(i, settings))];
}
