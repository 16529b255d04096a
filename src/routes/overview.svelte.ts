/**
 * The overview's data: one MetricLoader per figure, all refreshed together (Promise.all) whenever
 * the filters, the instrument or the data change. Queries are grouped by route once and shared:
 * the rate tiles read the `(all)` rows of the same response/remission results the bars draw, and
 * the completion tile sums the attrition rows the funnel draws, so no route is queried alone.
 * `exported()` runs the privacy policy over every table of the page at once (the flow diagram's
 * drawing and every CSV), so a count withheld in one download is not printed in another;
 * `exportedOffThread()` gives the same in a worker, for the page's eager use after each load.
 */
import type { Connector } from '$lib/engine/connector';
import { MetricLoader } from '$lib/data/metric.svelte';
import { Prefetch } from '$lib/data/prefetch';
import type { AttritionRow } from '$lib/metrics/attrition';
import type { CompletionLinkRow, CompletionRow } from '$lib/metrics/completion';
import type { CountRow } from '$lib/metrics/counts';
import type { FlowStep } from '$lib/metrics/flow';
import type { DurabilityRow, LogRankRow, SurvivalRow } from '$lib/metrics/durability';
import type { Filters } from '$lib/metrics/filters';
import type { SettingsInput } from '$lib/metrics/definitions';
import type { RateRow } from '$lib/metrics/rates';
import { ALL_GROUPS, type MetricResult } from '$lib/metrics/source';
import { MIN_CELL } from '$lib/privacy/policy';
import { protectSections, type Sections } from '$lib/privacy/report';
import { protectSectionsOffThread } from '$lib/privacy/offthread';
import type { Row, TableSpec } from '$lib/privacy/spec';
import { COMPLETION, COMPLETION_LINKS, COUNTS } from '$lib/privacy/tables';
import type { TrajectoryRow } from '$lib/metrics/trajectories';
import { shownSum, type Shown } from './printed';
import { figuresDue, OVERVIEW_ORDER, overviewMetrics, type OverviewKey, type PrebuiltOverview } from './overview-metrics';

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
	completion = new MetricLoader<CompletionRow>();
	/** Not drawn: the privacy policy's links between completion and attrition (COMPLETION_LINKS). */
	completionLinks = new MetricLoader<CompletionLinkRow>();
	flow = new MetricLoader<FlowStep>();

	/** True while the figures show the demo's results computed at build time, not live ones. */
	prebuilt = $state(false);
	/** The instrument the prebuilt figures are for. */
	prebuiltInstrument = $state<string | undefined>(undefined);
	/** The rows and clients of the dataset the prebuilt figures are for. */
	prebuiltDataset = $state<PrebuiltOverview['dataset'] | undefined>(undefined);

	/** True once live results were requested (a prebuilt view arriving later is then ignored). */
	live = false;

	/** The page's sections as they are now (the loaders' plain rows), and the tiles' counts and completion as more tables of the export. */
	private sections(): { sections: Sections; more: { spec: TableSpec; rows: Row[] }[] } {
		return {
			sections: {
				trajectories: this.trajectories.rows,
				response: this.response.rows,
				remission: this.remission.rows,
				durability: this.durability.rows,
				attrition: this.attrition.rows,
				survival: this.survival.rows,
				log_rank: this.logRank.rows,
				flow: this.flow.rows
			},
			more: [
				{ spec: COUNTS, rows: this.counts.rows as unknown as Row[] },
				{ spec: COMPLETION, rows: this.completion.rows as unknown as Row[] },
				{ spec: COMPLETION_LINKS, rows: this.completionLinks.rows as unknown as Row[] }
			]
		};
	}

	/** Every table of the page as the privacy policy lets it leave the app (the flow diagram and the tiles' counts too). */
	exported(minCell = MIN_CELL) {
		const { sections, more } = this.sections();
		const e = protectSections(sections, minCell, more);
		return { ...e, counts: e.more[0], completion: e.more[1] };
	}

	/**
	 * The same export worked out off the main thread (privacy/offthread.ts), for the page's eager use
	 * after each load; `rows` are the row arrays it was computed from (compare with `rowsNow()`).
	 */
	async exportedOffThread(minCell = MIN_CELL): Promise<{ rows: unknown[][]; result: ReturnType<OverviewData['exported']> }> {
		const rows = this.rowsNow();
		// The loaders hold plain (raw) rows, so they go to the worker as they are: a `$state.snapshot`
		// here cost one structuredClone call per field (447–627 ms of main-thread samples over 8 filter
		// changes on the demo, at load 8–12).
		const { sections, more } = this.sections();
		const e = await protectSectionsOffThread(sections, minCell, more);
		return { rows, result: { ...e, counts: e.more[0], completion: e.more[1] } };
	}

	/** Identity of the rows every table of the export holds now: an export computed from other rows is stale. */
	rowsNow(): unknown[][] {
		return [this.trajectories.rows, this.response.rows, this.remission.rows, this.durability.rows, this.attrition.rows, this.survival.rows, this.logRank.rows, this.flow.rows, this.counts.rows, this.completion.rows, this.completionLinks.rows];
	}

	/** What each figure was last asked for (figuresDue). */
	private asked = new Map<OverviewKey, { conn: Connector; view: string }>();

	/**
	 * Recompute the figures for `filters` (durability, survival and the flow for `instrument` only)
	 * whose view changed since they were last asked for (figuresDue); `dataVersion` changes whenever
	 * the data do (app.version).
	 */
	async load(conn: Connector, filters: Filters, instrument: string | undefined, settings: SettingsInput = {}, dataVersion = 0): Promise<void> {
		this.live = true;
		this.stopPrefetch(); // its next statements would queue ahead of this view's
		const m = overviewMetrics(conn, filters, instrument, settings);
		const due = figuresDue(this.asked, { conn, dataVersion, filters, settings, instrument }, (k) => (this[k] as MetricLoader<unknown>).error !== null);
		// Requested in order (the worker runs one query at a time): the first chart before the slower cards.
		await Promise.all(due.map((k) => (this[k] as MetricLoader<unknown>).run(m[k] as () => Promise<MetricResult<unknown>>)));
		this.prebuilt = false;
	}

	/** True while any figure is loading. */
	get loading(): boolean {
		return OVERVIEW_ORDER.some((k) => this[k].loading);
	}

	private readonly prefetching = new Prefetch();

	/**
	 * Work out the figures of the views the user is about to choose from (the pointer rests on a filter
	 * control, or the keyboard is on it; a select offers each of its other options: data/prefetch.ts),
	 * so that the click finds their results in the connector's cache or already under way: the page's
	 * own statements, view after view, one at a time, until a newer prefetch or a load starts.
	 */
	prefetch(conn: Connector, views: { filters: Filters; instrument: string | undefined }[], settings: SettingsInput = {}): Promise<void> {
		return this.prefetching.views(views, ({ filters, instrument }) => overviewMetrics(conn, filters, instrument, settings), OVERVIEW_ORDER);
	}

	/** Stop the prefetch under way after its current statement (the pointer left the control). */
	stopPrefetch(): void {
		this.prefetching.stop();
	}

	/** Show the demo's first view computed at build time until live results replace it. */
	prefill(p: PrebuiltOverview): void {
		if (this.live) return;
		for (const k of OVERVIEW_ORDER) (this[k] as MetricLoader<unknown>).prefill(p.results[k] as unknown as Parameters<MetricLoader<unknown>['prefill']>[0]);
		this.prebuiltInstrument = p.instrument;
		this.prebuiltDataset = p.dataset;
		this.prebuilt = true;
	}
}

