/**
 * Completion per client-series, independent of questionnaire: one answer to "how many finished
 * their planned series?" where attrition (attrition.ts) answers per questionnaire. A client-series
 * scored on two questionnaires counts once; it completed when any of its questionnaires has a
 * score at that questionnaire's planned last session (the same planned end as attrition's
 * `completed` step, so a single-questionnaire dataset gives the same figure).
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { DEFINITIONS, type Settings } from './definitions';
import { instrumentBits, seriesMasks } from './summary-cells';
import { cellsCte, clientSeriesCtes, setsPlannedLength } from './summary-read';
import type { SummaryScope } from './summaries';
import { ALL_GROUPS, prepare, summarySource, type MetricOptions, type MetricResult, type Prepared } from './source';

/**
 * The column naming a client in `cs`: the summaries' integer `client_no` (one per client_id, so
 * grouping by it groups the same client-series; integer keys group several times faster in the
 * wasm engine than text), else `client_id`.
 */
function clientKey(p: Prepared): Sql {
	return p.summary ? sql`client_no` : sql`client_id`;
}

export interface CompletionRow {
	/** A group (route by default on the overview), or `(all)`: every client-series under the filters. */
	group: string;
	/** Client-series with a baseline score on at least one questionnaire (the denominator). */
	with_baseline: number;
	/** Of those, the ones with a score at the planned last session on at least one questionnaire. */
	completed: number;
	/** completed / with_baseline; null when no client-series has a baseline. */
	share: number | null;
	definition: string;
}

/**
 * Client-series with a baseline and, of them, those that reached their planned last session, per
 * group and in total (`(all)`, also when there is one group: the tile reads it). The planned end
 * is found per questionnaire × group (a route's protocol), then the questionnaires of a
 * client-series are pooled. Counted from the same statement as `completionLinks` (identical text,
 * so the result cache runs it once for both): a client-series has a baseline when its baseline set
 * is not empty, and completed when it also reaches a planned last session on any questionnaire.
 */
