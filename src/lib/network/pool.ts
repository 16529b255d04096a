/**
 * Pool site bundles into the sections `report` prints (response, remission, trajectories, survival,
 * log-rank, attrition), grouped by route, plus `meta`: per site and route the response proportion and
 * mean change with a random-effects pooled estimate. Counts add up; trajectories come from the summed
 * score histograms (so n, mean, SD, median and quartiles are exactly those of the whole file); the
 * Kaplan–Meier curves and log-rank test come from the summed life tables. Where a site withheld a
 * value, the pooled figure it feeds is listed in `incomplete` instead of being silently summed.
 */
import { wilsonInterval } from '../stats/proportions';
import { kaplanMeier, logRank } from '../stats/survival';
import { DEFINITIONS, remissionDefinition, resolveSettings, responseDefinition, type SettingsInput } from '../metrics/definitions';
import { ALL_GROUPS } from '../metrics/source';
import type { AttritionRow } from '../metrics/attrition';
import type { LogRankRow, SurvivalRow } from '../metrics/durability';
import type { RateRow } from '../metrics/rates';
import type { TrajectoryRow } from '../metrics/trajectories';
import { tInterval as tCi } from '../stats/effect';
import { expit, logitProportion, meanInput, randomEffects, type MetaInput, type MetaResult } from '../stats/meta';
import type { Bundle, BundleCell } from './schema';

export interface SiteEstimate {
	site: string;
	instrument: string;
	route: string;
	count: number | null;
	n: number | null;
	estimate: number | null;
	ci_low: number | null;
	ci_high: number | null;
}

export interface MetaRow {
	instrument: string;
	route: string;
	measure: 'response' | 'mean_change';
	sites: SiteEstimate[];
	/** Random-effects pools (DL and REML); proportions back-transformed from the logit scale. */
	dl: PooledEstimate | null;
	reml: PooledEstimate | null;
}

export interface PooledEstimate extends MetaResult {
	/** Estimate, CI and prediction interval on the reported scale (proportion for response). */
	shown: { estimate: number; ci_low: number; ci_high: number; pi_low: number; pi_high: number };
}

export interface PooledReport {
	meta: { sites: string[]; min_cell: number[]; definitions: string[]; incomplete: string[] };
	response: RateRow[];
	remission: RateRow[];
	trajectories: TrajectoryRow[];
	survival: SurvivalRow[];
	log_rank: LogRankRow[];
	attrition: AttritionRow[];
	network: MetaRow[];
}

