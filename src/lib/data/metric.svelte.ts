/**
 * Reactive holder for one chart's metric: rows, the SQL behind them (as shown: text and bound
 * values), loading and error state.
 * Only the newest request's result is kept (a superseded query's result is dropped), and the
 * previous rows stay visible (dimmed) while the new ones load, so nothing jumps.
 */
import type { ShownStatement } from '../engine/sql';
import { shownSql, type MetricResult, type StatementsRun } from '../metrics/source';
import { createLatest } from './cached';
import { prebuiltDrawn, requestFinished, requestStarted } from './drawn';

export class MetricLoader<R> {
	// Raw, not deeply reactive: results are replaced whole, never changed in place, and a deep
	// proxy over every row made each chart's reads of its rows go through Svelte's proxy traps
	// (the largest share of the main thread's scripting in a filter interaction).
	rows = $state.raw<R[]>([]);
	sql = $state.raw<ShownStatement[]>([]);
	loading = $state(true);
	error = $state<string | null>(null);
	definition = $state.raw<MetricResult<R>['definition']>(undefined);
	private latest = createLatest();
	/** The request now running, if any: at most one per chart. */
	private inFlight: Promise<unknown> | null = null;

	/**
	 * Show `result` (computed elsewhere: the demo's first view, built with the site) without a query;
	 * the next `run` replaces it. Marks a chart drawn (not "every chart drawn": nothing was queried).
	 */
	prefill(result: { rows: R[]; definition?: MetricResult<R>['definition'] } & StatementsRun): void {
		this.rows = result.rows;
		this.sql = shownSql(result);
		this.definition = result.definition;
		this.error = null;
		this.loading = false;
		prebuiltDrawn();
	}

	/**
	 * Run `compute`; its result replaces the current one unless a newer run started meanwhile.
	 * One request in flight per chart: a run waits for the previous one to finish, and a run
	 * superseded while it waits never starts (DuckDB's worker runs one query at a time, so a
	 * burst of filter clicks would otherwise queue every intermediate state's queries).
	 */
	async run(compute: () => Promise<{ rows: R[]; definition?: MetricResult<R>['definition'] } & StatementsRun>): Promise<void> {
		const ticket = this.latest.next();
		this.loading = true;
		requestStarted();
		try {
			while (this.inFlight) await this.inFlight.catch(() => {});
			if (!this.latest.isCurrent(ticket)) return; // superseded before it started: dropped
			const running = compute();
			this.inFlight = running;
			running.then(
				() => this.inFlight === running && (this.inFlight = null),
				() => this.inFlight === running && (this.inFlight = null)
			);
			const result = await running;
			// The card re-renders in a task of its own, not in the one that decoded the result and
			// worked out its statistics: together they made the longest main-thread tasks of a click.
			await nextTask();
			if (!this.latest.isCurrent(ticket)) return;
			this.rows = result.rows;
			this.sql = shownSql(result);
			this.definition = result.definition;
			this.error = null;
		} catch (e) {
			if (!this.latest.isCurrent(ticket)) return;
			this.error = e instanceof Error ? e.message : String(e);
			this.rows = [];
		} finally {
			if (this.latest.isCurrent(ticket)) this.loading = false;
			requestFinished();
		}
	}
}

/** Resolves in a later task (`scheduler.yield` where the browser has it: ahead of other queued tasks). */
function nextTask(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/** What a chart card shows of `loader`: its rows, the statements behind them, loading (also while `busy`) and error. */
export function cardProps<R>(loader: MetricLoader<R>, busy: boolean) {
	return { rows: loader.rows, sql: loader.sql, loading: busy || loader.loading, error: loader.error };
}