export async function seriesCompletion(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<CompletionRow>> {
	const { q, patterns, derived, path } = await completionPatterns(conn, opts);
	const counts = new Map<string, { with_baseline: number; completed: number }>();
	const add = (group: string, baseline: boolean, completed: boolean, n: number) => {
		const c = counts.get(group) ?? { with_baseline: 0, completed: 0 };
		if (baseline) c.with_baseline += n;
		if (completed) c.completed += n;
		counts.set(group, c);
	};
	add(ALL_GROUPS, false, false, 0);
	for (const { group, b, p: reached, n } of patterns) {
		for (const g of [group, ALL_GROUPS]) add(g, b !== '', b !== '' && reached !== '', n);
	}
	const order = [...counts.keys()].filter((g) => g !== ALL_GROUPS).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const rows = [...order, ALL_GROUPS].map((group) => {
		const { with_baseline, completed } = counts.get(group)!;
		return { group, with_baseline, completed, share: with_baseline ? completed / with_baseline : null, definition: DEFINITIONS.seriesCompletion.id };
	});
	return { rows, sql: q, derived, definition: DEFINITIONS.seriesCompletion, path };
}

/** Client-series per group by questionnaire sets: scored (`s`), with a baseline (`b`), reaching the planned last session (`p`). */
interface CompletionPattern {
	group: string;
	b: string;
	p: string;
	s: string;
	n: number;
}

async function completionPatterns(conn: Connector, opts: MetricOptions) {
	const prep = await prepare(conn, opts);
	const counted = prep.summary && !setsPlannedLength(prep.settings) ? prep.summary : null;
	if (counted && counted.summaries.rows.mixed === 0) return { ...(await cellPatterns(conn, counted)), derived: [], path: prep.path };
	const src = counted ? null : await summarySource(conn, prep, { planned: true });
	const perSeries = sql`per_series AS (
  SELECT grp, ${clientKey(prep)}, series, ${seriesMasks(sql`planned_score`)}
  FROM cs JOIN bits USING (instrument) GROUP BY grp, ${clientKey(prep)}, series
)`;
	// Only the dozen patterns are spelled out as text, from the masks (each questionnaire a bit, in name order).
	const patterns = counted
		? summaryPatterns(counted, prep.settings, perSeries)
		: sql`${src!.ctes},
${instrumentBits(sql`cs`)},
${perSeries},
patterns AS (SELECT grp, b, p, s, count(*)::INTEGER AS n FROM per_series GROUP BY ALL)`;
	const q = sql`${patterns},
named AS (
  SELECT grp, n,
    (SELECT coalesce(string_agg(instrument, ',' ORDER BY instrument), '') FROM bits WHERE (patterns.b >> bit) & 1 = 1) AS b,
    (SELECT coalesce(string_agg(instrument, ',' ORDER BY instrument), '') FROM bits WHERE (patterns.p >> bit) & 1 = 1) AS p,
    (SELECT string_agg(instrument, ',' ORDER BY instrument) FROM bits WHERE (patterns.s >> bit) & 1 = 1) AS s
  FROM patterns
)
SELECT grp AS "group", b, p, s, n FROM named ORDER BY ALL`;
	// the questionnaire sets as text (instrument ids are the registry's: no commas)
	return { q, patterns: await conn.query<CompletionPattern>(q), derived: src?.derived ?? [], path: prep.path };
}

/**
 * The patterns from the dataset's summaries: the client-series counted per cell at build time
 * (summary-cells.ts `patterns`, masks over every questionnaire of the dataset, so only those kept by the
 * instrument restriction count), and those it left to the filters (`mixed`: rows in several cells, or
 * a series without a plan of its own) grouped from their rows as the score-row path does. The end
 * point plays no part in the patterns, and `mixed` has no score lists: the series end is read as `last`.
 */
function summaryPatterns(scope: SummaryScope, s: Settings, perSeries: Sql): Sql {
	const S = scope.summaries;
	return sql`${clientSeriesCtes(scope, { ...s, end: 'last' }, { planned: true, from: S.mixed })},
${instrumentBits(ident(S.cellmax))},
allowed AS (SELECT coalesce(bit_or(1::BIGINT << bit), 0) AS m FROM bits WHERE ${scope.instrumentWhere}),
${perSeries},
patterns AS (
  SELECT grp, b0 & m AS b, p0 & m AS p, s0 & m AS s, sum(n0)::INTEGER AS n
  FROM (
    SELECT grp, b AS b0, p AS p0, s AS s0, n AS n0 FROM ${ident(S.patterns)} JOIN sum_k USING (cell)
    UNION ALL
    SELECT grp, b, p, s, 1 FROM per_series
  ), allowed
  WHERE s0 & m <> 0
  GROUP BY grp, b0 & m, p0 & m, s0 & m
)`;
}

/**
 * The patterns when the build counted every client-series per cell (`mixed` is empty: every series
 * has a plan of its own and lies in one cell, as in the demo): the masks summed over the kept cells, kept to the
 * restriction's questionnaires (`m`, from the summaries' bit order), and named here. At 1M score rows
 * this statement takes about 2 ms where the one that also groups `mixed` and names the masks in SQL
 * (three correlated subqueries) takes about 14 (duckdb-wasm's Node build, a route filter).
 */
async function cellPatterns(conn: Connector, scope: SummaryScope): Promise<{ q: Sql; patterns: CompletionPattern[] }> {
	const bits = scope.summaries.patternBits;
	const kept = bits.map((id) => scope.instruments === null || scope.instruments.includes(id));
	// Up to 52 questionnaires: a mask is summed and tested as a number, not with JS's 32-bit operators.
	const allowed = kept.reduce((m, on, bit) => (on ? m + 2 ** bit : m), 0);
	const q = sql`WITH ${cellsCte(scope)}, allowed AS (SELECT CAST(${allowed} AS BIGINT) AS m)
SELECT grp AS "group", b & m AS b, p & m AS p, s & m AS s, sum(n)::INTEGER AS n
FROM ${ident(scope.summaries.patterns)} JOIN sum_k USING (cell), allowed
WHERE s & m <> 0
GROUP BY ALL`;
	const named = (mask: number) => bits.filter((_, bit) => Math.floor(mask / 2 ** bit) % 2 === 1).join(',');
	const rows = (await conn.query<{ group: string; b: number; p: number; s: number; n: number }>(q)).map((r) => ({ group: r.group, b: named(r.b), p: named(r.p), s: named(r.s), n: r.n }));
	// the order of the statement that names them in SQL (ORDER BY ALL: group, then the sets as text)
	const text = (r: CompletionPattern) => [r.group, r.b, r.p, r.s];
	rows.sort((x, y) => {
		const [a, b] = [text(x), text(y)];
		for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
		return 0;
	});
	return { q, patterns: rows };
}

/** One pattern's count under one kind of printed count it adds to (privacy/tables.ts COMPLETION_LINKS). */
export interface CompletionLinkRow {
	/** The group of the printed count: the pattern's own, or `(all)` for the cohort counts (counts.ts: not by group). */
	group: string;
	/** The pattern's group. */
	origin: string;
	/** Which questionnaires the pattern's client-series have a score on, a baseline on, and reach their planned last session on. */
	pattern: string;
	kind: 'baseline' | 'planned' | 'both' | 'any-baseline' | 'any-completed' | 'scored' | 'any-scored';
	/** The questionnaire of a per-questionnaire kind; null for the any-… kinds. */
	instrument: string | null;
	/** Client-series of the group with this pattern. */
	n: number;
	/** The printed count this kind adds up to: the sum of `n` over the group's patterns of this kind and questionnaire. */
	total: number;
}

/**
 * The breakdown that ties completion per client-series to attrition's per-questionnaire counts,
 * for the privacy policy only (never shown): client-series per group by the set of questionnaires
 * with a baseline and the set reaching the planned last session, expanded to one row per printed
 * count each pattern adds to. Same client-series summary and planned end as `seriesCompletion`.
 */
export async function completionLinks(conn: Connector, opts: MetricOptions = {}): Promise<MetricResult<CompletionLinkRow>> {
	const { q, patterns, derived, path } = await completionPatterns(conn, opts);
	const rows: CompletionLinkRow[] = [];
	const list = (x: string) => (x ? x.split(',') : []);
	for (const { group, n, ...sets } of patterns) {
		const [b, reached, scored] = [list(sets.b), list(sets.p), list(sets.s)];
		const pattern = JSON.stringify([scored, b, reached]);
		const add = (kind: CompletionLinkRow['kind'], instrument: string | null, scope = group) => rows.push({ group: scope, origin: group, pattern, kind, instrument, n, total: 0 });
		// the cohort counts (counts.ts) are not by group: client-series with a score, per questionnaire and on any
		for (const i of scored) add('scored', i, ALL_GROUPS);
		add('any-scored', null, ALL_GROUPS);
		for (const i of b) add('baseline', i);
		for (const i of reached) add('planned', i);
		for (const i of b) if (reached.includes(i)) add('both', i);
		if (b.length) add('any-baseline', null);
		if (b.length && reached.length) add('any-completed', null);
	}
	const key = (r: CompletionLinkRow) => JSON.stringify([r.group, r.kind, r.instrument]);
	const totals = new Map<string, number>();
	for (const r of rows) totals.set(key(r), (totals.get(key(r)) ?? 0) + r.n);
	for (const r of rows) r.total = totals.get(key(r))!;
	return { rows, sql: q, derived, path };
}
