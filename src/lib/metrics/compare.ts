/**
 * Cohort A vs cohort B (each a `Filters`), for one instrument: change from baseline, Hedges' g on
 * change, response/remission difference (Newcombe), ANCOVA (end ~ cohort + baseline), the mixed
 * model time × cohort with its LRT, Kaplan–Meier of time to loss of response with log-rank, and a
 * methods paragraph plus results sentences carrying every number. All differences are A − B.
 */
import type { Connector } from '../engine/connector';
import { ident, sql, type Sql } from '../engine/sql';
import { INSTRUMENTS, isInstrumentId } from '../instruments/definitions';
import { normalCdf } from '../stats/distributions';
import { hedgesG, summarize, type HedgesG } from '../stats/effect';
import { newcombeDifference } from '../stats/proportions';
import { addMoments, noMoments, olsOnMoments, type OlsResult } from '../stats/regression';
import { durabilityDefinition, endPoint, responseDefinition, remissionDefinition, resolveSettings, DEFINITIONS, type Definition, type SettingsInput } from './definitions';
import { survival, type LogRankRow, type SurvivalRow } from './durability';
import { describeColumns, whereSql, type Filters } from './filters';
import { mixedModels, type ModelOptions, type ModelRow } from './models';
import { remission, response, type RateRow } from './rates';
import { clientSummary, type DerivedTable, type MetricResult } from './source';
import { markCohorts } from './summaries';

export interface Cohort {
	label: string;
	filters: Filters;
}

export interface CompareOptions {
	table?: string;
	a: Cohort;
	b: Cohort;
	instrument: string;
	settings?: SettingsInput;
	/** What one step of the time axis is, for the text ("dosing session", "month"); from the import mapping. */
	timeUnit?: string;
	/** Mixed-model options; `false` skips the model (a page shows the fast parts while it fits). */
	model?: Pick<ModelOptions, 'method' | 'random' | 'covariates' | 'scores'> | false;
}

/** One fixed-effect term of the mixed model with its Wald 95 % CI and two-sided Wald (z) p. */
export interface ModelTerm {
	term: string;
	estimate: number;
	se: number;
	low: number;
	high: number;
	p: number;
}

export interface ChangeRow {
	cohort: string;
	n: number;
	mean: number;
	sd: number;
	ci_low: number;
	ci_high: number;
}

export interface RateDifference {
	a: RateRow;
	b: RateRow;
	diff: number;
	low: number;
	high: number;
	definition: string;
}

export interface Comparison {
	instrument: string;
	cohorts: [string, string];
	/** Change from baseline (end − baseline) per cohort, t-based 95 % CI. */
	change: ChangeRow[];
	/** Hedges' g of change, A − B (negative = A improved more on a symptom scale). */
	hedges: HedgesG;
	response: RateDifference | null;
	remission: RateDifference | null;
	/** end score ~ cohort + baseline; `cohortEffect` is the A − B adjusted difference. */
	ancova: (OlsResult & { cohortEffect: OlsResult['coefficients'][number] }) | { error: string };
	/** null when the model was skipped (`model: false`) or could not be fitted (see `modelNote`). */
	lmm: ModelRow | null;
	/** Why the model was not fitted, in words (null when it was, or was skipped on purpose). */
	modelNote: string | null;
	/** The time unit the text uses. */
	timeUnit: string;
	/** time × cohort: the A − B difference in change per session (null when skipped or not fitted). */
	lmmSlope: ModelTerm | null;
	survival: { rows: SurvivalRow[]; logRank: LogRankRow | null };
	methods: string;
	results: string[];
	/** The response and durability definitions in force (for the cards' texts; the methods paragraph states them too). */
	definitions?: { response: Definition; durability: Definition };
	/** Every SQL statement run, in order (text with `$n` placeholders and the bound values). */
	sql: Sql[];
	/** Temporary tables those statements read (the shared client-series summary), each once. */
	derived: DerivedTable[];
}

