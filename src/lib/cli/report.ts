/**
 * `kap-outcomes report <file> [options]`: import a file with the app's importer (DuckDB's own CSV
 * reader where it can read the file, as in the browser) into native DuckDB — or, with `--engine wasm`,
 * the browser's duckdb-wasm build, for parity checks — run `buildReport` (the app's metrics) and print
 * JSON (--json) or tables.
 * Exit 0 on success, 1 when the file/mapping cannot be used, 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMapping, readTable, type Mapping, type RawTable } from '../import/index';
import { prepareDelimited } from '../import/duck/index';
import { toArrowIPC } from '../import/arrow';
import { applySessionMapping, SessionMappingSchema, suggestSessionMapping, type SessionMapping } from '../import/sessions';
import { suggestSessionFields } from '../import/sessions-suggest';
import { loadSessions } from '../import/sessions-load';
import { buildSafetyReport, type SafetyReport } from '../metrics/safety-report';
import { createDatasetViews } from '../metrics/views';
import { INSTRUMENTS, isInstrumentId, type InstrumentId } from '../instruments/definitions';
import { endWeek, type EndRule, type SettingsInput } from '../metrics/definitions';
import { buildReport, type Report, type ReportOptions } from '../metrics/report';
import type { MmrmRow } from '../metrics/mmrm';
import type { SharedMmrm, SharedReport } from '../privacy/report';
import { parseArgs, type Command } from './main';
import { acceptedText, loadSessionFile, readSessionMapping, sessionFileText, sharedSessionFile, type SessionFileMeta } from './sessions';
import { fmt, safetyText, table } from './text';
import { ALL_GROUPS } from '../metrics/source';
import { accountingTables, sharedAccounting, type Accounting } from '../privacy/import-accounting';
import { engineOption, importPath, nativeParquet, openEngine, summarise, type CliConnector, type EngineKind } from './input';

const USAGE = `usage: kap-outcomes report <file> [--mapping mapping.json] [--sessions FILE [--session-mapping m.json]] [--group-by COLUMN|none] [--instrument ID] [--json]
  [--model ml|reml|mmrm] [--last-session K] [--random intercept|slope] [--model-scores all|post] [--covariates baseline,COL,…]
  [--reference COL=LEVEL,…] [--reliability ID=R,…] [--end last|planned|weekK] [--response-points ID=K,…] [--iapt] [--locf] [--min-cell N]
  [--engine native|wasm]`;

const VALUES = ['mapping', 'group-by', 'instrument', 'model', 'last-session', 'random', 'model-scores', 'covariates', 'reference', 'reliability', 'response-points', 'end', 'min-cell', 'sheet', 'engine', 'sessions', 'session-mapping'];

/** `a=1,b=2` → { a: '1', b: '2' } (the value may itself contain '=' only after the first). */
function pairs(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of text.split(',').filter(Boolean)) {
		const i = part.indexOf('=');
		if (i <= 0) throw new Error(`expected NAME=VALUE, got "${part}"`);
		out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
	}
	return out;
}

