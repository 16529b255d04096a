/**
 * Test data for the metrics tests: the public reference datasets turned into canonical rows by a
 * small reader written here (independent of the importer), plus a loader into a canonical table.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { lit, type Connector } from '../../src/lib/engine/connector';
import { createTableSql } from '../../src/lib/model/schema';

export const REFDATA = path.resolve(__dirname, '../fixtures/refdata');

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
		return `(${cols.map((c) => lit(full[c] ?? null)).join(', ')})`;
	});
	for (let i = 0; i < values.length; i += 500)
		await conn.exec(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES ${values.slice(i, i + 500).join(', ')}`);
}

/** Riesby: week 0 → baseline, weeks 1–5 → sessions 1–5, HAM-D17, attribute endog. */
export function riesbyRows(): Canon[] {
	const text = readFileSync(path.join(REFDATA, 'riesby/riesby.dat'), 'utf8');
	return text
		.split(/\r?\n/)
		.map((l) => l.trim().split(/\s+/))
		.filter((f) => f.length === 6)
		.map(([id, hamd, , week, endog]) => ({
			client_id: id,
			instrument: 'hamd17',
			phase: week === '0' ? 'baseline' : 'session',
			session: Number(week),
			score: hamd === '.' ? null : Number(hamd),
			endog: endog === '1' ? 'endogenous' : 'reactive'
		}));
}

/** BtheB: bdi.pre → baseline, the four follow-up columns → sessions 2, 3, 5, 8 (months). */
export function bthebRows(): Canon[] {
	const [header, ...lines] = readFileSync(path.join(REFDATA, 'btheb/BtheB.csv'), 'utf8').trim().split(/\r?\n/);
	const h = header.split(',');
	const out: Canon[] = [];
	for (const line of lines) {
		const f = Object.fromEntries(line.split(',').map((v, i) => [h[i], v]));
		const attrs = { treatment: f.treatment, drug: f.drug, length: f.length };
		const cols: [string, number][] = [['bdi.pre', 0], ['bdi.2m', 2], ['bdi.4m', 3], ['bdi.6m', 5], ['bdi.8m', 8]];
		for (const [c, s] of cols)
			out.push({ client_id: f.rownames, instrument: 'bdi2', phase: s === 0 ? 'baseline' : 'session', session: s, score: f[c] === '' ? null : Number(f[c]), ...attrs });
	}
	return out;
}

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