/** Column of `cohortRelation` holding the cohort label. */
export const COHORT = '__cohort';
// Sentences are only written for figures that exist (see resultsText), so these never meet a
// missing value in practice; the dash is the last guard against printing "NA" or "NaN". A null is a
// number the privacy policy withheld (the shared text, src/lib/privacy/compare.ts).
const WITHHELD = 'withheld';
const f2 = (x: number | null) => (x === null ? WITHHELD : Number.isFinite(x) ? x.toFixed(2) : '—');
const pct = (x: number | null) => (x === null ? WITHHELD : Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
/** A difference of two percentages is in percentage points, not per cent. */
const pp = (x: number | null) => (x === null ? WITHHELD : Number.isFinite(x) ? `${(100 * x).toFixed(1)} percentage points` : '—');
const pval = (p: number | null) => (p === null ? `p ${WITHHELD}` : !Number.isFinite(p) ? 'p not computable' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const cnt = (x: number | null) => (x === null ? WITHHELD : String(x));

/**
 * The two cohorts as one relation with a `__cohort` column (a client may be in both). It is marked
 * as their union (`markCohorts`): where the dataset's summaries keep every column the cohorts are
 * defined by, the metrics read the same union over the summaries' cells instead of the score rows.
 */
export async function cohortRelation(conn: Connector, table: string, a: Cohort, b: Cohort): Promise<Sql> {
	const cols = (await describeColumns(conn, ident(table))).map((c) => c.name);
	const over = (rows: Sql) => {
		const part = (c: Cohort) => sql`SELECT *, CAST(${c.label} AS VARCHAR) AS ${ident(COHORT)} FROM ${rows} WHERE ${whereSql(c.filters, cols)}`;
		return sql`(${part(a)} UNION ALL ${part(b)})`;
	};
	return markCohorts(over(ident(table)), { table, label: COHORT, filters: [a.filters, b.filters], over });
}

function rateDiff(rows: RateRow[], a: string, b: string): RateDifference | null {
	const ra = rows.find((r) => r.group === a);
	const rb = rows.find((r) => r.group === b);
	if (!ra || !rb) return null;
	const d = newcombeDifference(ra.count, ra.n, rb.count, rb.n);
	return { a: ra, b: rb, diff: d.diff, low: d.low, high: d.high, definition: ra.definition };
}

/** Compare two cohorts on one instrument. */
export async function compareCohorts(conn: Connector, opts: CompareOptions): Promise<Comparison> {
	if (opts.a.label === opts.b.label) throw new Error('the two cohorts need different labels');
	const [A, B] = [opts.a.label, opts.b.label];
	const relation = await cohortRelation(conn, opts.table ?? 'scores', opts.a, opts.b);
	const base = { relation, groupBy: COHORT, instruments: [opts.instrument], settings: opts.settings };
	const settings = resolveSettings(opts.settings);
	const ran: Sql[] = [];
	const derived = new Map<string, DerivedTable>();
	const record = (r: Pick<MetricResult<unknown>, 'sql' | 'derived'>) => {
		for (const d of r.derived ?? []) derived.set(d.table, d);
		ran.push(r.sql);
	};

	const summary = await clientSummary(conn, base);
	record(summary);
	// One pass over the client-series with a baseline and an end score: each cohort's changes (their t
	// interval) and the moments of (baseline, end score) per cohort, which the ANCOVA is fitted on
	// (olsOnMoments: the fit on one row per client-series, at three rows per cohort; at 1M score rows a
	// QR over the ~50k rows themselves was ~100 ms of the page's main thread).
	const changes: Record<string, number[]> = { [A]: [], [B]: [] };
	const moments = [noMoments(), noMoments()]; // [B, A]: indexed by "in cohort A"
	for (const r of summary.rows) {
		if (r.baseline === null || r.end_score === null) continue;
		changes[r.group]?.push(r.end_score - r.baseline);
		addMoments(moments[r.group === A ? 1 : 0], r.baseline, r.end_score);
	}
	const [sa, sb] = [summarize(changes[A]), summarize(changes[B])];
	const change: ChangeRow[] = [
		{ cohort: A, n: sa.n, mean: sa.mean, sd: sa.sd, ci_low: sa.ciLow, ci_high: sa.ciHigh },
		{ cohort: B, n: sb.n, mean: sb.mean, sd: sb.sd, ci_low: sb.ciLow, ci_high: sb.ciHigh }
	];
	const hedges = hedgesG(sa.n, sa.mean, sa.sd, sb.n, sb.mean, sb.sd);

	const resp = await response(conn, base);
	const remi = await remission(conn, base);
	record(resp);
	record(remi);

	let ancova: Comparison['ancova'];
	try {
		const term = `cohort${A}`;
		const sets = [{ u: [1, 1, 0], s: moments[1] }, { u: [1, 0, 0], s: moments[0] }].filter((c) => c.s.m > 0);
		const fit = olsOnMoments(sets, 2, ['(Intercept)', term, 'baseline']);
		ancova = { ...fit, cohortEffect: fit.coefficients[1] };
	} catch (e) {
		ancova = { error: e instanceof Error ? e.message : String(e) };
	}

	let lmm: ModelRow | null = null;
	let modelNote: string | null = null;
	if (opts.model !== false) {
		const empty = change.filter((c) => c.n === 0).map((c) => c.cohort);
		if (empty.length) modelNote = `no client-series in ${empty.join(' or in ')} has both a baseline and a later score, so there is nothing to compare`;
		else {
			const models = await mixedModels(conn, { ...base, ...opts.model, groupLabel: 'cohort', references: { cohort: B } });
			record(models);
			lmm = models.rows[0] ?? null;
			if (!lmm) modelNote = 'no scores after baseline to model';
			else if (lmm.error) modelNote = lmm.error;
		}
	}
	const surv = await survival(conn, base);
	record(surv);

	const out: Comparison = {
		instrument: opts.instrument,
		cohorts: [A, B],
		change,
		hedges,
		response: rateDiff(resp.rows, A, B),
		remission: rateDiff(remi.rows, A, B),
		ancova,
		lmm,
		modelNote,
		timeUnit: opts.timeUnit ?? 'dosing session',
		lmmSlope: slopeTerm(lmm),
		survival: { rows: surv.rows, logRank: surv.logRank[0] ?? null },
		methods: '',
		results: [],
		sql: ran,
		derived: [...derived.values()],
		definitions: { response: responseDefinition(settings, opts.instrument), durability: durabilityDefinition(settings, opts.instrument) }
	};
	out.methods = methodsText(out, settings);
	out.results = resultsText(out);
	return out;
}

/** The time × cohort term with a Wald p (the CI in `fixed` is already Wald, so the two agree). */
function slopeTerm(m: ModelRow | null): ModelTerm | null {
	const f = m && !m.error ? m.fixed.find((t) => t.term.startsWith('time:')) : undefined;
	if (!f) return null;
	return { term: f.term, estimate: f.estimate, se: f.se, low: f.low, high: f.high, p: 2 * (1 - normalCdf(Math.abs(f.estimate / f.se))) };
}

/** Methods: only the analyses that were computed and have data in both cohorts. */
function methodsText(c: Comparison, s: ReturnType<typeof resolveSettings>): string {
	const name = isInstrumentId(c.instrument) ? INSTRUMENTS[c.instrument].shortName : c.instrument;
	const rem = isInstrumentId(c.instrument) ? remissionDefinition(c.instrument, s) : null;
	const m = c.lmm && !c.lmm.error ? c.lmm : null;
	const bothChange = c.change.every((x) => x.n > 0);
	const rated = [c.response, c.remission].some((d) => d && d.a.n > 0 && d.b.n > 0);
	const unit = c.timeUnit;
	return [
		`We compared ${c.cohorts[0]} with ${c.cohorts[1]} on the ${name}, using observed cases; time was counted in ${unit}s from baseline.`,
		bothChange
			? `Change from baseline was the end score minus the baseline score (end = the ${endPoint(s.end).where}), summarised with t-based 95 % confidence intervals, and compared with Hedges' g (bias-corrected, pooled SD; Borenstein et al. 2009).`
			: '',
		rated ? `${responseDefinition(s, c.instrument).text} [${responseDefinition(s, c.instrument).id}]${rem ? ` ${rem.text} [${rem.id}]` : ''} Proportions have Wilson 95 % intervals and differences (in percentage points) Newcombe's hybrid score interval (method 10).` : '',
		'cohortEffect' in c.ancova ? `A baseline-adjusted comparison used ordinary least squares (ANCOVA: end score ~ cohort + baseline).` : '',
		m
			? `All observed ${m.scores === 'post' ? 'post-baseline' : 'baseline and later'} scores were analysed with a linear mixed model (${m.formula}, time in ${unit}s, ${m.method}, ${m.random === 'slope' ? 'correlated random intercept and slope' : 'random intercept'} per client-series; lme4's profiled deviance); the time × cohort term is reported with a Wald 95 % CI and p${m.lrt ? ', and the cohort terms together were tested with a likelihood-ratio test of ML fits' : ''} [${DEFINITIONS.lmm.id}].`
			: '',
		c.survival.rows.some((r) => r.n > 0)
			? `${durabilityDefinition(s, c.instrument).text} Curves are Kaplan–Meier estimates with Greenwood standard errors and log-log 95 % intervals${c.survival.logRank ? ', compared with the log-rank test' : ''} [${durabilityDefinition(s, c.instrument).id}].`
			: ''
	]
		.filter(Boolean)
		.join(' ');
}

/**
 * Results sentences; a cohort without data is said in words instead of a row of dashes. A null (a
 * number the privacy policy withheld) reads "withheld".
 */
export function resultsText(c: Comparison): string[] {
	const [A, B] = c.cohorts;
	const out: string[] = [];
	const [ca, cb] = c.change;
	const empty = c.change.filter((x) => x.n === 0).map((x) => x.cohort);
	if (empty.length)
		out.push(`n = 0: no client-series in ${empty.join(' or in ')} has both a baseline and an end score on this questionnaire, so the cohorts cannot be compared on change, response or remission.`);
	else
		out.push(
			`Mean change from baseline was ${f2(ca.mean)} (95 % CI ${ca.n === null || ca.n > 1 ? `${f2(ca.ci_low)} to ${f2(ca.ci_high)}` : 'not computable with n = 1'}; n = ${cnt(ca.n)}) in ${A} and ${f2(cb.mean)} (${cb.n === null || cb.n > 1 ? `${f2(cb.ci_low)} to ${f2(cb.ci_high)}` : 'not computable with n = 1'}; n = ${cnt(cb.n)}) in ${B}${c.hedges.g === null || Number.isFinite(c.hedges.g) ? `; Hedges' g = ${f2(c.hedges.g)} (95 % CI ${f2(c.hedges.low)} to ${f2(c.hedges.high)})` : ''}.`
		);
	for (const [label, d] of [['Response', c.response], ['Remission', c.remission]] as const)
		if (d && d.a.n > 0 && d.b.n > 0)
			out.push(
				`${label}: ${cnt(d.a.count)}/${cnt(d.a.n)} (${d.a.count === null ? WITHHELD : pct(d.a.rate ?? NaN)}) in ${A} vs ${cnt(d.b.count)}/${cnt(d.b.n)} (${d.b.count === null ? WITHHELD : pct(d.b.rate ?? NaN)}) in ${B}; difference ${pp(d.diff)} (95 % CI ${pp(d.low)} to ${pp(d.high)}).`
			);
	if ('cohortEffect' in c.ancova) {
		const e = c.ancova.cohortEffect;
		out.push(`Adjusted for baseline, the end score differed by ${f2(e.estimate)} points (${A} − ${B}; 95 % CI ${f2(e.low)} to ${f2(e.high)}, ${pval(e.p)}, n = ${cnt(c.ancova.n)}).`);
	}
	const m = c.lmm;
	if (m && 'suppressed_reason' in m && m.suppressed_reason) out.push(`Mixed model: ${m.suppressed_reason}.`);
	else if (m && !m.error) {
		const slope = c.lmmSlope;
		if (slope)
			out.push(
				`In the mixed model the change per ${c.timeUnit} differed by ${f2(slope.estimate)} points (${A} − ${B}; 95 % CI ${f2(slope.low)} to ${f2(slope.high)}, SE ${f2(slope.se)}, Wald ${pval(slope.p)}).`
			);
		if (m.lrt) out.push(`Likelihood-ratio test of the cohort terms: χ² = ${f2(m.lrt.chi2)} on ${m.lrt.df} df, ${pval(m.lrt.p)} (${cnt(m.n_obs)} scores from ${cnt(m.n_clients)} client-series).`);
	} else if (c.modelNote) out.push(`The mixed model was not fitted: ${c.modelNote}.`);
	const lr = c.survival.logRank;
	for (const r of c.survival.rows)
		if (r.n === null || r.n > 0)
			out.push(`Among ${r.group} responders with follow-up (n = ${cnt(r.n)}), ${cnt(r.events)} lost response; median time to loss ${r.n === null || r.events === null ? WITHHELD : r.median_weeks === null ? 'not reached' : `${f2(r.median_weeks)} weeks`}.`);
	if (lr && Number.isFinite(lr.chi2)) out.push(`Log-rank test: χ² = ${f2(lr.chi2)} on ${lr.df} df, ${pval(lr.p)}.`);
	return out;
}
