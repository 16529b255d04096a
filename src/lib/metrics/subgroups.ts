/**
 * Subgroups of a cohort comparison: within each level of site, sex, age band, diagnosis and dose
 * band, the response difference A − B (Newcombe) and the baseline-adjusted end-score difference
 * A − B (OLS end ~ cohort + baseline), with the cohort × subgroup interaction tested by a
 * likelihood-ratio test of logistic fits (response) and an F test of linear fits (end score);
 * plus the overall estimates and the number needed to treat (Altman). Units: client-series with a
 * baseline and an end-of-series score, as in the comparison's ANCOVA.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import { logistic, logisticLrt, nestedF } from '../stats/logistic';
import { newcombeDifference, numberNeededToTreat, type NumberNeededToTreat } from '../stats/proportions';
import { addMoments, momentRows, noMoments, ols, type Moments } from '../stats/regression';
import { COHORT, cohortRelation, type Cohort } from './compare';
import type { Definition, SettingsInput } from './definitions';
import { describeColumns, MISSING } from './filters';
import { clientSummary, type DerivedTable } from './source';

export const SUBGROUP_COLUMNS = ['site', 'sex', 'age_band', 'diagnosis'] as const;
/** Name of the derived dose variable (tertiles of the series' mean dose). */
export const DOSE_BAND = 'dose_band';

export const SUBGROUP_DEFINITION: Definition = {
	id: 'subgroup.cohort-difference@1',
	name: 'Subgroup estimates and interaction',
	text: 'Within each level of site, sex, age band, diagnosis and dose band (thirds of the series’ mean dose within its route, since doses differ by route), the response difference A − B with Newcombe’s hybrid score interval and the baseline-adjusted end-score difference A − B (OLS end ~ cohort + baseline, t-based 95 % CI); the cohort × subgroup interaction is tested with a likelihood-ratio test of logistic regressions (response ~ cohort × subgroup vs cohort + subgroup) and an F test of linear regressions (end ~ baseline + cohort × subgroup vs + cohort + subgroup), over the levels present in both cohorts. Number needed to treat = 1 / response difference, with Altman’s (1998) interval through infinity when the difference’s CI includes 0.'
};

export interface Estimate {
	estimate: number;
	low: number;
	high: number;
}

export interface SubgroupRow {
	variable: string;
	level: string;
	/** Client-series analysed per cohort (baseline and end score). */
	n_a: number;
	n_b: number;
	responders_a: number;
	responders_b: number;
	/** Response evaluable (baseline > 0) per cohort. */
	evaluable_a: number;
	evaluable_b: number;
	response: Estimate | null;
	change: (Estimate & { p: number }) | null;
}

export interface SubgroupVariable {
	variable: string;
	levels: string[];
	/** Levels in both cohorts, used by the interaction tests. */
	tested_levels: string[];
	interaction_response: { chi2: number; df: number; p: number; separated: boolean } | null;
	interaction_change: { f: number; df1: number; df2: number; p: number } | null;
	/** Dose band cut points (mg) per route, for the dose variable. */
	cuts?: Record<string, [number, number]>;
}

export interface SubgroupResult {
	cohorts: [string, string];
	overall: SubgroupRow;
	nnt: NumberNeededToTreat | null;
	rows: SubgroupRow[];
	variables: SubgroupVariable[];
	sql: Sql[];
	/** Temporary tables those statements read (the shared client-series summary). */
	derived?: DerivedTable[];
	definition: Definition;
}

interface Unit {
	cohort: string;
	baseline: number;
	end: number;
	/** Responds at the end point under the settings' rule (source.ts `responds`, computed in SQL). */
	responder: boolean;
	attrs: Record<string, string>;
}

export interface SubgroupOptions {
	table?: string;
	a: Cohort;
	b: Cohort;
	instrument: string;
	settings?: SettingsInput;
}

const isResponder = (u: Unit) => u.responder;

/**
 * `ols` of end score on the design rows u(key) + baseline·e_k of `units`, through the units' moments
 * per distinct u (`momentRows`): the same fit as one row per unit, at three rows per design row.
 */
function olsBySets(units: Unit[], keyOf: (u: Unit) => string, design: (u: Unit) => number[], k: number, terms: string[]) {
	const sets = new Map<string, { u: number[]; s: Moments }>();
	for (const unit of units) {
		const key = keyOf(unit);
		const set = sets.get(key) ?? sets.set(key, { u: design(unit), s: noMoments() }).get(key)!;
		addMoments(set.s, unit.baseline, unit.end);
	}
	const X: number[][] = [];
	const y: number[] = [];
	for (const { u, s } of sets.values()) {
		const r = momentRows(u, k, s);
		X.push(...r.X);
		y.push(...r.y);
	}
	return ols(y, X, terms, 0.95, units.length);
}