/**
 * The instrument's total over routes from a rate result: its `(all)` row, or its only group's row
 * when one route is left (the metrics layer drops a total that would repeat a single group).
 * Raw rows on screen, the export's in print (printed.ts).
 */
export function totalRate<T extends Pick<RateRow, 'instrument' | 'group'>>(rows: readonly T[], instrument: string): T | undefined {
	const mine = rows.filter((r) => r.instrument === instrument);
	return mine.find((r) => r.group === ALL_GROUPS) ?? (mine.length === 1 ? mine[0] : undefined);
}

/**
 * Completed the planned series (each route's own planned length) over client-series with a
 * baseline, summed over routes; only completers with a baseline count, so the share is at most 1.
 * In print a sum over a withheld route's count is withheld (`shownSum`), and the share with it.
 */
export function completion(rows: readonly Shown<AttritionRow>[], instrument: string): { completed: number | null; baseline: number | null; share: number | null } {
	const mine = rows.filter((r) => r.instrument === instrument);
	const sum = (phase: AttritionRow['phase']) => shownSum(mine.filter((r) => r.phase === phase).map((r) => r.with_baseline));
	const completed = sum('completed');
	const baseline = sum('baseline');
	return { completed, baseline, share: completed !== null && baseline ? completed / baseline : null };
}
