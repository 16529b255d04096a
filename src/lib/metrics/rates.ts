/**
 * Rates per instrument × group (plus an `(all)` row over groups when there are several):
 * response, remission, reliable improvement / deterioration and clinically significant change.
 * Counts and denominators come from SQL over the client-series summary; Wilson CIs are added here.
 */
import type { Connector } from '../engine/connector';
import { sql, type Sql } from '../engine/sql';
import { INSTRUMENTS } from '../instruments/definitions';
import { wilsonInterval } from '../stats/proportions';
import { DEFINITIONS, reliableDefinition, remissionDefinition, responseDefinition, type Settings } from './definitions';
import {
	ALL_GROUPS,
	dropRedundantTotals,
	GROUP_ORDER,
	perInstrumentCase,
	prepare,
	remissionCondition,
	responds,
	sampleSdSql,
	summarySource,
	type DerivedTable,
	type MetricOptions,
	type MetricResult,
	type Prepared
} from './source';
import { cellwise, everyCell, sumOverCells } from './summary-cellwise';
import { clientSeriesCtes } from './summary-read';
import type { Summaries } from './summaries';

export interface RateRow {
	instrument: string;
	group: string;
	count: number;
	n: number;
	rate: number | null;
	ci_low: number | null;
	ci_high: number | null;
	definition: string;
}

/** A reliable-change figure: one outcome (improved, unchanged, deteriorated, clinically significant). */
export interface ReliableRow extends RateRow {
	outcome: 'improved' | 'unchanged' | 'deteriorated' | 'clinically_significant';
	/** SD used (sample SD of analysed baselines, or the stated SD); null under the point rule. */
	sd: number | null;
	reliability: number | null;
	sdiff: number | null;
	/** Smallest change counted as reliable: 1.96·S_diff, or the point rule's points. */
	rc_value: number | null;
}

/** Count/n → rate and Wilson 95 % CI (nulls when n = 0). */
export function withWilson<T extends { count: number; n: number }>(r: T): T & { rate: number | null; ci_low: number | null; ci_high: number | null } {
	if (!r.n) return { ...r, rate: null, ci_low: null, ci_high: null };
	const w = wilsonInterval(r.count, r.n);
	return { ...r, rate: w.rate, ci_low: w.low, ci_high: w.high };
}

const TOTALS = sql`GROUP BY GROUPING SETS ((instrument, grp), (instrument))`;
const GROUP_COL = sql`coalesce(grp, ${ALL_GROUPS}) AS "group"`;

/** Response and remission counts over the client-series `cs` (see `rateCountsSql`). */
function rateCountColumns(s: Settings): Sql {
	return sql`count(*) FILTER (WHERE baseline > 0 AND end_score IS NOT NULL)::INTEGER AS response_n,
  count(*) FILTER (WHERE end_score IS NOT NULL AND ${responds(s, sql`end_score`, sql`baseline`)})::INTEGER AS response_count,
  count(*) FILTER (WHERE baseline IS NOT NULL AND end_score IS NOT NULL)::INTEGER AS remission_n,
  count(*) FILTER (WHERE baseline IS NOT NULL AND end_score IS NOT NULL AND (${remissionCondition(s)}))::INTEGER AS remission_count`;
}
const RATE_COUNTS = ['response_n', 'response_count', 'remission_n', 'remission_count'];

/**
 * Response and remission counts per instrument × group and per instrument, in one statement over the
 * client-series summary `cs` (after `ctes`): both rates are asked for together on a page, and the
 * statement is the same text for both, so the connector's cache runs it once and each takes its
 * columns. Response: baseline > 0 and an end score (n), responding at the end (count). Remission:
 * baseline and end score (n), in remission at the end (count).
 */
function rateCountsSql(ctes: Sql, s: Settings): Sql {
	return sql`${ctes}
SELECT instrument, ${GROUP_COL},
  ${rateCountColumns(s)}
FROM cs ${TOTALS}
ORDER BY instrument, ${GROUP_ORDER}`;
}

