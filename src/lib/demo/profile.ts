/**
 * Who the demo clients are and what series they are booked for: site, age band, sex, diagnosis,
 * route, planned number of dosing sessions and dose. Every number here is a plausible round value
 * chosen from the KAP literature summarised in shared/domain/facts.md §3; none is a fitted estimate.
 */
import { clamp, type Rng } from './prng';

/** Routes the demo uses: exactly the `ROUTES` values of the canonical model (oral is left out). */
export type DemoRoute = 'iv' | 'im' | 'sublingual' | 'intranasal';
export const DEMO_ROUTES: readonly DemoRoute[] = ['iv', 'im', 'sublingual', 'intranasal'];

/** Site names for the first sites; more sites are named `site-N`. */
export const SITE_NAMES = ['north', 'central', 'south', 'east', 'west', 'harbor', 'valley', 'summit'] as const;

export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
const AGE_WEIGHTS = [10, 27, 26, 18, 13, 6];

export const SEXES = ['female', 'male', 'other'] as const;
const SEX_WEIGHTS = [58, 40, 2];

export const DIAGNOSES = ['TRD', 'MDD', 'PTSD', 'GAD', 'bipolar depression', 'OCD'] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];
const DIAGNOSIS_WEIGHTS = [34, 26, 16, 12, 8, 4];

/**
 * Baseline shift by diagnosis, in score points (BDI-II, HAM-A): PTSD and TRD arrive more severe,
 * GAD clients more anxious than depressed. Keeps subgroup views from looking identical.
 */
export const DIAGNOSIS_SHIFT: Record<Diagnosis, { bdi: number; hama: number }> = {
	TRD: { bdi: 3, hama: 0 },
	MDD: { bdi: 0, hama: -1 },
	PTSD: { bdi: 2, hama: 3 },
	GAD: { bdi: -5, hama: 4 },
	'bipolar depression': { bdi: 1, hama: 0 },
	OCD: { bdi: -2, hama: 2 }
};

/**
 * Route mix per site (IV, IM, sublingual, intranasal), so sites differ the way real clinics do:
 * an infusion centre, a KAP psychotherapy practice, a mixed clinic with an esketamine (REMS) program.
 * Sites beyond the third get a mixed profile.
 */
const SITE_ROUTE_WEIGHTS: number[][] = [
	[55, 10, 20, 15],
	[12, 40, 43, 5],
	[30, 12, 30, 28]
];
const DEFAULT_ROUTE_WEIGHTS = [35, 20, 30, 15];

/** Client attributes that stay fixed over all of a client's series. */
export interface ClientProfile {
	site: string;
	siteIndex: number;
	age_band: (typeof AGE_BANDS)[number];
	ageIndex: number;
	sex: (typeof SEXES)[number];
	diagnosis: Diagnosis;
	/** Body weight in kg; only used for weight-based IV/IM dosing. */
	weightKg: number;
}

/** Name of site `i` (0-based). */
export function siteName(i: number): string {
	return i < SITE_NAMES.length ? SITE_NAMES[i] : `site-${i + 1}`;
}

/** Draw the fixed attributes of one client at one of `sites` sites. */
export function drawProfile(rng: Rng, sites: number): ClientProfile {
	// Uneven site sizes (first site largest), as in most clinic networks.
	const siteWeights = Array.from({ length: sites }, (_, i) => 1 / (1 + 0.25 * i));
	const siteIndex = rng.weighted(siteWeights);
	const ageIndex = rng.weighted(AGE_WEIGHTS);
	const sex = SEXES[rng.weighted(SEX_WEIGHTS)];
	const meanKg = sex === 'male' ? 85 : sex === 'female' ? 70 : 76;
	return {
		site: siteName(siteIndex),
		siteIndex,
		age_band: AGE_BANDS[ageIndex],
		ageIndex,
		sex,
		diagnosis: DIAGNOSES[rng.weighted(DIAGNOSIS_WEIGHTS)],
		weightKg: clamp(meanKg + 14 * rng.normal(), 45, 140)
	};
}

/** Route for a client's first series: by site mix, with esketamine reserved mostly for depression. */
export function drawRoute(rng: Rng, p: ClientProfile): DemoRoute {
	const w = [...(SITE_ROUTE_WEIGHTS[p.siteIndex] ?? DEFAULT_ROUTE_WEIGHTS)];
	// Esketamine is licensed for depression; other diagnoses rarely get it.
	if (p.diagnosis !== 'TRD' && p.diagnosis !== 'MDD') w[3] *= 0.2;
	return DEMO_ROUTES[rng.weighted(w)];
}

/**
 * Planned dosing sessions of a series. IV: the usual 6-infusion induction (booster series shorter);
 * IM: 4–6; sublingual: 2–8 (mostly 4 or 6); intranasal: 8 (twice weekly for 4 weeks).
 */
export function drawPlannedSessions(rng: Rng, route: DemoRoute, series: number): number {
	if (series > 1) {
		// Boosters re-induce with fewer sessions.
		if (route === 'iv') return [2, 3, 4, 6][rng.weighted([25, 35, 25, 15])];
		if (route === 'intranasal') return [4, 8][rng.weighted([60, 40])];
		return [2, 3, 4][rng.weighted([30, 40, 30])];
	}
	switch (route) {
		case 'iv':
			return 6;
		case 'im':
			return [4, 5, 6][rng.weighted([40, 20, 40])];
		case 'sublingual':
			return [2, 3, 4, 5, 6, 8][rng.weighted([5, 8, 37, 8, 27, 15])];
		case 'intranasal':
			return 8;
	}
}

/**
 * Series dose in mg (one value per series, carried on every row of it as a client attribute).
 * IV ≈ 0.5 mg/kg (some clinics titrate to 0.75); IM 50–100 in 5 mg steps; sublingual troche
 * 100–300; intranasal esketamine 56 or 84 (28 for some ≥ 65).
 */
export function drawDose(rng: Rng, route: DemoRoute, p: ClientProfile): number {
	switch (route) {
		case 'iv': {
			const mgPerKg = rng.chance(0.8) ? 0.5 : 0.75;
			return Math.round(mgPerKg * p.weightKg);
		}
		case 'im':
			return clamp(Math.round((p.weightKg * (0.8 + 0.4 * rng.next())) / 5) * 5, 50, 100);
		case 'sublingual':
			return [100, 150, 200, 250, 300][rng.weighted([20, 30, 28, 10, 12])];
		case 'intranasal':
			if (p.age_band === '65+' && rng.chance(0.5)) return 28;
			return rng.chance(0.45) ? 56 : 84;
	}
}
