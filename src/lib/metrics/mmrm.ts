/**
 * MMRM per instrument: score at each post-baseline dosing session 1 … K ~ baseline +
 * factor(session) × group, unstructured covariance across sessions, REML (`fitMmrmFromSums`). Reads
 * the same observations as the random-effects model (model-sums.ts `usedCte`, from one shared table when the connector can make it), and like it only as
 * sums computed in SQL (issue 11): a design row is fixed by baseline, session and group, so the
 * fitter's per-pattern sums Σ x_a x_bᵀ, Σ x_a y_b, Σ y_a y_b follow from per-(pattern × group)
 * counts and sums of baseline, baseline², y_a, baseline·y_a and y_a·y_b (`patternsFrom`); the rows
 * fetched are one per pattern, not one per score. LS means are evaluated at the mean baseline of
 * the observations analysed (as emmeans does); the last-session difference is each group minus the
 * reference group at session K.
 */
import type { Connector } from '../engine/connector';
import type { Sql } from '../engine/sql';
import { fitMmrmFromSums, mmrmContrast, type MmrmCoefficient, type MmrmContrast, type MmrmPattern } from '../stats/mmrm';
import { emptyPattern, TWO_AT_ONE_VISIT } from '../stats/mmrm-patterns';
import { DEFINITIONS } from './definitions';
import { observationsPath, sharedObservations } from './model-sums';
import { mmrmCountsSql, mmrmPatternSql } from './mmrm-sums';
import { levelsOf } from './models';
import { prepare, type MetricOptions, type MetricResult } from './source';

export interface MmrmOptions extends MetricOptions {
	/** Common last session K; default the highest session that more than half of the series with a baseline reach. */
	lastSession?: number;
	/** Reference level of the group (default the first in sort order). */
	reference?: string;
	/** Name of the group in term names (default the groupBy column, or `group`). */
	groupLabel?: string;
}

export interface LsMean {
	session: number;
	group: string;
	/** Client-series observed at this session in this group. */
	n: number;
	estimate: number;
	se: number;
	df: number;
	ci_low: number;
	ci_high: number;
}

export interface MmrmDifference extends MmrmContrast {
	group: string;
	reference: string;
	session: number;
}

export interface MmrmRow {
	type: 'mmrm';
	instrument: string;
	method: 'REML';
	formula: string;
	covariance_structure: 'unstructured';
	df_method: string;
	sessions: number[];
	last_session: number;
	groups: string[];
	reference: string | null;
	/** Baseline value the LS means are evaluated at (mean over the observations analysed). */
	baseline_at: number;
	fixed: MmrmCoefficient[];
	/** Estimated covariance across `sessions` (row-major). */
	covariance: number[][];
	loglik: number;
	aic: number;
	bic: number;
	n_obs: number;
	n_clients: number;
	converged: boolean;
	ls_means: LsMean[];
	/** First non-reference group − reference at the last session (null with one group). */
	last_session_difference: MmrmDifference | null;
	/** Every non-reference group − reference at every session. */
	differences: MmrmDifference[];
	error?: string;
	definition: string;
}

export const DF_METHOD = 'residual: N − p (observations minus fixed-effect terms), as nlme::gls; no Satterthwaite/Kenward–Roger correction, so intervals are slightly narrow in small samples';

/** Client-series with a baseline by the last time they reach (a score there or later). */
export interface Reach {
	reached: number;
	n: number;
}

/** Highest session that more than half of the client-series with a baseline reach (score there or later). */
export function defaultLastSession(reach: Reach[]): number | null {
	const n = reach.reduce((t, r) => t + r.n, 0);
	const maxS = Math.max(0, ...reach.map((r) => r.reached));
	for (let s = maxS; s >= 1; s--) if (reach.filter((r) => r.reached >= s).reduce((t, r) => t + r.n, 0) > n / 2) return s;
	return null;
}

interface Count {
	instrument: string;
	kind: 'reach' | 'cell';
	time: number;
	grp: string | null;
	n: number;
}

