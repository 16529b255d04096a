/**
 * Sanity table of a generated cohort, per route of the first series: clients, mean baseline and
 * end-of-series BDI-II, share with a ≥ 50 % drop, share completing the planned sessions, and
 * clients seen at follow-up week 12. Used by the demo-data script's report and by the tests, so the
 * numbers quoted in docs and the numbers tested are the same computation.
 */
import type { DemoClient } from './generate';
import { DEMO_ROUTES, type DemoRoute } from './profile';

/** Per-route figures for series 1 (BDI-II). Percentages are 0–100; means are null when empty. */
export interface RouteSummary {
	route: DemoRoute;
	clients: number;
	meanBaseline: number | null;
	/** Mean BDI-II at the last observed dosing session, among clients with at least one session. */
	meanEnd: number | null;
	/** ≥ 50 % drop baseline → last session, among clients with at least one session. */
	pctResponse: number | null;
	/** Same, among clients who completed the planned sessions. */
	pctResponseCompleters: number | null;
	pctCompleted: number | null;
	pctStopAfterFirst: number | null;
	week12: number;
}

export interface CohortSummary {
	clients: number;
	rows: number;
	pctBooster: number;
	pctProrated: number;
	routes: RouteSummary[];
}

interface Acc {
	n: number;
	base: number;
	endN: number;
	end: number;
	resp: number;
	compN: number;
	compResp: number;
	stop1: number;
	week12: number;
}

/** Accumulates `DemoClient`s one at a time (streaming) and reports a `CohortSummary`. */
export function createSummary() {
	const acc = new Map<DemoRoute, Acc>(DEMO_ROUTES.map((r) => [r, { n: 0, base: 0, endN: 0, end: 0, resp: 0, compN: 0, compResp: 0, stop1: 0, week12: 0 }]));
	let clients = 0;
	let rows = 0;
	let boosters = 0;
	let bdiRows = 0;
	let prorated = 0;
	const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : null);
	return {
		add(c: DemoClient): void {
			clients++;
			rows += c.rows.length;
			if (c.series.length > 1) boosters++;
			const s1 = c.series[0];
			const a = acc.get(s1.route)!;
			a.n++;
			let baseline: number | null = null;
			let last: number | null = null;
			for (const r of c.rows) {
				if (r.instrument !== 'bdi2') continue;
				bdiRows++;
				if (r.prorated) prorated++;
				if (r.series !== 1) continue;
				if (r.phase === 'baseline') baseline = r.score;
				else if (r.phase === 'session') last = r.score;
				else if (r.week === 12) a.week12++;
			}
			a.base += baseline ?? 0;
			if (s1.dosed === 1 && s1.planned > 1) a.stop1++;
			if (last === null || baseline === null) return;
			const responded = last <= baseline / 2;
			a.endN++;
			a.end += last;
			if (responded) a.resp++;
			if (s1.completed) {
				a.compN++;
				if (responded) a.compResp++;
			}
		},
		result(): CohortSummary {
			const routes = DEMO_ROUTES.map((route): RouteSummary => {
				const a = acc.get(route)!;
				return {
					route,
					clients: a.n,
					meanBaseline: a.n ? a.base / a.n : null,
					meanEnd: a.endN ? a.end / a.endN : null,
					pctResponse: pct(a.resp, a.endN),
					pctResponseCompleters: pct(a.compResp, a.compN),
					pctCompleted: pct(a.compN, a.n),
					pctStopAfterFirst: pct(a.stop1, a.n),
					week12: a.week12
				};
			});
			return { clients, rows, pctBooster: pct(boosters, clients) ?? 0, pctProrated: pct(prorated, bdiRows) ?? 0, routes };
		}
	};
}

/** Plain-text table of `s` (markdown pipe table), for the script's output and reports. */
export function formatSummary(s: CohortSummary): string {
	const f = (x: number | null, d = 1) => (x === null ? '–' : x.toFixed(d));
	const lines = [
		'| route | clients | BDI-II baseline | end of series | ≥50 % drop | ≥50 % drop (completers) | completed planned | stopped after 1 | seen at wk 12 |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|'
	];
	for (const r of s.routes)
		lines.push(
			`| ${r.route} | ${r.clients} | ${f(r.meanBaseline)} | ${f(r.meanEnd)} | ${f(r.pctResponse, 0)} % | ${f(r.pctResponseCompleters, 0)} % | ${f(r.pctCompleted, 0)} % | ${f(r.pctStopAfterFirst, 0)} % | ${r.week12} (${f((100 * r.week12) / (r.clients || 1), 0)} %) |`
		);
	lines.push('', `clients ${s.clients}, rows ${s.rows}, with a booster series ${s.pctBooster.toFixed(1)} %, prorated BDI-II ${s.pctProrated.toFixed(1)} %`);
	return lines.join('\n');
}
