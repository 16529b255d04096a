/**
 * Build a site bundle from the scores loaded in a connector: per instrument × route (× the `by`
 * attributes) the counts, histograms, life tables and attrition stages a network needs to pool
 * outcomes exactly, computed by the same metric functions `report` uses (so a bundle's response
 * count is the report's), then withheld by the one privacy policy before anything is written.
 */
import type { Connector } from '../engine/connector';
import { ident, join, sql } from '../engine/sql';
import { allDefinitions, resolveSettings, type SettingsInput } from '../metrics/definitions';
import { attrition } from '../metrics/attrition';
import { survival } from '../metrics/durability';
import { MISSING } from '../metrics/filters';
import { remission, reliableChange, response } from '../metrics/rates';
import { ALL_GROUPS, clientSummary } from '../metrics/source';
import { protectBundle } from '../privacy/bundle';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type Bundle, type BundleCell, type Histogram } from './schema';

export interface BundleOptions {
	site: string;
	/** Attributes to split cells by besides instrument and route. */
	by?: string[];
	/** Smallest count shown (default 11); 0 withholds nothing. */
	minCell?: number;
	settings?: SettingsInput;
	/** Table holding the canonical scores; default `scores`. */
	table?: string;
	generator?: string;
	/** Date written into the bundle (YYYY-MM-DD); default today. */
	created?: string;
}

/** Separator inside the cell key (a control character no label is allowed to hold). */
const SEP = '\u001f';
const CELL = '__bundle_cell';
const VIEW = '__bundle_scores';

