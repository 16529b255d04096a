/**
 * `kap-outcomes validate <file> [--mapping mapping.json] [--json] [--print-mapping]`: read, map and
 * validate a file with the same importer the app uses, and report every rejected row.
 * Exit 0 when rows were accepted, 1 when the file (or mapping) could not be used, 2 on bad usage.
 * Without --mapping the suggested mapping is used: right for the canonical long format.
 * A delimited file DuckDB reads exactly as the JavaScript reader would goes through DuckDB's CSV
 * reader and set-based SQL, as in the app (same report; `reader` says which path ran).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyMapping, parseMapping, readTable, suggestMapping, type ImportReport, type Mapping } from '../import/index';
import { parseArgs, type Command } from './main';
import { importWithEngine, prepareDelimited } from '../import/duck/index';
import { openNodeEngine } from '../engine/node';

const USAGE = 'usage: kap-outcomes validate <file> [--mapping mapping.json] [--sheet NAME] [--json] [--print-mapping]';
const SHOWN = 50;

export const validate: Command = async (args, io) => {
	const parsed = parseArgs(args, { values: ['mapping', 'sheet'], switches: ['json', 'print-mapping'] });
	if ('error' in parsed || parsed.positionals.length !== 1) {
		io.err(`${'error' in parsed ? parsed.error : 'validate needs exactly one file'}\n${USAGE}`);
		return 2;
	}
	const file = parsed.positionals[0];
	const { options } = parsed;
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await readFile(file));
	} catch (e) {
		io.err(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
		return 1;
	}
	let mapping: Mapping | undefined;
	if (typeof options.mapping === 'string') {
		let json: unknown;
		try {
			json = JSON.parse(await readFile(options.mapping, 'utf8'));
		} catch (e) {
			io.err(`cannot read mapping ${options.mapping}: ${e instanceof Error ? e.message : String(e)}`);
			return 1;
		}
		const m = parseMapping(json);
		if (!m.ok) {
			io.err(`invalid mapping ${options.mapping}: ${m.error}`);
			return 1;
		}
		mapping = m.mapping;
	}
	const sheet = typeof options.sheet === 'string' ? options.sheet : mapping?.format?.sheet;
	// ImportError (unreadable file, mapping naming a missing column) propagates to main(): exit 1.
	if (!options['print-mapping'] && !sheet && prepareDelimited(bytes, path.basename(file)).ok) {
		const conn = await openNodeEngine();
		try {
			const { report } = await importWithEngine(conn, bytes, path.basename(file), { table: 'validated', mapping });
			io.out(options.json ? JSON.stringify(report, null, 2) : human(file, report, mapping === undefined));
			return report.rows_accepted > 0 ? 0 : 1;
		} finally {
			conn.close();
		}
	}
	const raw = await readTable(bytes, path.basename(file), { sheet });
	const used = mapping ?? suggestMapping(raw);
	if (options['print-mapping']) {
		io.out(JSON.stringify(used, null, 2));
		return 0;
	}
	const { report } = applyMapping(raw, used);
	if (options.json) io.out(JSON.stringify(report, null, 2));
	else io.out(human(file, report, mapping === undefined));
	return report.rows_accepted > 0 ? 0 : 1;
};

function human(file: string, r: ImportReport, suggested: boolean): string {
	const lines = [
		`${file}: ${r.format}${suggested ? ' (suggested mapping; pass --mapping to adjust, --print-mapping to see it)' : ''}`,
		`rows read ${r.rows_read} = accepted ${r.rows_accepted} + rejected ${r.rows_rejected}  (source rows ${r.source_rows}, empty cells skipped ${r.empty_cells_skipped})`,
		`clients ${r.clients}; instruments ${r.instruments.join(', ') || '—'}`
	];
	if (r.reader) lines.push(`${r.reader.note}`);
	if (r.identifier_columns.length) {
		lines.push('identifier columns (not imported unless listed in include_identifiers):');
		for (const c of r.identifier_columns) lines.push(`  ${c.column}: ${c.reason}`);
	}
	if (r.errors.length) {
		lines.push(`rejected rows${r.errors.length > SHOWN ? ` (first ${SHOWN} of ${r.errors.length}; --json for all)` : ''}:`);
		for (const e of r.errors.slice(0, SHOWN)) lines.push(`  line ${e.line}${e.column ? `, ${e.column}` : ''}: ${e.reason}`);
	}
	if (r.warnings.length) {
		lines.push(`warnings${r.warnings.length > SHOWN ? ` (first ${SHOWN} of ${r.warnings.length})` : ''}:`);
		for (const w of r.warnings.slice(0, SHOWN))
			lines.push(`  ${w.line !== null ? `line ${w.line}: ` : ''}${w.client_id !== null ? `client ${w.client_id}: ` : ''}${w.reason}`);
	}
	return lines.join('\n');
}
