/**
 * Synthetic dosing-session records and session-level scores for one demo client: a record for every
 * dosing session, CADSS (23 items) at every dosing session, MEQ-30 and EBI at the first and last
 * session of a series at two sites. Deterministic: an own PRNG stream per client (seed, 2^20 + index),
 * so the outcome cohort stays as it was.
 *
 * Plausible by route and dose (synthetic, not data): IV and IM raise blood pressure and dissociation
 * more than a sublingual troche; a higher dose within a route raises both; both fade over a series
 * (tolerance); a few sessions cross 180/110, serious adverse events are rare (≈ 0.3 %).
 */
import type { SessionRow } from '../model/sessions';
import type { CanonicalDemoRow, DemoClient } from './generate';
import { clamp, createRng, type Rng } from './prng';
import type { DemoRoute } from './profile';

interface RouteEffect {
	/** Mean systolic rise at session 1 at the reference dose (mmHg). */
	sbpRise: number;
	refDose: number;
	/** Mean CADSS total at session 1 at the reference dose. */
	cadss: number;
	minutes: number;
	nausea: number;
	dizziness: number;
	/** P(MOAA/S 5, 4, 3). */
	sedation: [number, number, number];
	/** Mean MEQ-30 item (0–5) before the client's own shift. */
	meq: number;
}

const EFFECTS: Record<DemoRoute, RouteEffect> = {
	iv: { sbpRise: 19, refDose: 40, cadss: 17, minutes: 75, nausea: 0.22, dizziness: 0.35, sedation: [0.3, 0.55, 0.15], meq: 2.3 },
	im: { sbpRise: 22, refDose: 75, cadss: 21, minutes: 90, nausea: 0.28, dizziness: 0.4, sedation: [0.25, 0.55, 0.2], meq: 2.6 },
	intranasal: { sbpRise: 14, refDose: 56, cadss: 13, minutes: 125, nausea: 0.25, dizziness: 0.45, sedation: [0.4, 0.5, 0.1], meq: 1.6 },
	sublingual: { sbpRise: 8, refDose: 200, cadss: 7, minutes: 80, nausea: 0.14, dizziness: 0.2, sedation: [0.62, 0.36, 0.02], meq: 1.7 }
};

/** Sites whose clients fill in MEQ-30 and EBI (the first two). */
const EXPERIENCE_SITES = new Set(['north', 'central']);
const MEQ_ITEMS = 30;
const CADSS_ITEMS = 23;

const grade = (rng: Rng, p: number): number => (rng.chance(p) ? [1, 2, 3][rng.weighted([70, 25, 5])] : 0);

function items(rng: Rng, count: number, mean: number, max: number, spread: number): number[] {
	return Array.from({ length: count }, () => clamp(Math.round(mean + spread * rng.normal()), 0, max));
}

function scoreRow(base: CanonicalDemoRow, instrument: string, session: number, values: number[], score: number): CanonicalDemoRow {
	const row = { ...base, instrument, phase: 'session', session, week: null, score, prorated: false } as CanonicalDemoRow;
	for (let i = 1; i <= 30; i++) (row as Record<string, unknown>)[`item_${i}`] = i <= values.length ? values[i - 1] : null;
	return row;
}

export interface DemoSessions {
	sessions: SessionRow[];
	/** CADSS, MEQ-30 and EBI rows in the canonical score shape. */
	acute: CanonicalDemoRow[];
}