/** Fit the MMRM per instrument present. */
export async function mmrmModels(conn: Connector, opts: MmrmOptions = {}): Promise<MetricResult<MmrmRow>> {
	const p = await prepare(conn, opts);
	// Baseline rows too: "reach" counts every series with a baseline, seen after it or not.
	const { src, derived } = await sharedObservations(conn, { relation: p.relation, where: p.where, groupExpr: p.groupExpr, columnCovariates: [], baselineCovariate: false, scores: 'all', summary: p.summary });
	const countsSql = mmrmCountsSql(src);
	const counts = await conn.query<Count>(countsSql);
	const rows: MmrmRow[] = [];
	const also: Sql[] = [];
	for (const instrument of [...new Set(counts.map((r) => r.instrument))]) {
		const mine = counts.filter((r) => r.instrument === instrument);
		const K = opts.lastSession ?? defaultLastSession(mine.filter((r) => r.kind === 'reach').map((r) => ({ reached: r.time, n: r.n }))) ?? 1;
		const cells = mine.filter((r) => r.kind === 'cell' && r.n > 0 && r.time >= 1 && r.time <= K);
		const sessions = [...new Set(cells.map((r) => r.time))].sort((a, b) => a - b);
		const groups = levelsOf(cells.map((r) => r.grp), opts.reference);
		let sums: PatternRow[] = [];
		if (sessions.length) {
			const q = mmrmPatternSql(src, instrument, sessions);
			also.push(q);
			sums = await conn.query<PatternRow>(q);
		}
		rows.push(fitOne(instrument, K, sessions, groups, sums, opts));
	}
	return { rows, sql: countsSql, also, derived, definition: DEFINITIONS.mmrm, path: observationsPath(src, p.path) };
}

/** One row of `mmrmPatternSql`: g0…, y sums, and the pattern's counts. */
type PatternRow = Record<string, number | string | null>;

function fitOne(instrument: string, K: number, sessions: number[], groups: string[], sumRows: PatternRow[], opts: MmrmOptions): MmrmRow {
	const gName = opts.groupLabel ?? opts.groupBy ?? 'group';
	const multi = groups.length > 1;
	const terms = ['(Intercept)', 'baseline', ...sessions.slice(1).map((s) => `factor(session)${s}`)];
	if (multi) {
		terms.push(...groups.slice(1).map((g) => `${gName}${g}`));
		for (const g of groups.slice(1)) terms.push(...sessions.slice(1).map((s) => `factor(session)${s}:${gName}${g}`));
	}
	const row = (baseline: number, session: number, grp: string) => {
		const x = [1, baseline, ...sessions.slice(1).map((s) => (s === session ? 1 : 0))];
		if (multi) {
			x.push(...groups.slice(1).map((g) => (g === grp ? 1 : 0)));
			for (const g of groups.slice(1)) x.push(...sessions.slice(1).map((s) => (s === session && g === grp ? 1 : 0)));
		}
		return x;
	};
	const num = (r: PatternRow, k: string) => Number(r[k]);
	const nObs = sumRows.reduce((t, r) => t + num(r, 'rows'), 0);
	const baselineAt = sumRows.reduce((t, r) => t + num(r, 'bk'), 0) / Math.max(nObs, 1);
	/** Scores per group and session (the LS means' n). */
	const cellN = new Map<string, number>();
	for (const r of sumRows)
		sessions.forEach((s, a) => {
			const g = r[`g${a}`];
			if (g !== null) cellN.set(`${g}\u0001${s}`, (cellN.get(`${g}\u0001${s}`) ?? 0) + num(r, 'm'));
		});
	const base = {
		type: 'mmrm' as const,
		instrument,
		method: 'REML' as const,
		formula: `score ~ baseline + factor(session)${multi ? ` * ${gName}` : ''}, unstructured covariance across sessions ${sessions.join(', ')} within client-series`,
		covariance_structure: 'unstructured' as const,
		df_method: DF_METHOD,
		sessions,
		last_session: K,
		groups,
		reference: multi ? groups[0] : null,
		baseline_at: baselineAt,
		n_obs: nObs,
		n_clients: sumRows.reduce((t, r) => t + num(r, 'm'), 0),
		definition: DEFINITIONS.mmrm.id
	};
	try {
		// The row path's checks, in its order where the sums can tell (a second score at one session
		// leaves no exact sums: refused after the count check).
		if (nObs > terms.length && sumRows.some((r) => num(r, 'dups') > 0)) throw new Error(TWO_AT_ONE_VISIT);
		const fit = fitMmrmFromSums({ terms, visits: sessions.length, nObs, patterns: patternsFrom(sumRows, sessions, (s, g) => row(0, s, g)) });
		const ls_means: LsMean[] = [];
		for (const g of groups)
			for (const s of sessions) {
				const c = mmrmContrast(fit, row(baselineAt, s, g));
				const n = cellN.get(`${g}\u0001${s}`) ?? 0;
				ls_means.push({ session: s, group: g, n, estimate: c.estimate, se: c.se, df: c.df, ci_low: c.ci_low, ci_high: c.ci_high });
			}
		const last = sessions[sessions.length - 1];
		const differences = groups.slice(1).flatMap((g) =>
			sessions.map((s) => {
				const a = row(baselineAt, s, g);
				const b = row(baselineAt, s, groups[0]);
				return { group: g, reference: groups[0], session: s, ...mmrmContrast(fit, a.map((v, j) => v - b[j])) };
			})
		);
		return {
			...base,
			fixed: fit.coefficients,
			covariance: fit.covariance,
			loglik: fit.loglik,
			aic: fit.aic,
			bic: fit.bic,
			converged: fit.converged,
			ls_means,
			last_session_difference: differences.find((d) => d.session === last) ?? null,
			differences
		};
	} catch (e) {
		return {
			...base,
			fixed: [],
			covariance: [],
			loglik: NaN,
			aic: NaN,
			bic: NaN,
			converged: false,
			ls_means: [],
			last_session_difference: null,
			differences: [],
			error: e instanceof Error ? e.message : String(e)
		};
	}
}

