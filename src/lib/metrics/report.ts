/**
 * The whole report in one call, used by the command line and by the app, so both print the same
 * numbers for the same file. Sections and field names are documented in docs/statistics.md.
 */
import type { Connector } from '../engine/connector';
import { sql, type Statement } from '../engine/sql';
import { attrition, type AttritionRow } from './attrition';
import { allDefinitions, type Definition, type Settings } from './definitions';
import { durability, survival, type DurabilityRow, type LogRankRow, type SurvivalRow } from './durability';
import { mixedModels, type ModelOptions, type ModelRow } from './models';
import { mmrmModels, type MmrmRow } from './mmrm';
import { remission, reliableChange, response, type RateRow, type ReliableRow } from './rates';
import { prepare, type MetricOptions } from './source';
import { protectReport, type SharedReport } from '../privacy/report';
import { trajectories, type TrajectoryRow } from './trajectories';

export interface ReportOptions extends MetricOptions {
	/** Group column; default `route`. Pass null for a single group `all`. */
	groupBy?: string | null;
	model?: Pick<ModelOptions, 'method' | 'random' | 'scores' | 'covariates' | 'references'> & {
		/** `lmm` (random effects, default) or `mmrm` (unstructured covariance across sessions, REML). */
		type?: 'lmm' | 'mmrm';
		/** MMRM: common last session (default: the highest that more than half of the series reach). */
		lastSession?: number;
	};
	/** When > 0, the privacy policy (src/lib/privacy) withholds small cells across the whole report. */
	minCell?: number;
	/** Shown in `meta.file`. */
	file?: string;
}

export interface Report {
	meta: {
		file: string | null;
		group_by: string | null;
		instruments: string[];
		settings: Settings;
		definitions: Definition[];
		/** Minimum cell size applied, or null when nothing was suppressed (internal use). */
		min_cell: number | null;
		model: { type: 'lmm' | 'mmrm'; method: 'ML' | 'REML'; random: 'intercept' | 'slope' | null; scores: 'all' | 'post'; covariates: string[] };
	};
	trajectories: TrajectoryRow[];
	response: RateRow[];
	remission: RateRow[];
	reliable_change: ReliableRow[];
	durability: DurabilityRow[];
	survival: SurvivalRow[];
	log_rank: LogRankRow[];
	attrition: AttritionRow[];
	/** Random-effects rows, or MMRM rows (`type: "mmrm"`) with `--model mmrm`. */
	models: (ModelRow | MmrmRow)[];
	/** The statement each section ran: text with `$n` placeholders and the values bound to them. */
	sql: Record<string, Statement>;
}

/** Run every metric with the same options; with `minCell`, the report as shared (privacy policy). */
export async function buildReport(conn: Connector, opts: ReportOptions = {}): Promise<Report | SharedReport> {
	const o: MetricOptions = { ...opts, groupBy: opts.groupBy === undefined ? 'route' : opts.groupBy };
	const p = await prepare(conn, o);
	const present = (await conn.query<{ instrument: string }>(sql`SELECT DISTINCT instrument FROM ${p.relation} WHERE ${p.where} ORDER BY 1`)).map(
		(r) => r.instrument
	);
	const traj = await trajectories(conn, o);
	const resp = await response(conn, o);
	const remi = await remission(conn, o);
	const rel = await reliableChange(conn, o);
	const dur = await durability(conn, o);
	const surv = await survival(conn, o);
	const attr = await attrition(conn, o);
	const isMmrm = opts.model?.type === 'mmrm';
	const model = isMmrm
		? ({ type: 'mmrm', method: 'REML', random: null, scores: 'post' } as const)
		: ({ type: 'lmm', method: opts.model?.method ?? 'ML', random: opts.model?.random ?? 'slope', scores: opts.model?.scores ?? 'all' } as const);
	const mods = isMmrm
		? await mmrmModels(conn, { ...o, lastSession: opts.model?.lastSession, reference: o.groupBy ? opts.model?.references?.[o.groupBy] : undefined })
		: await mixedModels(conn, { ...o, ...opts.model, method: model.method, random: model.random ?? 'slope', scores: model.scores });
	const report: Report = {
		meta: {
			file: opts.file ?? null,
			group_by: o.groupBy ?? null,
			instruments: present,
			settings: p.settings,
			definitions: allDefinitions(p.settings, present),
			min_cell: opts.minCell && opts.minCell > 0 ? opts.minCell : null,
			model: { ...model, covariates: opts.model?.covariates ?? [] }
		},
		trajectories: traj.rows,
		response: resp.rows,
		remission: remi.rows,
		reliable_change: rel.rows,
		durability: dur.rows,
		survival: surv.rows,
		log_rank: surv.logRank,
		attrition: attr.rows,
		models: mods.rows,
		sql: {
			trajectories: traj.sql.toJSON(),
			response: resp.sql.toJSON(),
			remission: remi.sql.toJSON(),
			reliable_change: rel.sql.toJSON(),
			durability: dur.sql.toJSON(),
			survival: surv.sql.toJSON(),
			attrition: attr.sql.toJSON(),
			models: mods.sql.toJSON()
		}
	};
	return report.meta.min_cell ? protectReport(report, report.meta.min_cell) : report;
}
