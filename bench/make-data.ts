/**
 * `tsx bench/make-data.ts --rows N[,N2…] --csv FILE[,FILE2…] --arrow FILE[,FILE2…]`
 *
 * One pass of the seeded demo generator (src/lib/demo/generate.ts, the one behind
 * `scripts/demo-data.ts`) written twice: canonical CSV (the file a clinic would import) and the
 * Arrow IPC stream the importer would make from it (`toArrowIPC`, the app's storage format), so
 * both files hold exactly the same rows. Streams in 100k-row chunks: memory stays flat at 10M rows.
 * Several sizes (comma lists) are written in one pass of the generator: the generator is seeded, so
 * a smaller cohort is the first clients of a larger one, and 5M + 10M cost one 10M-row pass.
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

interface Output {
	target: number;
	csv: Writable;
	arrow: Writable;
	csvPath: string;
	arrowPath: string;
	/** The next Arrow chunk is this file's first: written with its schema message. */
	first: boolean;
}

function list(name: string): string[] {
	return arg(name).split(',').map((s) => s.trim());
}

async function main() {
	const targets = list('rows').map(Number);
	const csvPaths = list('csv');
	const arrowPaths = list('arrow');
	if (csvPaths.length !== targets.length || arrowPaths.length !== targets.length) throw new Error('--rows, --csv and --arrow need as many entries each');
	const open: Output[] = targets
		.map((target, i) => {
			for (const p of [csvPaths[i], arrowPaths[i]]) mkdirSync(dirname(p), { recursive: true });
			return { target, csvPath: csvPaths[i], arrowPath: arrowPaths[i], csv: createWriteStream(csvPaths[i], { encoding: 'utf8' }), arrow: createWriteStream(arrowPaths[i]), first: true };
		})
		.sort((a, b) => a.target - b.target);
	for (const o of open) await write(o.csv, DEMO_CSV_HEADER + '\n');
	let chunk: CanonicalDemoRow[] = [];
	let rows = 0;
	const flush = async () => {
		if (!chunk.length) return;
		const text = chunk.map(demoCsvLine).join('\n') + '\n';
		const ipc = toArrowIPC({ rows: chunk, extraColumns: [] });
		for (const o of open) {
			await write(o.csv, text);
			await write(o.arrow, ipc.subarray(o.first ? 0 : schemaMessageLength(ipc), ipc.byteLength - EOS.length));
			o.first = false;
		}
		chunk = [];
	};
	const close = async (o: Output) => {
		o.arrow.end(EOS);
		o.csv.end();
		await Promise.all([finished(o.csv), finished(o.arrow)]);
		console.log(`${rows} rows → ${o.csvPath}, ${o.arrowPath}`);
	};
	for (const client of generateClients({ clients: Number.POSITIVE_INFINITY, seed: DEMO_DEFAULTS.seed, sites: DEMO_DEFAULTS.sites })) {
		for (const r of client.rows) chunk.push(r);
		rows += client.rows.length;
		if (chunk.length >= CHUNK) await flush();
		// At a client boundary, like scripts/demo-data.ts --rows: the smallest open size is complete.
		while (open.length && rows >= open[0].target) {
			await flush();
			await close(open.shift()!);
		}
		if (!open.length) break;
	}
	await flush();
	for (const o of open) await close(o);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : String(e));
	process.exit(2);
});