/** Command-line options → report options; throws a usage message on a bad value. */
export function reportOptions(o: Record<string, string | true>): ReportOptions {
	const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
	const oneOf = <T extends string>(k: string, allowed: readonly T[]): T | undefined => {
		const v = str(k)?.toLowerCase();
		if (v === undefined) return undefined;
		if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${k} must be one of ${allowed.join(', ')}`);
		return v as T;
	};
	const settings: SettingsInput = {};
	if (str('reliability')) {
		const rel: Partial<Record<InstrumentId, number>> = {};
		for (const [id, v] of Object.entries(pairs(str('reliability')!))) {
			const r = Number(v);
			if (!isInstrumentId(id) || !(r > 0 && r < 1)) throw new Error(`--reliability: "${id}=${v}" needs a known instrument and 0 < r < 1`);
			rel[id] = r;
		}
		settings.reliability = rel;
	}
	if (str('response-points')) {
		const pts: Partial<Record<InstrumentId, number>> = {};
		for (const [id, v] of Object.entries(pairs(str('response-points')!))) {
			const k = Number(v);
			if (!isInstrumentId(id) || !INSTRUMENTS[id].remission || !/^\d{1,3}$/.test(v) || k < 1 || k > INSTRUMENTS[id].totalMax)
				throw new Error(`--response-points: "${id}=${v}" needs a known outcome instrument and a whole number of points from 1 to its maximum`);
			pts[id] = k;
		}
		settings.responsePoints = pts;
	}
	const endText = str('end')?.toLowerCase();
	if (endText !== undefined) {
		const week = endWeek(endText as EndRule);
		if (endText !== 'last' && endText !== 'planned' && week === null) throw new Error('--end must be last, planned or weekK (follow-up week K, 1–520), e.g. week8');
		settings.end = week === null ? (endText as 'last' | 'planned') : `week${week}`;
	}
	if (o.iapt) settings.pointRule = true;
	if (o.locf) settings.locf = true;
	const method = oneOf('model', ['ml', 'reml', 'mmrm'] as const);
	const lastSession = str('last-session') === undefined ? undefined : Number(str('last-session'));
	if (lastSession !== undefined && !(Number.isInteger(lastSession) && lastSession >= 1)) throw new Error('--last-session must be a whole number ≥ 1');
	if (lastSession !== undefined && method !== 'mmrm') throw new Error('--last-session applies to --model mmrm only');
	const minCell = str('min-cell') === undefined ? undefined : Number(str('min-cell'));
	if (minCell !== undefined && !(Number.isInteger(minCell) && minCell >= 0)) throw new Error('--min-cell must be a whole number ≥ 0');
	const groupBy = str('group-by');
	if (str('instrument') !== undefined && !isInstrumentId(str('instrument')!)) throw new Error(`--instrument: unknown instrument "${str('instrument')}"`);
	return {
		groupBy: groupBy === undefined ? 'route' : groupBy === 'none' ? null : groupBy,
		instruments: str('instrument') ? [str('instrument')!] : undefined,
		settings,
		minCell,
		model: {
			type: method === 'mmrm' ? 'mmrm' : 'lmm',
			lastSession,
			method: method && method !== 'mmrm' ? (method.toUpperCase() as 'ML' | 'REML') : undefined,
			random: oneOf('random', ['intercept', 'slope'] as const),
			scores: oneOf('model-scores', ['all', 'post'] as const),
			covariates: str('covariates')?.split(',').map((c) => c.trim()).filter(Boolean),
			references: str('reference') ? pairs(str('reference')!) : undefined
		}
	};
}

export const report: Command = async (args, io) => {
	const parsed = parseArgs(args, { values: VALUES, switches: ['json', 'iapt', 'locf'] });
	if ('error' in parsed || parsed.positionals.length !== 1) {
		io.err(`${'error' in parsed ? parsed.error : 'report needs exactly one file'}\n${USAGE}`);
		return 2;
	}
	const file = parsed.positionals[0];
	let opts: ReportOptions;
	let engine: EngineKind;
	try {
		engine = engineOption(parsed.options.engine);
		opts = reportOptions(parsed.options);
	} catch (e) {
		io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		return 2;
	}
	let bytes: Uint8Array;
	let mapping: Mapping | undefined;
	let sessionMapping: SessionMapping | undefined;
	/** `--sessions`: the dataset's dosing-session records in a file of their own, and how to read it. */
	const sessionsFile = typeof parsed.options.sessions === 'string' ? parsed.options.sessions : undefined;
	let sessionsMapping: SessionMapping | undefined;
	if (parsed.options['session-mapping'] !== undefined && !sessionsFile) {
		io.err(`--session-mapping goes with --sessions FILE\n${USAGE}`);
		return 2;
	}
	const sheet = typeof parsed.options.sheet === 'string' ? parsed.options.sheet : undefined;
	try {
		bytes = new Uint8Array(await readFile(file));
		if (typeof parsed.options.mapping === 'string') {
			const json = JSON.parse(await readFile(parsed.options.mapping, 'utf8'));
			if (json?.kind === 'sessions') {
				const m = SessionMappingSchema.safeParse(json);
				if (!m.success) throw new Error(`invalid session mapping ${parsed.options.mapping}: ${m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
				sessionMapping = m.data;
			} else {
				const m = parseMapping(json);
				if (!m.ok) throw new Error(`invalid mapping ${parsed.options.mapping}: ${m.error}`);
				mapping = m.mapping;
			}
		}
		if (typeof parsed.options['session-mapping'] === 'string') sessionsMapping = await readSessionMapping(parsed.options['session-mapping']);
		if (sessionMapping && sessionsFile) throw new Error(`${file} was given a session mapping, so it holds session records; --sessions adds session records to a file of scores`);
	} catch (e) {
		io.err(`cannot read input: ${e instanceof Error ? e.message : String(e)}`);
		return 1;
	}
	const name = path.basename(file);
	const conn = await openEngine(engine);
	try {
		const source = await nativeParquet(conn, engine, file, bytes);
		// A file of dosing-session records (recognised by its columns, or a session mapping) gets the safety
		// section alone. Only the head is read here: the whole file goes to DuckDB's reader where it can.
		/** Session records in another layout: the mapping their names suggest, offered when nothing imports as scores. */
		let sessionHint: SessionMapping | null = null;
		if (!mapping && !sessionsFile) {
			const prepared = source ? undefined : prepareDelimited(bytes, name);
			const head: RawTable = source?.head ?? (prepared?.ok ? prepared.csv.head : await readTable(bytes, name, { sheet }));
			sessionMapping ??= suggestSessionMapping(head) ?? undefined;
			if (sessionMapping) {
				const raw = source || prepared?.ok ? await readTable(bytes, name, { sheet }) : head;
				return await sessionReport(conn, raw, sessionMapping, file, opts, parsed.options.json === true, io);
			}
			const suggested = suggestSessionFields(head);
			if (suggested.likely) sessionHint = suggested.mapping;
		}
		const imported = await importPath(conn, engine, file, bytes, { table: 'dataset', mapping, sheet, source });
		if (imported.report.rows_accepted === 0) {
			io.err(`no usable rows in ${file} (run \`kap-outcomes validate ${file}\` to see why)`);
			if (sessionHint)
				io.err(
					'Its columns look like dosing-session records in another layout. Check the mapping on the Data page ' +
						'("This file holds: dosing-session records"), save it, and pass it with --mapping. The mapping its column names suggest:\n' +
						JSON.stringify(sessionHint, null, 2)
				);
			return 1;
		}
		let sessions: SessionFileMeta | undefined;
		if (sessionsFile) {
			try {
				sessions = await loadSessionFile(conn, sessionsFile, 'dataset', sessionsMapping);
			} catch (e) {
				io.err(`cannot use the session records: ${e instanceof Error ? e.message : String(e)}`);
				return 1;
			}
		}
		await createDatasetViews(conn, 'dataset', sessions ? 'dataset__sessions' : null);
		await summarise(conn, 'dataset');
		const r = await buildReport(conn, { ...opts, file: name });
		const { extra, accounting } = await safetyWithAccounting(conn, opts, sessions);
		const shown = sessions && accounting ? sharedSessionFile(sessions, accounting) : sessions;
		const withSessions = shown ? { ...r, meta: { ...r.meta, sessions: shown } } : r;
		io.out(parsed.options.json ? JSON.stringify({ ...withSessions, ...extra }, null, 2) : (shown ? sessionFileText(shown) : '') + human(r) + safetyText(extra));
	} finally {
		conn.close();
	}
	return 0;
};

