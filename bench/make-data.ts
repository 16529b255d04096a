/**
 * `tsx bench/make-data.ts --rows N --csv FILE --arrow FILE`
 *
 * One pass of the seeded demo generator (src/lib/demo/generate.ts, the one behind
 * `scripts/demo-data.ts`) written twice: canonical CSV (the file a clinic would import) and the
 * Arrow IPC stream the importer would make from it (`toArrowIPC`, the app's storage format), so
 * both files hold exactly the same rows. Streams in 100k-row chunks: memory stays flat at 5M rows.
 *
 * IPC streams of the same schema concatenate: the first chunk is written without its end-of-stream
 * marker, later chunks without their schema message and marker, and one marker closes the file.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { DEMO_DEFAULTS, generateClients, type CanonicalDemoRow } from '../src/lib/demo/generate';
import { DEMO_CSV_HEADER, demoCsvLine } from '../src/lib/demo/csv';
import { toArrowIPC } from '../src/lib/import/arrow';

const CHUNK = 100_000;
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

function arg(name: string): string {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
	return process.argv[i + 1];
}

/** Length of the IPC stream's first (schema) message: continuation, length, padded metadata. */
function schemaMessageLength(ipc: Uint8Array): number {
	const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
	if (view.getUint32(0, true) !== 0xffffffff) throw new Error('unexpected IPC framing');
	return 8 + view.getInt32(4, true);
}

async function write(stream: Writable, data: string | Uint8Array) {
	if (!stream.write(data)) await once(stream, 'drain');
}

async function main() {
	const target = Number(arg('rows'));
	const csvPath = arg('csv');
	const arrowPath = arg('arrow');
	for (const p of [csvPath, arrowPath]) mkdirSync(dirname(p), { recursive: true });
	const csv = createWriteStream(csvPath, { encoding: 'utf8' });
	const arrow = createWriteStream(arrowPath);
	await write(csv, DEMO_CSV_HEADER + '\n');
	let chunk: CanonicalDemoRow[] = [];
	let rows = 0;
	let first = true;
	const flush = async () => {
		if (!chunk.length) return;
		await write(csv, chunk.map(demoCsvLine).join('\n') + '\n');
		const ipc = toArrowIPC({ rows: chunk, extraColumns: [] });
		const start = first ? 0 : schemaMessageLength(ipc);
		await write(arrow, ipc.subarray(start, ipc.byteLength - EOS.length));
		first = false;
		chunk = [];
	};
	for (const client of generateClients({ clients: Number.POSITIVE_INFINITY, seed: DEMO_DEFAULTS.seed, sites: DEMO_DEFAULTS.sites })) {
		for (const r of client.rows) chunk.push(r);
		rows += client.rows.length;
		if (chunk.length >= CHUNK) await flush();
		if (rows >= target) break; // at a client boundary, like scripts/demo-data.ts --rows
	}
	await flush();
	arrow.end(EOS);
	csv.end();
	await Promise.all([finished(csv), finished(arrow)]);
	console.log(`${rows} rows → ${csvPath}, ${arrowPath}`);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(2);
});