/** Pool bundles; throws when they were made under different definitions. */
export function poolBundles(bundles: Bundle[]): PooledReport {
	if (!bundles.length) throw new Error('no bundles to pool');
	const defs = JSON.stringify([...bundles[0].definitions].sort());
	for (const b of bundles) if (JSON.stringify([...b.definitions].sort()) !== defs) throw new Error(`bundle of site "${b.site}" was made under other definitions than site "${bundles[0].site}"; pool bundles made with the same settings`);
	const names = bundles.map((b) => b.site);
	if (new Set(names).size !== names.length) throw new Error(`a site appears twice: ${names.join(', ')}`);
	const settings = resolveSettings(bundles[0].settings as SettingsInput);
	const incomplete = new Set<string>();
	const cells = bundles.flatMap((b) => b.cells.map((c) => ({ site: b.site, c })));
	const byRoute = groupBy(cells, ({ c }) => `${c.instrument}\u0001${c.route}`);

	const rates = (kind: 'response' | 'remission'): RateRow[] => {
		const out: RateRow[] = [];
		const add = (instrument: string, group: string, parts: BundleCell[]) => {
			let count = 0;
			let n = 0;
			let missing = false;
			for (const c of parts) {
				const [k, d] = kind === 'response' ? [c.series.responders, c.series.response_n] : [c.series.remitters, c.series.with_end];
				if (k === null || d === null) missing = true;
				count += k ?? 0;
				n += d ?? 0;
			}
			if (missing) incomplete.add(`${kind} ${instrument} ${group}`);
			// a rate over the sites that showed their counts would pass for the network's: not computed
			const w = n && !missing ? wilsonInterval(count, n) : null;
			const definition = kind === 'response' ? responseDefinition(settings).id : remissionDefinition(instrument, settings).id;
			out.push({ instrument, group, count, n, rate: w?.rate ?? null, ci_low: w?.low ?? null, ci_high: w?.high ?? null, definition });
		};
		for (const [instrument, list] of groupBy(cells, ({ c }) => c.instrument)) {
			const routes = groupBy(list, ({ c }) => c.route);
			for (const [route, parts] of [...routes].sort(([a], [b]) => a.localeCompare(b))) add(instrument, route, parts.map((p) => p.c));
			if (routes.size > 1) add(instrument, ALL_GROUPS, list.map((p) => p.c));
		}
		return out;
	};

	const trajectories: TrajectoryRow[] = [];
	const survivalRows: SurvivalRow[] = [];
	const attritionRows: AttritionRow[] = [];
	const kmInputs = new Map<string, { group: string; times: number[]; events: boolean[] }[]>();
	for (const [key, list] of [...byRoute].sort(([a], [b]) => a.localeCompare(b))) {
		const [instrument, group] = key.split('\u0001');
		trajectories.push(...poolHistograms(instrument, group, list.map((p) => p.c), incomplete));
		const km = poolLifeTables(list.map((p) => p.c), `survival ${instrument} ${group}`, incomplete);
		if (km) {
			const fit = kaplanMeier(km.times, km.events);
			survivalRows.push({ instrument, group, n: fit.n, events: fit.totalEvents, median_weeks: fit.median, median_low: fit.medianLow, median_high: fit.medianHigh, points: fit.points, definition: DEFINITIONS.durability.id });
			(kmInputs.get(instrument) ?? kmInputs.set(instrument, []).get(instrument)!).push({ group, ...km });
		}
		attritionRows.push(...poolAttrition(instrument, group, list.map((p) => p.c), incomplete));
	}
	const logRanks: LogRankRow[] = [];
	for (const [instrument, gs] of kmInputs) {
		if (gs.length < 2) continue;
		logRanks.push({ instrument, groups: gs.map((g) => g.group), ...logRank(gs.map((g) => ({ times: g.times, events: g.events }))) });
	}
	return {
		meta: { sites: names, min_cell: bundles.map((b) => b.min_cell), definitions: bundles[0].definitions, incomplete: [...incomplete].sort() },
		response: rates('response'),
		remission: rates('remission'),
		trajectories,
		survival: survivalRows,
		log_rank: logRanks,
		attrition: attritionRows,
		network: metaRows(byRoute)
	};
}

