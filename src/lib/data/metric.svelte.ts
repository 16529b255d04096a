/**
 * Reactive holder for one chart's metric: rows, the SQL behind them, loading and error state.
 * Only the newest request's result is kept (a superseded query's result is dropped), and the
 * previous rows stay visible (dimmed) while the new ones load, so nothing jumps.
 */
import type { MetricResult } from '../metrics/source';
import { createLatest } from './cached';
import { requestFinished, requestStarted } from './drawn';

export class MetricLoader<R> {
	rows = $state<R[]>([]);
	sql = $state('');
	loading = $state(true);
	error = $state<string | null>(null);
	definition = $state<MetricResult<R>['definition']>(undefined);
	/** Milliseconds the last completed request took. */
	ms = $state(0);
	private latest = createLatest();

	/** Run `compute`; its result replaces the current one unless a newer run started meanwhile. */
	async run(compute: () => Promise<MetricResult<R>>): Promise<void> {
		const ticket = this.latest.next();
		this.loading = true;
		const t0 = performance.now();
		requestStarted();
		try {
			const result = await compute();
			if (!this.latest.isCurrent(ticket)) return;
			this.rows = result.rows;
			this.sql = result.sql;
			this.definition = result.definition;
			this.error = null;
		} catch (e) {
			if (!this.latest.isCurrent(ticket)) return;
			this.error = e instanceof Error ? e.message : String(e);
			this.rows = [];
		} finally {
			if (this.latest.isCurrent(ticket)) {
				this.loading = false;
				this.ms = performance.now() - t0;
			}
			requestFinished();
		}
	}
}
