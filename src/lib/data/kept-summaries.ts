/**
 * A kept dataset's summaries (metrics/summaries.ts), kept beside it in the browser's storage
 * (store.ts saveDerived): built once, then restored on later starts by copying their small tables
 * from the kept file instead of a pass over every score row (after the first view, as a build
 * would be: restoring before it delayed the first chart by the copy's time). A cache only: when it is missing, stale or damaged the summaries are built as before.
 */
import type { Connector } from '../engine/connector';
import type { Summaries } from '../metrics/summaries';
import { restoreSummaries, summaryInfo, summaryTableRows } from '../metrics/summary-kept';
import { withAttachedFile, writeTablesFile } from './keep';
import type { DatasetStore, StoredMeta } from './store';

/** The summaries kept beside `stored`, recreated as the tables of `dataset`, or null when there are none to use. */
export async function restoreKeptSummaries(conn: Connector, store: DatasetStore, stored: StoredMeta, dataset: string): Promise<Summaries | null> {
	const kept = await store.loadDerived(stored);
	if (!kept) return null;
	try {
		return await withAttachedFile(conn, kept.bytes, (relation, name) => restoreSummaries(conn, dataset, { relation, name }, kept.info));
	} catch (e) {
		console.warn('kept summaries could not be read; they are built again', e);
		return null;
	}
}

/** Keep summaries `s` beside the kept dataset `stored` (written on `engine`, not through the result cache). */
export async function keepSummaries(engine: Connector, store: DatasetStore, stored: StoredMeta, s: Summaries, template: Uint8Array): Promise<void> {
	const file = await writeTablesFile(engine, summaryTableRows(s), template);
	await store.saveDerived(stored, file.bytes, summaryInfo(s));
}
