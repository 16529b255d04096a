/**
 * Each loaded dataset's summaries (metrics/summaries.ts), had once, when it is first activated: after
 * the page's first charts are in (chartsSettled: their statements would otherwise interleave with
 * the first view's queries on the one engine worker), copied from the copy kept beside a kept
 * dataset (kept-summaries.ts), else built from the dataset's own rows; then kept beside it for the
 * next start, once both are there (an import is kept after its first view, often after its summaries
 * were built: keepBeside). If they cannot be had the metrics read the score rows, as they would without them.
 */
import type { Connector } from '../engine/connector';
import { buildSummaries, dropSummaries, type Summaries } from '../metrics/summaries';
import { outcomeScores } from '../metrics/views';
import { relation, type DatasetInfo } from './datasets';
import { chartsSettled } from './drawn';
import { keepSummaries, restoreKeptSummaries } from './kept-summaries';
import type { DatasetStore } from './store';

/** What the summaries need of the app: its engine (cached and not), its store and the empty database file. */
export interface SummaryEnv {
	conn: Connector | null;
	engine: Connector | null;
	store: DatasetStore | null;
	template: () => Promise<Uint8Array>;
}

/**
 * How a dataset's summaries came to be: `kept` when copied from the copy kept beside the dataset (else
 * built), in `ms`; `stored` once such a copy is there for the next start (restored from, or written since).
 * `failed`: why they could not be had (then `ms` is the time until that failure), else null.
 */
export interface SummaryTiming {
	kept: boolean;
	ms: number;
	stored: boolean;
	failed: string | null;
}

export class DatasetSummaries {
	/** Each dataset's summaries in the making (null if they could not be had). */
	private made = new Map<string, Promise<Summaries | null>>();
	/** The summaries already there, by dataset id. */
	private built = new Map<string, Summaries | null>();
	/** Datasets whose summaries were copied from the copy kept beside them. */
	private restored = new Set<string>();
	/** Datasets with a copy of their summaries kept beside them: restored from it, or written after the build. */
	private stored = new Set<string>();
	/** Each dataset's copy of its summaries being written beside it (once per session). */
	private keeping = new Map<string, Promise<void>>();
	/** Why a dataset's summaries could not be had, and after how many ms (the benchmark stops waiting for them). */
	private failures = new Map<string, { reason: string; ms: number }>();

	constructor(private env: () => SummaryEnv) {}

	/** Dataset `id`'s summaries when they are there, else null (the metrics read the rows). */
	current(id: string): Summaries | null {
		return this.built.get(id) ?? null;
	}

	/** How dataset `id`'s summaries came to be (for the benchmark and the tests); null until they exist or failed. */
	timing(id: string): SummaryTiming | null {
		const s = this.built.get(id);
		const failed = this.failures.get(id);
		if (!s) return failed ? { kept: false, ms: failed.ms, stored: false, failed: failed.reason } : null;
		return { kept: this.restored.has(id), ms: s.buildMs, stored: this.stored.has(id), failed: null };
	}

	/**
	 * Once the page's first charts are in, have `ds`'s summaries (unless they are already there or
	 * `ds` was removed meanwhile: `loaded`), hand them to `use`, and keep them beside a kept dataset.
	 */
	whenSettled(ds: DatasetInfo, loaded: () => boolean, use: (s: Summaries) => void): void {
		if (this.built.has(ds.id)) return;
		void chartsSettled()
			.then(() => (loaded() ? this.of(ds) : null))
			.then((s) => {
				this.built.set(ds.id, s);
				if (s) use(s);
				return this.keepBeside(ds);
			});
	}

	/**
	 * Keep `ds`'s summaries beside it, so the next start copies them instead of building them: once
	 * both are there (the summaries built, the dataset kept in the current format), whichever comes last.
	 * Called when the summaries are built and when the dataset is kept (an import is kept after its
	 * first view, often after its summaries were built); the copy is written once.
	 */
	keepBeside(ds: DatasetInfo): Promise<void> {
		const s = this.built.get(ds.id);
		const stored = ds.stored;
		const { engine, store, template } = this.env();
		if (!s || stored?.version !== 2 || !store || !engine || this.stored.has(ds.id)) return Promise.resolve();
		let keeping = this.keeping.get(ds.id);
		if (!keeping) {
			keeping = chartsSettled()
				.then(async () => keepSummaries(engine, store, stored, s, await template()))
				.then(
					() => void this.stored.add(ds.id),
					(e) => console.warn(`summaries of ${ds.name} not kept`, e)
				);
			this.keeping.set(ds.id, keeping);
		}
		return keeping;
	}

	/** Forget dataset `ds`'s summaries, dropping their tables if any were made. */
	async forget(conn: Connector, ds: DatasetInfo): Promise<void> {
		if (this.made.has(ds.id)) await dropSummaries(conn, ds.table);
		this.made.delete(ds.id);
		this.built.delete(ds.id);
		this.stored.delete(ds.id);
		this.keeping.delete(ds.id);
		this.failures.delete(ds.id);
	}

	/** The dataset's summaries: copied from the copy kept beside a kept dataset, else built. */
	private of(ds: DatasetInfo): Promise<Summaries | null> {
		let made = this.made.get(ds.id);
		if (!made) {
			const { conn, store } = this.env();
			const t0 = performance.now();
			// A kept dataset's copy kept beside it first (a copy of small tables); else built from the
			// dataset's own rows, not the `scores` view: another dataset may become active meanwhile.
			const kept = ds.attached && ds.stored && store ? restoreKeptSummaries(conn!, store, ds.stored, ds.table) : Promise.resolve(null);
			made = kept
				.then((s) => {
					if (!s) return buildSummaries(conn!, ds.table, outcomeScores(relation(ds)));
					this.restored.add(ds.id);
					this.stored.add(ds.id);
					return s;
				})
				.catch((e) => {
					console.warn(`summaries of ${ds.name} not built; metrics read the score rows`, e);
					this.failures.set(ds.id, { reason: (e instanceof Error ? e.message : String(e)).slice(0, 400), ms: performance.now() - t0 });
					return null;
				});
			this.made.set(ds.id, made);
		}
		return made;
	}
}
