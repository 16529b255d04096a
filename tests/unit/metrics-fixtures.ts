/**
 * Test data for the metrics tests: the public reference datasets turned into canonical rows by a
 * small reader written here (independent of the importer), plus a loader into a canonical table.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Connector } from '../../src/lib/engine/connector';
import { ident, join, list, sql } from '../../src/lib/engine/sql';
import { importFile, loadRows, parseMapping } from '../../src/lib/import/index';
import { createTableSql } from '../../src/lib/model/schema';

export const REFDATA = path.resolve(__dirname, '../fixtures/refdata');
const MAPPINGS = path.resolve(__dirname, '../../mappings');

const REF_FILES = { riesby: 'riesby/riesby.dat', btheb: 'btheb/BtheB.csv', claus2020: 'claus2020/claus-2020.xlsx' } as const;

/** Load a reference dataset the way the app does: importFile with its mapping, then loadRows into `scores`. */
export async function loadRefdata(conn: Connector, name: keyof typeof REF_FILES): Promise<void> {
	const m = parseMapping(JSON.parse(readFileSync(path.join(MAPPINGS, `${name}.json`), 'utf8')));
	if (!m.ok) throw new Error(m.error);
	const file = path.join(REFDATA, REF_FILES[name]);
	const outcome = await importFile(new Uint8Array(readFileSync(file)), path.basename(file), { mapping: m.mapping });
	await loadRows(conn, 'scores', outcome);
}

/**
 * The demo cohort's CSV as table `demo` with the app's column types where DuckDB's detection differs
 * (scores and weeks are DOUBLE), and the view `scores` over it, as the app shows it.
 */
export async function loadDemoTable(db: Connector): Promise<void> {
	await db.registerFile('demo.csv', new Uint8Array(readFileSync(path.resolve(__dirname, '../../data/demo-cohort.csv'))));
	await db.exec(sql`CREATE TABLE demo AS SELECT * REPLACE (CAST(series AS INTEGER) AS series, CAST(session AS INTEGER) AS session,
  CAST(week AS DOUBLE) AS week, CAST(score AS DOUBLE) AS score, CAST(planned_sessions AS INTEGER) AS planned_sessions)
FROM read_csv('demo.csv', header = true)`);
	await db.exec(sql`CREATE VIEW scores AS SELECT * FROM ${ident('demo')}`);
}

export type Canon = {
	client_id: string;
	series?: number;
	route?: string;
	instrument: string;
	phase: 'baseline' | 'session' | 'followup';
	session: number | null;
	week?: number | null;
	score: number | null;
	[attr: string]: string | number | boolean | null | undefined;
};

const BASE_COLS = ['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', 'prorated'];

/** Create canonical table `table` with `extra` VARCHAR attributes and insert `rows`. */
export async function loadCanonical(conn: Connector, rows: Canon[], extra: string[] = [], table = 'scores', known: string[] = []): Promise<void> {
	await conn.exec(createTableSql(table, extra));
	const cols = [...BASE_COLS, ...known, ...extra];
	const values = rows.map((r) => {
		const full: Record<string, string | number | boolean | null> = { series: 1, route: 'oral', week: null, prorated: false };
		for (const [k, v] of Object.entries(r)) full[k] = v ?? null;
		return sql`(${list(cols.map((c) => full[c] ?? null))})`;
	});
	const names = join(cols.map((c) => ident(c)));
	for (let i = 0; i < values.length; i += 500)
		await conn.exec(sql`INSERT INTO ${ident(table)} (${names}) VALUES ${join(values.slice(i, i + 500))}`);
}

// An independent reader (no importer), used to cross-check figures computed from the imported table.

/** claus2020: measurement 1 → baseline, 2–4 → sessions 1–3; BDI-II and HAM-D17; attribute treatment. */
export function clausRows(): Canon[] {
	const X = createRequire(import.meta.url)('@e965/xlsx');
	const wb = X.read(readFileSync(path.join(REFDATA, 'claus2020/claus-2020.xlsx')));
	const rows: Record<string, number | null>[] = X.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { defval: null });
	const out: Canon[] = [];
	for (const r of rows) {
		for (const [inst, prefix] of [['bdi2', 'BDI'], ['hamd17', 'HAMD']])
			for (let t = 1; t <= 4; t++) {
				const v = r[`${prefix}${t}.total`];
				out.push({
					client_id: String(r.id),
					instrument: inst,
					phase: t === 1 ? 'baseline' : 'session',
					session: t - 1,
					score: typeof v === 'number' ? v : null,
					treatment: r.treatment === 1 ? 'PA' : 'TAU'
				});
			}
	}
	return out;
}

/** Round to `d` decimals (published tables print 2). */
export const round = (x: number | null, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
