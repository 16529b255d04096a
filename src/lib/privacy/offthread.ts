/**
 * `protectSections` run in a Web Worker (sections.worker.ts) where the browser offers one, so a
 * page's one export is worked out without blocking the main thread; elsewhere (Node, tests) and if
 * the worker fails, in place. Same function, same result: the worker only moves where it runs.
 * One worker serves the app; requests are answered in order, each by its id.
 */
import { protectSections, type Sections } from './report';
import type { Row, TableSpec } from './spec';
import type { AuditRequest, AuditResponse } from './sections.worker';

type Result = ReturnType<typeof protectSections>;
type Pending = { resolve: (r: Result) => void; reject: (e: Error) => void };

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function auditWorker(): Worker | null {
	if (worker !== undefined) return worker;
	if (typeof Worker === 'undefined' || typeof window === 'undefined') return (worker = null);
	try {
		worker = new Worker(new URL('./sections.worker.ts', import.meta.url), { type: 'module' });
	} catch {
		return (worker = null);
	}
	worker.onmessage = (e: MessageEvent<AuditResponse>) => {
		const p = pending.get(e.data.id);
		if (!p) return;
		pending.delete(e.data.id);
		if ('result' in e.data) p.resolve(e.data.result);
		else p.reject(new Error(e.data.error));
	};
	worker.onerror = () => {
		// the worker could not start or stopped: every waiting request is worked out in place
		worker?.terminate();
		worker = null;
		for (const p of pending.values()) p.reject(new Error('audit worker stopped'));
		pending.clear();
	};
	return worker;
}

/**
 * `protectSections(sections, minCell, more)` off the main thread. `sections` and `more` must be plain
 * data, not Svelte's deep `$state` proxies (MetricLoader keeps its rows raw): they are copied to the
 * worker, and a proxy cannot be (the export is then worked out in place).
 */
export function protectSectionsOffThread(sections: Sections, minCell: number, more: { spec: TableSpec; rows: Row[] }[] = []): Promise<Result> {
	const w = auditWorker();
	if (!w) return Promise.resolve().then(() => protectSections(sections, minCell, more));
	const id = nextId++;
	return new Promise<Result>((resolve, reject) => {
		pending.set(id, { resolve, reject });
		try {
			w.postMessage({ id, sections, minCell, more } satisfies AuditRequest);
		} catch (e) {
			pending.delete(id);
			reject(e instanceof Error ? e : new Error(String(e)));
		}
	}).catch(() => protectSections(sections, minCell, more));
}
