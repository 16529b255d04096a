/**
 * The page's handle on one import: a dedicated worker (see import/import.worker.ts) with promise
 * calls. `cancel()` terminates the worker, which stops any work at once; nothing was loaded yet,
 * so the data already in the app are untouched.
 *
 * A file DuckDB can read (summary.engine.ok) is imported in the engine instead (issue 11): the worker
 * hands over the checked bytes as a Blob (which the engine reads in slices, never copying the file into
 * its memory), `importPreparedCsv` reads and validates them in SQL into a staging table, and only the report comes back. Keeping renames that table; discarding drops it. If the
 * mapping needs what the SQL path does not do, the worker's JavaScript importer runs as before.
 */
import type { Mapping } from '../import/mapping';
import type { ApplyResult, FileSummary, PreviewResult, SessionApplyResult, SessionPreviewResult, WorkerRequest, WorkerResponse } from '../import/worker-protocol';
import type { SessionMapping } from '../import/sessions';
import type { PreparedCsv } from '../import/duck/prepare';
import { sql, ident } from '../engine/sql';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (f: number) => void };
type Payload<K extends WorkerRequest['kind']> = Omit<Extract<WorkerRequest, { kind: K }>, 'id' | 'kind'>;

export class ImportSession {
	private worker: Worker;
	private nextId = 1;
	private pending = new Map<number, Pending>();
	private summary: FileSummary | null = null;
	/** Staging tables this session made in the engine and that were not kept (dropped on cancel). */
	private staged = new Set<string>();

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
			this.worker.postMessage(cloneable({ id, kind, ...payload }), transfer);
		});
	}

	/** Read a file (bytes are moved to the worker). */
	async read(bytes: Uint8Array, fileName: string, sheet?: string): Promise<FileSummary> {
		this.summary = await this.call<FileSummary>('read', { bytes, fileName, sheet } satisfies Payload<'read'>, undefined, [bytes.buffer]);
		return this.summary;
	}

	/** Apply `mapping` to the first `rows` rows only, for the preview. */
	preview(mapping: Mapping, rows = 500): Promise<PreviewResult> {
		return this.call<PreviewResult>('preview', { mapping: plain(mapping), rows } satisfies Payload<'preview'>);
	}

	/**
	 * Map and validate the whole file: in the engine when DuckDB reads it (accepted rows in
	 * `result.table`), else in the worker (accepted rows as Arrow IPC in `result.ipc`).
	 */
	async apply(mapping: Mapping, onProgress: (f: number) => void): Promise<ApplyResult> {
		let note = this.summary?.engine.note;
		if (this.summary?.engine.ok) {
			const [{ getEngine }, { importPreparedCsv, UseJavaScript }] = await Promise.all([import('../engine/browser'), import('../import/duck/index')]);
			const prepared = await this.call<PreparedCsv>('prepared', {});
			onProgress(0.1);
			const engine = await getEngine();
			const table = `staging_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
			try {
				this.staged.add(table);
				const out = await importPreparedCsv(engine, prepared, plain(mapping), table);
				out.report.reader = { path: 'duckdb', note: note! };
				onProgress(1);
				return { report: out.report, unknownLabels: out.unknownLabels, extraColumns: out.extraColumns, mapping: out.mapping, table };
			} catch (e) {
				await this.drop(table);
				if (!(e instanceof UseJavaScript)) throw e;
				note = `read by the JavaScript importer (${e.message})`;
			}
		}
		return this.call<ApplyResult>('apply', { mapping: plain(mapping), note } satisfies Payload<'apply'>, onProgress);
	}

	/** Apply a session mapping to the first `rows` rows only, for the preview. */
	previewSessions(mapping: SessionMapping, rows = 500): Promise<SessionPreviewResult> {
		return this.call<SessionPreviewResult>('preview-sessions', { mapping: JSON.parse(JSON.stringify(mapping)), rows } satisfies Payload<'preview-sessions'>);
	}

	/** Map and validate a file of dosing-session records (in the worker). */
	applySessions(mapping: SessionMapping): Promise<SessionApplyResult> {
		return this.call<SessionApplyResult>('apply-sessions', { mapping: JSON.parse(JSON.stringify(mapping)) } satisfies Payload<'apply-sessions'>);
	}

	/**
	 * Put accepted rows given as Arrow IPC (session records, or scores from the JavaScript importer)
	 * into a new staging table of the engine, to link them to a loaded dataset before they are kept.
	 * Dropped with the session unless kept.
	 */
	async stage(ipc: Uint8Array, holds: 'scores' | 'sessions'): Promise<string> {
		const [{ getEngine }, { loadSessionIPC }] = await Promise.all([import('../engine/browser'), import('../import/sessions-load')]);
		const engine = await getEngine();
		const table = `staging_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
		this.staged.add(table);
		if (holds === 'sessions') await loadSessionIPC(engine, table, ipc);
		else await engine.insertArrowIPC(table, ipc, true);
		return table;
	}

	/** The staging table of a result was kept (renamed): no longer this session's to drop. */
	kept(table: string): void {
		this.staged.delete(table);
	}

	/** Drop a staging table of this session (a discarded or superseded result). */
	async drop(table: string | undefined): Promise<void> {
		if (!table || !this.staged.delete(table)) return;
		const { getEngine } = await import('../engine/browser');
		await (await getEngine()).exec(sql`DROP TABLE IF EXISTS ${ident(table)}`).catch(() => {});
	}

	/** CSV of the rejected rows of `report`, with a `reason` column. */
	rejectedCsv(report?: import('../import/types').ImportReport): Promise<string> {
		return this.call<string>('rejected-csv', { report } satisfies Payload<'rejected-csv'>);
	}

	/** Stop everything now. Pending calls reject with an AbortError. */
	cancel(): void {
		this.worker.terminate();
		for (const t of [...this.staged]) void this.drop(t);
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

/**
 * A deep copy made of plain objects and arrays (binary data kept as is): a mapping edited on the page
 * is a Svelte state proxy, which `postMessage` cannot clone ("#<Object> could not be cloned").
 */
function cloneable(v: unknown): unknown {
	if (v === null || typeof v !== 'object') return v;
	if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Blob) return v;
	if (Array.isArray(v)) return v.map(cloneable);
	const out: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(v)) out[k] = cloneable(x);
	return out;
}
