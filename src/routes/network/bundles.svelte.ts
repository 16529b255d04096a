/**
 * The site bundles open in this tab (dropped on /network or opened from /data): read, validated
 * (zod + internal arithmetic, schema.ts) and pooled. Bundles are aggregates a clinic chose to share;
 * they stay in this tab's memory and are never sent anywhere.
 */
import { poolBundles, type PooledReport } from '$lib/network/pool';
import { parseBundle, type Bundle } from '$lib/network/schema';

export interface OpenBundle {
	/** File name. */
	name: string;
	bundle: Bundle | null;
	/** Why the file cannot be used, in words. */
	error: string | null;
}

/** Largest bundle file read (a bundle of 10 routes × 10 instruments × 40 time points is well under 5 MB). */
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

class NetworkBundles {
	files = $state<OpenBundle[]>([]);

	readonly usable = $derived(this.files.filter((f) => f.bundle !== null).map((f) => f.bundle!));

	/** The pooled report, or why the usable bundles cannot be pooled together. */
	readonly pooled = $derived.by((): { report: PooledReport | null; error: string | null } => {
		if (!this.usable.length) return { report: null, error: null };
		try {
			return { report: poolBundles(this.usable), error: null };
		} catch (e) {
			return { report: null, error: e instanceof Error ? e.message : String(e) };
		}
	});

	/** Read and validate files; a file with the name of an open one replaces it. */
	async add(list: Iterable<File>): Promise<void> {
		for (const file of list) {
			const entry: OpenBundle = { name: file.name, bundle: null, error: null };
			if (file.size > MAX_BUNDLE_BYTES) entry.error = `${file.name} is ${(file.size / 1e6).toFixed(0)} MB; a site bundle is at most ${MAX_BUNDLE_BYTES / 1e6} MB`;
			else {
				const r = parseBundle(await file.text(), file.name);
				if ('error' in r) entry.error = r.error;
				else entry.bundle = r.bundle;
			}
			this.files = [...this.files.filter((f) => f.name !== file.name), entry];
		}
	}

	remove(name: string): void {
		this.files = this.files.filter((f) => f.name !== name);
	}
}

export const network = new NetworkBundles();
