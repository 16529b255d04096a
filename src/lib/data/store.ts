/**
 * Datasets kept across reloads, in the browser's Origin Private File System (OPFS).
 *
 * Each dataset is a folder `datasets/<id>/` with one data file and `meta.json`. The data file is a
 * DuckDB database file (`data.duckdb`, table `scores`, format 2), which the engine attaches as it is:
 * nothing is re-inserted on reload. Datasets kept before format 2 hold an Arrow IPC stream
 * (`data.arrow`, format 1); they still open (inserted as before) and are then migrated in place.
 *
 * A folder may also hold a cache derived from the data file (`summaries.duckdb` + `derived.json`, see
 * `saveDerived`); it is never needed to open the dataset.
 *
 * The meta file is written last and is the commit mark: a folder without it is an interrupted
 * import and is discarded on the next start. It records the data file's name, format, size and
 * SHA-256, and the DuckDB version that wrote it. A damaged file is detected by the checksum before
 * DuckDB sees it and reported instead of crashing the app; a file whose checksum matches but that
 * DuckDB still refuses (say, written by a newer DuckDB storage format) fails at ATTACH and is reported
 * the same way. Writes for different datasets never touch a shared file, so two tabs importing at
 * once cannot corrupt each other; a failed write (quota) removes only what it wrote.
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
	/** A dataset made of scores and session records from two files: the session records' mapping. */
	sessionMapping?: unknown;
	/** rows_read / rows_accepted / rows_rejected of the import. */
	counts: { rows_read: number; rows_accepted: number; rows_rejected: number };
	/** Format of the kept files: 1 = `data.arrow` (Arrow IPC stream), 2 = `data.duckdb` (DuckDB database, table `scores`). */
	version: StoredVersion;
	/** Format 2: the DuckDB library version that wrote the file (e.g. `v1.4.3`); a newer engine reads older files. */
	engine?: string;
	/** Canonical schema the data were written with (model/upgrade.ts); absent = 1. Upgraded on open. */
	schema?: number;
	/**
	 * The counts of the data file's tables (describe.ts `Described`), worked out when it was written;
	 * absent when kept before 2026-12-03. Trusted as far as the data file passes its checksum (`sha256`,
	 * saved in the same description).
	 */
	described?: unknown;
}