function estimateRow(variable: string, level: string, units: Unit[], A: string, B: string): SubgroupRow {
	let [na, nb, ea, eb, ra, rb] = [0, 0, 0, 0, 0, 0];
	for (const u of units) {
		const inA = u.cohort === A;
		if (!inA && u.cohort !== B) continue;
		if (inA) na++;
		else nb++;
		if (!(u.baseline > 0)) continue;
		if (inA) (ea++, (ra += isResponder(u) ? 1 : 0));
		else (eb++, (rb += isResponder(u) ? 1 : 0));
	}
	const d = ea && eb ? newcombeDifference(ra, ea, rb, eb) : null;
	let change: SubgroupRow['change'] = null;
	if (na >= 2 && nb >= 2 && units.length > 3) {
		try {
			const inA = (u: Unit) => (u.cohort === A ? 1 : 0);
			const fit = olsBySets(units, (u) => String(inA(u)), (u) => [1, inA(u), 0], 2, ['(Intercept)', 'cohort', 'baseline']);
			const c = fit.coefficients[1];
			if (Number.isFinite(c.se)) change = { estimate: c.estimate, low: c.low, high: c.high, p: c.p };
		} catch {
			change = null;
		}
	}
	return {
		variable, level, n_a: na, n_b: nb, responders_a: ra, responders_b: rb, evaluable_a: ea, evaluable_b: eb,
		response: d ? { estimate: d.diff, low: d.low, high: d.high } : null,
		change
	};
}

function interactions(variable: string, units: Unit[], A: string, B: string): SubgroupVariable {
	const seen = new Map<string, { a: boolean; b: boolean }>();
	for (const u of units) {
		const l = seen.get(u.attrs[variable]) ?? seen.set(u.attrs[variable], { a: false, b: false }).get(u.attrs[variable])!;
		if (u.cohort === A) l.a = true;
		if (u.cohort === B) l.b = true;
	}
	const levels = [...seen.keys()].sort();
	const tested = levels.filter((l) => seen.get(l)!.a && seen.get(l)!.b);
	const out: SubgroupVariable = { variable, levels, tested_levels: tested, interaction_response: null, interaction_change: null };
	if (tested.length < 2) return out;
	const testedSet = new Set(tested);
	const used = units.filter((u) => testedSet.has(u.attrs[variable]));
	const dummies = (u: Unit) => tested.slice(1).map((l) => (u.attrs[variable] === l ? 1 : 0));
	const inter = (u: Unit) => dummies(u).map((v) => v * (u.cohort === A ? 1 : 0));
	const names = (p: string) => tested.slice(1).map((l) => `${p}${l}`);
	try {
		// The design is categorical, so the fits run on its covariate patterns (cohort × level ×
		// response), each weighted by its count: the same estimates as one row per unit, at a few
		// rows instead of tens of thousands (a network's cohorts).
		const patterns = new Map<string, { u: Unit; count: number }>();
		for (const u of used) {
			if (!(u.baseline > 0)) continue;
			const key = `${u.cohort === A}\u0001${u.attrs[variable]}\u0001${isResponder(u)}`;
			const seen = patterns.get(key);
			if (seen) seen.count++;
			else patterns.set(key, { u, count: 1 });
		}
		const ev = [...patterns.values()];
		const y = ev.map((e) => isResponder(e.u));
		const w = ev.map((e) => e.count);
		const red = logistic(y, ev.map(({ u }) => [1, u.cohort === A ? 1 : 0, ...dummies(u)]), ['(Intercept)', 'cohort', ...names(variable)], undefined, w);
		const full = logistic(y, ev.map(({ u }) => [1, u.cohort === A ? 1 : 0, ...dummies(u), ...inter(u)]), ['(Intercept)', 'cohort', ...names(variable), ...names(`cohort:${variable}`)], undefined, w);
		out.interaction_response = { ...logisticLrt(red, full), separated: full.separated || red.separated };
	} catch {
		out.interaction_response = null;
	}
	try {
		// Linear fits on the units' moments per cohort × level (olsBySets), baseline the one continuous column.
		const key = (u: Unit) => `${u.cohort === A}\u0001${u.attrs[variable]}`;
		const red = olsBySets(used, key, (u) => [1, 0, u.cohort === A ? 1 : 0, ...dummies(u)], 1, ['(Intercept)', 'baseline', 'cohort', ...names(variable)]);
		const full = olsBySets(used, key, (u) => [1, 0, u.cohort === A ? 1 : 0, ...dummies(u), ...inter(u)], 1, ['(Intercept)', 'baseline', 'cohort', ...names(variable), ...names(`cohort:${variable}`)]);
		if (full.dfResidual > 0) out.interaction_change = nestedF(red.sigma ** 2 * red.dfResidual, red.dfResidual, full.sigma ** 2 * full.dfResidual, full.dfResidual);
	} catch {
		out.interaction_change = null;
	}
	return out;
}

