/**
 * Prepared statements kept for reuse, keyed by their text. Every metric statement runs as a
 * prepared statement (its values are bound, never spliced), and preparing one — parsing, binding,
 * planning a statement of several CTEs — cost 3–8 ms of the engine's one worker each, a quarter to
 * a third of the statement's time over the small summary tables (overview statements at 100k rows,
 * duckdb-wasm's Node build: 44–65 ms of 160–235 ms). A filter change or a refresh sends the same
 * texts again with other values, so the plan is kept and only executed.
 *
 * Safe to reuse: DuckDB re-binds a prepared statement whose tables or views changed since it was
 * prepared (a dataset replaced, summaries rebuilt), and fails it as a fresh prepare would when they
 * are gone; a statement that failed is dropped from the cache all the same. At most `capacity`
 * statements are kept; the least recently used one that no query is running is closed first.
 * A kept statement also holds what its last run built, until it runs again or is closed (`clear`;
 * connector.ts releaseStatements says how much that is on the score rows).
 */
export interface Closable {
	close(): unknown;
}

interface Entry<S> {
	statement: Promise<S>;
	/** Queries holding the statement now: it is closed only when none does. */
	users: number;
}

export class PreparedCache<S extends Closable> {
	private readonly entries = new Map<string, Entry<S>>();

	constructor(
		private readonly prepare: (text: string) => S | Promise<S>,
		readonly capacity = 64
	) {}

	/** Run `use` with the statement prepared for `text` (prepared now, or kept from before). */
	async with<R>(text: string, use: (statement: S) => R | Promise<R>): Promise<R> {
		let entry = this.entries.get(text);
		if (entry) this.entries.delete(text); // re-inserted below: the Map's order is the recency order
		else entry = { statement: Promise.resolve().then(() => this.prepare(text)), users: 0 };
		this.entries.set(text, entry);
		entry.users++;
		this.evict();
		try {
			return await use(await entry.statement);
		} catch (e) {
			this.drop(text, entry);
			throw e;
		} finally {
			entry.users--;
			if (!this.entries.has(text) || this.entries.get(text) !== entry) this.closeIfIdle(entry);
		}
	}

	/** Statements kept now. */
	get size(): number {
		return this.entries.size;
	}

	/** Close every kept statement no query is running (the rest close when their query ends). */
	clear(): void {
		for (const [text, entry] of [...this.entries]) this.drop(text, entry);
	}

	private evict(): void {
		for (const [text, entry] of this.entries) {
			if (this.entries.size <= this.capacity) return;
			if (entry.users === 0) this.drop(text, entry);
		}
	}

	private drop(text: string, entry: Entry<S>): void {
		if (this.entries.get(text) === entry) this.entries.delete(text);
		this.closeIfIdle(entry);
	}

	private closeIfIdle(entry: Entry<S>): void {
		if (entry.users > 0) return;
		// Not awaited: closing only frees the plan, and nothing waits on it. A statement whose
		// prepare failed has nothing to close.
		entry.statement.then((s) => s.close(), () => undefined).catch(() => undefined);
	}
}