/** The rate counts (`rateCountColumns`) per instrument × cell of `summaries`: the table a view's rate counts are summed from. */
export function rateCountsPerCell(summaries: Summaries, s: Settings): Sql {
	return sql`${clientSeriesCtes(everyCell(summaries), s)}
SELECT instrument, grp AS cell,
  ${rateCountColumns(s)}
FROM cs GROUP BY instrument, grp`;
}

/**
 * The rate counts' statement for `p`: over the dataset's summaries, where it gives the same counts, the
 * counts per cell (kept with the data, once per definitions) summed over the cells the view keeps
 * (summary-cellwise.ts); else over the client-series summary.
 */
async function rateCountsStatement(conn: Connector, p: Prepared): Promise<{ q: Sql; derived: DerivedTable[] }> {
	if (p.summary && cellwise(conn, p.summary, p.settings)) {
		const { sql: q, derived } = await sumOverCells(conn, p.summary, rateCountsPerCell(p.summary.summaries, p.settings), {
			cellCol: 'cell',
			keys: ['instrument'],
			sums: RATE_COUNTS,
			grouping: (keys, grp) => sql`GROUP BY GROUPING SETS ((${keys}, ${grp}), (${keys}))`,
			groupCol: sql`coalesce(sum_k.grp, ${ALL_GROUPS})`,
			order: sql`instrument, ${GROUP_ORDER}`
		});
		return { q, derived };
	}
	const src = await summarySource(conn, p);
	return { q: rateCountsSql(src.ctes, p.settings), derived: src.derived };
}

/** One rate's (n, count) rows from the shared statement (`rateCountsStatement`). */
async function rateCounts(conn: Connector, p: Prepared, rate: 'response' | 'remission') {
	const { q, derived } = await rateCountsStatement(conn, p);
	type Counted = { instrument: string; group: string; response_n: number; response_count: number; remission_n: number; remission_count: number };
	const counted = await conn.query<Counted>(q);
	const raw = counted.map((r) => ({ instrument: r.instrument, group: r.group, n: r[`${rate}_n`], count: r[`${rate}_count`] }));
	return { q, raw, derived };
}

