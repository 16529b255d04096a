/**
 * The overview's data: one MetricLoader per figure, all refreshed together (Promise.all) whenever
 * the filters, the instrument or the data change. Queries are grouped by route once and shared:
 * the rate tiles read the `(all)` rows of the same response/remission results the bars draw, and
 * the completion tile sums the attrition rows the funnel draws, so no route is queried alone.
 * `exported()` runs the privacy policy over every table of the page at once (when a CSV is asked
 * for), so a count withheld in one download is not printed in another.
 */
import type { Connector } from '$lib/engine/connector';
import { MetricLoader } from '$lib/data/metric.svelte';
import { attrition, type AttritionRow } from '$lib/metrics/attrition';
import { cohortCounts, type CountRow } from '$lib/metrics/counts';
import { flow, type FlowStep } from '$lib/metrics/flow';
import { durability, survival, type DurabilityRow, type LogRankRow, type SurvivalRow } from '$lib/metrics/durability';
import type { Filters } from '$lib/metrics/filters';
import type { SettingsInput } from '$lib/metrics/definitions';
import { remission, response, type RateRow } from '$lib/metrics/rates';
import { ALL_GROUPS } from '$lib/metrics/source';
import { protectSections } from '$lib/privacy/report';
import { trajectories, type TrajectoryRow } from '$lib/metrics/trajectories';

/** Loaders for every figure on the overview. */
export class OverviewData {
	counts = new MetricLoader<CountRow>();
	response = new MetricLoader<RateRow>();
	remission = new MetricLoader<RateRow>();
	trajectories = new MetricLoader<TrajectoryRow>();
	durability = new MetricLoader<DurabilityRow>();
	survival = new MetricLoader<SurvivalRow>();
	logRank = new MetricLoader<LogRankRow>();
	attrition = new MetricLoader<AttritionRow>();
	flow = new MetricLoader<FlowStep>();

	/** Every table of the page as the privacy policy lets it leave the app. */
	exported() {
		return protectSections({
			trajectories: this.trajectories.rows,
			response: this.response.rows,
			remission: this.remission.rows,
			durability: this.durability.rows,
			attrition: this.attrition.rows,
			survival: this.survival.rows,
			log_rank: this.logRank.rows
		});
	}

	/** Recompute everything for `filters`; durability and survival for `instrument` only. */
	async load(conn: Connector, filters: Filters, instrument: string | undefined, settings: SettingsInput = {}): Promise<void> {
		const byRoute = { filters, groupBy: 'route', settings };
		const one = { ...byRoute, instruments: instrument ? [instrument] : undefined };
		// survival returns its log-rank tests beside the rows: one query feeds two loaders.
		const km = survival(conn, one);
		await Promise.all([
			this.counts.run(() => cohortCounts(conn, { filters })),
			this.response.run(() => response(conn, byRoute)),
			this.remission.run(() => remission(conn, byRoute)),
			this.trajectories.run(() => trajectories(conn, byRoute)),
			this.durability.run(() => durability(conn, one)),
			this.survival.run(() => km),
			this.logRank.run(() => km.then((r) => ({ rows: r.logRank, sql: r.sql, derived: r.derived }))),
			this.attrition.run(() => attrition(conn, byRoute)),
			this.flow.run(() => flow(conn, { filters, settings, instruments: one.instruments }))
		]);
	}
}

/**
 * The instrument's total over routes from a rate result: its `(all)` row, or its only group's row
 * when one route is left (the metrics layer drops a total that would repeat a single group).
 */
export function totalRate(rows: RateRow[], instrument: string): RateRow | undefined {
	const mine = rows.filter((r) => r.instrument === instrument);
	return mine.find((r) => r.group === ALL_GROUPS) ?? (mine.length === 1 ? mine[0] : undefined);
}

/**
 * Completed the planned series (each route's own planned length) over client-series with a
 * baseline, summed over routes; only completers with a baseline count, so the share is at most 1.
 */
export function completion(rows: AttritionRow[], instrument: string): { completed: number; baseline: number; share: number | null } {
	const mine = rows.filter((r) => r.instrument === instrument);
	const sum = (phase: AttritionRow['phase']) => mine.filter((r) => r.phase === phase).reduce((a, r) => a + r.with_baseline, 0);
	const completed = sum('completed');
	const baseline = sum('baseline');
	return { completed, baseline, share: baseline ? completed / baseline : null };
}
