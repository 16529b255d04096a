/**
 * Subgroups of a cohort comparison: within each level of site, sex, age band, diagnosis and dose
 * band, the response difference A − B (Newcombe) and the baseline-adjusted end-score difference
 * A − B (OLS end ~ cohort + baseline), with the cohort × subgroup interaction tested by a
 * likelihood-ratio test of logistic fits (response) and an F test of linear fits (end score);
 * plus the overall estimates and the number needed to treat (Altman). Units: client-series with a
 * baseline and an end-of-series score, as in the comparison's ANCOVA.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { logistic, logisticLrt, nestedF } from '../stats/logistic';
import { quantileType7 } from '../stats/effect';
import { newcombeDifference, numberNeededToTreat, type NumberNeededToTreat } from '../stats/proportions';
import { addMoments, noMoments, olsOnMoments, type Moments } from '../stats/regression';
import { COHORT, cohortRelation, type Cohort } from './compare';
import type { Definition, SettingsInput } from './definitions';
import { describeColumns, MISSING } from './filters';
import { clientSummary, prepare, type ClientSummaryRow, type DerivedTable } from './source';
import { cellAttributesSql, seriesAttributesSql } from './subgroup-attributes';

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
	/** Its level of each variable, in the order of the variables' names (an array, not an object keyed by name: ~50k units at 1M score rows). */
	levels: string[];
}

export interface SubgroupOptions {
	table?: string;
	a: Cohort;
	b: Cohort;
	instrument: string;
	settings?: SettingsInput;
}

/**
 * One cohort × level of a variable: its units' counts and the moments of (baseline, end score),
 * summed in the units' order. Every estimate and test of the variable reads these, so the units are
 * passed over once per variable instead of once per fit, with no key text built per unit.
 */
interface Cell {
	level: number;
	/** 1 for cohort A, 0 for B. */
	inA: number;
	n: number;
	/** Units with baseline > 0 (response evaluable), and the responders among them. */
	evaluable: number;
	responders: number;
	s: Moments;
}

/**
 * The units of one variable tallied per cohort × level. `cells` and `patterns` keep the order in
 * which the units first reach them: the fits take their rows in that order, as they did when
 * each fit grouped the units itself (so the sums, and the estimates, are the same to the last bit).
 */
interface Tally {
	/** Level names, indexed by `Cell.level`. */
	levels: string[];
	/** Keyed level · 2 + inA. */
	cells: Map<number, Cell>;
	/** Response patterns of the evaluable units, keyed (level · 2 + inA) · 2 + responder, with their counts. */
	patterns: Map<number, number>;
}

function tally(units: Unit[], levelOf: (u: Unit) => string, A: string): Tally {
	const index = new Map<string, number>();
	const levels: string[] = [];
	const cells = new Map<number, Cell>();
	const patterns = new Map<number, number>();
	for (const u of units) {
		const name = levelOf(u);
		let level = index.get(name);
		if (level === undefined) index.set(name, (level = levels.push(name) - 1));
		const inA = u.cohort === A ? 1 : 0;
		const key = level * 2 + inA;
		let c = cells.get(key);
		if (!c) cells.set(key, (c = { level, inA, n: 0, evaluable: 0, responders: 0, s: noMoments() }));
		c.n++;
		addMoments(c.s, u.baseline, u.end);
		if (!(u.baseline > 0)) continue;
		c.evaluable++;
		if (u.responder) c.responders++;
		const pattern = key * 2 + (u.responder ? 1 : 0);
		patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
	}
	return { levels, cells, patterns };
}

/** `ols` of end score on the design rows design(cell) + baseline·e_k, through each cell's moments (olsOnMoments). */
function olsByCells(cells: Cell[], design: (c: Cell) => number[], k: number, terms: string[]) {
	return olsOnMoments(cells.map((c) => ({ u: design(c), s: c.s })), k, terms);
}