function poolHistograms(instrument: string, group: string, cells: BundleCell[], incomplete: Set<string>): TrajectoryRow[] {
	type Slot = { phase: TrajectoryRow['phase']; session: number | null; week: number | null; bins: Map<number, number>; broken: boolean; n: number; sum: number; sumSq: number; moments: boolean };
	const slots = new Map<string, Slot>();
	for (const c of cells)
		for (const h of c.histograms) {
			const k = JSON.stringify([h.phase, h.session, h.week]);
			const s = slots.get(k) ?? slots.set(k, { phase: h.phase, session: h.session, week: h.week, bins: new Map(), broken: false, n: 0, sum: 0, sumSq: 0, moments: true }).get(k)!;
			if (!h.bins || h.bins.some(([, n]) => n === null)) s.broken = true;
			for (const [score, n] of h.bins ?? []) if (n !== null) s.bins.set(score, (s.bins.get(score) ?? 0) + n);
			if (h.n === null || h.sum === null || h.sum_sq === null) s.moments = false;
			else (s.n += h.n), (s.sum += h.sum), (s.sumSq += h.sum_sq);
		}
	const order = { baseline: 0, session: 1, followup: 2 };
	const rows: TrajectoryRow[] = [];
	for (const s of [...slots.values()].sort((a, b) => order[a.phase] - order[b.phase] || (a.session ?? -1) - (b.session ?? -1) || (a.week ?? -1) - (b.week ?? -1))) {
		const where = `${instrument} ${group} ${s.phase} ${s.phase === 'followup' ? `week ${s.week}` : `session ${s.session}`}`;
		if (s.broken) {
			// a site withheld its histogram here: n, mean, SD and CI from the summed moments when every
			// site showed them; median and quartiles cannot be pooled
			if (!s.moments || s.n < 1) {
				incomplete.add(`trajectories ${where}`);
				continue;
			}
			incomplete.add(`trajectories ${where}: median and quartiles`);
			const mean = s.sum / s.n;
			const sd = s.n > 1 ? Math.sqrt(Math.max(0, (s.sumSq - s.n * mean * mean) / (s.n - 1))) : null;
			const ci = tCi(s.n, mean, sd);
			const none = null as unknown as number;
			rows.push({ instrument, group, phase: s.phase, session: s.session, week: s.week, n: s.n, mean, sd, ci_low: ci.low, ci_high: ci.high, median: none, q1: none, q3: none, min: none, max: none, method: 'observed', definition: DEFINITIONS.trajectoryObserved.id });
			continue;
		}
		const sorted = [...s.bins].sort((a, b) => a[0] - b[0]);
		const n = sorted.reduce((t, [, k]) => t + k, 0);
		if (!n) continue;
		let sum = 0;
		for (const [x, k] of sorted) sum += x * k;
		const mean = sum / n;
		let ss = 0;
		for (const [x, k] of sorted) ss += k * (x - mean) ** 2;
		const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
		const ci = tCi(n, mean, sd);
		rows.push({
			instrument, group, phase: s.phase, session: s.session, week: s.week, n, mean, sd, ci_low: ci.low, ci_high: ci.high,
			median: quantileCont(sorted, n, 0.5), q1: quantileCont(sorted, n, 0.25), q3: quantileCont(sorted, n, 0.75),
			min: sorted[0][0], max: sorted[sorted.length - 1][0], method: 'observed', definition: DEFINITIONS.trajectoryObserved.id
		});
	}
	return rows;
}

/** DuckDB's `quantile_cont` (linear interpolation at (n − 1)·p) over a weighted, sorted histogram. */
export function quantileCont(sorted: [number, number][], n: number, p: number): number {
	const h = (n - 1) * p;
	const lo = Math.floor(h);
	const at = (i: number) => {
		let seen = 0;
		for (const [x, k] of sorted) {
			seen += k;
			if (i < seen) return x;
		}
		return sorted[sorted.length - 1][0];
	};
	const a = at(lo);
	const b = at(Math.ceil(h));
	return a + (h - lo) * (b - a);
}

function poolLifeTables(cells: BundleCell[], what: string, incomplete: Set<string>): { times: number[]; events: boolean[] } | null {
	const times: number[] = [];
	const events: boolean[] = [];
	for (const c of cells)
		for (const r of c.life_table) {
			if (r.events === null || r.censored === null) {
				incomplete.add(what);
				continue;
			}
			for (let i = 0; i < r.events; i++) (times.push(r.week), events.push(true));
			for (let i = 0; i < r.censored; i++) (times.push(r.week), events.push(false));
		}
	return times.length ? { times, events } : null;
}

