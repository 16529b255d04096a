/**
 * Seeded, deterministic demo cohort in the canonical long model (one row per completed
 * questionnaire). Pure TS: no Node or browser APIs, so the app, the `demo-data` script, the
 * benchmark and the tests all call the same code and get the same rows for the same seed.
 *
 * Streaming: rows are produced client by client from a generator, so a 5M-row cohort never sits in
 * memory. Each client draws from its own PRNG stream (seed, index), so the first N clients are the
 * same whatever `clients` is.
 */
import { INSTRUMENTS, MAX_ITEMS, type InstrumentId } from '../instruments/definitions';
import type { Phase } from '../model/schema';
import { clamp, createRng, type Rng } from './prng';
import {
	DIAGNOSIS_SHIFT,
	drawDose,
	drawPlannedSessions,
	drawProfile,
	drawRoute,
	type ClientProfile,
	type DemoRoute
} from './profile';
import { BDI2_ITEM_OFFSETS, HAMA_ITEM_OFFSETS, drawItems, simulateSeries, type TimePoint } from './trajectories';

/** Options of the demo cohort. `sites` defaults to 3. */
export interface DemoOptions {
	clients: number;
	seed: number;
	sites?: number;
}

/** The cohort the app ships as data/demo-cohort.csv. */
export const DEMO_DEFAULTS = { clients: 1500, seed: 20261122, sites: 3 } as const satisfies Required<DemoOptions>;

/** `item_1` … `item_30`: null where the instrument has fewer items or the answer is missing. */
export type DemoItemColumns = { [K in `item_${number}`]: number | null };

/**
 * One canonical row (see model/schema.ts `ScoreRowSchema`, which every row passes). `session` is 0 at
 * baseline, k at dosing session k, null at follow-up; `week` is set only at follow-up (weeks after
 * the series' last dosing session). `score` is the sum of items, or round(mean × 21) with
 * `prorated = true` when one BDI-II item is missing. `dose_mg` is the series dose, on every row.
 */
export type CanonicalDemoRow = {
	client_id: string;
	series: number;
	route: DemoRoute;
	instrument: InstrumentId;
	phase: Phase;
	session: number | null;
	week: number | null;
	score: number;
	prorated: boolean;
	site: string;
	age_band: string;
	sex: string;
	diagnosis: string;
	dose_mg: number;
	/** Dosing sessions the series was planned to have (the treatment plan, not what happened). */
	planned_sessions: number;
} & DemoItemColumns;

/** What the generator knows about a series but the rows do not say (sessions given, responder …). */
export interface DemoSeriesMeta {
	series: number;
	route: DemoRoute;
	planned: number;
	dosed: number;
	completed: boolean;
	responder: boolean;
	relapseWeek: number | null;
}

/** One client: attributes, series ground truth, and the rows in time order (BDI-II, then HAM-A). */
export interface DemoClient {
	client_id: string;
	profile: ClientProfile;
	series: DemoSeriesMeta[];
	rows: CanonicalDemoRow[];
}

/** Pseudonymous id of the 0-based client `index`: C00001 … C99999, then C100000 …. */
export function clientId(index: number): string {
	return 'C' + String(index + 1).padStart(5, '0');
}

/** Share of BDI-II administrations with one item left blank (→ prorated total). */
const BDI_MISSING_ITEM_P = 0.03;

/** Simulate client `index` (0-based) of the cohort `(seed, sites)`. Deterministic. */
export function simulateClient(seed: number, index: number, sites: number = DEMO_DEFAULTS.sites): DemoClient {
	const rng = createRng(seed, index);
	const profile = drawProfile(rng, sites);
	const id = clientId(index);
	const shift = DIAGNOSIS_SHIFT[profile.diagnosis];

	// Correlated true baselines: BDI-II ≈ N(30, 8), HAM-A ≈ N(22, 6), r ≈ .5.
	const zb = rng.normal();
	const zh = 0.5 * zb + Math.sqrt(0.75) * rng.normal();
	let bdi = clamp(30 + shift.bdi + 8 * zb, 12, 60);
	let hama = clamp(22 + shift.hama + 6 * zh, 6, 50);
	const anxietyCoupling = clamp(0.75 + 0.15 * rng.normal(), 0.3, 1.1);
	// A stable personal item profile, so a client's answer pattern is recognisable across visits.
	const bdiProfile = BDI2_ITEM_OFFSETS.map(() => 0.35 * rng.normal());
	const hamaProfile = HAMA_ITEM_OFFSETS.map(() => 0.35 * rng.normal());
	// Older clients improved more in Dore 2019; a small shift per age band.
	const ageShift = 0.015 * (profile.ageIndex - 2);

	const meta: DemoSeriesMeta[] = [];
	const rows: CanonicalDemoRow[] = [];
	let route = drawRoute(rng, profile);
	let responseShift = ageShift;
	for (let series = 1; series <= 3; series++) {
		const planned = drawPlannedSessions(rng, route, series);
		const dose = drawDose(rng, route, profile);
		const out = simulateSeries(rng, { route, planned, bdiBaseline: bdi, hamaBaseline: hama, anxietyCoupling, responseShift });
		meta.push({ series, route, planned, dosed: out.dosed, completed: out.completed, responder: out.responder, relapseWeek: out.relapseWeek });
		const base = { client_id: id, series, route, site: profile.site, age_band: profile.age_band, sex: profile.sex, diagnosis: profile.diagnosis, dose_mg: dose, planned_sessions: planned };
		for (const tp of out.points) {
			rows.push(makeRow(rng, base, tp, 'bdi2', tp.bdi, bdiProfile));
			if (tp.hamaDone) rows.push(makeRow(rng, base, tp, 'hama', tp.hama, hamaProfile));
		}

		// Booster series after the follow-up window: mostly responders who relapsed (they know it
		// works), rarely others. Series 3 is rarer still. Gives ≈ 10–15 % of clients a series 2.
		let pBooster = out.dosed === 0 ? 0 : out.responder && out.relapseWeek !== null ? 0.32 : out.responder ? 0.08 : out.completed ? 0.06 : 0.02;
		if (series === 2) pBooster *= 0.4;
		if (series === 3 || !rng.chance(pBooster)) break;
		bdi = clamp(out.bdiLater + 3 * rng.normal(), 12, 60);
		hama = clamp(out.hamaLater + 2.5 * rng.normal(), 6, 50);
		// Re-induction works for most earlier responders (SUSTAIN-3 ≈ 72 %), less for non-responders.
		responseShift = ageShift + (out.responder ? 0.12 : -0.15);
		if (rng.chance(0.15)) route = drawRoute(rng, profile);
	}
	return { client_id: id, profile, series: meta, rows };
}