export async function buildBundle(conn: Connector, opts: BundleOptions): Promise<Bundle> {
	const table = opts.table ?? 'scores';
	const by = [...new Set(opts.by ?? [])];
	const columns = (await conn.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${ident(table)}`)).map((c) => c.column_name);
	for (const c of by) {
		if (!columns.includes(c)) throw new Error(`--by: no column "${c}" (columns: ${columns.join(', ')})`);
		if (c === 'route' || c === 'instrument') throw new Error(`--by: "${c}" already splits every bundle`);
	}
	// A view cannot take bound parameters (DuckDB refuses to prepare it), so its constants are SQL
	// text written here — the separator chr(31) and the '(missing)' label (MISSING) — never data.
	const keyParts = ['route', ...by].map((c) => sql`coalesce(CAST(${ident(c)} AS VARCHAR), '(missing)')`);
	await conn.exec(sql`CREATE OR REPLACE TEMP VIEW ${ident(VIEW)} AS SELECT *, concat_ws(chr(31), ${join(keyParts)}) AS ${ident(CELL)} FROM ${ident(table)}`);
	try {
		const settings = resolveSettings(opts.settings);
		const mo = { table: VIEW, groupBy: CELL, settings: opts.settings };
		const cells = new Map<string, BundleCell>();
		const cell = (instrument: string, key: string): BundleCell => {
			const k = `${instrument}${SEP}${key}`;
			let c = cells.get(k);
			if (!c) {
				const [route, ...levels] = key.split(SEP);
				c = emptyCell(instrument, route, Object.fromEntries(by.map((b, i) => [b, levels[i] ?? MISSING])));
				cells.set(k, c);
			}
			return c;
		};
		const groupRows = <R extends { group: string }>(rows: R[]) => rows.filter((r) => r.group !== ALL_GROUPS);

		for (const r of groupRows((await response(conn, mo)).rows)) Object.assign(cell(r.instrument, r.group).series, { response_n: r.n, responders: r.count });
		for (const r of groupRows((await remission(conn, mo)).rows)) Object.assign(cell(r.instrument, r.group).series, { with_end: r.n, remitters: r.count });
		for (const r of groupRows((await reliableChange(conn, mo)).rows)) {
			const rel = cell(r.instrument, r.group).series.reliable;
			rel.n = r.n;
			rel.sd = r.sd;
			rel.reliability = r.reliability;
			if (r.outcome !== 'clinically_significant') rel[r.outcome] = r.count;
		}
		for (const s of (await clientSummary(conn, mo)).rows) {
			const c = cell(s.instrument, s.group).series;
			if (s.baseline === null) continue;
			c.with_baseline = (c.with_baseline ?? 0) + 1;
			if (s.end_score === null) continue;
			const d = s.end_score - s.baseline;
			c.change.n = (c.change.n ?? 0) + 1;
			c.change.sum = (c.change.sum ?? 0) + d;
			c.change.sum_sq = (c.change.sum_sq ?? 0) + d * d;
		}
		for (const r of (await survival(conn, mo)).rows)
			cell(r.instrument, r.group).life_table = r.points.map((p) => ({ week: p.time, at_risk: p.atRisk, events: p.events, censored: p.censored }));
		for (const r of groupRows((await attrition(conn, mo)).rows))
			cell(r.instrument, r.group).attrition.push({ phase: r.phase, session: r.session, week: r.week, clients: r.clients, with_baseline: r.with_baseline });
		for (const h of await histograms(conn)) cell(h.instrument, h.cell).histograms.push(h.histogram);

		const bundle: Bundle = {
			format: BUNDLE_FORMAT,
			version: BUNDLE_VERSION,
			site: opts.site,
			created: opts.created ?? new Date().toISOString().slice(0, 10),
			generator: opts.generator ?? 'kap-outcomes',
			by,
			min_cell: opts.minCell ?? settings.minCell,
			definitions: allDefinitions(settings, [...new Set([...cells.values()].map((c) => c.instrument))].sort()).map((d) => d.id),
			settings: JSON.parse(JSON.stringify(settings)),
			cells: [...cells.values()].sort((a, b) => cellOrder(a).localeCompare(cellOrder(b))),
			withheld: []
		};
		return protectBundle(bundle);
	} finally {
		await conn.exec(sql`DROP VIEW IF EXISTS ${ident(VIEW)}`);
	}
}

function emptyCell(instrument: string, route: string, by: Record<string, string>): BundleCell {
	return {
		instrument,
		route,
		by,
		series: {
			with_baseline: 0,
			with_end: 0,
			response_n: 0,
			responders: 0,
			remitters: 0,
			reliable: { n: 0, improved: 0, unchanged: 0, deteriorated: 0, sd: null, reliability: null },
			change: { n: 0, sum: 0, sum_sq: 0 }
		},
		histograms: [],
		life_table: [],
		attrition: []
	};
}

const cellOrder = (c: BundleCell) => [c.instrument, c.route, ...Object.values(c.by)].join(SEP);

/**
 * Score histograms per cell × phase × session/week, with the session/week normalised exactly as
 * the trajectories metric does (baseline is session 0; a week only at follow-up).
 */
async function histograms(conn: Connector): Promise<{ instrument: string; cell: string; histogram: Histogram }[]> {
	const rows = await conn.query<{ instrument: string; cell: string; phase: Histogram['phase']; session: number | null; week: number | null; score: number; k: number }>(sql`
WITH base AS (
  SELECT instrument, ${ident(CELL)} AS cell, phase,
    CASE WHEN phase = 'baseline' THEN 0 ELSE session END AS session,
    CASE WHEN phase = 'followup' THEN week END AS week, score
  FROM ${ident(VIEW)} WHERE score IS NOT NULL
)
SELECT instrument, cell, phase, session, week, score, count(*)::INTEGER AS k
FROM base GROUP BY ALL ORDER BY instrument, cell, phase, session, week, score`);
	const out = new Map<string, { instrument: string; cell: string; histogram: Histogram }>();
	for (const r of rows) {
		const key = JSON.stringify([r.instrument, r.cell, r.phase, r.session, r.week]);
		let h = out.get(key);
		if (!h) {
			h = { instrument: r.instrument, cell: r.cell, histogram: { phase: r.phase, session: r.session, week: r.week, n: 0, sum: 0, sum_sq: 0, bins: [] } };
			out.set(key, h);
		}
		const g = h.histogram;
		g.n! += r.k;
		g.sum! += r.k * r.score;
		g.sum_sq! += r.k * r.score * r.score;
		g.bins!.push([r.score, r.k]);
	}
	return [...out.values()];
}
