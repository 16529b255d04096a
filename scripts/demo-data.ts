/**
 * `npm run demo-data [-- --clients N] [--seed S] [--sites K] [--rows R] [--out FILE]`
 *
 * Writes the seeded demo cohort as canonical long CSV (default data/demo-cohort.csv, the file the
 * app loads by default) and prints rows/clients written, speed, and the per-route sanity table.
 * `--rows R` keeps adding clients until at least R rows are written (stopping at a client boundary,
 * so no client is cut short) — for the benchmark's 100k / 1M / 5M-row files.
 * Streams to disk in ~1 MB chunks, honouring back-pressure, so memory stays flat at any size.
 * Without --rows it also writes the session-level scores (CADSS, MEQ-30, EBI: `<out>-acute.csv` →
 * data/demo-acute.csv) and the dosing-session records (`<out>-sessions.csv`) of the same clients.
 */
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { DEMO_DEFAULTS, generateClients } from '../src/lib/demo/generate';
import { DEMO_CSV_HEADER, demoCsvLine } from '../src/lib/demo/csv';
import { createSummary, formatSummary } from '../src/lib/demo/summary';
import { simulateSessions } from '../src/lib/demo/sessions';
import { SESSION_COLUMNS } from '../src/lib/model/sessions';
import { writeFileSync } from 'node:fs';

const USAGE = 'usage: tsx scripts/demo-data.ts [--clients N] [--seed S] [--sites K] [--rows R] [--out FILE]';

function parseArgs(argv: string[]) {
	const opts = { clients: DEMO_DEFAULTS.clients as number, seed: DEMO_DEFAULTS.seed as number, sites: DEMO_DEFAULTS.sites as number, rows: 0, out: 'data/demo-cohort.csv' };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = inline ?? argv[++i];
		const int = () => {
			const n = Number(value);
			if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got "${value}"`);
			return n;
		};
		if (flag === '--clients') opts.clients = int();
		else if (flag === '--seed') opts.seed = int();
		else if (flag === '--sites') opts.sites = Math.max(1, int());
		else if (flag === '--rows') opts.rows = int();
		else if (flag === '--out') opts.out = value;
		else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
		if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
	}
	return opts;
}

async function main(): Promise<void> {
	const opts = parseArgs(process.argv.slice(2));
	const out = resolve(opts.out);
	mkdirSync(dirname(out), { recursive: true });
	const stream = createWriteStream(out, { encoding: 'utf8' });
	const summary = createSummary();
	const started = performance.now();

	// Lines are joined into flat strings every 256 lines and written in ~1 MB chunks. Keeping many
	// freshly built line strings alive (or appending to one growing string) makes them survive young-
	// generation GCs, which cost 3–4× more than generating the rows.
	let lines: string[] = [];
	let parts: string[] = [DEMO_CSV_HEADER + '\n'];
	let partLen = 0;
	let rows = 0;
	let clients = 0;
	const flushLines = () => {
		if (lines.length === 0) return;
		const part = lines.join('\n') + '\n';
		parts.push(part);
		partLen += part.length;
		lines = [];
	};
	// With --rows the client count is open-ended; generateClients stops when we stop pulling.
	const clientLimit = opts.rows > 0 ? Number.POSITIVE_INFINITY : opts.clients;
	const withSessions = opts.rows === 0;
	const acuteLines: string[] = [DEMO_CSV_HEADER];
	const sessionLines: string[] = [SESSION_COLUMNS.join(',')];
	for (const client of generateClients({ clients: clientLimit, seed: opts.seed, sites: opts.sites })) {
		if (withSessions) {
			const s = simulateSessions(opts.seed, clients, client);
			for (const r of s.acute) acuteLines.push(demoCsvLine(r));
			for (const r of s.sessions) sessionLines.push(SESSION_COLUMNS.map((c) => r[c] ?? '').join(','));
		}
		for (const row of client.rows) lines.push(demoCsvLine(row));
		rows += client.rows.length;
		clients++;
		summary.add(client);
		if (lines.length >= 256) flushLines();
		if (partLen >= 1 << 20) {
			const chunk = parts.join('');
			parts = [];
			partLen = 0;
			if (!stream.write(chunk)) await once(stream, 'drain');
		}
		if (opts.rows > 0 && rows >= opts.rows) break;
	}
	flushLines();
	stream.end(parts.join(''));
	await finished(stream);

	if (withSessions) {
		const base = out.replace(/\.csv$/, '');
		writeFileSync(`${base.replace(/-cohort$/, '')}-acute.csv`, acuteLines.join('\n') + '\n');
		writeFileSync(`${base.replace(/-cohort$/, '')}-sessions.csv`, sessionLines.join('\n') + '\n');
		console.log(`wrote ${acuteLines.length - 1} session-level scores and ${sessionLines.length - 1} dosing-session records`);
	}
	const seconds = (performance.now() - started) / 1000;
	const { size } = statSync(out);
	console.log(`wrote ${rows} rows, ${clients} clients (seed ${opts.seed}, ${opts.sites} sites) to ${opts.out}`);
	console.log(`${(size / 1e6).toFixed(2)} MB in ${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s)\n`);
	console.log(formatSummary(summary.result()));
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : String(e));
	process.exit(2);
});