/** `report` on a file of session records: import them, then print the safety section. */
async function sessionReport(conn: CliConnector, raw: RawTable, m: SessionMapping, file: string, opts: ReportOptions, json: boolean, io: Parameters<Command>[1]): Promise<number> {
	const { rows, report } = applySessionMapping(raw, m);
	if (rows.length === 0) {
		io.err(`no usable session records in ${file}: ${report.errors.slice(0, 3).map((e) => `line ${e.line} ${e.column ?? ''}: ${e.reason}`).join('; ')}`);
		return 1;
	}
	await conn.insertArrowIPC('dataset', toArrowIPC({ rows: [], extraColumns: [] }), true);
	await loadSessions(conn, 'dataset__sessions', rows);
	await createDatasetViews(conn, 'dataset', 'dataset__sessions');
	const counts = { rows_read: report.rows_read, rows_accepted: report.rows_accepted, rows_rejected: report.rows_rejected, errors: report.errors };
	const { extra, accounting } = await safetyWithAccounting(conn, opts, counts);
	const meta = { file: path.basename(file), kind: 'dosing-session records', ...(accounting ?? counts) };
	if (json) io.out(JSON.stringify({ meta, ...extra }, null, 2));
	else io.out(`file ${meta.file}: dosing-session records; ${acceptedText(meta)}${opts.minCell ? `; cells < ${opts.minCell} suppressed` : ''}\n` + safetyText(extra));
	return 0;
}

/**
 * The safety section and, under --min-cell, the input's accounting as shared (null otherwise: it is
 * printed as the importer reported it), the two in one export of the privacy policy.
 */
async function safetyWithAccounting(conn: CliConnector, opts: ReportOptions, input: Accounting | undefined) {
	const minCell = opts.minCell ?? 0;
	const alongside = input && minCell > 0 ? accountingTables(input, opts.groupBy === null ? 'all' : ALL_GROUPS) : [];
	const { alongside: rows, ...extra } = await buildSafetyReport(conn, { groupBy: opts.groupBy, minCell, alongside });
	return { extra, accounting: input && alongside.length ? sharedAccounting(input, rows, minCell) : null };
}

