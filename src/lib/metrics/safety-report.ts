/**
 * The `safety` and `experience` sections of the report (CLI and app), over the views of views.ts:
 * tolerability from the dosing-session records and dissociation by session, and the acute
 * experience against later change. Small cells are withheld with the same policy as every other
 * section (src/lib/privacy), the safety tables in one export (privacy/safety.ts, SAFETY_TABLES).
 */
import type { Connector } from '../engine/connector';
import { list, sql } from '../engine/sql';
import type { Definition } from './definitions';
import { experienceVsChange, type ExperienceRow } from './experience';
import type { Filters } from './filters';
import { dissociationBySession, minutesToReady, safetyMeans, safetyRates, type DissociationRow, type MinutesRow, type SafetyCountRow, type SafetyMeanRow, type SafetyRateRow } from './safety';
import { SAFETY_DEFINITIONS, SAFETY_MEANS, SAFETY_RATES } from './safety-definitions';
import { protect, protectTables } from '../privacy/policy';
import { sharedSafetyWith } from '../privacy/safety';
import type { Row, TableSpec } from '../privacy/spec';
import type { Statement } from '../engine/sql';

export interface SafetySection {
	group_by: string | null;
	counts: SafetyCountRow[];
	rates: SafetyRateRow[];
	means: SafetyMeanRow[];
	minutes_to_ready: MinutesRow[];
	dissociation: DissociationRow[];
	definitions: Definition[];
	sql: Record<string, Statement | string>;
}

export interface ExperienceSection {
	rows: ExperienceRow[];
	definitions: Definition[];
	sql: Statement | string;
}

export interface SafetyReport {
	/** Null when the dataset has neither session records nor CADSS scores. */
	safety: SafetySection | null;
	/** Null when the dataset has no safety/experience scores paired with an outcome. */
	experience: ExperienceSection | null;
}

/** The experience correlations as the privacy policy sees them: n is a count, the rest derive from it. */
export const EXPERIENCE_TABLE: TableSpec = { name: 'experience', counts: ['n'], derived: [{ fields: ['rho', 'ci_low', 'ci_high', 'slope', 'slope_low', 'slope_high'], from: ['n'] }] };

const strip = ({ event: _e, measured: _m, value: _v, key: _k, ...d }: Definition & { key: string; event?: unknown; measured?: unknown; value?: unknown }): Definition => d;

/**
 * Build both sections with `groupBy` (default route) and `filters`; suppression when minCell > 0.
 * `alongside`: other tables printed with the safety section (the CLI's import accounting, whose
 * accepted records are its sessions count), put through the policy in the same export; their rows
 * as printed come back in `alongside`.
 */
export async function buildSafetyReport(
	conn: Connector,
	opts: { groupBy?: string | null; filters?: Filters; minCell?: number; alongside?: { spec: TableSpec; rows: Row[] }[] } = {}
): Promise<SafetyReport & { alongside: Row[][] }> {
	const minCell = opts.minCell ?? 0;
	let alongside = (opts.alongside ?? []).map((t) => t.rows);
	const [{ sessions, cadss, acute }] = await conn.query<{ sessions: number; cadss: number; acute: number }>(sql`SELECT
  (SELECT count(*) FROM dosing_sessions)::INT AS sessions,
  (SELECT count(*) FROM acute_scores WHERE instrument IN (${list(['cadss', 'cadss6'])}))::INT AS cadss,
  (SELECT count(*) FROM acute_scores)::INT AS acute`);
	const o = { groupBy: opts.groupBy === undefined ? 'route' : opts.groupBy, filters: opts.filters };
	const s = <T extends object>(rows: T[], spec: TableSpec) => (opts.minCell && opts.minCell > 0 ? ([...protect(rows, spec, opts.minCell).rows] as unknown as T[]) : rows);
	let safety: SafetySection | null = null;
	if (sessions > 0 || cadss > 0) {
		const rates = sessions > 0 ? await safetyRates(conn, o) : { counts: [], rates: [], sql: '' };
		const means = sessions > 0 ? await safetyMeans(conn, o) : { rows: [], sql: '' };
		const minutes = sessions > 0 ? await minutesToReady(conn, o) : { rows: [], sql: '' };
		const diss = cadss > 0 ? await dissociationBySession(conn, o) : { rows: [], sql: '' };
		// one export: the session and client counts are the n of rates and means measured at every session
		const shared = sharedSafetyWith({ counts: rates.counts, rates: rates.rates, means: means.rows, minutes_to_ready: minutes.rows, dissociation: diss.rows }, minCell, opts.alongside);
		alongside = shared.more;
		safety = {
			group_by: o.groupBy,
			...shared.tables,
			definitions: [SAFETY_DEFINITIONS.counts, ...SAFETY_RATES.map(strip), ...SAFETY_MEANS.map(strip), SAFETY_DEFINITIONS.minutes, SAFETY_DEFINITIONS.dissociation],
			sql: { rates: rates.sql, means: means.sql, minutes_to_ready: minutes.sql, dissociation: diss.sql }
		};
	} else if (minCell > 0 && opts.alongside?.length) alongside = protectTables(opts.alongside, minCell).map((e) => [...e.rows]);
	let experience: ExperienceSection | null = null;
	if (acute > 0) {
		const e = await experienceVsChange(conn, { filters: opts.filters });
		// A correlation over fewer than minCell client-series is withheld like any small cell.
		const rows = s(e.rows, EXPERIENCE_TABLE);
		if (rows.length && e.sql) experience = { rows, definitions: [SAFETY_DEFINITIONS.experience], sql: e.sql };
	}
	return { safety, experience, alongside };
}
