/**
 * Datasets kept across reloads, in the browser's Origin Private File System (OPFS).
 *
 * Each dataset is a folder `datasets/<id>/` with `data.arrow` (the canonical rows as an Arrow IPC
 * stream) and `meta.json`. The meta file is written last and is the commit mark: a folder without
 * it is an interrupted import and is discarded on the next start. The meta file records the data
 * size and SHA-256, so a damaged file is detected before it is loaded, and reported instead of
 * crashing the app. Writes for different datasets never touch a shared file, so two tabs importing
 * at once cannot corrupt each other; a failed write (quota) removes only its own folder.
 */

export interface StoredMeta {
	id: string;
	name: string;
	fileName: string;
	rows: number;
	clients: number;
	instruments: string[];
	importedAt: string;
	bytes: number;
	sha256: string;
	/** The mapping used (JSON), so the user can download and reuse it. */
	mapping: unknown;
	/** rows_read / rows_accepted / rows_rejected of the import. */
	counts: { rows_read: number; rows_accepted: number; rows_rejected: number };
	version: 1;
	/** Canonical schema the data were written with (model/upgrade.ts); absent = 1. Upgraded on open. */
	schema?: number;
}

/** The subset of the OPFS directory API the store uses (so tests can give it an in-memory one). */
export interface DirHandle {
	getDirectoryHandle(name: string, opts?: { create?: boolean }): Promise<DirHandle>;
	getFileHandle(name: string, opts?: { create?: boolean }): Promise<FileHandle>;
	removeEntry(name: string, opts?: { recursive?: boolean }): Promise<void>;
	entries(): AsyncIterable<[string, { kind: 'file' | 'directory' }]>;
}
export interface FileHandle {
	getFile(): Promise<{ size: number; arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> }>;
	createWritable(): Promise<{ write(data: BufferSource | string): Promise<void>; close(): Promise<void>; abort?(): Promise<void> }>;
}

export class StorageFullError extends Error {
	constructor(needed: number) {
		super(
			`the browser's storage for this site is full (${(needed / 1e6).toFixed(1)} MB needed). ` +
				'Delete a dataset you no longer need on this page, or free disk space, then import again. Nothing already kept was changed.'
		);
		this.name = 'StorageFullError';
	}
}

export class DamagedDatasetError extends Error {
	constructor(readonly id: string, reason: string) {
		super(`stored dataset ${id} is damaged (${reason}); delete it and import the file again`);
		this.name = 'DamagedDatasetError';
	}
}

export interface ListResult {
	datasets: StoredMeta[];
	/** Folders that could not be read: damaged meta, or interrupted imports that were discarded. */
	problems: { id: string; reason: string; discarded: boolean }[];
}

/** SHA-256 of `bytes` as hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The part of the Web Locks API the store uses (shared by every tab of the origin). */
export interface LocksLike {
	request<T>(name: string, opts: { ifAvailable?: boolean }, cb: (lock: unknown) => Promise<T> | T): Promise<T>;
	request<T>(name: string, cb: (lock: unknown) => Promise<T> | T): Promise<T>;
}

const lockName = (id: string) => `kap-outcomes-dataset:${id}`;

export class DatasetStore {
	/**
	 * `locks`: while a tab saves a dataset it holds that dataset's lock, so another tab starting at that
	 * moment sees a folder without meta.json that is still being written — not an interrupted import —
	 * and leaves it alone. Without locks (old browsers, Node) a meta-less folder is taken as interrupted.
	 */
	constructor(
		private root: () => Promise<DirHandle>,
		private locks: LocksLike | null = null
	) {}

	/** True when another tab (or this one) is saving dataset `id` right now. */
	private async saving(id: string): Promise<boolean> {
		if (!this.locks) return false;
		return this.locks.request(lockName(id), { ifAvailable: true }, (lock) => lock === null);
	}

	private async folder(): Promise<DirHandle> {
		return (await this.root()).getDirectoryHandle('datasets', { create: true });
	}

