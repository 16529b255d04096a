/**
 * The policy applied to the whole report (CLI `report --min-cell N`, JSON and text): every section
 * in one export, so a count withheld in one section is not printed in another, and the
 * Kaplan–Meier steps, log-rank observed/expected and models are covered too (an MMRM's
 * least-squares mean n is attrition's with-baseline count at that session: one cell).
 */
import type { LogRankRow, SurvivalRow } from '../metrics/durability';
import type { FlowStep } from '../metrics/flow';
import { ALL_GROUPS } from '../metrics/source';
import type { ModelRow } from '../metrics/models';
import type { MmrmRow } from '../metrics/mmrm';
import type { Report } from '../metrics/report';
import { MIN_CELL, protect, protectTables, type Exported, type Protected } from './policy';
import type { Row, TableSpec } from './spec';
import { flowRows } from './flow';
import { ATTRITION, DURABILITY, FLOW, LIFE_TABLE, LOG_RANK, MMRM_MEANS, RELIABLE_CHANGE, REMISSION, RESPONSE, SURVIVAL, TRAJECTORIES } from './tables';

type Section = 'trajectories' | 'response' | 'remission' | 'reliable_change' | 'durability' | 'attrition';

/** A model as exported: coefficients withheld when a group it was fitted on is under the threshold. */
export type SharedModel = Omit<ModelRow, 'fixed' | 'variance' | 'lrt' | 'group_n' | 'loglik' | 'deviance' | 'aic' | 'bic'> & {
	fixed: ModelRow['fixed'];
	variance: ModelRow['variance'] | null;
	lrt: ModelRow['lrt'];
	group_n: number[] | null;
	loglik: number | null;
	deviance: number | null;
	aic: number | null;
	bic: number | null;
	suppressed: boolean;
	suppressed_reason: string | null;
};

/** The report with small cells withheld: the same sections, nullable where the policy withheld. */
export type SharedReport = Omit<Report, Section | 'survival' | 'log_rank' | 'models'> & { [K in Section]: Protected<Report[K][number]>[] } & {
	survival: (Protected<Omit<SurvivalRow, 'points'>> & { points: Protected<SurvivalRow['points'][number]>[] })[];
	log_rank: (Omit<LogRankRow, 'observed' | 'expected' | 'chi2' | 'p'> & { chi2: number | null; p: number | null; observed: (number | null)[]; expected: (number | null)[] | null; suppressed: boolean })[];
	models: (SharedModel | SharedMmrm)[];
};

/** An MMRM as exported: LS means per session × group through the policy; nothing from a small group. */
export type SharedMmrm = Omit<MmrmRow, 'ls_means'> & { ls_means: Protected<MmrmRow['ls_means'][number]>[]; suppressed: boolean; suppressed_reason: string | null };

/** Kaplan–Meier steps of every group as one life table, plus a total row per group. */
export function lifeTable(rows: SurvivalRow[]): Row[] {
	return rows.flatMap((r) => [
		{ instrument: r.instrument, group: r.group, step: false, time: -1, at_risk: r.n, events: r.events, censored: r.n - r.events },
		...r.points.map((p) => ({ instrument: r.instrument, group: r.group, step: true, time: p.time, at_risk: p.atRisk, events: p.events, censored: p.censored, survival: p.survival, se: p.se, low: p.low, high: p.high }))
	]);
}

/** A model fitted on a group under `minCell` client-series keeps its description only. */
export function protectModel(m: ModelRow, minCell: number): SharedModel {
	const small = m.groups.filter((_, i) => m.group_n[i] > 0 && m.group_n[i] < minCell);
	if (minCell <= 0 || (!small.length && !(m.n_clients > 0 && m.n_clients < minCell))) return { ...m, suppressed: false, suppressed_reason: null };
	return {
		...m,
		fixed: [],
		variance: null,
		lrt: null,
		group_n: null,
		loglik: null,
		deviance: null,
		aic: null,
		bic: null,
		n_clients: m.n_clients < minCell ? (null as unknown as number) : m.n_clients,
		n_obs: m.n_clients < minCell ? (null as unknown as number) : m.n_obs,
		suppressed: true,
		suppressed_reason: `fitted on ${small.length ? `a group with fewer than ${minCell} client-series (${small.join(', ')})` : `fewer than ${minCell} client-series`}: coefficients not exported`
	};
}

