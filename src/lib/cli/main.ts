/**
 * `kap-outcomes <command>`: the command line over the same importer and metrics the app uses.
 * Exit codes: 0 success, 1 the input could not be used, 2 bad usage.
 */
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

export type Command = (args: string[], io: CliIO) => Promise<number>;

export interface CliIO {
	out: (text: string) => void;
	err: (text: string) => void;
}

const USAGE = `usage: kap-outcomes <command> [options]

commands:
  validate <file> [--mapping mapping.json] [--json]     check a file and report every rejected row
  report <file> [--mapping mapping.json] [--sessions FILE [--session-mapping m.json]] [--group-by COLUMN] [--instrument ID]
         [--model ml|reml] [--random intercept|slope] [--min-cell N] [--json]   outcome statistics
         (--min-cell: small counts withheld everywhere, the input's accounting too; rejected rows by kind only)
  bundle <file> --site NAME --out FILE [--by COL,…] [--min-cell N] [--review FILE]
                                                        aggregates a clinic may share with a network
  pool <bundle>… [--json] [--min-cell N]                pool site bundles (sections + meta-analysis)
`;

const COMMANDS: Record<string, () => Promise<Command>> = {
	validate: async () => (await import('./validate')).validate,
	report: async () => (await import('./report')).report,
	bundle: async () => (await import('./bundle')).bundle,
	pool: async () => (await import('./pool')).pool
};

/** Run the command line with `argv` (without node and script). Returns the exit code. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h') {
		(name ? io.out : io.err)(USAGE);
		return name ? 0 : 2;
	}
	const load = COMMANDS[name];
	if (!load) {
		io.err(`unknown command "${name}"\n\n${USAGE}`);
		return 2;
	}
	try {
		return await (await load())(rest, io);
	} catch (e) {
		io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
		return 1;
	}
}

const defaultIO: CliIO = {
	out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
	err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n')
};

/**
 * Split argv into positionals and `--flag value` (or `--flag=value`) / `--switch` options with
 * node:util's parseArgs (strict: an unknown flag, a missing value or a value given to a switch is
 * an error, returned rather than thrown so the command exits 2 with its usage).
 */
export function parseArgs(
	args: string[],
	spec: { values: string[]; switches: string[] }
): { positionals: string[]; options: Record<string, string | true> } | { error: string } {
	const options: ParseArgsConfig['options'] = {};
	for (const v of spec.values) options[v] = { type: 'string' };
	for (const s of spec.switches) options[s] = { type: 'boolean' };
	try {
		const parsed = nodeParseArgs({ args, options, allowPositionals: true, strict: true });
		const out: Record<string, string | true> = {};
		for (const [k, v] of Object.entries(parsed.values)) if (typeof v === 'string' || v === true) out[k] = v;
		return { positionals: parsed.positionals, options: out };
	} catch (e) {
		return { error: e instanceof Error ? e.message : String(e) };
	}
}
