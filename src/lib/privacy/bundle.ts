/**
 * The structure of a site bundle (src/lib/network) declared for the policy, and the policy applied
 * to it: one export of five tables, so a count withheld in one place is not printed in another.
 *
 * - series: client-series with a baseline ⊇ with an end score (= the reliable-change n = the change
 *   n) ⊇ with a baseline > 0 (response n) ⊇ responders; remitters ⊆ with an end score;
 *   improved + unchanged + deteriorated = n.
 * - histograms: per phase × session/week, the bins add up to n (the same count as the attrition
 *   stage there). A histogram is published whole or not at all: one withheld bin withholds every
 *   bin of it, so no combination with its n, sum and sum of squares pins a bin down. n, sum and sum
 *   of squares (a mean and SD over n) stay when n is shown, as in every other export.
 * - life tables: the Kaplan–Meier chain (LIFE_TABLE).
 * - attrition stages: counts; the baseline stage is the series' `with_baseline`.
 */
import { protectTables } from './policy';
import type { Row, TableSpec } from './spec';
import { LIFE_TABLE } from './tables';
import type { Bundle } from '../network/schema';

const SLOT = ['cell', 'phase', 'session', 'week'];

const SERIES: TableSpec = {
	name: 'bundle_series',
	counts: ['with_baseline', 'with_end', 'response_n', 'responders', 'remitters', 'rel_n', 'improved', 'unchanged', 'deteriorated', 'change_n'],
	derived: [
		{ fields: ['change_sum', 'change_sum_sq'], from: ['change_n'] },
		{ fields: ['rel_sd', 'rel_reliability'], from: ['rel_n'] }
	],
	slices: [
		{ kind: 'fields', parts: ['with_end'], total: 'with_baseline', complete: false },
		{ kind: 'fields', parts: ['response_n'], total: 'with_end', complete: false },
		{ kind: 'fields', parts: ['responders'], total: 'response_n', complete: false },
		{ kind: 'fields', parts: ['remitters'], total: 'with_end', complete: false },
		{ kind: 'fields', parts: ['improved', 'unchanged', 'deteriorated'], total: 'rel_n' }
	],
	same: [
		{ field: 'with_end', as: 'analysed', by: ['cell'] },
		{ field: 'rel_n', as: 'analysed', by: ['cell'] },
		{ field: 'change_n', as: 'analysed', by: ['cell'] },
		// client-series with a baseline = the baseline histogram's n = the baseline attrition stage
		{ field: 'with_baseline', as: 'slot-n', by: SLOT }
	]
};

const BINS: TableSpec = {
	name: 'bundle_histogram_bins',
	counts: ['k', 'n'],
	slices: [{ kind: 'rows', by: SLOT, count: 'k', total: 'n' }],
	same: [{ field: 'n', as: 'slot-n', by: SLOT }]
};

const SLOTS: TableSpec = {
	name: 'bundle_histograms',
	counts: ['n'],
	derived: [{ fields: ['sum', 'sum_sq'], from: ['n'] }],
	same: [{ field: 'n', as: 'slot-n', by: SLOT }]
};

const ATTRITION: TableSpec = {
	name: 'bundle_attrition',
	counts: ['clients', 'with_baseline'],
	slices: [{ kind: 'fields', parts: ['with_baseline'], total: 'clients', complete: false }],
	same: [{ field: 'clients', where: { phase: ['baseline', 'session', 'followup'] }, as: 'slot-n', by: SLOT }]
};