type RowBase = Pick<CanonicalDemoRow, 'client_id' | 'series' | 'route' | 'site' | 'age_band' | 'sex' | 'diagnosis' | 'dose_mg' | 'planned_sessions'>;
const itemScratch: number[] = new Array(MAX_ITEMS).fill(0);
const itemValues: (number | null)[] = new Array(MAX_ITEMS).fill(null);

function makeRow(rng: Rng, b: RowBase, tp: TimePoint, instrument: 'bdi2' | 'hama', latent: number, profile: readonly number[]): CanonicalDemoRow {
	const def = INSTRUMENTS[instrument];
	const offsets = instrument === 'bdi2' ? BDI2_ITEM_OFFSETS : HAMA_ITEM_OFFSETS;
	drawItems(rng, latent, def.itemMax, offsets, profile, itemScratch);
	// One blank BDI-II item now and then, so the prorated path shows up in the demo (HAM-A allows none).
	const missing = def.proration.maxMissing > 0 && rng.chance(BDI_MISSING_ITEM_P) ? rng.int(0, def.items - 1) : -1;
	const v = itemValues;
	let sum = 0;
	for (let i = 0; i < MAX_ITEMS; i++) {
		v[i] = i < def.items && i !== missing ? itemScratch[i] : null;
		sum += v[i] ?? 0;
	}
	const score = missing >= 0 ? Math.round((sum / (def.items - 1)) * def.items) : sum;
	// One object literal with every key in a fixed order: V8 then shares one hidden class for all rows
	// (adding item keys in a loop made row building ~30× slower).
	return {
		client_id: b.client_id,
		series: b.series,
		route: b.route,
		instrument,
		phase: tp.phase,
		session: tp.session,
		week: tp.week,
		score,
		prorated: missing >= 0,
		site: b.site,
		age_band: b.age_band,
		sex: b.sex,
		diagnosis: b.diagnosis,
		dose_mg: b.dose_mg,
		planned_sessions: b.planned_sessions,
		item_1: v[0],
		item_2: v[1],
		item_3: v[2],
		item_4: v[3],
		item_5: v[4],
		item_6: v[5],
		item_7: v[6],
		item_8: v[7],
		item_9: v[8],
		item_10: v[9],
		item_11: v[10],
		item_12: v[11],
		item_13: v[12],
		item_14: v[13],
		item_15: v[14],
		item_16: v[15],
		item_17: v[16],
		item_18: v[17],
		item_19: v[18],
		item_20: v[19],
		item_21: v[20],
		// Outcome instruments of the demo have at most 21 items; 22–30 exist for CADSS / MEQ-30.
		item_22: null,
		item_23: null,
		item_24: null,
		item_25: null,
		item_26: null,
		item_27: null,
		item_28: null,
		item_29: null,
		item_30: null
	};
}

/** Clients 0 … `clients − 1` of the cohort, one at a time. */
export function* generateClients(opts: DemoOptions): Generator<DemoClient> {
	const sites = Math.max(1, Math.floor(opts.sites ?? DEMO_DEFAULTS.sites));
	for (let i = 0; i < opts.clients; i++) yield simulateClient(opts.seed, i, sites);
}

/** All rows of the cohort, streamed in client order (then series, time, instrument). */
export function* generateCohort(opts: DemoOptions): Generator<CanonicalDemoRow> {
	for (const c of generateClients(opts)) yield* c.rows;
}