/** Sections of a report or a page, raw. */
export interface Sections {
	trajectories?: Report['trajectories'];
	response?: Report['response'];
	remission?: Report['remission'];
	reliable_change?: Report['reliable_change'];
	durability?: Report['durability'];
	attrition?: Report['attrition'];
	survival?: Report['survival'];
	log_rank?: Report['log_rank'];
	/** MMRM least-squares means, one row per instrument × session × group (`mmrmMeanRows`). */
	mmrm_means?: Row[];
	/** Flow diagram steps (the overview's flow is ungrouped: group `all`). */
	flow?: FlowStep[];
}

const SPECS = { trajectories: TRAJECTORIES, response: RESPONSE, remission: REMISSION, reliable_change: RELIABLE_CHANGE, durability: DURABILITY, attrition: ATTRITION };

type SectionName = keyof typeof SPECS | 'survival' | 'life_table' | 'log_rank' | 'mmrm_means' | 'flow';

/**
 * Every section published together (a report, the overview's downloads) as one export: each
 * table's rows as exported, the Kaplan–Meier summary without its steps (`survival`), the steps
 * as a life table (`life_table`: `step` rows; one `step: false` total row per group), the
 * log-rank observed counts per group (`log_rank`), MMRM least-squares means (`mmrm_means`) and
 * the flow diagram (`flow`, rows of `flowRows`: its end-of-series step is the remission n).
 * `more` are other tables of the same export (declaring `same` cells with the sections): their
 * rows as exported, in order.
 */
export function protectSections(s: Sections, minCell = MIN_CELL, more: { spec: TableSpec; rows: Row[] }[] = []): Record<SectionName, Exported<Protected<Row>>> & { more: Exported<Protected<Row>>[] } {
	const rows = (x: unknown) => (x ?? []) as Row[];
	const tables: [string, TableSpec, Row[]][] = [
		...Object.entries(SPECS).map(([k, spec]) => [k, spec, rows(s[k as keyof typeof SPECS])] as [string, TableSpec, Row[]]),
		['survival', SURVIVAL, (s.survival ?? []).map(({ points: _p, ...x }) => x) as unknown as Row[]],
		['life_table', LIFE_TABLE, lifeTable(s.survival ?? [])],
		['log_rank', LOG_RANK, (s.log_rank ?? []).flatMap((t) => t.groups.map((g, i) => ({ instrument: t.instrument, group: g, observed: t.observed[i] })))],
		['mmrm_means', MMRM_MEANS, s.mmrm_means ?? []],
		// an ungrouped flow counts every group: its end step is the (all) row's analysed n
		['flow', FLOW, flowRows(s.flow ?? []).map((r) => (r.group === 'all' ? { ...r, group: ALL_GROUPS } : r))]
	];
	const out = protectTables([...tables.map(([, spec, r]) => ({ spec, rows: r })), ...more], minCell);
	return { ...Object.fromEntries(tables.map(([k], i) => [k, out[i]])), more: out.slice(tables.length) } as never;
}

