/**
 * The /safety page's data: one MetricLoader per figure, refreshed together whenever the filters,
 * the grouping or the data change. Queries run in the metrics layer (safety.ts); nothing here
 * computes a statistic.
 */
import type { Connector } from '$lib/engine/connector';
import { MetricLoader } from '$lib/data/metric.svelte';
import type { Filters } from '$lib/metrics/filters';
import { experienceVsChange, type ExperienceRow } from '$lib/metrics/experience';
import { dissociationBySession, minutesToReady, safetyMeans, safetyRates, type DissociationRow, type MinutesRow, type SafetyCountRow, type SafetyMeanRow, type SafetyRateRow } from '$lib/metrics/safety';

/** Groupings offered on the page. */
export const GROUPINGS = [
	{ id: 'route', label: 'Route' },
	{ id: 'dose_band', label: 'Dose band' }
] as const;
export type Grouping = (typeof GROUPINGS)[number]['id'];

export class SafetyData {
	counts = new MetricLoader<SafetyCountRow>();
	rates = new MetricLoader<SafetyRateRow>();
	means = new MetricLoader<SafetyMeanRow>();
	minutes = new MetricLoader<MinutesRow>();
	dissociation = new MetricLoader<DissociationRow>();
	experience = new MetricLoader<ExperienceRow>();

	async load(conn: Connector, filters: Filters, groupBy: Grouping): Promise<void> {
		const o = { filters, groupBy };
		const rates = safetyRates(conn, o);
		await Promise.all([
			this.counts.run(() => rates.then((r) => ({ rows: r.counts, sql: r.sql }))),
			this.rates.run(() => rates.then((r) => ({ rows: r.rates, sql: r.sql }))),
			this.means.run(() => safetyMeans(conn, o)),
			this.minutes.run(() => minutesToReady(conn, o)),
			// CADSS rows carry the route but no dose band: by dose band the curve is the total only.
			this.dissociation.run(() => dissociationBySession(conn, { filters, groupBy: groupBy === 'route' ? 'route' : null })),
			// pooled over the groups: the pairs per route and dose band are too few to correlate
			this.experience.run(() => experienceVsChange(conn, { filters }).then((e) => ({ rows: e.rows, sql: e.sql ? [e.sql] : [] })))
		]);
	}
}
