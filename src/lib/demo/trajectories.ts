/**
 * The course of one treatment series: latent symptom severity at each assessment, who stops when,
 * and item answers drawn to match the latent severity.
 *
 * Model, in words: a client has a true baseline severity. Each dosing session adds improvement
 * towards a personal maximum (`fMax`, a fraction of baseline) at a route-specific speed; responders
 * have a large maximum, non-responders a small one. After the series, responders keep their gain
 * until an exponentially distributed relapse time (rate per route; IV ≈ 80 % still responding at
 * 4 weeks, ≈ 60 % at 8, as in facts.md §3.2) and then slide back most of the way; non-responders
 * drift halfway back. Every assessment adds occasion noise. Drop-out is informative: clients who are
 * not improving leave sooner, which is what makes completer analyses look better than intent-to-treat.
 */
import { clamp, type Rng } from './prng';
import type { DemoRoute } from './profile';

/** Follow-up assessments, in weeks after the series' last dosing session. */
export const FOLLOWUP_WEEKS = [1, 2, 4, 8, 12] as const;

interface RouteEffect {
	/** Probability of being a responder in a first series. */
	responseP: number;
	/** Sessions to reach 63 % of the maximum improvement (smaller = faster). */
	tau: number;
	/** Relapse hazard per week for responders after the series. */
	relapseRate: number;
	/** Probability of stopping after session 1, then per-session stopping hazard. */
	stopAfterFirst: number;
	hazard: number;
	/** Probability that HAM-A (clinician-rated) is done at a dosing session. */
	hamaAtSession: number;
}

/**
 * Route differences: IV fastest and largest (Oliver 2022, Murrough 2013), intranasal in between,
 * sublingual at home slowest but with the lowest drop-out (Hull 2022). Observational, so these are
 * not causal route effects; they only make the demo's route comparison non-trivial.
 */
const ROUTE_EFFECT: Record<DemoRoute, RouteEffect> = {
	iv: { responseP: 0.66, tau: 1.2, relapseRate: 0.065, stopAfterFirst: 0.2, hazard: 0.095, hamaAtSession: 0.85 },
	im: { responseP: 0.6, tau: 1.7, relapseRate: 0.05, stopAfterFirst: 0.15, hazard: 0.1, hamaAtSession: 0.85 },
	sublingual: { responseP: 0.6, tau: 2.1, relapseRate: 0.04, stopAfterFirst: 0.1, hazard: 0.07, hamaAtSession: 0.6 },
	intranasal: { responseP: 0.58, tau: 2.0, relapseRate: 0.05, stopAfterFirst: 0.08, hazard: 0.05, hamaAtSession: 0.75 }
};

/** Chance of reaching follow-up week 1, then of each further follow-up given the previous one. */
const FOLLOWUP_CONTINUE = [0.8, 0.88, 0.8, 0.72, 0.68];

/** Inputs of one series. Severities are true (noise-free) totals on the BDI-II and HAM-A scales. */
export interface SeriesInput {
	route: DemoRoute;
	planned: number;
	bdiBaseline: number;
	hamaBaseline: number;
	/** How strongly anxiety follows depression improvement (≈ 0.75: HAM-A falls less, Dore 2019). */
	anxietyCoupling: number;
	/** Shift of the response probability (booster after a response, older age, …). */
	responseShift: number;
}

/** One assessment time point of a series, with true severities before item-level sampling. */
export interface TimePoint {
	phase: 'baseline' | 'session' | 'followup';
	session: number | null;
	week: number | null;
	bdi: number;
	hama: number;
	/** False when HAM-A was not rated at this visit (BDI-II always is). */
	hamaDone: boolean;
}

/** What happened in a series, for summaries and for deciding on a booster. */
export interface SeriesOutcome {
	points: TimePoint[];
	dosed: number;
	completed: boolean;
	responder: boolean;
	/** Weeks after the last session when a responder relapsed; null if no relapse by week 12. */
	relapseWeek: number | null;
	/** True severity (BDI-II) about four months after the series: the baseline of a later booster. */
	bdiLater: number;
	hamaLater: number;
}

const BDI_NOISE = 2.8;
const HAMA_NOISE = 2.3;

