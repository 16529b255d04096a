/**
 * What the `report`, `bundle` and `validate`-like commands share: pick the engine (native DuckDB
 * by default — it uses every core and holds more than a browser tab; `--engine wasm` runs the
 * browser's build for parity checks) and load a file through the app's importer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connector } from '../engine/connector';
import { importFile, loadRows, parseMapping, type Mapping } from '../import/index';

export type EngineKind = 'native' | 'wasm';
export type CliConnector = Connector & { close(): void };

export async function openEngine(kind: EngineKind = 'native'): Promise<CliConnector> {
	if (kind === 'wasm') return (await import('../engine/node')).openNodeEngine();
	return (await import('../engine/native')).NativeConnector.open();
}

export function engineOption(v: string | true | undefined): EngineKind {
	if (v === undefined) return 'native';
	if (v === 'native' || v === 'wasm') return v;
	throw new Error('--engine must be native or wasm');
}

/** Read a mapping file; throws with the reason. */
export async function readMapping(file: string): Promise<Mapping> {
	const m = parseMapping(JSON.parse(await readFile(file, 'utf8')));
	if (!m.ok) throw new Error(`invalid mapping ${file}: ${m.error}`);
	return m.mapping;
}

/** Import `file` into table `scores` of `conn`; returns the number of accepted rows. */
export async function loadFile(conn: Connector, file: string, opts: { mapping?: Mapping; sheet?: string } = {}): Promise<number> {
	const bytes = new Uint8Array(await readFile(file));
	const outcome = await importFile(bytes, path.basename(file), opts);
	if (outcome.rows.length) await loadRows(conn, 'scores', outcome);
	return outcome.rows.length;
}