/** Session records and session-level scores of `client` (client index `index` of cohort `seed`). */
export function simulateSessions(seed: number, index: number, client: DemoClient): DemoSessions {
	const rng = createRng(seed, (1 << 20) + index);
	const sessions: SessionRow[] = [];
	const acute: CanonicalDemoRow[] = [];
	// Client-level traits: resting BP and heart rate, how strongly they react, how "open" the experience is.
	const restSbp = clamp(122 + 13 * rng.normal(), 95, 165);
	const restHr = clamp(72 + 9 * rng.normal(), 50, 105);
	const reactivity = clamp(1 + 0.3 * rng.normal(), 0.4, 1.8);
	const openness = 0.5 * rng.normal();
	for (const meta of client.series) {
		const doses = client.rows.filter((r) => r.series === meta.series && r.instrument === 'bdi2' && r.phase === 'session');
		if (!doses.length) continue;
		const last = Math.max(...doses.map((r) => r.session ?? 0));
		const e = EFFECTS[meta.route];
		for (const row of doses) {
			const k = row.session!;
			const doseFactor = Math.sqrt(row.dose_mg / e.refDose);
			const tolerance = Math.max(0.7, 1 - 0.05 * (k - 1));
			const rise = Math.max(0, e.sbpRise * doseFactor * tolerance * reactivity + 7 * rng.normal());
			const sbpPre = Math.round(clamp(restSbp + 7 * rng.normal(), 90, 185));
			const dbpPre = Math.round(clamp(0.55 * sbpPre + 12 + 5 * rng.normal(), 50, sbpPre - 25));
			const sbpPeak = Math.round(clamp(sbpPre + rise, 90, 240));
			const dbpPeak = Math.round(clamp(dbpPre + 0.55 * rise + 4 * rng.normal(), 50, sbpPeak - 20));
			const sbpEnd = Math.round(clamp(sbpPre + 0.25 * rise + 5 * rng.normal(), 90, 220));
			const dbpEnd = Math.round(clamp(dbpPre + 0.15 * rise + 4 * rng.normal(), 45, sbpEnd - 20));
			const hrPre = Math.round(clamp(restHr + 5 * rng.normal(), 45, 120));
			const nausea = grade(rng, e.nausea * doseFactor);
			sessions.push({
				client_id: row.client_id,
				series: row.series,
				route: row.route,
				session: k,
				dose_mg: row.dose_mg,
				sbp_pre: sbpPre,
				dbp_pre: dbpPre,
				sbp_peak: sbpPeak,
				dbp_peak: dbpPeak,
				sbp_end: sbpEnd,
				dbp_end: dbpEnd,
				hr_pre: hrPre,
				hr_peak: Math.round(clamp(hrPre + 0.45 * rise + 6 * rng.normal(), hrPre, 170)),
				spo2_min: rng.chance(meta.route === 'sublingual' ? 0.004 : 0.012) ? rng.int(86, 89) : Math.round(clamp(96.5 + 1.5 * rng.normal(), 90, 100)),
				sedation: 5 - rng.weighted(e.sedation),
				minutes_to_ready: Math.round(clamp(e.minutes * (0.9 + 0.1 * doseFactor) + 18 * rng.normal(), 30, 300)),
				nausea,
				vomiting: nausea >= 2 && rng.chance(0.35) ? grade(rng, 1) : 0,
				headache: grade(rng, 0.12),
				dizziness: grade(rng, e.dizziness * tolerance),
				anxiety: grade(rng, 0.09),
				serious_ae: rng.chance(0.003) ? 1 : 0
			});
			// CADSS: items around the session's dissociation level, so the total fades with tolerance.
			const level = Math.max(0, e.cadss * doseFactor * tolerance * (1 + 0.25 * rng.normal())) / CADSS_ITEMS;
			const cadss = items(rng, CADSS_ITEMS, level, 4, 0.6);
			acute.push(scoreRow(row, 'cadss', k, cadss, cadss.reduce((a, b) => a + b, 0)));
			if (EXPERIENCE_SITES.has(row.site) && (k === 1 || k === last)) {
				// Responders were (by construction) somewhat more open: the experience–outcome link the page shows.
				const intensity = clamp(e.meq + 0.3 * (doseFactor - 1) + openness + (meta.responder ? 0.4 : -0.2) + 0.3 * rng.normal(), 0, 5);
				const meq = items(rng, MEQ_ITEMS, intensity, 5, 0.9);
				acute.push(scoreRow(row, 'meq30', k, meq, meq.reduce((a, b) => a + b, 0)));
				const ebi = items(rng, 6, clamp(35 + 12 * openness + (meta.responder ? 12 : -5), 0, 100), 100, 18);
				acute.push(scoreRow(row, 'ebi', k, ebi, ebi.reduce((a, b) => a + b, 0) / 6));
			}
		}
	}
	return { sessions, acute };
}
