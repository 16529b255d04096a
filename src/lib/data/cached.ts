/**
 * Query hygiene around a connector: results cached by SQL text (identical queries from several
 * charts share one promise), the cache cleared whenever data changes (any exec or file/table
 * insert), and a `latest` guard so a chart ignores results of queries it has superseded.
 */
import type { Connector, Row } from '../engine/connector';

export class CachingConnector implements Connector {
	private cache = new Map<string, Promise<unknown[]>>();
	/** Queries actually sent to the engine (cache misses); read by tests and the benchmark. */
	misses = 0;
	/** When an array, the SQL text of every cache miss is appended (the benchmark's `?bench` mode turns it on). */
	log: string[] | null = null;

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
	materialize(sql: string): Promise<string> {
		let made = this.derived.get(sql);
		if (!made) {
			const name = `derived_${++this.derivedCount}`;
			const create = `CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`;
			this.log?.push(create); // a replay of the log (benchmark) must create it before the queries that read it
			made = this.inner.exec(create).then(() => name);
			made.catch(() => this.derived.delete(sql));
			this.derived.set(sql, made);
			if (this.derived.size > CachingConnector.MAX_DERIVED) {
				const [oldSql, old] = this.derived.entries().next().value!;
				this.derived.delete(oldSql);
				old.then((t) => this.inner.exec(`DROP TABLE IF EXISTS ${t}`)).catch(() => {});
			}
		}
		return made;
	}

	query<T extends object = Row>(sql: string): Promise<T[]> {
		let hit = this.cache.get(sql);
		if (!hit) {
			this.misses++;
			this.log?.push(sql);
			hit = this.inner.query<T>(sql);
			hit.catch(() => this.cache.delete(sql)); // never cache failures
			this.cache.set(sql, hit);
			if (this.cache.size > 500) this.cache.delete(this.cache.keys().next().value!);
		}
		return hit as Promise<T[]>;
	}

	async exec(sql: string): Promise<void> {
		this.clear();
		await this.inner.exec(sql);
	}

	registerFile(name: string, bytes: Uint8Array): Promise<void> {
		return this.inner.registerFile(name, bytes);
	}

	dropFile(name: string): Promise<void> {
		return this.inner.dropFile(name);
	}

	async insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
		this.clear();
		await this.inner.insertArrowIPC(table, ipc, create);
	}

	/** Forget every cached result and derived table (data changed). */
	clear(): void {
		this.cache.clear();
		for (const made of this.derived.values()) made.then((t) => this.inner.exec(`DROP TABLE IF EXISTS ${t}`)).catch(() => {});
		this.derived.clear();
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