/** Response: ≥ 50 % drop (or the instrument's point rule) from baseline to the end point (definition per instrument and `settings.end`). */
export async function response(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<RateRow>> {
	const p = await prepare(conn, opts);
	const { q, raw, derived } = await rateCounts(conn, p, 'response');
	const defs = new Map<string, ReturnType<typeof responseDefinition>>();
	const rows = dropRedundantTotals(raw).map((r) => {
		const d = defs.get(r.instrument) ?? responseDefinition(p.settings, r.instrument);
		defs.set(r.instrument, d);
		return withWilson({ ...r, definition: d.id });
	});
	const definition = [...new Map([...defs.values()].map((d) => [d.id, d])).values()];
	return { rows, sql: q, derived, definition: definition.length === 1 ? definition[0] : definition.length ? definition : responseDefinition(p.settings), path: p.path };
}

/** Remission: end-of-series score meets the instrument's threshold (clients with baseline and end). */
export async function remission(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<RateRow>> {
	const p = await prepare(conn, opts);
	const { q, raw, derived } = await rateCounts(conn, p, 'remission');
	const defs = new Map<string, ReturnType<typeof remissionDefinition>>();
	const rows = dropRedundantTotals(raw).map((r) => {
		const d = defs.get(r.instrument) ?? remissionDefinition(r.instrument, p.settings);
		defs.set(r.instrument, d);
		return withWilson({ ...r, definition: d.id });
	});
	return { rows, sql: q, derived, definition: [...defs.values()], path: p.path };
}

/** Per-instrument SQL pieces of the reliable-change rule. */
function reliableExprs(s: Settings): { points: Sql; reliability: Sql; sd: Sql } {
	const points = perInstrumentCase((id) => {
		const rule = INSTRUMENTS[id].reliableChange?.pointRule;
		return s.pointRule && rule ? sql`${rule.points}` : null;
	});
	const reliability = perInstrumentCase((id) => sql`${s.reliability[id]}`);
	const sd = perInstrumentCase((id) => (typeof s.sd[id] === 'number' ? sql`${s.sd[id] as number}` : sql`sd_pre`), sql`sd_pre`);
	return { points, reliability, sd };
}

/**
 * Reliable change per Jacobson & Truax (or the IAPT point rule when `settings.pointRule` and the
 * instrument has one), on client-series with a baseline and an end-of-series score. The SD is the
 * sample SD of those baselines per instrument over all groups (a client's class must not depend
 * on how the table is grouped), unless a fixed SD is set. Also counts clinically significant
 * change (reliable improvement ending in remission).
 */
export async function reliableChange(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<ReliableRow>> {
	const p = await prepare(conn, opts);
	const e = reliableExprs(p.settings);
	const src = await summarySource(conn, p);
	const q = sql`${src.ctes},
used AS (SELECT * FROM cs WHERE baseline IS NOT NULL AND end_score IS NOT NULL),
sdv AS (SELECT instrument, ${sampleSdSql(sql`baseline`)} AS sd_pre FROM used GROUP BY instrument),
k AS (
  SELECT used.*, ${e.points} AS points, ${e.reliability} AS reliability, ${e.sd} AS sd
  FROM used JOIN sdv USING (instrument)
),
cls AS (
  SELECT *, CASE WHEN points IS NULL THEN sqrt(2) * sd * sqrt(1 - reliability) END AS sdiff,
    CASE
      WHEN points IS NOT NULL THEN CASE WHEN end_score - baseline <= -points THEN 'improved' WHEN end_score - baseline >= points THEN 'deteriorated' ELSE 'unchanged' END
      WHEN (end_score - baseline) / (sqrt(2) * sd * sqrt(1 - reliability)) < -1.96 THEN 'improved'
      WHEN (end_score - baseline) / (sqrt(2) * sd * sqrt(1 - reliability)) > 1.96 THEN 'deteriorated'
      ELSE 'unchanged' END AS class,
    (${remissionCondition(p.settings)}) AS remitted
  FROM k
)
SELECT instrument, ${GROUP_COL}, count(*)::INTEGER AS n,
  count(*) FILTER (WHERE class = 'improved')::INTEGER AS improved,
  count(*) FILTER (WHERE class = 'unchanged')::INTEGER AS unchanged,
  count(*) FILTER (WHERE class = 'deteriorated')::INTEGER AS deteriorated,
  count(*) FILTER (WHERE class = 'improved' AND remitted)::INTEGER AS clinically_significant,
  any_value(sd) AS sd, any_value(reliability) AS reliability, any_value(sdiff) AS sdiff, any_value(points) AS points
FROM cls ${TOTALS}
ORDER BY instrument, ${GROUP_ORDER}`;
	type Raw = { instrument: string; group: string; n: number; sd: number | null; reliability: number | null; sdiff: number | null; points: number | null } & Record<ReliableRow['outcome'], number>;
	const raw = dropRedundantTotals(await conn.query<Raw>(q));
	const rows: ReliableRow[] = [];
	const defs = new Map<string, string>();
	for (const r of raw) {
		const def = reliableDefinition(r.instrument, p.settings);
		defs.set(def.id, r.instrument);
		const pts = r.points !== null;
		const meta = {
			sd: pts ? null : r.sd,
			reliability: pts ? null : r.reliability,
			sdiff: r.sdiff,
			rc_value: pts ? r.points : r.sdiff === null ? null : 1.96 * r.sdiff
		};
		for (const outcome of ['improved', 'unchanged', 'deteriorated', 'clinically_significant'] as const) {
			const definition = outcome === 'clinically_significant' ? DEFINITIONS.clinicallySignificant.id : def.id;
			rows.push({ ...withWilson({ instrument: r.instrument, group: r.group, count: r[outcome], n: r.n, definition }), outcome, ...meta });
		}
	}
	const used = [DEFINITIONS.reliableJt, DEFINITIONS.reliablePoints].filter((d) => defs.has(d.id));
	return { rows, sql: q, derived: src.derived, definition: [...used, DEFINITIONS.clinicallySignificant], path: p.path };
}