/** The sections of a report as shared: the policy's rows back in the report's shapes (KM steps in `points`, log-rank vectors). */
export function sharedSections(e: ReturnType<typeof protectSections>, logRank: LogRankRow[]): Pick<SharedReport, Section | 'survival' | 'log_rank'> {
	const [life, lr] = [e.life_table.rows, e.log_rank.rows];
	const steps = (instrument: unknown, group: unknown) => life.filter((p) => p.step === true && p.instrument === instrument && p.group === group);
	return {
		trajectories: e.trajectories.rows as never,
		response: e.response.rows as never,
		remission: e.remission.rows as never,
		reliable_change: e.reliable_change.rows as never,
		durability: e.durability.rows as never,
		attrition: e.attrition.rows as never,
		survival: e.survival.rows.map((s) => ({
			...s,
			points: steps(s.instrument, s.group).map(({ instrument: _i, group: _g, step: _s, at_risk, suppressed_fields, ...p }) => ({
				...p,
				atRisk: at_risk,
				suppressed_fields: (suppressed_fields as string[]).map((f) => (f === 'at_risk' ? 'atRisk' : f))
			}))
		})) as never,
		// Σ expected = Σ observed: expected is withheld with any observed count of its test, and so are
		// χ² and p, which are (O − E)² / V of those counts (with E and V from published life tables, a
		// printed χ² would give |O − E| back)
		log_rank: logRank.map((t) => {
			const mine = lr.filter((x) => x.instrument === t.instrument);
			const observed = t.groups.map((g) => (mine.find((x) => x.group === g)?.observed ?? null) as number | null);
			const hidden = observed.some((o) => o === null);
			return { ...t, observed, expected: hidden ? null : t.expected, chi2: hidden ? null : t.chi2, p: hidden ? null : t.p, suppressed: hidden };
		})
	};
}

/** The reason an MMRM is withheld whole (a group or the whole fit under `minCell`), or null. */
function mmrmTooSmall(m: MmrmRow, minCell: number): string | null {
	const size = (g: string) => Math.max(0, ...m.ls_means.filter((l) => l.group === g).map((l) => l.n));
	const small = m.groups.filter((g) => size(g) > 0 && size(g) < minCell);
	if (minCell <= 0 || !(small.length || (m.n_clients > 0 && m.n_clients < minCell))) return null;
	return `fitted on ${small.length ? `a group with fewer than ${minCell} client-series (${small.join(', ')})` : `fewer than ${minCell} client-series`}: coefficients not exported`;
}

/** LS-mean rows of the MMRMs not withheld whole, with their instrument: one table for the policy. */
export function mmrmMeanRows(models: Report['models'], minCell: number): Row[] {
	return models.flatMap((m) => ('ls_means' in m && !mmrmTooSmall(m, minCell) ? m.ls_means.map((l) => ({ instrument: m.instrument, ...l })) : []));
}

/**
 * An MMRM: withheld whole when a group is under `minCell`; else a session's means and differences
 * go with any of its n. `means` are its LS means as the policy let them out within a larger export
 * (the report: n is attrition's with-baseline count); alone, they go through the policy here.
 */
export function protectMmrm(m: MmrmRow, minCell: number, means?: readonly Protected<Row>[]): SharedMmrm {
	const reason = mmrmTooSmall(m, minCell);
	if (reason)
		return {
			...m,
			fixed: [],
			covariance: [],
			ls_means: [],
			differences: [],
			last_session_difference: null,
			loglik: null as unknown as number,
			aic: null as unknown as number,
			bic: null as unknown as number,
			suppressed: true,
			suppressed_reason: reason
		};
	const mine = (means ?? protect(mmrmMeanRows([m], minCell), MMRM_MEANS, minCell).rows).filter((l) => l.instrument === m.instrument);
	const ls = mine.map(({ instrument: _i, ...l }) => l as unknown as Protected<MmrmRow['ls_means'][number]>);
	const hidden = new Set(ls.filter((l) => l.suppressed).map((l) => l.session as number));
	const keep = <T extends { session: number }>(d: T) => !hidden.has(d.session);
	return {
		...m,
		ls_means: ls,
		differences: m.differences.filter(keep),
		last_session_difference: m.last_session_difference && keep(m.last_session_difference) ? m.last_session_difference : null,
		suppressed: hidden.size > 0,
		suppressed_reason: hidden.size ? `sessions ${[...hidden].join(', ')}: a count under ${minCell} client-series or one it could be worked out from, estimates not exported` : null
	};
}

/** The report with small cells withheld (for sharing/export). */
export function protectReport(r: Report, minCell: number): SharedReport {
	const e = protectSections({ ...r, mmrm_means: mmrmMeanRows(r.models, minCell) }, minCell);
	return {
		...r,
		meta: { ...r.meta, min_cell: minCell },
		...sharedSections(e, r.log_rank),
		models: r.models.map((m) => ('ls_means' in m ? protectMmrm(m, minCell, e.mmrm_means.rows) : protectModel(m, minCell)))
	};
}