/** Tertile cut points (R type 7 quantiles at 1/3 and 2/3) of `values`. */
export function tertileCuts(values: number[]): [number, number] {
	const s = [...values].sort((x, y) => x - y);
	const q = (p: number) => {
		const h = (s.length - 1) * p;
		const lo = Math.floor(h);
		return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
	};
	return [q(1 / 3), q(2 / 3)];
}

/** Subgroup estimates, interaction tests and NNT for a two-cohort comparison on one instrument. */
export async function subgroupAnalysis(conn: Connector, opts: SubgroupOptions): Promise<SubgroupResult> {
	const [A, B] = [opts.a.label, opts.b.label];
	const table = opts.table ?? 'scores';
	const relation = await cohortRelation(conn, table, opts.a, opts.b);
	const summary = await clientSummary(conn, { relation, groupBy: COHORT, instruments: [opts.instrument], settings: opts.settings });
	const cols = (await describeColumns(conn, ident(table))).map((c) => c.name);
	const attrs = SUBGROUP_COLUMNS.filter((c) => cols.includes(c));
	const hasDose = cols.includes('dose_mg');
	// Attributes are per client-series (any_value: constant within one); dose = the series' mean.
	const select = [
		sql`client_id, series`,
		...attrs.map((c) => sql`any_value(CAST(${ident(c)} AS VARCHAR)) AS ${ident(c)}`),
		...(hasDose ? [sql`avg(dose_mg) AS __dose`, sql`any_value(CAST(route AS VARCHAR)) AS __route`] : [])
	];
	// Only the client-series of the two cohorts are looked up, when the summary is a table to read
	// them from (a third fewer groups at 1M; a series' attributes still come from all its rows).
	const shared = summary.derived?.[0]?.table;
	const inCohorts = shared
		? sql` AND (client_id, series) IN (SELECT client_id, series FROM ${ident(shared)} WHERE instrument = ${opts.instrument})`
		: sql``;
	const attrSql = sql`SELECT ${join(select)} FROM ${ident(table)} WHERE instrument = ${opts.instrument}${inCohorts} GROUP BY client_id, series`;
	const attrRows = await conn.query<Record<string, string | number | null>>(attrSql);
	const byKey = new Map(attrRows.map((r) => [`${r.client_id}\u0001${r.series}`, r]));
	const units: (Unit & { dose: number | null; route: string })[] = summary.rows
		.filter((r) => r.baseline !== null && r.end_score !== null)
		.map((r) => {
			const a = byKey.get(`${r.client_id}\u0001${r.series}`) ?? {};
			return {
				cohort: r.group, baseline: r.baseline!, end: r.end_score!, responder: r.responder === true,
				attrs: Object.fromEntries(attrs.map((c) => [c, a[c] === null || a[c] === undefined ? MISSING : String(a[c])])),
				dose: typeof a.__dose === 'number' ? a.__dose : null,
				route: a.__route === null || a.__route === undefined ? MISSING : String(a.__route)
			};
		});
	const variables: SubgroupVariable[] = [];
	const names: string[] = [...attrs];
	// Doses are not comparable across routes (mg IV vs mg sublingual): thirds within each route.
	const cuts: Record<string, [number, number]> = {};
	for (const route of new Set(units.map((u) => u.route))) {
		const doses = units.filter((u) => u.route === route && u.dose !== null).map((u) => u.dose!);
		if (doses.length >= 3) cuts[route] = tertileCuts(doses);
	}
	if (hasDose && Object.keys(cuts).length) {
		for (const u of units) {
			const c = cuts[u.route];
			u.attrs[DOSE_BAND] = u.dose === null || !c ? MISSING : u.dose <= c[0] ? '1 low third' : u.dose <= c[1] ? '2 middle third' : '3 high third';
		}
		names.push(DOSE_BAND);
	}
	const rows: SubgroupRow[] = [];
	for (const v of names) {
		const iv = interactions(v, units, A, B);
		if (v === DOSE_BAND) iv.cuts = Object.fromEntries(Object.entries(cuts).map(([r, c]) => [r, c.map((x) => Math.round(x * 10) / 10) as [number, number]]));
		variables.push(iv);
		const byLevel = new Map<string, Unit[]>();
		for (const u of units) (byLevel.get(u.attrs[v]) ?? byLevel.set(u.attrs[v], []).get(u.attrs[v])!).push(u);
		for (const l of iv.levels) rows.push(estimateRow(v, l, byLevel.get(l) ?? [], A, B));
	}
	const overall = estimateRow('overall', 'all', units, A, B);
	const nnt = overall.response ? numberNeededToTreat(overall.response.estimate, overall.response.low, overall.response.high) : null;
	return { cohorts: [A, B], overall, nnt, rows, variables, sql: [summary.sql, attrSql], derived: summary.derived, definition: SUBGROUP_DEFINITION };
}
