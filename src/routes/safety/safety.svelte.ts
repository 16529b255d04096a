/**
 * The /safety page's data: one MetricLoader per figure, refreshed together whenever the filters,
 * the grouping or the data change, and worked out ahead of a click while the pointer rests on a
 * control (`prefetch`). Queries run in the metrics layer (safety.ts); nothing here computes a statistic.
 */
import type { Connector } from '$lib/engine/connector';
import { MetricLoader } from '$lib/data/metric.svelte';
import { Prefetch } from '$lib/data/prefetch';
import type { MetricResult } from '$lib/metrics/source';
import type { Filters } from '$lib/metrics/filters';
import { experienceVsChange, type ExperienceRow } from '$lib/metrics/experience';
import { dissociationBySession, minutesToReady, safetyMeans, safetyRates, type DissociationRow, type MinutesRow, type SafetyCountRow, type SafetyMeanRow, type SafetyRateRow } from '$lib/metrics/safety';

/** Groupings offered on the page. */
export const GROUPINGS = [
	{ id: 'route', label: 'Route' },
	{ id: 'dose_band', label: 'Dose band' }
] as const;
export type Grouping = (typeof GROUPINGS)[number]['id'];

/** A view of the page: its filters and grouping. */
export interface SafetyView {
	filters: Filters;
	groupBy: Grouping;
}

/** The page's metric calls for one view, each feeding the loader of the same name. */
function safetyMetrics(conn: Connector, { filters, groupBy }: SafetyView) {
	const o = { filters, groupBy };
	// one statement feeds the counts and the rates
	let rates: ReturnType<typeof safetyRates> | null = null;
	const ratesOnce = () => (rates ??= safetyRates(conn, o));
	return {
		counts: () => ratesOnce().then((r) => ({ rows: r.counts, sql: r.sql })),
		rates: () => ratesOnce().then((r) => ({ rows: r.rates, sql: r.sql })),
		means: () => safetyMeans(conn, o),
		minutes: () => minutesToReady(conn, o),
		// CADSS rows carry the route but no dose band: by dose band the curve is the total only.
		dissociation: () => dissociationBySession(conn, { filters, groupBy: groupBy === 'route' ? 'route' : null }),
		// pooled over the groups: the pairs per route and dose band are too few to correlate
		experience: () => experienceVsChange(conn, { filters }).then((e) => ({ rows: e.rows, sql: e.sql ? [e.sql] : [] }))
	};
}

type SafetyKey = keyof ReturnType<typeof safetyMetrics>;
const SAFETY_ORDER: SafetyKey[] = ['counts', 'rates', 'means', 'minutes', 'dissociation', 'experience'];

export class SafetyData {
	counts = new MetricLoader<SafetyCountRow>();
	rates = new MetricLoader<SafetyRateRow>();
	means = new MetricLoader<SafetyMeanRow>();
	minutes = new MetricLoader<MinutesRow>();
	dissociation = new MetricLoader<DissociationRow>();
	experience = new MetricLoader<ExperienceRow>();

	async load(conn: Connector, filters: Filters, groupBy: Grouping): Promise<void> {
		this.stopPrefetch(); // its next statements would queue ahead of this view's
		const m = safetyMetrics(conn, { filters, groupBy });
		await Promise.all(SAFETY_ORDER.map((k) => (this[k] as MetricLoader<unknown>).run(m[k] as () => Promise<MetricResult<unknown>>)));
	}

	/** True while any figure is loading. */
	get loading(): boolean {
		return SAFETY_ORDER.some((k) => this[k].loading);
	}

	private readonly prefetching = new Prefetch();

	/**
	 * Work out the figures of the views a filter control or the grouping select would show, one
	 * statement at a time, so that the click finds them in the connector's cache (data/prefetch.ts).
	 */
	prefetch(conn: Connector, views: SafetyView[]): Promise<void> {
		return this.prefetching.views(views, (v) => safetyMetrics(conn, v), SAFETY_ORDER);
	}

	/** Stop the prefetch under way after its current statement. */
	stopPrefetch(): void {
		this.prefetching.stop();
	}
}
