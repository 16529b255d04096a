/**
 * What the overview computes for one view (filters + instrument), as named metric calls. The page's
 * loaders run them (overview.svelte.ts), and the build runs the same calls in Node on the demo
 * cohort while `/` is prerendered (src/routes/prebuilt.server.ts), so a first visit sees the demo's
 * view before the engine has started. Relative imports: the benchmark's Node scripts (bench/profile.ts)
 * run this file outside Vite.
 */
import type { Connector } from '../lib/engine/connector';
import { attrition } from '../lib/metrics/attrition';
import { completionLinks, seriesCompletion } from '../lib/metrics/completion';
import { cohortCounts } from '../lib/metrics/counts';
import { durability, survival } from '../lib/metrics/durability';
import { flow } from '../lib/metrics/flow';
import type { Filters } from '../lib/metrics/filters';
import type { SettingsInput } from '../lib/metrics/definitions';
import { remission, response } from '../lib/metrics/rates';
import { OVERVIEW_GROUP } from '../lib/metrics/summary-defaults';
import { trajectories } from '../lib/metrics/trajectories';

/** The overview's metric calls for `filters` and definition `settings`; durability and survival for `instrument` only. */
export function overviewMetrics(conn: Connector, filters: Filters, instrument: string | undefined, settings: SettingsInput = {}) {
	const byRoute = { filters, groupBy: OVERVIEW_GROUP, settings };
	const one = { ...byRoute, instruments: instrument ? [instrument] : undefined };
	// survival returns its log-rank tests beside the rows: one query feeds two figures.
	let km: ReturnType<typeof survival> | null = null;
	const kmOnce = () => (km ??= survival(conn, one));
	return {
		counts: () => cohortCounts(conn, { filters }),
		response: () => response(conn, byRoute),
		remission: () => remission(conn, byRoute),
		trajectories: () => trajectories(conn, byRoute),
		durability: () => durability(conn, one),
		survival: kmOnce,
		logRank: () => kmOnce().then((r) => ({ rows: r.logRank, sql: r.sql, derived: r.derived })),
		attrition: () => attrition(conn, byRoute),
		completion: () => seriesCompletion(conn, byRoute),
		// never drawn: what ties completion to attrition's counts for the privacy policy (privacy/tables.ts)
		completionLinks: () => completionLinks(conn, byRoute),
		flow: () => flow(conn, { filters, settings, instruments: one.instruments })
	};
}

export type OverviewMetrics = ReturnType<typeof overviewMetrics>;
export type OverviewKey = keyof OverviewMetrics;
/** The figures computed for the chosen instrument only (`one` above); the others show every instrument. */
export const INSTRUMENT_FIGURES: ReadonlySet<OverviewKey> = new Set<OverviewKey>(['durability', 'survival', 'logRank', 'flow']);

/** A view of the overview: the data (`dataVersion`, app.version), the filters, the definitions and the instrument. */
export interface OverviewView {
	conn: Connector;
	dataVersion: number;
	filters: Filters;
	settings: SettingsInput;
	instrument: string | undefined;
}

/**
 * The figures `view` has to compute, in request order, given what each was last asked for (`asked`,
 * updated here): a figure last asked for the same connector, data, filters and definitions (and
 * instrument, for the instrument's figures) is left as it is unless it failed (`failed`). So a new
 * instrument recomputes only the instrument's figures: the others' statements were the same again
 * (answered from the result cache when cached), but their rows were rebuilt and their charts redrawn.
 */
export function figuresDue(asked: Map<OverviewKey, { conn: Connector; view: string }>, view: OverviewView, failed: (k: OverviewKey) => boolean): OverviewKey[] {
	const common = JSON.stringify([view.dataVersion, view.filters, view.settings]);
	return OVERVIEW_ORDER.filter((k) => {
		const key = INSTRUMENT_FIGURES.has(k) ? JSON.stringify([common, view.instrument ?? null]) : common;
		const last = asked.get(k);
		if (last && last.conn === view.conn && last.view === key && !failed(k)) return false;
		asked.set(k, { conn: view.conn, view: key });
		return true;
	});
}
/** The figures in the order they are requested: the first chart (rates) before the slower cards. */
export const OVERVIEW_ORDER: OverviewKey[] = ['counts', 'response', 'remission', 'trajectories', 'durability', 'survival', 'logRank', 'attrition', 'completion', 'completionLinks', 'flow'];

/** The demo's first view computed at build time (prebuilt.server.ts; `/` is rendered with it). */
export interface PrebuiltOverview {
	/** File names (content-hashed) of the demo CSVs it was computed from: used only when the page's demo is those files. */
	demoAssets: string[];
	/** The demo's rows and clients, as the app describes a dataset (the board report's cover prints them). */
	dataset: { rows: number; clients: number };
	instruments: string[];
	instrument: string;
	/** Each figure's result; statements arrive as plain `{ text, params }` (a `Sql` serialises to that). */
	results: { [K in OverviewKey]: Awaited<ReturnType<OverviewMetrics[K]>> };
}

/** JSON text of a prebuilt overview; non-finite numbers (an open interval's ∞) survive as tagged values. */
export function encodePrebuilt(p: PrebuiltOverview): string {
	return JSON.stringify(p, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
}

/** The inverse of `encodePrebuilt`. */
export function decodePrebuilt(text: string): PrebuiltOverview {
	return JSON.parse(text, (_k, v) => (v && typeof v === 'object' && typeof v.$number === 'string' && Object.keys(v).length === 1 ? Number(v.$number) : v));
}