	/** Every kept dataset, oldest first; interrupted imports are removed and reported. */
	async list(): Promise<ListResult> {
		const dir = await this.folder();
		const datasets: StoredMeta[] = [];
		const problems: ListResult['problems'] = [];
		const names: string[] = [];
		for await (const [name, entry] of dir.entries()) if (entry.kind === 'directory') names.push(name);
		for (const id of names) {
			const sub = await dir.getDirectoryHandle(id);
			let metaText: string | null = null;
			try {
				metaText = await (await (await sub.getFileHandle('meta.json')).getFile()).text();
			} catch {
				if (await this.saving(id)) continue; // another tab is writing it: not ours to judge yet
				await dir.removeEntry(id, { recursive: true }).catch(() => {});
				problems.push({ id, reason: 'an import was interrupted before it finished (e.g. the page was reloaded); its partial data were discarded', discarded: true });
				continue;
			}
			try {
				const meta = JSON.parse(metaText) as StoredMeta;
				if (meta.version !== 1 || meta.id !== id || typeof meta.sha256 !== 'string') throw new Error('unknown format');
				datasets.push(meta);
			} catch {
				problems.push({ id, reason: 'its description file is unreadable', discarded: false });
			}
		}
		datasets.sort((a, b) => a.importedAt.localeCompare(b.importedAt));
		return { datasets, problems };
	}

	/** Keep `data` under `meta.id`. All-or-nothing: on failure nothing of this dataset remains. */
	async save(meta: Omit<StoredMeta, 'bytes' | 'sha256' | 'version'>, data: Uint8Array): Promise<StoredMeta> {
		return this.locks ? this.locks.request(lockName(meta.id), () => this.write(meta, data)) : this.write(meta, data);
	}

	private async write(meta: Omit<StoredMeta, 'bytes' | 'sha256' | 'version'>, data: Uint8Array): Promise<StoredMeta> {
		const dir = await this.folder();
		const full: StoredMeta = { ...meta, bytes: data.byteLength, sha256: await sha256(data), version: 1 };
		try {
			const sub = await dir.getDirectoryHandle(meta.id, { create: true });
			await writeFile(sub, 'data.arrow', data);
			await writeFile(sub, 'meta.json', JSON.stringify(full)); // commit mark, written last
			return full;
		} catch (e) {
			await dir.removeEntry(meta.id, { recursive: true }).catch(() => {});
			if (isQuotaError(e)) throw new StorageFullError(data.byteLength);
			throw e;
		}
	}

	/** The data of a kept dataset, verified against its recorded size and checksum. */
	async load(meta: StoredMeta): Promise<Uint8Array> {
		const dir = await this.folder();
		let bytes: Uint8Array;
		try {
			const sub = await dir.getDirectoryHandle(meta.id);
			bytes = new Uint8Array(await (await (await sub.getFileHandle('data.arrow')).getFile()).arrayBuffer());
		} catch {
			throw new DamagedDatasetError(meta.id, 'its data file is missing');
		}
		if (bytes.byteLength !== meta.bytes) throw new DamagedDatasetError(meta.id, `size ${bytes.byteLength} instead of ${meta.bytes} bytes`);
		if ((await sha256(bytes)) !== meta.sha256) throw new DamagedDatasetError(meta.id, 'its checksum does not match');
		return bytes;
	}

	/** Forget a dataset (data and description). */
	async remove(id: string): Promise<void> {
		const dir = await this.folder();
		await dir.removeEntry(id, { recursive: true }).catch(() => {});
	}
}

async function writeFile(dir: DirHandle, name: string, data: Uint8Array | string): Promise<void> {
	const handle = await dir.getFileHandle(name, { create: true });
	const w = await handle.createWritable();
	try {
		await w.write(typeof data === 'string' ? data : (data as BufferSource));
		await w.close();
	} catch (e) {
		await w.abort?.().catch(() => {});
		throw e;
	}
}

function isQuotaError(e: unknown): boolean {
	return e instanceof Error && (e.name === 'QuotaExceededError' || /quota/i.test(e.message));
}

/** The store on the browser's OPFS, or null where the browser has none (then nothing is kept). */
export function browserStore(): DatasetStore | null {
	if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
	return new DatasetStore(() => navigator.storage.getDirectory() as unknown as Promise<DirHandle>, (navigator.locks as unknown as LocksLike) ?? null);
}

/** Bytes used and available to this site, as the browser reports them. */
export async function storageUsage(): Promise<{ used: number; quota: number } | null> {
	if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
	const e = await navigator.storage.estimate();
	return { used: e.usage ?? 0, quota: e.quota ?? 0 };
}
