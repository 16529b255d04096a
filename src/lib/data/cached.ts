/**
 * Query hygiene around a connector: results cached by SQL text (identical queries from several
 * charts share one promise), the cache cleared whenever data changes (any exec or file/table
 * insert), and a `latest` guard so a chart ignores results of queries it has superseded.
 */
import type { Connector, Row } from '../engine/connector';
import { ident, sql, statementKey, type Sql, type Statement } from '../engine/sql';

export class CachingConnector implements Connector {
	private cache = new Map<string, Promise<unknown[]>>();
	/**
	 * DESCRIBE results (the columns of a relation), kept apart from the other results: they change only
	 * with the data, while `forgetResults` (a fresh filter state in the benchmark) should not make every
	 * metric describe `scores` again (50 ms a click at 1M rows).
	 */
	private schemas = new Map<string, Promise<unknown[]>>();
	/** Queries actually sent to the engine (cache misses); read by tests and the benchmark. */
	misses = 0;
	/** When an array, every statement sent on a cache miss is appended, text and bound values (the benchmark's `?bench` mode turns it on). */
	log: Statement[] | null = null;

	private derived = new Map<string, Promise<string>>();
	private derivedCount = 0;
	/** Derived tables kept at once; older ones (superseded filter states) are dropped. */
	private static readonly MAX_DERIVED = 12;

	constructor(private inner: Connector) {}

	/**
	 * A temporary table holding `sql`'s result, created once per SQL text (concurrent callers share
	 * the creation) and dropped when data change. Creating it does not clear cached results: it only
	 * derives from data already loaded.
	 */
	materialize(q: Sql, keep = false): Promise<string> {
		if (keep) return this.kept(q);
		const key = statementKey(q);
		let made = this.derived.get(key);
		if (!made) {
			const name = `derived_${++this.derivedCount}`;
			const create = sql`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS ${q}`;
			this.log?.push(create.toJSON()); // a replay of the log (benchmark) must create it before the queries that read it
			made = this.inner.exec(create).then(() => name);
			made.catch(() => this.derived.delete(key));
			this.derived.set(key, made);
			if (this.derived.size > CachingConnector.MAX_DERIVED) {
				const [oldSql, old] = this.derived.entries().next().value!;
				this.derived.delete(oldSql);
				old.then((t) => this.inner.exec(sql`DROP TABLE IF EXISTS ${ident(t)}`)).catch(() => {});
			}
		}
		return made;
	}

	/** Tables of `materialize(q, true)`: kept until the data change (`clear`), at most MAX_DERIVED. */
	private keptTables = new Map<string, Promise<string>>();
	/** Kept tables whose statement is in `log` since the results were last forgotten (a replay of the log must create them too). */
	private keptLogged = new Set<string>();

	private kept(q: Sql): Promise<string> {
		const key = statementKey(q);
		let made = this.keptTables.get(key);
		const create = (name: string) => sql`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS ${q}`;
		if (!made) {
			const name = `summed_${++this.derivedCount}`;
			made = this.inner.exec(create(name)).then(() => name);
			made.catch(() => this.keptTables.delete(key));
			this.keptTables.set(key, made);
			if (this.keptTables.size > CachingConnector.MAX_DERIVED) {
				const [oldSql, old] = this.keptTables.entries().next().value!;
				this.keptTables.delete(oldSql);
				this.dropLater([old]);
			}
		}
		if (this.log && !this.keptLogged.has(key)) {
			this.keptLogged.add(key);
			const logged = this.log;
			void made.then((name) => logged.push(create(name).toJSON()), () => {});
		}
		return made;
	}

	query<T extends object = Row>(q: Sql): Promise<T[]> {
		const key = statementKey(q);
		const cache = /^\s*DESCRIBE\s/i.test(q.text) ? this.schemas : this.cache;
		let hit = cache.get(key);
		if (!hit) {
			this.misses++;
			this.log?.push(q.toJSON());
			hit = this.inner.query<T>(q);
			hit.catch(() => cache.delete(key)); // never cache failures
			cache.set(key, hit);
			if (cache.size > 500) cache.delete(cache.keys().next().value!);
		}
		return hit as Promise<T[]>;
	}

	async exec(q: Sql): Promise<void> {
		this.clear();
		await this.inner.exec(q);
	}

	registerFile(name: string, bytes: Uint8Array): Promise<void> {
		return this.inner.registerFile(name, bytes);
	}

	get registerBlob() {
		return this.inner.registerBlob?.bind(this.inner);
	}

	dropFile(name: string): Promise<void> {
		return this.inner.dropFile(name);
	}

	get readFile() {
		return this.inner.readFile?.bind(this.inner);
	}

	get releaseStatements() {
		return this.inner.releaseStatements?.bind(this.inner);
	}

	async insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
		this.clear();
		await this.inner.insertArrowIPC(table, ipc, create);
	}

	/** How long a data state's derived tables outlive it (see `clear`). */
	static readonly DROP_AFTER_MS = 60_000;

	/** Forget everything cached: results, columns, derived and kept tables (data changed). */
	clear(): void {
		this.schemas.clear();
		const kept = [...this.keptTables.values()];
		this.keptTables.clear();
		this.dropLater(kept);
		this.forgetResults();
	}

	/**
	 * Forget every cached result and derived table, but not the relations' columns (the benchmark, so
	 * that its next interaction really queries as a new filter state does). The derived tables are
	 * dropped a minute later, not now: a metric that has just materialized one may still be about to
	 * send the query that reads it, and a background summary build changes data several times in a
	 * row; dropping under that query failed with "Table derived_1 does not exist".
	 */
	forgetResults(): void {
		this.cache.clear();
		this.keptLogged.clear();
		const old = [...this.derived.values()];
		this.derived.clear();
		this.dropLater(old);
	}

	/** Drop these tables a minute from now (see `forgetResults`). */
	private dropLater(tables: Promise<string>[]): void {
		if (!tables.length) return;
		const timer = setTimeout(() => {
			for (const made of tables) made.then((t) => this.inner.exec(sql`DROP TABLE IF EXISTS ${ident(t)}`)).catch(() => {});
		}, CachingConnector.DROP_AFTER_MS);
		(timer as { unref?: () => void }).unref?.();
	}
}

/**
 * A guard for "only the newest request counts": `const ticket = latest.next()` before starting
 * work, and `latest.isCurrent(ticket)` before using its result.
 */
export function createLatest() {
	let current = 0;
	return {
		next: () => ++current,
		isCurrent: (ticket: number) => ticket === current
	};
}
