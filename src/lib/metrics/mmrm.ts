/**
 * MMRM per instrument: score at each post-baseline dosing session 1 … K ~ baseline +
 * factor(session) × group, unstructured covariance across sessions, REML (`fitMmrm`). Reads the
 * same observations as the random-effects model (`modelObservations`). LS means are evaluated at
 * the mean baseline of the observations analysed (as emmeans does); the last-session difference
 * is each group minus the reference group at session K.
 */
import type { Connector } from '../engine/connector';
import { fitMmrm, mmrmContrast, type MmrmCoefficient, type MmrmContrast } from '../stats/mmrm';
import { DEFINITIONS } from './definitions';
import { levelsOf, modelObservations, type Obs } from './models';
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

/** Highest session that more than half of the client-series with a baseline reach (score there or later). */
export function defaultLastSession(data: Obs[]): number | null {
	const reached = new Map<string, number>();
	for (const r of data) if (r.baseline !== null) reached.set(r.client, Math.max(reached.get(r.client) ?? 0, r.time));
	const n = reached.size;
	const maxS = Math.max(0, ...reached.values());
	for (let s = maxS; s >= 1; s--) if ([...reached.values()].filter((v) => v >= s).length > n / 2) return s;
	return null;
}

/** Fit the MMRM per instrument present. */
export async function mmrmModels(conn: Connector, opts: MmrmOptions = {}): Promise<MetricResult<MmrmRow>> {
	const p = await prepare(conn, opts);
	// Baseline rows too: "reach" counts every series with a baseline, seen after it or not.
	const { rows: all, sql } = await modelObservations(conn, p, [], 'all');
	const rows: MmrmRow[] = [];
	for (const instrument of [...new Set(all.map((r) => r.instrument))]) rows.push(fitOne(instrument, all.filter((r) => r.instrument === instrument), opts));
	return { rows, sql, definition: DEFINITIONS.mmrm };
}

function fitOne(instrument: string, data: Obs[], opts: MmrmOptions): MmrmRow {
	const gName = opts.groupLabel ?? opts.groupBy ?? 'group';
	const K = opts.lastSession ?? defaultLastSession(data) ?? 1;
	const used = data.filter((r) => r.baseline !== null && r.time >= 1 && r.time <= K);
	const sessions = [...new Set(used.map((r) => r.time))].sort((a, b) => a - b);
	const groups = levelsOf(used.map((r) => r.grp), opts.reference);
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
	const baselineAt = used.reduce((s, r) => s + r.baseline!, 0) / Math.max(used.length, 1);
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
		n_obs: used.length,
		n_clients: new Set(used.map((r) => r.client)).size,
		definition: DEFINITIONS.mmrm.id
	};
	try {
		const fit = fitMmrm({
			y: used.map((r) => r.score),
			X: used.map((r) => row(r.baseline!, r.time, r.grp)),
			terms,
			subject: used.map((r) => r.client),
			visit: used.map((r) => sessions.indexOf(r.time)),
			visits: sessions.length
		});
		const ls_means: LsMean[] = [];
		for (const g of groups)
			for (const s of sessions) {
				const c = mmrmContrast(fit, row(baselineAt, s, g));
				const n = used.filter((r) => r.grp === g && r.time === s).length;
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
