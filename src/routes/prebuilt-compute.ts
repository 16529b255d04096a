/**
 * Compute the demo's prebuilt overview on any connector (the build step in Node; the tests). The
 * same steps the page takes: the demo table, the `scores` view, its description, the first outcome instrument, the
 * overview's metric calls with no filters.
 */
import type { Connector } from '../lib/engine/connector';
import { createDemoTables, type DemoFiles } from '../lib/data/demo-table';
import { createDatasetViews } from '../lib/metrics/views';
import { outcomeInstruments } from '../lib/instruments/definitions';
import { describe } from '../lib/data/describe';
import { ident } from '../lib/engine/sql';
import { OVERVIEW_ORDER, overviewMetrics, type PrebuiltOverview } from './overview-metrics';

export async function computePrebuilt(conn: Connector, files: DemoFiles, demoAssets: string[]): Promise<PrebuiltOverview> {
	const { sessionsTable } = await createDemoTables(conn, 'ds_demo', files);
	await createDatasetViews(conn, 'ds_demo', sessionsTable);
	// described as the app describes a dataset it opens: every instrument of its table (the page lists
	// the outcome ones and starts on the first), and the counts the board report's cover prints
	const { rows, clients, instruments } = await describe(conn, ident('ds_demo'));
	const instrument = outcomeInstruments(instruments)[0];
	const m = overviewMetrics(conn, {}, instrument);
	const results = {} as Record<string, unknown>;
	for (const k of OVERVIEW_ORDER) results[k] = await m[k]();
	return { demoAssets, dataset: { rows, clients }, instruments, instrument, results: results as PrebuiltOverview['results'] };
}
