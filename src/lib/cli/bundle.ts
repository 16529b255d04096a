/**
 * `kap-outcomes bundle <file> --site NAME --out FILE [--mapping m.json] [--by COL,…] [--min-cell N]
 * [--review FILE] [--engine native|wasm]`: write a site bundle (aggregates only, small cells withheld
 * by the privacy policy) for a clinic network, and print what leaves the clinic in plain words.
 * Exit 0 on success, 1 when the input cannot be used, 2 on bad usage.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildBundle } from '../network/bundle';
import { reviewText } from '../network/review';
import { engineOption, loadFile, openEngine, readMapping } from './input';
import type { Command } from './main';

const USAGE = `usage: kap-outcomes bundle <file> --site NAME --out FILE [--mapping mapping.json] [--by COL,…]
  [--min-cell N] [--review FILE] [--sheet NAME] [--engine native|wasm]`;

export const bundle: Command = async (args, io) => {
	let values: Record<string, string | undefined>;
	let positionals: string[];
	try {
		({ values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: Object.fromEntries(['site', 'out', 'mapping', 'by', 'min-cell', 'review', 'sheet', 'engine'].map((k) => [k, { type: 'string' as const }]))
		}));
	} catch (e) {
		io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		return 2;
	}
	const usage = (msg: string) => (io.err(`${msg}\n${USAGE}`), 2);
	if (positionals.length !== 1) return usage('bundle needs exactly one file');
	if (!values.site?.trim()) return usage('--site NAME is required (the name other sites will see)');
	if (!values.out) return usage('--out FILE is required');
	const minCell = values['min-cell'] === undefined ? undefined : Number(values['min-cell']);
	if (minCell !== undefined && !(Number.isInteger(minCell) && minCell >= 0)) return usage('--min-cell must be a whole number ≥ 0');
	let engine;
	try {
		engine = engineOption(values.engine);
	} catch (e) {
		return usage((e as Error).message);
	}
	const conn = await openEngine(engine);
	try {
		const mapping = values.mapping ? await readMapping(values.mapping) : undefined;
		const accepted = await loadFile(conn, positionals[0], { mapping, sheet: values.sheet, engine });
		if (!accepted) {
			io.err(`no usable rows in ${positionals[0]} (run \`kap-outcomes validate ${positionals[0]}\` to see why)`);
			return 1;
		}
		const by = (values.by ?? '').split(',').map((s) => s.trim()).filter(Boolean);
		const b = await buildBundle(conn, { site: values.site.trim(), by, minCell, generator: 'kap-outcomes 0.1.0' });
		await writeFile(values.out, JSON.stringify(b, null, 1));
		const text = reviewText(b);
		if (values.review) await writeFile(values.review, text);
		io.out(text + `\nWritten: ${values.out}${values.review ? ` (review: ${values.review})` : ''}`);
		return 0;
	} finally {
		conn.close();
	}
};