/**
 * The fitter's per-pattern sums from `mmrmPatternSql`'s rows. Within a row every client-series has
 * the design row x_a = u_a + baseline·e₁ at its a-th visit (u_a = `design(session, group)` with
 * baseline 0, e₁ the baseline column), so Σ x_a x_bᵀ = m u_a u_bᵀ + Σbl (u_a e₁ᵀ + e₁ u_bᵀ) +
 * Σbl² e₁e₁ᵀ and Σ x_a y_b = u_a Σy_b + e₁ Σbl·y_b. Rows with the same visits (in other groups)
 * are pooled: the fitter's patterns are sets of visits.
 */
export function patternsFrom(sumRows: PatternRow[], sessions: number[], design: (session: number, group: string) => number[]): MmrmPattern[] {
	const out = new Map<string, MmrmPattern>();
	const T = sessions.length;
	for (const r of sumRows) {
		const num = (k: string) => Number(r[k]);
		const at = [...Array(T).keys()].filter((a) => r[`g${a}`] !== null);
		const u = at.map((a) => design(sessions[a], String(r[`g${a}`])));
		const p = u[0].length;
		const key = at.join(',');
		const pat = out.get(key) ?? out.set(key, emptyPattern(at, p)).get(key)!;
		const [m, b, bb] = [num('m'), num('b'), num('bb')];
		pat.m += m;
		at.forEach((va, a) =>
			at.forEach((vb, b2) => {
				const sxx = pat.sxx[a][b2], sxy = pat.sxy[a][b2];
				const [ua, ub] = [u[a], u[b2]];
				for (let j = 0; j < p; j++) {
					for (let l = 0; l < p; l++) sxx[j * p + l] += m * ua[j] * ub[l] + b * ((l === 1 ? ua[j] : 0) + (j === 1 ? ub[l] : 0)) + (j === 1 && l === 1 ? bb : 0);
					sxy[j] += ua[j] * num(`sy${vb}`) + (j === 1 ? num(`sby${vb}`) : 0);
				}
				pat.syy[a][b2] += num(`syy${Math.min(va, vb)}_${Math.max(va, vb)}`);
			})
		);
	}
	return [...out.values()];
}