/** An MMRM row for a terminal: formula, fit, LS means and the last-session difference. */
function mmrmText(m: MmrmRow | SharedMmrm): string {
	const withheld = 'suppressed_reason' in m && m.suppressed_reason ? `; ${m.suppressed_reason}` : '';
	const head = `MMRM ${m.instrument}: ${m.formula}; REML; ${m.n_obs} scores, ${m.n_clients} client-series; logLik ${fmt(m.loglik)}; df ${m.df_method}${withheld}`;
	if (m.error) return `${head}; not fitted: ${m.error}\n`;
	const d = m.last_session_difference;
	return [
		head,
		table('', m.fixed, ['term', 'estimate', 'se', 'df', 't', 'p']),
		table(`LS means at baseline ${fmt(m.baseline_at)}`, m.ls_means, ['session', 'group', 'n', 'estimate', 'se', 'ci_low', 'ci_high']),
		d ? `Session ${d.session}: ${d.group} − ${d.reference} = ${fmt(d.estimate)} (SE ${fmt(d.se)}, df ${d.df}, 95 % CI ${fmt(d.ci_low)} to ${fmt(d.ci_high)}, p ${fmt(d.p)})\n` : ''
	].join('\n');
}

/** Readable tables for a terminal (a shared report prints its withheld cells as –). */
export function human(r: Report | SharedReport): string {
	const out = [
		`file ${r.meta.file ?? '-'}; grouped by ${r.meta.group_by ?? '(none)'}; instruments ${r.meta.instruments.join(', ')}${r.meta.min_cell ? `; cells < ${r.meta.min_cell} withheld (– = withheld or not estimable)` : ''}\n`,
		table('Trajectories (observed cases unless method says locf)', r.trajectories, ['instrument', 'group', 'phase', 'session', 'week', 'n', 'mean', 'sd', 'ci_low', 'ci_high', 'median', 'q1', 'q3', 'method']),
		table('Response', r.response, ['instrument', 'group', 'count', 'n', 'rate', 'ci_low', 'ci_high', 'definition']),
		table('Remission', r.remission, ['instrument', 'group', 'count', 'n', 'rate', 'ci_low', 'ci_high', 'definition']),
		table('Reliable change', r.reliable_change, ['instrument', 'group', 'outcome', 'count', 'n', 'rate', 'ci_low', 'ci_high', 'rc_value', 'definition']),
		table('Durability', r.durability, ['instrument', 'group', 'week', 'n', 'mean', 'ci_low', 'ci_high', 'responders_n', 'still_responding']),
		table('Time to loss of response (Kaplan–Meier)', r.survival, ['instrument', 'group', 'n', 'events', 'median_weeks', 'median_low', 'median_high']),
		table('Log-rank', r.log_rank, ['instrument', 'chi2', 'df', 'p']),
		table('Attrition', r.attrition, ['instrument', 'group', 'phase', 'session', 'week', 'clients', 'share'])
	];
	for (const m of r.models) {
		if ('ls_means' in m) {
			out.push(mmrmText(m));
			continue;
		}
		const withheld = 'suppressed_reason' in m && m.suppressed_reason ? `; ${m.suppressed_reason}` : '';
		const singular = m.singular ? '; boundary (singular) fit: a variance component is 0 or the random effects are perfectly correlated' : '';
		out.push(
			`Mixed model ${m.instrument}: ${m.formula}, ${m.method}; ${fmt(m.n_obs)} scores, ${fmt(m.n_clients)} clients; logLik ${fmt(m.loglik)}${m.converged ? '' : '; NOT converged'}${singular}${m.error ? `; not fitted: ${m.error}` : ''}${withheld}`
		);
		if (!m.error && m.variance) {
			out.push(table('', m.fixed, ['term', 'estimate', 'se', 't', 'low', 'high']));
			const v = m.variance;
			out.push(`variance: intercept ${fmt(v.intercept)}, slope ${fmt(v.slope)}, covariance ${fmt(v.covariance)}, residual ${fmt(v.residual)}`);
			if (m.lrt) out.push(`LRT for ${m.lrt.terms.join(', ')}: χ² ${fmt(m.lrt.chi2)} on ${m.lrt.df} df, p ${fmt(m.lrt.p)}`);
			out.push('');
		}
	}
	return out.join('\n');
}
