/**
 * An Arrow IPC stream cut into streams of at most `maxRows` rows, for inserting a large dataset slice
 * by slice. duckdb-wasm copies a stream it is given whole into wasm memory and builds the table from
 * it in one statement, whose rows stay uncompressed until it commits: a 10M-row file (1.46 GB) could
 * not be inserted in a tab's 4 GiB. Slice by slice, wasm holds one slice's bytes besides the table,
 * and each insert commits (compresses) before the next.
 *
 * Record batches are read as views on the caller's bytes; a batch longer than `maxRows` is cut into
 * row ranges. Each slice is written as a new stream (a buffer of its own: duckdb-wasm transfers the
 * buffer it is given to its worker, and a view's whole buffer would go with it). A stream of at most
 * `maxRows` rows, or of none, is yielded as given.
 */
import { RecordBatchReader, Table, tableToIPC, type RecordBatch } from 'apache-arrow';

/** Rows per insert: about 145 MB of IPC for the canonical columns (the benchmark's 1M-row file is 145 MB). */
export const ARROW_SLICE_ROWS = 1_000_000;

export function* arrowSlices(ipc: Uint8Array, maxRows = ARROW_SLICE_ROWS): Generator<Uint8Array> {
	const batches = [...RecordBatchReader.from(ipc)] as RecordBatch[];
	const total = batches.reduce((n, b) => n + b.numRows, 0);
	if (total <= maxRows) {
		yield ipc;
		return;
	}
	let pending: RecordBatch[] = [];
	let rows = 0;
	for (const batch of batches) {
		for (let at = 0; at < batch.numRows; ) {
			const take = Math.min(batch.numRows - at, maxRows - rows);
			pending.push(take === batch.numRows ? batch : batch.slice(at, at + take));
			rows += take;
			at += take;
			if (rows === maxRows) {
				yield tableToIPC(new Table(pending), 'stream');
				pending = [];
				rows = 0;
			}
		}
	}
	if (rows > 0) yield tableToIPC(new Table(pending), 'stream');
}

/**
 * Insert `ipc` into `table` slice by slice through `insertOne` (an engine's own Arrow insert), creating
 * the table with the first slice when `create`. A table created here is dropped (`drop`) when a later
 * slice fails, so a failed insert leaves no half-filled table behind; the error is passed on.
 */
export async function insertInSlices(
	ipc: Uint8Array,
	create: boolean,
	insertOne: (part: Uint8Array, create: boolean) => Promise<void>,
	drop: () => Promise<void>,
	maxRows = ARROW_SLICE_ROWS
): Promise<void> {
	let first = create;
	try {
		for (const part of arrowSlices(ipc, maxRows)) {
			await insertOne(part, first);
			first = false;
		}
	} catch (e) {
		if (create && !first) await drop().catch(() => {});
		throw e;
	}
}
