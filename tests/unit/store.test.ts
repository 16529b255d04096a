import { describe, expect, it } from 'vitest';
import { DamagedDatasetError, DATA_FILE, DatasetStore, StorageFullError, type DirHandle, type FileHandle, type LocksLike } from '../../src/lib/data/store';

/** An in-memory OPFS stand-in with fault injection. */
class MemDir implements DirHandle {
	dirs = new Map<string, MemDir>();
	files = new Map<string, Uint8Array>();
	constructor(private faults: { quotaAfterBytes?: number; written: number } = { written: 0 }) {}
	async getDirectoryHandle(name: string, opts?: { create?: boolean }) {
		if (!this.dirs.has(name)) {
			if (!opts?.create) throw new DOMException('not found', 'NotFoundError');
			this.dirs.set(name, new MemDir(this.faults));
		}
		return this.dirs.get(name)!;
	}
	async getFileHandle(name: string, opts?: { create?: boolean }): Promise<FileHandle> {
		if (!this.files.has(name) && !opts?.create) throw new DOMException('not found', 'NotFoundError');
		const self = this;
		return {
			async getFile() {
				const b = self.files.get(name) ?? new Uint8Array();
				return { size: b.byteLength, arrayBuffer: async () => b.slice().buffer, text: async () => new TextDecoder().decode(b) };
			},
			async createWritable() {
				let buf = new Uint8Array();
				return {
					async write(data: BufferSource | string) {
						const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data as ArrayBuffer);
						self.faults.written += bytes.byteLength;
						if (self.faults.quotaAfterBytes !== undefined && self.faults.written > self.faults.quotaAfterBytes)
							throw new DOMException('quota', 'QuotaExceededError');
						buf = bytes;
					},
					async close() {
						self.files.set(name, buf);
					},
					async abort() {}
				};
			}
		};
	}
	/** Removals to refuse before one succeeds (a writer's lock not yet released). */
	refuseRemovals = 0;
	async removeEntry(name: string) {
		if (this.refuseRemovals > 0) {
			this.refuseRemovals--;
			throw new DOMException('locked', 'NoModificationAllowedError');
		}
		this.dirs.delete(name);
		this.files.delete(name);
	}
	async *entries(): AsyncIterable<[string, { kind: 'file' | 'directory' }]> {
		for (const k of this.dirs.keys()) yield [k, { kind: 'directory' }];
		for (const k of this.files.keys()) yield [k, { kind: 'file' }];
	}
}

const meta = (id: string) => ({
	id, name: `set ${id}`, fileName: `${id}.csv`, rows: 3, clients: 1, instruments: ['bdi2'],
	importedAt: `2026-11-22T00:00:0${id.length}Z`, mapping: {}, counts: { rows_read: 3, rows_accepted: 3, rows_rejected: 0 }
});
const bytes = (n: number) => new Uint8Array(n).map((_, i) => i % 251);

