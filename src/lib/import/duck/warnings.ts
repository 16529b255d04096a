/**
 * The import's warnings (run.ts), read from its accepted records in SQL: per row (items against the
 * total, REDCap Incomplete) and over the whole table (checks.ts's baseline, session and jump rules).
 */
import type { Connector } from '../../engine/connector';
import { sql, type Sql } from '../../engine/sql';
import { JUMP_SHARE, type Warning } from '../checks';

/** Per-row warnings of accepted records (items vs total: `score_said`, REDCap Incomplete), in source order; `defs`: the instrument definitions (records.ts). */
export async function rowWarnings(conn: Connector, acc: Sql, defs: Sql, lineOf: (ord: number) => number): Promise<Warning[]> {
	const rows = await conn.query<{ ord: number; client_id: string; short: string; score: number; score_said: number | null; prorated: boolean; incomplete: boolean }>(sql`
		SELECT a.ord, a.client_id, d.short, a.score, a.score_said, a.prorated, a.incomplete
		FROM ${acc} a JOIN ${defs} d ON d.id = a.instrument WHERE a.incomplete OR a.score_said IS NOT NULL
		ORDER BY a.ord, a.mi`);
	const out: Warning[] = [];
	for (const r of rows) {
		const line = lineOf(r.ord);
		if (r.score_said !== null) out.push({ line, client_id: r.client_id, reason: `${r.short} items ${r.prorated ? 'prorate' : 'sum'} to ${r.score} but the total column says ${r.score_said}; the items are used` });
		if (r.incomplete) out.push({ line, client_id: r.client_id, reason: 'form marked Incomplete (0) in REDCap; imported anyway' });
	}
	return out;
}

/** checks.ts's whole-table warnings (see tableWarnings), and whether two records may share a timepoint. */
export interface TableWarnings {
	/** No baseline, a series without sessions. */
	groups: Warning[];
	/** Implausible jumps. */
	jumps: Warning[];
	/**
	 * Whether two of the records read may have the same client, series, instrument, phase, session and
	 * week (an exact duplicate): two neighbours in the jump window's order with the same timepoint key.
	 * Records with the same timepoint have the same key, and sort next to each other, so false means
	 * there is none; true may also mean two timepoints that share a key (a missing session and session 0).
	 */
	maybeDuplicates: boolean;
}

/**
 * checks.ts's whole-table warnings: no baseline, a series without sessions, implausible jumps (`defs`: the
 * instrument definitions, for each one's name and range). `groups`
 * names a table to create (and the caller to drop) of one row per client × series × instrument: the
 * baseline and session rules and the warnings' order read it, not the records. (Windows over every
 * column of the accepted records cost seconds at a million rows.) Run before exact duplicates are
 * rejected, it also says whether there may be any (the import's own test for them, a distinct count
 * of every record's key, cost 14 s at 50M rows); a duplicate never changes `groups` (it is a later record
 * of its key, with the same phase), but it may make a jump, so the caller then asks `jumpWarnings` again.
 */
export async function tableWarnings(conn: Connector, acc: Sql, defs: Sql, groups: Sql, lineOf: (ord: number) => number): Promise<TableWarnings> {
	await conn.exec(sql`CREATE TABLE ${groups} AS SELECT client_id, series, instrument, min(seq) AS ifirst, arg_min(ord, seq) AS ord,
		bool_or(phase = 'baseline') AS baseline, bool_or(phase = 'session') AS session FROM ${acc} GROUP BY client_id, series, instrument`);
	const firsts = firstsOf(groups);
	const base = await conn.query<{ ord: number; client_id: string }>(sql`
		SELECT arg_min(ord, ifirst) AS ord, client_id FROM ${groups} GROUP BY client_id HAVING NOT bool_or(baseline) ORDER BY min(ifirst)`);
	const sessions = await conn.query<{ ord: number; client_id: string; series: number }>(sql`
		SELECT arg_min(ord, ifirst) AS ord, client_id, series FROM (${firsts}) GROUP BY client_id, series
		HAVING NOT bool_or(session) ORDER BY min(cfirst), min(ifirst)`);
	const { jumps, maybeDuplicates } = await jumpsOf(conn, acc, defs, groups, lineOf, true);
	return {
		groups: [
			...base.map((r) => ({ line: lineOf(r.ord), client_id: r.client_id, reason: 'client without a baseline score' })),
			...sessions.map((r) => ({ line: lineOf(r.ord), client_id: r.client_id, reason: `series ${r.series} has no dosing-session score` }))
		],
		jumps,
		maybeDuplicates
	};
}

/** The implausible-jump warnings of `acc`, with `groups` made by tableWarnings. */
export async function jumpWarnings(conn: Connector, acc: Sql, defs: Sql, groups: Sql, lineOf: (ord: number) => number): Promise<Warning[]> {
	return (await jumpsOf(conn, acc, defs, groups, lineOf, false)).jumps;
}

/** Each group's first record, and its series' and client's (the warnings' order). */
const firstsOf = (groups: Sql) =>
	sql`SELECT *, min(ifirst) OVER (PARTITION BY client_id, series) AS sfirst, min(ifirst) OVER (PARTITION BY client_id) AS cfirst FROM ${groups}`;

async function jumpsOf(conn: Connector, acc: Sql, defs: Sql, groups: Sql, lineOf: (ord: number) => number, neighbours: boolean): Promise<Omit<TableWarnings, 'groups'>> {
	const firsts = firstsOf(groups);
	// The window carries only what it orders and compares; the instrument's name and jump size are
	// joined to its output (each column the window carries is sorted with every accepted record).
	const scored = sql`SELECT a.ord, a.seq, a.client_id, a.series, a.instrument, a.score AS s,
			(CASE a.phase WHEN 'baseline' THEN 0 WHEN 'session' THEN 1 ELSE 2 END) * 1e9 + coalesce(a.session, 0) * 1e3 + coalesce(a.week, 0) AS okey
		FROM ${acc} a`;
	const jump = sql`j.a IS NOT NULL AND abs(j.s - j.a) > ${JUMP_SHARE} * d.jump`;
	const rows = await conn.query<{ ord: number; client_id: string; short: string; a: number; b: number; jump: boolean; same: boolean }>(sql`
		SELECT j.ord, j.client_id, d.short, j.a, j.s AS b, coalesce(${jump}, false) AS jump, ${neighbours ? sql`coalesce(j.same, false)` : sql`false`} AS same FROM (
			SELECT *, lag(s) OVER w AS a${neighbours ? sql`, lag(okey) OVER w = okey AS same` : sql``} FROM (${scored})
			WINDOW w AS (PARTITION BY client_id, series, instrument ORDER BY okey, seq)) j
		JOIN ${defs} d ON d.id = j.instrument
		JOIN (${firsts}) g ON g.client_id = j.client_id AND g.series = j.series AND g.instrument = j.instrument
		WHERE ${jump}${neighbours ? sql` OR j.same` : sql``} ORDER BY g.cfirst, g.sfirst, g.ifirst, j.okey, j.seq`);
	return {
		jumps: rows.filter((r) => r.jump).map((r) => {
			const delta = r.b - r.a;
			return { line: lineOf(r.ord), client_id: r.client_id, reason: `implausible jump: ${r.short} ${r.a} → ${r.b} (${delta > 0 ? '+' : ''}${delta}) between consecutive timepoints` };
		}),
		maybeDuplicates: rows.some((r) => r.same)
	};
}