function poolAttrition(instrument: string, group: string, cells: BundleCell[], incomplete: Set<string>): AttritionRow[] {
	const stages = new Map<string, AttritionRow>();
	for (const c of cells)
		for (const a of c.attrition) {
			const k = JSON.stringify([a.phase, a.phase === 'completed' ? null : a.session, a.week]);
			const row = stages.get(k) ?? stages.set(k, { instrument, group, phase: a.phase, session: a.session, week: a.week, clients: 0, with_baseline: 0, share: null, definition: DEFINITIONS.attrition.id }).get(k)!;
			if (a.clients === null || a.with_baseline === null) incomplete.add(`attrition ${instrument} ${group} ${a.phase} ${a.session ?? a.week ?? ''}`.trim());
			row.clients += a.clients ?? 0;
			row.with_baseline += a.with_baseline ?? 0;
		}
	const order = { baseline: 0, session: 1, end: 2, completed: 3, followup: 4 };
	const rows = [...stages.values()].sort((a, b) => order[a.phase] - order[b.phase] || (a.session ?? -1) - (b.session ?? -1) || (a.week ?? -1) - (b.week ?? -1));
	const base = rows.find((r) => r.phase === 'baseline')?.clients;
	return rows.map((r) => ({ ...r, share: base ? r.with_baseline / base : null }));
}

function metaRows(byRoute: Map<string, { site: string; c: BundleCell }[]>): MetaRow[] {
	const out: MetaRow[] = [];
	for (const [key, list] of [...byRoute].sort(([a], [b]) => a.localeCompare(b))) {
		const [instrument, route] = key.split('\u0001');
		const perSite = groupBy(list, (p) => p.site);
		const resp: SiteEstimate[] = [];
		const change: SiteEstimate[] = [];
		const respIn: MetaInput[] = [];
		const changeIn: MetaInput[] = [];
		for (const [site, parts] of perSite) {
			const k = sumOrNull(parts.map((p) => p.c.series.responders));
			const n = sumOrNull(parts.map((p) => p.c.series.response_n));
			const w = k !== null && n ? wilsonInterval(k, n) : null;
			resp.push({ site, instrument, route, count: k, n, estimate: w?.rate ?? null, ci_low: w?.low ?? null, ci_high: w?.high ?? null });
			const li = k !== null && n ? logitProportion(k, n) : null;
			if (li) respIn.push(li);
			const cn = sumOrNull(parts.map((p) => p.c.series.change.n));
			const cs = sumOrNull(parts.map((p) => p.c.series.change.sum));
			const cq = sumOrNull(parts.map((p) => p.c.series.change.sum_sq));
			const mean = cn && cs !== null ? cs / cn : null;
			const sd = cn && cn > 1 && cs !== null && cq !== null && mean !== null ? Math.sqrt(Math.max(0, (cq - cn * mean * mean) / (cn - 1))) : null;
			const mi = cn && mean !== null && sd !== null ? meanInput(cn, mean, sd) : null;
			const half = mi ? 1.959963984540054 * Math.sqrt(mi.vi) : null;
			change.push({ site, instrument, route, count: null, n: cn, estimate: mean, ci_low: half !== null && mean !== null ? mean - half : null, ci_high: half !== null && mean !== null ? mean + half : null });
			if (mi) changeIn.push(mi);
		}
		const pool = (inputs: typeof respIn, logit: boolean) => (method: 'DL' | 'REML'): PooledEstimate | null => {
			const r = randomEffects(inputs, method);
			if (!r) return null;
			const f = logit ? expit : (x: number) => x;
			return { ...r, shown: { estimate: f(r.estimate), ci_low: f(r.ci_low), ci_high: f(r.ci_high), pi_low: f(r.pi_low), pi_high: f(r.pi_high) } };
		};
		out.push({ instrument, route, measure: 'response', sites: resp, dl: pool(respIn, true)('DL'), reml: pool(respIn, true)('REML') });
		out.push({ instrument, route, measure: 'mean_change', sites: change, dl: pool(changeIn, false)('DL'), reml: pool(changeIn, false)('REML') });
	}
	return out;
}

function sumOrNull(xs: (number | null)[]): number | null {
	let t = 0;
	for (const x of xs) {
		if (x === null) return null;
		t += x;
	}
	return t;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
	const m = new Map<string, T[]>();
	for (const x of xs) (m.get(key(x)) ?? m.set(key(x), []).get(key(x))!).push(x);
	return m;
}