describe('DatasetStore', () => {
	it('a cache derived from a dataset is used only while it belongs to that data file, and never stops it opening', async () => {
		const faults = { written: 0, quotaAfterBytes: undefined as number | undefined };
		const root = new MemDir(faults);
		const store = new DatasetStore(async () => root);
		const saved = await store.save(meta('d'), bytes(100));
		expect(await store.loadDerived(saved)).toBeNull(); // none yet
		await store.saveDerived(saved, bytes(40), { format: 1 });
		expect(await new DatasetStore(async () => root).loadDerived(saved)).toEqual({ bytes: bytes(40), info: { format: 1 } });
		// of other data (the data file was rewritten since, e.g. migrated): not used
		expect(await store.loadDerived({ ...saved, sha256: 'ab'.repeat(32) })).toBeNull();
		// damaged: not used, and the dataset itself still loads
		const dir = (await root.getDirectoryHandle('datasets')).dirs.get('d')!;
		const flipped = bytes(40);
		flipped[3] ^= 0xff;
		dir.files.set('summaries.duckdb', flipped);
		expect(await store.loadDerived(saved)).toBeNull();
		expect(await store.load(saved)).toEqual(bytes(100));
		// a write that fails midway (quota) leaves no cache that could be taken for whole, and the dataset as it was
		await store.saveDerived(saved, bytes(40), { format: 1 });
		faults.quotaAfterBytes = faults.written + 10;
		await expect(store.saveDerived(saved, bytes(60), { format: 2 })).rejects.toThrow(StorageFullError);
		expect(await store.loadDerived(saved)).toBeNull();
		expect((await store.list()).datasets.map((d) => d.id)).toEqual(['d']);
		expect(await store.load(saved)).toEqual(bytes(100));
	});

	it('keeps a dataset across "reloads" and returns the same bytes', async () => {
		const root = new MemDir();
		await new DatasetStore(async () => root).save(meta('a'), bytes(1000));
		const again = new DatasetStore(async () => root);
		const { datasets, problems } = await again.list();
		expect(problems).toEqual([]);
		expect(datasets.map((d) => d.id)).toEqual(['a']);
		expect(await again.load(datasets[0])).toEqual(bytes(1000));
	});

	it('quota exceeded: the new dataset is not kept, the old one is intact, the error says what to do', async () => {
		const faults = { written: 0, quotaAfterBytes: undefined as number | undefined };
		const root = new MemDir(faults);
		const store = new DatasetStore(async () => root);
		await store.save(meta('old'), bytes(500));
		faults.quotaAfterBytes = faults.written + 100;
		await expect(store.save(meta('new'), bytes(5000))).rejects.toThrow(StorageFullError);
		await expect(store.save(meta('new'), bytes(5000))).rejects.toThrow(/Delete a dataset/);
		const { datasets } = await store.list();
		expect(datasets.map((d) => d.id)).toEqual(['old']);
		expect(await store.load(datasets[0])).toEqual(bytes(500));
	});

	it('quota exceeded while the folder is still locked: the removal is tried again, nothing is left behind', async () => {
		const faults = { written: 0, quotaAfterBytes: undefined as number | undefined };
		const root = new MemDir(faults);
		const store = new DatasetStore(async () => root);
		await store.save(meta('old'), bytes(500));
		faults.quotaAfterBytes = faults.written + 100;
		const datasetsDir = (await root.getDirectoryHandle('datasets')) as MemDir;
		datasetsDir.refuseRemovals = 2;
		await expect(store.save(meta('new'), bytes(5000))).rejects.toThrow(StorageFullError);
		expect([...datasetsDir.dirs.keys()]).toEqual(['old']);
		expect(await store.list()).toEqual({ datasets: [expect.objectContaining({ id: 'old' })], problems: [] });
	});

	it('a folder removed between listing and reading it is skipped, not an error', async () => {
		const root = new MemDir();
		const store = new DatasetStore(async () => root);
		await store.save(meta('a'), bytes(10));
		await store.save(meta('bb'), bytes(10));
		const datasetsDir = (await root.getDirectoryHandle('datasets')) as MemDir;
		const entries = datasetsDir.entries.bind(datasetsDir);
		datasetsDir.entries = async function* () {
			for await (const e of entries()) yield e;
			datasetsDir.dirs.delete('a'); // another tab deletes it after the listing
		};
		expect((await store.list()).datasets.map((d) => d.id)).toEqual(['bb']);
	});

	it('an import interrupted before its meta was written is discarded and reported', async () => {
		const root = new MemDir();
		const store = new DatasetStore(async () => root);
		await store.save(meta('kept'), bytes(10));
		const half = await (await root.getDirectoryHandle('datasets')).getDirectoryHandle('half', { create: true });
		const w = await (await half.getFileHandle('data.arrow', { create: true })).createWritable();
		await w.write(bytes(10) as BufferSource);
		await w.close();
		const { datasets, problems } = await store.list();
		expect(datasets.map((d) => d.id)).toEqual(['kept']);
		expect(problems).toEqual([expect.objectContaining({ id: 'half', discarded: true })]);
		expect((await store.list()).problems).toEqual([]);
	});

	it('a corrupted data file is detected by checksum, not loaded', async () => {
		const root = new MemDir();
		const store = new DatasetStore(async () => root);
		const saved = await store.save(meta('c'), bytes(64));
		const dir = (await root.getDirectoryHandle('datasets')).dirs.get('c')!;
		const flipped = bytes(64);
		flipped[10] ^= 0xff;
		dir.files.set('data.duckdb', flipped);
		await expect(store.load(saved)).rejects.toThrow(DamagedDatasetError);
		dir.files.set('data.duckdb', bytes(63));
		await expect(store.load(saved)).rejects.toThrow(/size 63/);
	});

	it('a damaged meta file is reported and the other datasets still list', async () => {
		const root = new MemDir();
		const store = new DatasetStore(async () => root);
		await store.save(meta('good'), bytes(8));
		await store.save(meta('bad'), bytes(8));
		(await root.getDirectoryHandle('datasets')).dirs.get('bad')!.files.set('meta.json', new TextEncoder().encode('{not json'));
		const { datasets, problems } = await store.list();
		expect(datasets.map((d) => d.id)).toEqual(['good']);
		expect(problems).toEqual([expect.objectContaining({ id: 'bad', discarded: false })]);
	});

	it('two imports at once keep both datasets', async () => {
		const root = new MemDir();
		const tab1 = new DatasetStore(async () => root);
		const tab2 = new DatasetStore(async () => root);
		await Promise.all([tab1.save(meta('t1'), bytes(300)), tab2.save(meta('t2'), bytes(400))]);
		const { datasets } = await tab1.list();
		expect(datasets.map((d) => d.id).sort()).toEqual(['t1', 't2']);
		expect(await tab2.load(datasets.find((d) => d.id === 't1')!)).toEqual(bytes(300));
	});

	it('a tab starting while another tab is still saving leaves that save alone (it is not an interrupted import)', async () => {
		// Web Locks stand-in shared by both "tabs": exclusive locks, ifAvailable answers null when held.
		const held = new Set<string>();
		const locks: LocksLike = {
			async request<T>(name: string, a: unknown, b?: unknown): Promise<T> {
				const cb = (typeof a === 'function' ? a : b) as (l: unknown) => Promise<T> | T;
				if (typeof a === 'object' && (a as { ifAvailable?: boolean }).ifAvailable && held.has(name)) return cb(null);
				held.add(name);
				try {
					return await cb({ name });
				} finally {
					held.delete(name);
				}
			}
		};
		const root = new MemDir();
		const saver = new DatasetStore(async () => root, locks);
		const starter = new DatasetStore(async () => root, locks);
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		// tab 1 holds the lock with data.arrow written and meta.json not yet (a slow save of a big file)
		const inflight = locks.request('kap-outcomes-dataset:slow', async () => {
			const d = await (await root.getDirectoryHandle('datasets', { create: true })).getDirectoryHandle('slow', { create: true });
			const w = await (await d.getFileHandle('data.arrow', { create: true })).createWritable();
			await w.write(bytes(10) as BufferSource);
			await w.close();
			await gate;
		});
		await new Promise((r) => setTimeout(r, 0));
		const during = await starter.list();
		expect(during.problems).toEqual([]);
		expect((await root.getDirectoryHandle('datasets')).dirs.has('slow')).toBe(true);
		release();
		await inflight;
		// once nobody holds it, a folder still without meta.json really is an interrupted import
		expect((await starter.list()).problems).toEqual([expect.objectContaining({ id: 'slow', discarded: true })]);
		await saver.save(meta('real'), bytes(5));
		expect((await starter.list()).datasets.map((d) => d.id)).toEqual(['real']);
	});

	it('records the format: new datasets are DuckDB files (format 2) with the engine version that wrote them', async () => {
		const root = new MemDir();
		const store = new DatasetStore(async () => root);
		const saved = await store.save(meta('d'), bytes(40), 2, 'v1.4.3');
		expect(saved).toMatchObject({ version: 2, engine: 'v1.4.3', bytes: 40 });
		const dir = (await root.getDirectoryHandle('datasets')).dirs.get('d')!;
		expect([...dir.files.keys()].sort()).toEqual(['data.duckdb', 'meta.json']);
		expect(JSON.parse(new TextDecoder().decode(dir.files.get('meta.json')))).toMatchObject({ version: 2, engine: 'v1.4.3' });
	});

	it('a dataset kept in the old format (Arrow IPC, format 1) still lists and loads, and migrates in place', async () => {
		const root = new MemDir();
		// written exactly as the previous release did: data.arrow + meta.json with version 1
		const sub = await (await root.getDirectoryHandle('datasets', { create: true })).getDirectoryHandle('old', { create: true });
		const ipc = bytes(300);
		const { sha256 } = await import('../../src/lib/data/store');
		const v1 = { ...meta('old'), bytes: 300, sha256: await sha256(ipc), version: 1 };
		sub.files.set('data.arrow', ipc);
		sub.files.set('meta.json', new TextEncoder().encode(JSON.stringify(v1)));
		const store = new DatasetStore(async () => root);
		const [listed] = (await store.list()).datasets;
		expect(listed.version).toBe(1);
		expect(await store.load(listed)).toEqual(ipc);
		const migrated = await store.migrate(listed, bytes(90), 'v1.4.3');
		expect(migrated).toMatchObject({ version: 2, bytes: 90, engine: 'v1.4.3', name: 'set old' });
		expect([...sub.files.keys()].sort()).toEqual([DATA_FILE[2], 'meta.json']);
		const [again] = (await new DatasetStore(async () => root).list()).datasets;
		expect(again.version).toBe(2);
		expect(await store.load(again)).toEqual(bytes(90));
	});

	it('a migration that runs out of space leaves the old format intact and usable', async () => {
		const faults = { written: 0, quotaAfterBytes: undefined as number | undefined };
		const root = new MemDir(faults);
		const store = new DatasetStore(async () => root);
		const old = await store.save(meta('m'), bytes(200), 1);
		faults.quotaAfterBytes = faults.written + 10;
		await expect(store.migrate(old, bytes(100), 'v1.4.3')).rejects.toThrow(StorageFullError);
		const sub = (await root.getDirectoryHandle('datasets')).dirs.get('m')!;
		expect([...sub.files.keys()].sort()).toEqual(['data.arrow', 'meta.json']);
		const [listed] = (await store.list()).datasets;
		expect(listed.version).toBe(1);
		expect(await store.load(listed)).toEqual(bytes(200));
	});
});