/** The bundle with the policy applied at its `min_cell`; `withheld` lists every withheld value's path. */
export function protectBundle(b: Bundle): Bundle {
	if (b.min_cell <= 0) return { ...b, withheld: [] };
	const series: Row[] = [];
	const slots: Row[] = [];
	const bins: Row[] = [];
	const attrition: Row[] = [];
	const life: Row[] = [];
	b.cells.forEach((c, ci) => {
		const s = c.series;
		series.push({
			cell: ci, phase: 'baseline', session: 0, week: null, with_baseline: s.with_baseline, with_end: s.with_end, response_n: s.response_n, responders: s.responders, remitters: s.remitters,
			rel_n: s.reliable.n, improved: s.reliable.improved, unchanged: s.reliable.unchanged, deteriorated: s.reliable.deteriorated,
			rel_sd: s.reliable.sd, rel_reliability: s.reliable.reliability, change_n: s.change.n, change_sum: s.change.sum, change_sum_sq: s.change.sum_sq
		});
		c.histograms.forEach((h, hi) => {
			slots.push({ cell: ci, hi, phase: h.phase, session: h.session, week: h.week, n: h.n, sum: h.sum, sum_sq: h.sum_sq });
			(h.bins ?? []).forEach(([score, k], bi) => bins.push({ cell: ci, hi, bi, phase: h.phase, session: h.session, week: h.week, score, k, n: h.n }));
		});
		c.attrition.forEach((a, ai) => attrition.push({ cell: ci, ai, phase: a.phase, session: a.session, week: a.week, clients: a.clients, with_baseline: a.with_baseline }));
		const events = c.life_table.reduce((t, r) => t + (r.events ?? 0), 0);
		const n = c.life_table[0]?.at_risk ?? 0;
		if (c.life_table.length) life.push({ instrument: String(ci), group: '', step: false, time: -1, at_risk: n, events, censored: n - events });
		c.life_table.forEach((r, li) => life.push({ instrument: String(ci), group: '', step: true, li, time: r.week, at_risk: r.at_risk, events: r.events, censored: r.censored }));
	});
	const [ps, pSlots, pBins, pAttr, pLife] = protectTables(
		[
			{ spec: SERIES, rows: series },
			{ spec: SLOTS, rows: slots },
			{ spec: BINS, rows: bins },
			{ spec: ATTRITION, rows: attrition },
			{ spec: LIFE_TABLE, rows: life }
		],
		b.min_cell
	).map((e) => e.rows as readonly Row[]);

	const out: Bundle = JSON.parse(JSON.stringify(b));
	const withheld: string[] = [];
	const hide = (path: string, set: () => void) => (set(), withheld.push(path));
	ps.forEach((r, ci) => {
		const s = out.cells[ci].series;
		const at = `cells[${ci}].series`;
		for (const f of ['with_baseline', 'with_end', 'response_n', 'responders', 'remitters'] as const) if (r[f] === null && s[f] !== null) hide(`${at}.${f}`, () => (s[f] = null));
		const map = { rel_n: 'n', improved: 'improved', unchanged: 'unchanged', deteriorated: 'deteriorated', rel_sd: 'sd', rel_reliability: 'reliability' } as const;
		for (const [from, to] of Object.entries(map)) if (r[from] === null && s.reliable[to] !== null) hide(`${at}.reliable.${to}`, () => (s.reliable[to] = null));
		const cmap = { change_n: 'n', change_sum: 'sum', change_sum_sq: 'sum_sq' } as const;
		for (const [from, to] of Object.entries(cmap)) if (r[from] === null && s.change[to] !== null) hide(`${at}.change.${to}`, () => (s.change[to] = null));
	});
	pSlots.forEach((r) => {
		const h = out.cells[r.cell as number].histograms[r.hi as number];
		const at = `cells[${r.cell}].histograms[${r.hi}]`;
		for (const f of ['n', 'sum', 'sum_sq'] as const) if (r[f] === null && h[f] !== null) hide(`${at}.${f}`, () => (h[f] = null));
	});
	// a histogram is published whole or not at all
	const brokenSlots = new Set(pBins.filter((r) => r.k === null || r.n === null).map((r) => `${r.cell}\u0001${r.hi}`));
	for (const key of brokenSlots) {
		const [ci, hi] = key.split('\u0001').map(Number);
		const h = out.cells[ci].histograms[hi];
		if (h.bins !== null) hide(`cells[${ci}].histograms[${hi}].bins`, () => (h.bins = null));
	}
	pAttr.forEach((r) => {
		const a = out.cells[r.cell as number].attrition[r.ai as number];
		if (r.clients === null && a.clients !== null) hide(`cells[${r.cell}].attrition[${r.ai}].clients`, () => (a.clients = null));
		if (r.with_baseline === null && a.with_baseline !== null) hide(`cells[${r.cell}].attrition[${r.ai}].with_baseline`, () => (a.with_baseline = null));
	});
	pLife.forEach((r) => {
		if (!r.step) return;
		const lt = out.cells[Number(r.instrument)].life_table[r.li as number];
		const at = `cells[${r.instrument}].life_table[${r.li}]`;
		for (const f of ['at_risk', 'events', 'censored'] as const) if (r[f] === null && lt[f] !== null) hide(`${at}.${f}`, () => (lt[f] = null));
	});
	return { ...out, withheld };
}
