/**
 * The page's handle on one import: a dedicated worker (see import/import.worker.ts) with promise
 * calls. `cancel()` terminates the worker, which stops any work at once; nothing was loaded yet,
 * so the data already in the app are untouched.
 */
import type { Mapping } from '../import/mapping';
import type { ApplyResult, FileSummary, PreviewResult, WorkerRequest, WorkerResponse } from '../import/worker-protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (f: number) => void };
type Payload<K extends WorkerRequest['kind']> = Omit<Extract<WorkerRequest, { kind: K }>, 'id' | 'kind'>;

export class ImportSession {
	private worker: Worker;
	private nextId = 1;
	private pending = new Map<number, Pending>();

	constructor() {
		this.worker = new Worker(new URL('../import/import.worker.ts', import.meta.url), { type: 'module' });
		this.worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
			const msg = e.data;
			const p = this.pending.get(msg.id);
			if (!p) return;
			if (msg.kind === 'progress') p.onProgress?.(msg.fraction);
			else {
				this.pending.delete(msg.id);
				if (msg.kind === 'done') p.resolve(msg.result);
				else {
					const err = new Error(msg.message);
					err.name = msg.name;
					p.reject(err);
				}
			}
		};
		this.worker.onerror = (e) => this.failAll(new Error(e.message || 'the import worker stopped unexpectedly'));
	}

	private call<T>(kind: WorkerRequest['kind'], payload: object, onProgress?: (f: number) => void, transfer: Transferable[] = []): Promise<T> {
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
			this.worker.postMessage({ id, kind, ...payload }, transfer);
		});
	}

	/** Read a file (bytes are moved to the worker). */
	read(bytes: Uint8Array, fileName: string, sheet?: string): Promise<FileSummary> {
		return this.call<FileSummary>('read', { bytes, fileName, sheet } satisfies Payload<'read'>, undefined, [bytes.buffer]);
	}

	/** Apply `mapping` to the first `rows` rows only, for the preview. */
	preview(mapping: Mapping, rows = 500): Promise<PreviewResult> {
		return this.call<PreviewResult>('preview', { mapping: plain(mapping), rows } satisfies Payload<'preview'>);
	}

	/** Map and validate the whole file; accepted rows come back as Arrow IPC. */
	apply(mapping: Mapping, onProgress: (f: number) => void): Promise<ApplyResult> {
		return this.call<ApplyResult>('apply', { mapping: plain(mapping) } satisfies Payload<'apply'>, onProgress);
	}

	/** CSV of the rejected rows of the last `apply`, with a `reason` column. */
	rejectedCsv(): Promise<string> {
		return this.call<string>('rejected-csv', {});
	}

	/** Stop everything now. Pending calls reject with an AbortError. */
	cancel(): void {
		this.worker.terminate();
		const e = new Error('import cancelled');
		e.name = 'AbortError';
		this.failAll(e);
	}

	private failAll(e: Error) {
		for (const p of this.pending.values()) p.reject(e);
		this.pending.clear();
	}
}

/** A mapping is JSON by definition; a JSON copy also strips the UI's reactive proxies, which cannot be posted. */
function plain(mapping: Mapping): Mapping {
	return JSON.parse(JSON.stringify(mapping)) as Mapping;
}
