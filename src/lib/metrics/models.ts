/**
 * Linear mixed models over all observed scores of a series, per instrument. Rows come from SQL as
 * plain numbers; the fit is `fitLmm` (lme4's profiled deviance, ML or REML).
 *
 * Model: score ~ time [* group] [+ covariates] + (1 | client) or (time | client), time = session
 * number (0 at baseline), client = client-series. Categorical covariates and the group enter as
 * treatment contrasts named like R (`treatmentBtheB`, `time:endogreactive`), reference = the first
 * level in sort order unless `references` names one. The group terms are tested with a
 * likelihood-ratio test of ML fits with and without them (refitted by ML when REML is chosen).
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql, type Sql } from '../engine/sql';
import { fitLmmFromSums, likelihoodRatioTest, type LmmFit } from '../stats/mixed';
import { subsetPatternSums as subsetSums } from '../stats/mixed-patterns';
import { designSums, levelsSql, observationsPath, sharedObservations, type DesignColumn, type ModelSource } from './model-sums';
import { DEFINITIONS } from './definitions';
import { prepare, type MetricOptions, type MetricResult, type Prepared } from './source';

export interface ModelOptions extends MetricOptions {
	method?: 'ML' | 'REML';
	random?: 'intercept' | 'slope';
	/** 'all' = baseline and dosing-session scores; 'post' = dosing-session scores only (use with the baseline covariate). */
	scores?: 'all' | 'post';
	/** `baseline` (the client-series' baseline score) or any column; text columns become dummies. */
	covariates?: string[];
	/** Reference level per categorical column (or the group column), e.g. { treatment: 'TAU' }. */
	references?: Record<string, string>;
	/** Name used for the group in term names (default the groupBy column, or `group`). */
	groupLabel?: string;
}

export interface ModelRow {
	instrument: string;
	method: 'ML' | 'REML';
	random: 'intercept' | 'slope';
	/** Which column is time. */
	time: 'session';
	scores: 'all' | 'post';
	formula: string;
	fixed: { term: string; estimate: number; se: number; t: number; low: number; high: number }[];
	variance: LmmFit['variance'];
	loglik: number;
	deviance: number;
	aic: number;
	bic: number;
	n_obs: number;
	n_clients: number;
	/** Client-series per group, in the order of `groups` (the policy withholds a model fitted on a small group). */
	group_n: number[];
	converged: boolean;
	/**
	 * Boundary (singular) fit, as lme4's isSingular(): a relative covariance parameter θ on its lower
	 * bound 0 (within 1e-4) — a random-effect variance estimated as 0, or an intercept–slope
	 * correlation of ±1. The estimates are valid but the random-effects structure is too rich for the data.
	 */
	singular: boolean;
	groups: string[];
	/** LRT of the group terms (ML fits), when there are several groups. */
	lrt: { terms: string[]; chi2: number; df: number; p: number } | null;
	error?: string;
	definition: string;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL|REAL|U?(TINY|SMALL|BIG)?INT)/i;

/**
 * Fit the model per instrument present. The observations stay in DuckDB: SQL returns the design's
 * cross-products overall and per pattern of ZᵢᵀZᵢ (model-sums.ts), and the fit runs on those.
 */
export async function mixedModels(conn: Connector, opts: ModelOptions = {}): Promise<MetricResult<ModelRow>> {
	const p = await prepare(conn, opts);
	const covs = opts.covariates ?? [];
	const known = new Map(p.columns.map((c) => [c.name, c.type]));
	for (const c of covs) if (c !== 'baseline' && !known.has(c)) throw new Error(`no column "${c}" for a covariate`);
	const colCovs = covs.filter((c) => c !== 'baseline');
	const { src, derived } = await sharedObservations(conn, {
		relation: p.relation,
		where: p.where,
		groupExpr: p.groupExpr,
		columnCovariates: colCovs,
		baselineCovariate: covs.includes('baseline'),
		scores: opts.scores ?? 'all',
		summary: p.summary
	});
	const categorical = colCovs.map((c, i) => (NUMERIC.test(known.get(c) ?? '') ? -1 : i)).filter((i) => i >= 0);
	const levelsStatement = levelsSql(src, categorical);
	const levels = await conn.query<{ instrument: string; k: number; v: string | null }>(levelsStatement);
	const statements: Sql[] = [];
	const rows: ModelRow[] = [];
	for (const instrument of [...new Set(levels.map((r) => r.instrument))].sort()) {
		const mine = levels.filter((r) => r.instrument === instrument);
		const valuesOf = (k: number) => mine.filter((r) => r.k === k && r.v !== null).map((r) => r.v as string);
		rows.push(await fitOne(conn, src, instrument, valuesOf, opts, colCovs, known, statements));
	}
	return { rows, sql: levelsStatement, also: statements, derived, definition: DEFINITIONS.lmm, path: observationsPath(src, p.path) };
}