/** The estimates of one level from its cells (one or two, in the order its units first reach them). */
function estimateRow(variable: string, level: string, cells: Cell[]): SubgroupRow {
	const a = cells.find((c) => c.inA === 1);
	const b = cells.find((c) => c.inA === 0);
	const [na, nb, ea, eb, ra, rb] = [a?.n ?? 0, b?.n ?? 0, a?.evaluable ?? 0, b?.evaluable ?? 0, a?.responders ?? 0, b?.responders ?? 0];
	const d = ea && eb ? newcombeDifference(ra, ea, rb, eb) : null;
	let change: SubgroupRow['change'] = null;
	if (na >= 2 && nb >= 2 && na + nb > 3) {
		try {
			const fit = olsByCells(cells, (c) => [1, c.inA, 0], 2, ['(Intercept)', 'cohort', 'baseline']);
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

/** The cells of each level, in the order the units first reach them. */
function cellsByLevel(t: Tally): Cell[][] {
	const out: Cell[][] = t.levels.map(() => []);
	for (const c of t.cells.values()) out[c.level].push(c);
	return out;
}

function interactions(variable: string, t: Tally, byLevel: Cell[][]): SubgroupVariable {
	const order = t.levels.map((_, i) => i).sort((x, y) => (t.levels[x] < t.levels[y] ? -1 : t.levels[x] > t.levels[y] ? 1 : 0));
	const levels = order.map((i) => t.levels[i]);
	const testedIdx = order.filter((i) => byLevel[i].length === 2);
	const tested = testedIdx.map((i) => t.levels[i]);
	const out: SubgroupVariable = { variable, levels, tested_levels: tested, interaction_response: null, interaction_change: null };
	if (tested.length < 2) return out;
	// Dummy j (j ≥ 1) of a level: 1 when it is the j-th tested level.
	const dummyOf = new Map(testedIdx.map((l, j) => [l, j]));
	const dummies = (level: number) => testedIdx.slice(1).map((_, j) => (dummyOf.get(level) === j + 1 ? 1 : 0));
	const inter = (level: number, inA: number) => dummies(level).map((v) => v * inA);
	const names = (p: string) => tested.slice(1).map((l) => `${p}${l}`);
	try {
		// The design is categorical, so the fits run on its covariate patterns (cohort × level ×
		// response), each weighted by its count: the same estimates as one row per unit, at a few
		// rows instead of tens of thousands (a network's cohorts).
		const ev = [...t.patterns].filter(([key]) => dummyOf.has(key >> 2)).map(([key, count]) => ({ level: key >> 2, inA: (key >> 1) & 1, responder: (key & 1) === 1, count }));
		const y = ev.map((e) => e.responder);
		const w = ev.map((e) => e.count);
		const red = logistic(y, ev.map((e) => [1, e.inA, ...dummies(e.level)]), ['(Intercept)', 'cohort', ...names(variable)], undefined, w);
		const full = logistic(y, ev.map((e) => [1, e.inA, ...dummies(e.level), ...inter(e.level, e.inA)]), ['(Intercept)', 'cohort', ...names(variable), ...names(`cohort:${variable}`)], undefined, w);
		out.interaction_response = { ...logisticLrt(red, full), separated: full.separated || red.separated };
	} catch {
		out.interaction_response = null;
	}
	try {
		// Linear fits on the moments per cohort × level (olsByCells), baseline the one continuous column.
		const used = [...t.cells.values()].filter((c) => dummyOf.has(c.level));
		const red = olsByCells(used, (c) => [1, 0, c.inA, ...dummies(c.level)], 1, ['(Intercept)', 'baseline', 'cohort', ...names(variable)]);
		const full = olsByCells(used, (c) => [1, 0, c.inA, ...dummies(c.level), ...inter(c.level, c.inA)], 1, ['(Intercept)', 'baseline', 'cohort', ...names(variable), ...names(`cohort:${variable}`)]);
		if (full.dfResidual > 0) out.interaction_change = nestedF(red.sigma ** 2 * red.dfResidual, red.dfResidual, full.sigma ** 2 * full.dfResidual, full.dfResidual);
	} catch {
		out.interaction_change = null;
	}
	return out;
}

/** Tertile cut points (R type 7 quantiles at 1/3 and 2/3) of `values`. */
export function tertileCuts(values: number[]): [number, number] {
	const s = Float64Array.from(values).sort(); // numeric order, natively (tens of thousands of doses per route)
	return [quantileType7(s, 1 / 3), quantileType7(s, 2 / 3)];
}

/** Subgroup estimates, interaction tests and NNT for a two-cohort comparison on one instrument. */
export async function subgroupAnalysis(conn: Connector, opts: SubgroupOptions): Promise<SubgroupResult> {
	const [A, B] = [opts.a.label, opts.b.label];
	const table = opts.table ?? 'scores';
	const options = { relation: await cohortRelation(conn, table, opts.a, opts.b), groupBy: COHORT, instruments: [opts.instrument], settings: opts.settings };
	const summary = await clientSummary(conn, options);
	const scope = summary.path?.source === 'summaries' ? (await prepare(conn, options)).summary : null;
	const cols = (await describeColumns(conn, ident(table))).map((c) => c.name);
	const attrs = SUBGROUP_COLUMNS.filter((c) => cols.includes(c));
	const hasDose = cols.includes('dose_mg');
	const level = (v: string | number | null | undefined) => (v === null || v === undefined ? MISSING : String(v));
	const units: (Unit & { dose: number | null; route: string })[] = [];
	const used = summary.rows.filter((r) => r.baseline !== null && r.end_score !== null);
	const unit = (r: ClientSummaryRow, levels: string[], dose: number | null, route: string) =>
		units.push({ cohort: r.group, baseline: r.baseline!, end: r.end_score!, responder: r.responder === true, levels, dose, route });
	const cellSql = cellAttributesSql({ attrs, hasDose, scope });
	let attrSql: Sql;
	if (cellSql && used.every((r) => r.series_cell !== undefined)) {
		// From the summaries: each series' attributes are its cell's, read once per cell.
		attrSql = cellSql;
		const byCell = new Map<unknown, { levels: string[]; route: string }>();
		for (const c of await conn.query<Record<string, string | number | null>>(cellSql)) byCell.set(c.series_cell, { levels: attrs.map((a) => level(c[a])), route: level(c.__route) });
		const unknown = { levels: attrs.map(() => MISSING), route: MISSING };
		for (const r of used) {
			const c = byCell.get(r.series_cell) ?? unknown;
			unit(r, c.levels.slice(), typeof r.series_dose === 'number' ? r.series_dose : null, c.route);
		}
	} else {
		// From the score rows: only the client-series of the two cohorts are looked up, when the summary is
		// a table to read them from (a third fewer groups at 1M; a series' attributes still come from all its rows).
		const shared = summary.derived?.[0]?.table;
		const cohortSeries = shared ? sql`SELECT client_id, series FROM ${ident(shared)} WHERE instrument = ${opts.instrument}` : null;
		attrSql = seriesAttributesSql({ table, instrument: opts.instrument, attrs, hasDose, cohortSeries });
		const attrRows = await conn.query<Record<string, string | number | null>>(attrSql);
		const byKey = new Map(attrRows.map((r) => [`${r.client_id}\u0001${r.series}`, r]));
		const none: Record<string, string | number | null> = {};
		for (const r of used) {
			const a = byKey.get(`${r.client_id}\u0001${r.series}`) ?? none;
			unit(r, attrs.map((c) => level(a[c])), typeof a.__dose === 'number' ? a.__dose : null, level(a.__route));
		}
	}
	const variables: SubgroupVariable[] = [];
	// The variables, in the order of each unit's `levels`.
	const names: string[] = [...attrs];
	// Doses are not comparable across routes (mg IV vs mg sublingual): thirds within each route.
	const cuts: Record<string, [number, number]> = {};
	const dosesByRoute = new Map<string, number[]>();
	for (const u of units) {
		let doses = dosesByRoute.get(u.route);
		if (!doses) dosesByRoute.set(u.route, (doses = []));
		if (u.dose !== null) doses.push(u.dose);
	}
	for (const [route, doses] of dosesByRoute) if (doses.length >= 3) cuts[route] = tertileCuts(doses);
	if (hasDose && Object.keys(cuts).length) {
		for (const u of units) {
			const c = cuts[u.route];
			u.levels.push(u.dose === null || !c ? MISSING : u.dose <= c[0] ? '1 low third' : u.dose <= c[1] ? '2 middle third' : '3 high third');
		}
		names.push(DOSE_BAND);
	}
	const rows: SubgroupRow[] = [];
	for (const [j, v] of names.entries()) {
		const t = tally(units, (u) => u.levels[j], A);
		const byLevel = cellsByLevel(t);
		const iv = interactions(v, t, byLevel);
		if (v === DOSE_BAND) iv.cuts = Object.fromEntries(Object.entries(cuts).map(([r, c]) => [r, c.map((x) => Math.round(x * 10) / 10) as [number, number]]));
		variables.push(iv);
		const at = new Map(t.levels.map((l, i) => [l, i]));
		for (const l of iv.levels) rows.push(estimateRow(v, l, byLevel[at.get(l)!]));
	}
	const overall = estimateRow('overall', 'all', cellsByLevel(tally(units, () => 'all', A))[0] ?? []);
	const nnt = overall.response ? numberNeededToTreat(overall.response.estimate, overall.response.low, overall.response.high) : null;
	return { cohorts: [A, B], overall, nnt, rows, variables, sql: [summary.sql, attrSql], derived: summary.derived, definition: SUBGROUP_DEFINITION };
}
