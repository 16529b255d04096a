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
import { fitLmm, likelihoodRatioTest, type LmmFit } from '../stats/mixed';
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

export interface Obs {
	instrument: string;
	client: string;
	time: number;
	score: number;
	grp: string;
	baseline: number | null;
	[cov: string]: string | number | null;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL|REAL|U?(TINY|SMALL|BIG)?INT)/i;

/** Fit the model per instrument present. */
export async function mixedModels(conn: Connector, opts: ModelOptions = {}): Promise<MetricResult<ModelRow>> {
	const p = await prepare(conn, opts);
	const covs = opts.covariates ?? [];
	const known = new Map(p.columns.map((c) => [c.name, c.type]));
	for (const c of covs) if (c !== 'baseline' && !known.has(c)) throw new Error(`no column "${c}" for a covariate`);
	const colCovs = covs.filter((c) => c !== 'baseline');
	const { rows: all, sql: q } = await modelObservations(conn, p, colCovs, opts.scores ?? 'all');
	const rows: ModelRow[] = [];
	for (const instrument of [...new Set(all.map((r) => r.instrument))]) {
		const data = all.filter((r) => r.instrument === instrument);
		rows.push(fitOne(instrument, data, opts, colCovs, known));
	}
	return { rows, sql: q, definition: DEFINITIONS.lmm };
}

/**
 * The observations a model fits, one row per score: client-series, time (session; 0 at baseline),
 * score, group, the client-series' baseline score, and covariate columns `cov0…`. The MMRM reads
 * the same rows (post-baseline only).
 */
export async function modelObservations(conn: Connector, p: Prepared, colCovs: string[], scores: 'all' | 'post'): Promise<{ rows: Obs[]; sql: Sql }> {
	const phases = scores === 'post' ? sql`'session'` : sql`'baseline', 'session'`;
	const covCols = join(colCovs.map((c, i) => sql`, ${ident(c)} AS ${ident(`cov${i}`)}`), sql``);
	const q = sql`WITH obs AS (
  SELECT instrument, client_id || chr(1) || series AS client, phase,
    CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS time, score, ${p.groupExpr} AS grp${covCols}
  FROM ${p.relation}
  WHERE ${p.where} AND score IS NOT NULL AND phase IN ('baseline', 'session')
),
bl AS (SELECT instrument, client, arg_min(score, time) FILTER (WHERE phase = 'baseline') AS baseline FROM obs GROUP BY instrument, client)
SELECT obs.* EXCLUDE (phase), bl.baseline FROM obs LEFT JOIN bl USING (instrument, client)
WHERE phase IN (${phases})
ORDER BY instrument, client, time`;
	return { rows: await conn.query<Obs>(q), sql: q };
}

export function levelsOf(values: (string | number | null)[], ref?: string): string[] {
	const lv = [...new Set(values.map(String))].sort();
	if (ref !== undefined && lv.includes(ref)) return [ref, ...lv.filter((l) => l !== ref)];
	return lv;
}

function fitOne(instrument: string, data: Obs[], opts: ModelOptions, colCovs: string[], types: Map<string, string>): ModelRow {
	const method = opts.method ?? 'ML';
	const random = opts.random ?? 'slope';
	const scores = opts.scores ?? 'all';
	const gName = opts.groupLabel ?? opts.groupBy ?? 'group';
	const refs = opts.references ?? {};
	// Listwise deletion of rows with a missing covariate (R's na.omit).
	const used = data.filter(
		(r) => (!(opts.covariates ?? []).includes('baseline') || r.baseline !== null) && colCovs.every((_, i) => r[`cov${i}`] !== null)
	);
	const groups = levelsOf(used.map((r) => r.grp), refs[gName] ?? (opts.groupBy ? refs[opts.groupBy] : undefined));
	const multi = groups.length > 1;
	const terms = ['(Intercept)', 'time'];
	const cols: ((r: Obs) => number)[] = [() => 1, (r) => r.time];
	const groupTerms: string[] = [];
	if (multi) {
		for (const g of groups.slice(1)) {
			terms.push(`${gName}${g}`);
			cols.push((r) => (r.grp === g ? 1 : 0));
		}
		for (const g of groups.slice(1)) {
			terms.push(`time:${gName}${g}`);
			cols.push((r) => (r.grp === g ? r.time : 0));
		}
		groupTerms.push(...terms.slice(2));
	}
	for (const c of opts.covariates ?? []) {
		if (c === 'baseline') {
			terms.push('baseline');
			cols.push((r) => r.baseline as number);
			continue;
		}
		const key = `cov${colCovs.indexOf(c)}`;
		if (NUMERIC.test(types.get(c) ?? '')) {
			terms.push(c);
			cols.push((r) => Number(r[key]));
		} else
			for (const l of levelsOf(used.map((r) => r[key]), refs[c]).slice(1)) {
				terms.push(`${c}${l}`);
				cols.push((r) => (String(r[key]) === l ? 1 : 0));
			}
	}
	const covText = (opts.covariates ?? []).map((c) => ` + ${c}`).join('');
	const formula = `score ~ time${multi ? ` * ${gName}` : ''}${covText} + (${random === 'slope' ? 'time' : '1'} | client)`;
	const base = {
		instrument,
		method,
		random,
		time: 'session' as const,
		scores,
		formula,
		groups,
		group_n: groups.map((g) => new Set(used.filter((r) => String(r.grp) === g).map((r) => r.client)).size),
		definition: DEFINITIONS.lmm.id
	};
	const input = (keep: (t: string) => boolean, m: 'ML' | 'REML') => {
		const idx = terms.map((t, i) => (keep(t) ? i : -1)).filter((i) => i >= 0);
		return {
			y: used.map((r) => r.score),
			X: used.map((r) => idx.map((i) => cols[i](r))),
			terms: idx.map((i) => terms[i]),
			groups: used.map((r) => r.client),
			random,
			slope: used.map((r) => r.time),
			method: m
		};
	};
	try {
		const fit = fitLmm(input(() => true, method));
		let lrt: ModelRow['lrt'] = null;
		if (multi) {
			const full = method === 'ML' ? fit : fitLmm(input(() => true, 'ML'));
			const reduced = fitLmm(input((t) => !groupTerms.includes(t), 'ML'));
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
		const nClients = new Set(used.map((r) => r.client)).size;
		return {
			...base,
			fixed: [],
			variance: { intercept: NaN, slope: null, covariance: null, residual: NaN },
			loglik: NaN,
			deviance: NaN,
			aic: NaN,
			bic: NaN,
			n_obs: used.length,
			n_clients: nClients,
			converged: false,
			singular: false,
			lrt: null,
			error: e instanceof Error ? e.message : String(e)
		};
	}
}