export function levelsOf(values: (string | number | null)[], ref?: string): string[] {
	const lv = [...new Set(values.map(String))].sort();
	if (ref !== undefined && lv.includes(ref)) return [ref, ...lv.filter((l) => l !== ref)];
	return lv;
}

async function fitOne(
	conn: Connector,
	src: ModelSource,
	instrument: string,
	valuesOf: (k: number) => string[],
	opts: ModelOptions,
	colCovs: string[],
	types: Map<string, string>,
	statements: Sql[]
): Promise<ModelRow> {
	const method = opts.method ?? 'ML';
	const random = opts.random ?? 'slope';
	const scores = opts.scores ?? 'all';
	const gName = opts.groupLabel ?? opts.groupBy ?? 'group';
	const refs = opts.references ?? {};
	const groups = levelsOf(valuesOf(0), refs[gName] ?? (opts.groupBy ? refs[opts.groupBy] : undefined));
	const multi = groups.length > 1;
	const columns: DesignColumn[] = [
		{ term: '(Intercept)', factor: sql`1`, time: false },
		{ term: 'time', factor: sql`1`, time: true }
	];
	const groupTerms: string[] = [];
	if (multi) {
		for (const g of groups.slice(1)) columns.push({ term: `${gName}${g}`, factor: sql`(grp = ${g})::DOUBLE`, time: false });
		for (const g of groups.slice(1)) columns.push({ term: `time:${gName}${g}`, factor: sql`(grp = ${g})::DOUBLE`, time: true });
		groupTerms.push(...columns.slice(2).map((c) => c.term));
	}
	for (const c of opts.covariates ?? []) {
		if (c === 'baseline') {
			columns.push({ term: 'baseline', factor: sql`baseline`, time: false });
			continue;
		}
		const i = colCovs.indexOf(c);
		const col = ident(`cov${i}`);
		if (NUMERIC.test(types.get(c) ?? '')) columns.push({ term: c, factor: sql`CAST(${col} AS DOUBLE)`, time: false });
		else
			for (const l of levelsOf(valuesOf(i + 1), refs[c]).slice(1))
				columns.push({ term: `${c}${l}`, factor: sql`(CAST(${col} AS VARCHAR) = ${l})::DOUBLE`, time: false });
	}
	const covText = (opts.covariates ?? []).map((c) => ` + ${c}`).join('');
	const formula = `score ~ time${multi ? ` * ${gName}` : ''}${covText} + (${random === 'slope' ? 'time' : '1'} | client)`;
	// Client-series per group level, from the per-series sums of the group's dummy columns.
	const dummies = groups.slice(1).map((g) => columns.findIndex((c) => c.term === `${gName}${g}`));
	const { sums, positive, zero, statements: made } = await designSums(conn, src, instrument, columns, random, method, dummies.filter((j) => j >= 0));
	statements.push(...made);
	const groupN = groups.map((_, k) => (k === 0 ? zero : dummies[k - 1] >= 0 ? positive[dummies[k - 1]] : 0));
	const nClients = sums.patterns.reduce((t, g) => t + g.count, 0);
	const base = { instrument, method, random, time: 'session' as const, scores, formula, groups, group_n: groupN, definition: DEFINITIONS.lmm.id };
	try {
		const fit = fitLmmFromSums(sums);
		let lrt: ModelRow['lrt'] = null;
		if (multi) {
			const all = columns.map((_, j) => j);
			const full = method === 'ML' ? fit : fitLmmFromSums(subsetSums(sums, all, 'ML'));
			const reduced = fitLmmFromSums(subsetSums(sums, all.filter((j) => !groupTerms.includes(columns[j].term)), 'ML'));
			lrt = { terms: groupTerms, ...likelihoodRatioTest(reduced, full) };
		}
		return {
			...base,
			fixed: fit.fixed,
			variance: fit.variance,
			loglik: fit.loglik,
			deviance: fit.deviance,
			aic: fit.aic,
			bic: fit.bic,
			n_obs: fit.nObs,
			n_clients: fit.nGroups,
			converged: fit.converged,
			singular: fit.singular,
			lrt
		};
	} catch (e) {
		return {
			...base,
			fixed: [],
			variance: { intercept: NaN, slope: null, covariance: null, residual: NaN },
			loglik: NaN,
			deviance: NaN,
			aic: NaN,
			bic: NaN,
			n_obs: sums.n,
			n_clients: nClients,
			converged: false,
			singular: false,
			lrt: null,
			error: e instanceof Error ? e.message : String(e)
		};
	}
}
