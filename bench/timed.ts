/**
 * A connector that runs one statement at a time (as the browser's single engine worker does) and
 * records each one's text with its wall and CPU time (this process's user + system: the wasm engine
 * runs in this thread, so on a shared machine the CPU time is the steadier figure). Used by the
 * development profiles (profile.ts, import-profile.ts, compare-profile.ts); `npm run bench` is the
 * measurement of record.
 */
import type { Connector, Row } from '../src/lib/engine/connector';
import type { Sql } from '../src/lib/engine/sql';

export type Timing = { sql: string; wall: number; cpu: number };

export class Timed implements Connector {
	log: Timing[] = [];
	private queue: Promise<unknown> = Promise.resolve();
	constructor(private inner: Connector) {}
	private timed<T>(q: Sql, run: () => Promise<T>): Promise<T> {
		const next = this.queue.then(async () => {
			const c0 = process.cpuUsage();
			const t0 = performance.now();
			const r = await run();
			const c = process.cpuUsage(c0);
			this.log.push({ sql: q.text, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
			return r;
		});
		this.queue = next.catch(() => {});
		return next;
	}
	query<T extends object = Row>(q: Sql): Promise<T[]> {
		return this.timed(q, () => this.inner.query<T>(q));
	}
	exec(q: Sql): Promise<void> {
		return this.timed(q, () => this.inner.exec(q));
	}
	registerFile = (n: string, b: Uint8Array) => this.inner.registerFile(n, b);
	dropFile = (n: string) => this.inner.dropFile(n);
	insertArrowIPC = (t: string, b: Uint8Array, c: boolean) => this.inner.insertArrowIPC(t, b, c);
}