export type StoredVersion = 1 | 2;
/** The current format: a DuckDB database file. */
export const STORE_VERSION = 2;
/** Name of the data file of each format. */
export const DATA_FILE: Record<StoredVersion, string> = { 1: 'data.arrow', 2: 'data.duckdb' };
/** A cache derived from a dataset's data file (its summary tables), kept beside it: file and commit mark. */
const DERIVED_FILE = 'summaries.duckdb';
const DERIVED_META = 'derived.json';
interface DerivedMeta {
	/** SHA-256 of the data file the cache was derived from. */
	dataSha256: string;
	bytes: number;
	sha256: string;
	info: unknown;
}
/** What `save` needs: the meta without what the store fills in. */
export type NewMeta = Omit<StoredMeta, 'bytes' | 'sha256' | 'version' | 'engine'>;

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
			let sub: DirHandle;
			try {
				sub = await dir.getDirectoryHandle(id);
			} catch (e) {
				if (isNotFound(e)) continue; // removed since it was listed (another tab deleted it, or a failed save finished removing it)
				throw e;
			}
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
				if (!(meta.version in DATA_FILE) || meta.id !== id || typeof meta.sha256 !== 'string') throw new Error('unknown format');
				datasets.push(meta);
			} catch {
				problems.push({ id, reason: 'its description file is unreadable', discarded: false });
			}
		}
		datasets.sort((a, b) => a.importedAt.localeCompare(b.importedAt));
		return { datasets, problems };
	}

	/**
	 * Keep `data` (a file of format `version`) under `meta.id`. All-or-nothing: on failure nothing of
	 * this dataset remains. `engine`: the DuckDB version that wrote a format-2 file.
	 */
	async save(meta: NewMeta, data: Uint8Array, version: StoredVersion = STORE_VERSION, engine?: string): Promise<StoredMeta> {
		const run = () => this.write(meta, data, version, engine);
		return this.locks ? this.locks.request(lockName(meta.id), run) : run();
	}

	private async write(meta: NewMeta, data: Uint8Array, version: StoredVersion, engine?: string): Promise<StoredMeta> {
		const dir = await this.folder();
		const full: StoredMeta = { ...meta, bytes: data.byteLength, sha256: await sha256(data), version, ...(engine ? { engine } : {}) };
		try {
			const sub = await dir.getDirectoryHandle(meta.id, { create: true });
			await writeFile(sub, DATA_FILE[version], data);
			await writeFile(sub, 'meta.json', JSON.stringify(full)); // commit mark, written last
			return full;
		} catch (e) {
			await removeFolder(dir, meta.id).catch(() => {}); // if it still stands, the next start discards it and says so
			if (isQuotaError(e)) throw new StorageFullError(data.byteLength);
			throw e;
		}
	}

	/**
	 * Replace a kept format-1 dataset's Arrow file with a DuckDB file of the same rows. Safe at every
	 * step: the new file is written beside the old one, the meta (the commit mark) is rewritten to
	 * point at it, and only then the old file is removed. If anything fails before the meta is
	 * rewritten, the old meta still names the old file and the dataset opens as before; the half-written
	 * new file is removed (or overwritten by the next attempt).
	 */
	async migrate(meta: StoredMeta, data: Uint8Array, engine: string): Promise<StoredMeta> {
		const run = async () => {
			const sub = await (await this.folder()).getDirectoryHandle(meta.id);
			const full: StoredMeta = { ...meta, bytes: data.byteLength, sha256: await sha256(data), version: 2, engine };
			try {
				await writeFile(sub, DATA_FILE[2], data);
				await writeFile(sub, 'meta.json', JSON.stringify(full));
			} catch (e) {
				await sub.removeEntry(DATA_FILE[2]).catch(() => {});
				if (isQuotaError(e)) throw new StorageFullError(data.byteLength);
				throw e;
			}
			await sub.removeEntry(DATA_FILE[meta.version]).catch(() => {});
			return full;
		};
		return this.locks ? this.locks.request(lockName(meta.id), run) : run();
	}

	/** The data file of a kept dataset, verified against its recorded size and checksum. */
	async load(meta: StoredMeta): Promise<Uint8Array> {
		const dir = await this.folder();
		let bytes: Uint8Array;
		try {
			const sub = await dir.getDirectoryHandle(meta.id);
			bytes = new Uint8Array(await (await (await sub.getFileHandle(DATA_FILE[meta.version])).getFile()).arrayBuffer());
		} catch {
			throw new DamagedDatasetError(meta.id, 'its data file is missing');
		}
		if (bytes.byteLength !== meta.bytes) throw new DamagedDatasetError(meta.id, `size ${bytes.byteLength} instead of ${meta.bytes} bytes`);
		if ((await sha256(bytes)) !== meta.sha256) throw new DamagedDatasetError(meta.id, 'its checksum does not match');
		return bytes;
	}

	/**
	 * Keep `data` beside dataset `meta.id` as a cache derived from its data file (the dataset's summary
	 * tables), with `info` describing it. Never needed to open the dataset: the cache's own commit mark
	 * (`derived.json`, written last) records the checksum of the data file it was derived from, so a cache
	 * of other data, or a half-written one, is never used. Failures throw and leave the dataset as it was.
	 */
	async saveDerived(meta: StoredMeta, data: Uint8Array, info: unknown): Promise<void> {
		const run = async () => {
			const sub = await (await this.folder()).getDirectoryHandle(meta.id);
			await sub.removeEntry(DERIVED_META).catch(() => {}); // the old cache is void before its file is overwritten
			const mark: DerivedMeta = { dataSha256: meta.sha256, bytes: data.byteLength, sha256: await sha256(data), info };
			try {
				await writeFile(sub, DERIVED_FILE, data);
				await writeFile(sub, DERIVED_META, JSON.stringify(mark));
			} catch (e) {
				await sub.removeEntry(DERIVED_FILE).catch(() => {});
				if (isQuotaError(e)) throw new StorageFullError(data.byteLength);
				throw e;
			}
		};
		return this.locks ? this.locks.request(lockName(meta.id), run) : run();
	}

	/**
	 * The cache kept beside dataset `meta` by `saveDerived`, verified, or null when there is none that
	 * belongs to this data file (absent, derived from other data, damaged): then the caller derives it again.
	 */
	async loadDerived(meta: StoredMeta): Promise<{ bytes: Uint8Array; info: unknown } | null> {
		try {
			const sub = await (await this.folder()).getDirectoryHandle(meta.id);
			const mark = JSON.parse(await (await (await sub.getFileHandle(DERIVED_META)).getFile()).text()) as DerivedMeta;
			if (mark.dataSha256 !== meta.sha256) return null;
			const bytes = new Uint8Array(await (await (await sub.getFileHandle(DERIVED_FILE)).getFile()).arrayBuffer());
			if (bytes.byteLength !== mark.bytes || (await sha256(bytes)) !== mark.sha256) return null;
			return { bytes, info: mark.info };
		} catch {
			return null;
		}
	}

	/** Forget a dataset (data and description). */
	async remove(id: string): Promise<void> {
		const dir = await this.folder();
		await removeFolder(dir, id).catch(() => {});
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

/**
 * Remove folder `name` and everything in it, trying again a few times when refused. A removal right
 * after a failed write can meet the aborted writer's lock not yet released. A CI run (on 7a51003) once
 * found a failed save's folder on the next start and reported it as an interrupted import; a refused
 * removal, swallowed, is the likely cause.
 */
async function removeFolder(dir: DirHandle, name: string, attempts = 6): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await dir.removeEntry(name, { recursive: true });
			return;
		} catch (e) {
			if (isNotFound(e)) return;
			if (attempt >= attempts) throw e;
			await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
		}
	}
}

function isNotFound(e: unknown): boolean {
	return e instanceof Error && e.name === 'NotFoundError';
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