/** Simulate one series: the assessment time points actually observed and the series' outcome. */
export function simulateSeries(rng: Rng, s: SeriesInput): SeriesOutcome {
	const fx = ROUTE_EFFECT[s.route];
	const responder = rng.chance(clamp(fx.responseP + s.responseShift, 0.05, 0.95));
	const fMax = responder ? clamp(0.7 + 0.12 * rng.normal(), 0.45, 0.97) : clamp(0.18 + 0.15 * rng.normal(), -0.15, 0.42);
	const tau = fx.tau * (0.7 + 0.6 * rng.next());
	const improvement = (k: number) => fMax * (1 - Math.exp(-k / tau));

	const points: TimePoint[] = [];
	const push = (phase: TimePoint['phase'], session: number | null, week: number | null, imp: number, hamaP: number) => {
		const bdi = clamp(s.bdiBaseline * (1 - imp) + BDI_NOISE * rng.normal(), 0, 63);
		const hama = clamp(s.hamaBaseline * (1 - s.anxietyCoupling * imp) + HAMA_NOISE * rng.normal(), 0, 56);
		points.push({ phase, session, week, bdi, hama, hamaDone: rng.chance(hamaP) });
	};
	push('baseline', 0, null, 0, 1);

	// Dosing sessions: a few never start; then stopping after session 1, then a per-session hazard,
	// higher for those not (yet) improving.
	let dosed = 0;
	if (rng.chance(0.97)) {
		for (let k = 1; k <= s.planned; k++) {
			dosed = k;
			const imp = improvement(k);
			push('session', k, null, imp, fx.hamaAtSession);
			if (k === s.planned) break;
			const base = k === 1 ? fx.stopAfterFirst : fx.hazard;
			const factor = imp < 0.15 ? 1.5 : imp > 0.4 ? 0.7 : 1;
			if (rng.chance(clamp(base * factor, 0, 0.9))) break;
		}
	}
	const completed = dosed === s.planned;
	const impEnd = improvement(dosed);

	// After the series: relapse clock for responders, partial regression for the rest.
	const relapseAt = responder ? -Math.log(1 - rng.next()) / fx.relapseRate : Infinity;
	const consolidation = 0.04 * rng.normal();
	const impAt = (w: number): number => {
		if (!responder) return impEnd * (0.5 + 0.5 * Math.exp(-w / 6));
		if (w < relapseAt) return impEnd * (1 + consolidation * Math.min(w, 12) / 12);
		return impEnd * (0.2 + 0.8 * Math.exp(-(w - relapseAt) / 2.5));
	};

	if (dosed > 0) {
		// Follow-up attrition is steep (82–95 % lost by 3–6 months, facts.md §3.1); those who stopped
		// early or are relapsing answer less often.
		for (let i = 0; i < FOLLOWUP_WEEKS.length; i++) {
			const w = FOLLOWUP_WEEKS[i];
			let p = FOLLOWUP_CONTINUE[i];
			if (i === 0 && !completed) p = 0.4;
			if (w >= relapseAt) p *= 0.92;
			if (!rng.chance(p)) break;
			push('followup', null, w, impAt(w), 0.85);
		}
	}

	const later = impAt(16);
	return {
		points,
		dosed,
		completed,
		responder,
		relapseWeek: relapseAt <= 12 ? relapseAt : null,
		bdiLater: clamp(s.bdiBaseline * (1 - later), 0, 63),
		hamaLater: clamp(s.hamaBaseline * (1 - s.anxietyCoupling * later), 0, 56)
	};
}

/**
 * Item answers whose sum is, in expectation, the latent total `total`.
 *
 * The latent total sets a common logit; each item is shifted by a fixed item offset (some items are
 * endorsed more readily, e.g. BDI-II fatigue vs suicidal thoughts) plus the client's own stable item
 * profile, rescaled so the expected item values add up to `total`, and each expected value is
 * randomly rounded to an integer (floor(e + U)), which keeps its mean exactly.
 * `out` receives `offsets.length` integers in [0, itemMax].
 */
export function drawItems(rng: Rng, total: number, itemMax: number, offsets: readonly number[], profile: readonly number[], out: number[]): void {
	const n = offsets.length;
	const p = clamp(total / (itemMax * n), 0.003, 0.997);
	const lp = Math.log(p / (1 - p));
	let sum = 0;
	for (let i = 0; i < n; i++) {
		const e = itemMax / (1 + Math.exp(-(lp + offsets[i] + profile[i])));
		out[i] = e;
		sum += e;
	}
	const scale = sum > 0 ? total / sum : 0;
	for (let i = 0; i < n; i++) {
		const e = Math.min(itemMax, out[i] * scale);
		out[i] = Math.min(itemMax, Math.floor(e + rng.next()));
	}
}

/**
 * Item offsets on the logit scale (positive = endorsed more). BDI-II: fatigue, energy, sleep,
 * concentration and anhedonia high; punishment feelings and suicidal thoughts (item 9) low.
 */
export const BDI2_ITEM_OFFSETS = [0.3, 0.1, 0, 0.4, -0.1, -0.8, 0.1, 0.3, -1.3, -0.3, 0, 0.3, 0.1, 0, 0.6, 0.6, 0.1, 0.1, 0.5, 0.6, 0.2];

/** HAM-A: anxious mood, tension, insomnia and depressed mood high; genitourinary and respiratory low. */
export const HAMA_ITEM_OFFSETS = [0.6, 0.5, 0, 0.4, 0.3, 0.5, 0.1, -0.2, -0.3, -0.4, -0.1, -0.6, -0.1, 0.1];
