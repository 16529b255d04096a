/**
 * Native DuckDB for the benchmark: the app's own native connector (`src/lib/engine/native.ts`), loading
 * a canonical CSV the way the browser's Arrow IPC types it, and statements the browser logged turned
 * back into `Sql`, so the benchmark re-runs the very SQL the browser ran on the same rows (wasm /
 * native ratio). Native DuckDB is v1.5.5, the browser's v1.4.3: the ratio is engine build + wasm
 * overhead together, which is what a user feels.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Connector, Value } from '../src/lib/engine/connector';
import { ident, Sql, sql, type Statement } from '../src/lib/engine/sql';
import { readCsvTyped } from '../src/lib/data/demo-table';
import { CANONICAL_SQL_TYPES } from '../src/lib/model/schema';
import { buildSummaries, summaryTables } from '../src/lib/metrics/summaries';
import { createDatasetViews, outcomeScores } from '../src/lib/metrics/views';
import { keptTable } from '../src/lib/data/keep';

export { NativeConnector } from '../src/lib/engine/native';

/**
 * Create `table` from the canonical CSV at `path` (a file path for native DuckDB, a registered file
 * name for wasm) with the canonical column types and point the view `scores` at it, as the app does.
 */
export async function loadCanonicalCsv(conn: Connector, path: string, table: string, header: string[]): Promise<void> {
	await conn.exec(sql`CREATE OR REPLACE TABLE ${ident(table)} AS ${readCsvTyped(path, header, CANONICAL_SQL_TYPES)}`);
	await conn.exec(sql`CREATE OR REPLACE VIEW scores AS SELECT * FROM ${ident(table)}`);
}

/** The column names of the CSV file at `file`, from its first bytes: a 5M-row file (438 MB) is past V8's longest string. */
export function csvHeader(file: string): string[] {
	const head = Buffer.alloc(4096);
	const fd = openSync(file, 'r');
	const got = readSync(fd, head, 0, head.length, 0);
	closeSync(fd);
	return head.subarray(0, got).toString('utf8').split('\n')[0].split(',');
}

/**
 * The canonical CSV `file` (a path on disk) as table `table` of a wasm engine in Node, for the
 * development profiles (bench/summaries.ts, bench/compare-profile.ts): registered, read with the
 * canonical column types, and released again. Milliseconds it took.
 */
export async function loadCanonicalCsvFile(conn: Connector, file: string, table: string): Promise<number> {
	const t0 = performance.now();
	const header = csvHeader(file);
	await conn.registerFile('f.csv', new Uint8Array(readFileSync(file)));
	await loadCanonicalCsv(conn, 'f.csv', table, header);
	await conn.dropFile('f.csv');
	return performance.now() - t0;
}

/**
 * The dataset table whose summary tables (`<table>__cells`, `__cs`, `__cube` …, metrics/summaries.ts)
 * the logged statements read, or null when they read the score rows only. The browser names them
 * after the active dataset's table (`ds_<id>`); the benchmark finds the name in the SQL it logged.
 */
export function summarisedTable(statements: Statement[]): string | null {
	const suffixes = Object.keys(summaryTables('x')).join('|');
	for (const s of statements) {
		const m = new RegExp(`"?(ds_[A-Za-z0-9_]+?)__(?:${suffixes})\\b`).exec(s.text);
		if (m) return m[1];
	}
	return null;
}

/**
 * The alias of the kept dataset's attached database file (`kept_<n>`, app.svelte.ts) whose table the
 * logged statements read (`"kept_1"."scores"`, keep.ts), or null when they read no attached file.
 */
export function attachedAlias(statements: Statement[]): string | null {
	for (const s of statements) {
		const m = /"(kept_\d+)"\."scores"/.exec(s.text); // keptTable(alias); tests/unit/bench-replay.test.ts ties the two
		if (m) return m[1];
	}
	return null;
}

/**
 * Native DuckDB as the browser had it when it logged `statements`: the canonical CSV at `path` as the
 * dataset's rows, under the browser's names — the dataset's table (`ds_<id>`), or, for a kept dataset
 * the browser attached as a database file, that file's table (`kept_<n>.scores`, an in-memory database
 * attached under the same alias) — the app's views over them, and, when the statements read them, the
 * dataset's summaries built by the app's own `buildSummaries` under the browser's names. Without
 * these the replay of every statement reading them fails (the ratio went unmeasured).
 */
export async function loadAsBrowser(conn: Connector, path: string, header: string[], statements: Statement[]): Promise<{ table: string; summariesMs: number | null }> {
	const table = summarisedTable(statements);
	const alias = attachedAlias(statements);
	if (!table && !alias) {
		await loadCanonicalCsv(conn, path, 'ds_bench', header);
		return { table: 'ds_bench', summariesMs: null };
	}
	let rows: Sql = ident(table ?? 'ds_bench');
	if (alias) {
		// an app-generated alias (kept_<digits>); ATTACH takes no parameter
		await conn.exec(sql`ATTACH ':memory:' AS ${ident(alias)}`);
		rows = keptTable(alias);
	}
	await conn.exec(sql`CREATE OR REPLACE TABLE ${rows} AS ${readCsvTyped(path, header, CANONICAL_SQL_TYPES)}`);
	await createDatasetViews(conn, rows, null);
	if (!table) return { table: rows.text, summariesMs: null };
	const t0 = performance.now();
	const s = await buildSummaries(conn, table, outcomeScores(rows));
	if (s.problem) throw new Error(`native summaries not usable: ${s.problem}`);
	return { table, summariesMs: performance.now() - t0 };
}

/**
 * A statement the app logged in the browser (text with `$n` placeholders and its values) as `Sql`
 * again: the one place outside the `sql` template that builds a statement from text. The text is the
 * app's own, recorded by the benchmark, and its values stay bound parameters. Placeholders are
 * numbered in order of appearance, so each is looked for after the one before.
 */
export function replayed(s: Statement): Sql {
	const chunks: ({ text: string } | { param: Value })[] = [];
	let at = 0;
	s.params.forEach((p, i) => {
		const mark = new RegExp(`\\$${i + 1}(?!\\d)`, 'g');
		mark.lastIndex = at;
		const m = mark.exec(s.text);
		if (!m) throw new Error(`replayed statement: no $${i + 1}`);
		chunks.push({ text: s.text.slice(at, m.index) }, { param: p });
		at = m.index + m[0].length;
	});
	chunks.push({ text: s.text.slice(at) });
	const out = new Sql(chunks);
	if (out.text !== s.text) throw new Error('replayed statement does not rebuild its text');
	return out;
}

/**
 * The overview's logged statements as the replay runs them. The app's derived tables (shared
 * summaries, and the cube summed over a view's columns: cached.ts) may be dropped asynchronously after a cache clear; the replay creates its own under
 * other names so such a drop cannot remove them mid-replay. A query of a superseded request may read
 * a derived table made before the log began (its result was dropped by the page anyway): it is left out.
 */
export function replayList(logged: Statement[]): Statement[] {
	const made = new Set<string>();
	return logged
		.map((q) => ({ text: q.text.replace(/\b(derived|summed)_(\d+)\b/g, 'replay_$1_$2'), params: q.params }))
		.filter((q) => {
			const created = /^CREATE OR REPLACE TEMP TABLE "?(replay_(?:derived|summed)_\d+)/.exec(q.text)?.[1];
			if (created) made.add(created);
			return [...q.text.matchAll(/\breplay_(?:derived|summed)_\d+\b/g)].every((m) => m[0] === created || made.has(m[0]));
		});
}
