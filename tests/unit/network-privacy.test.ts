/**
 * Site bundles and the small-cell policy: each demo site's bundle at the default threshold prints
 * no count of 1–10, and an attacker (tests/unit/privacy-attacker.ts, independent of src/lib/privacy)
 * who uses every printed value and every relation a reader knows — the series slices, bins adding
 * up to n, the moments Σ score·k = sum and Σ score²·k = sum of squares over the bins, attrition =
 * histogram n, the life-table chain — determines no withheld count.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importFile, loadRows } from '../../src/lib/import/index';
import { buildBundle } from '../../src/lib/network/bundle';
import type { Bundle } from '../../src/lib/network/schema';
import { protectBundle } from '../../src/lib/privacy/bundle';
import { Attacker, recovered } from './privacy-attacker';

const ROOT = path.resolve(__dirname, '../..');
const MIN = 11;
let pairs: { truth: Bundle; shared: Bundle }[] = [];

beforeAll(async () => {
	const conn = await openNodeEngine();
	const bytes = new Uint8Array(await readFile(path.join(ROOT, 'data/demo-cohort.csv')));
	await loadRows(conn, 'scores', await importFile(bytes, 'demo-cohort.csv'));
	const sites = (await conn.query<{ site: string }>(sql`SELECT DISTINCT site FROM scores ORDER BY 1`)).map((r) => r.site);
	for (const site of sites) {
		const t = `site_${pairs.length}`;
		await conn.exec(sql`CREATE TABLE ${ident(t)} AS SELECT * FROM scores WHERE site = ${site}`);
		const truth = await buildBundle(conn, { site, table: t, minCell: 0, created: '2026-12-01' });
		pairs.push({ truth, shared: protectBundle({ ...truth, min_cell: MIN }) });
	}
	conn.close();
}, 300_000);

/** Every relation a reader of a bundle knows, with the truth from the unprotected bundle. */
function attack(truth: Bundle, shared: Bundle): Attacker {
	const a = new Attacker();
	truth.cells.forEach((c, ci) => {
		const s = shared.cells[ci];
		const name = (x: string) => `c${ci}.${x}`;
		const count = (x: string, t: number | null, v: number | null) => t !== null && a.cell(name(x), t, v);
		const ts = c.series;
		const ss = s.series;
		count('with_baseline', ts.with_baseline, ss.with_baseline);
		count('with_end', ts.with_end, ss.with_end);
		count('response_n', ts.response_n, ss.response_n);
		count('responders', ts.responders, ss.responders);
		count('remitters', ts.remitters, ss.remitters);
		count('rel_n', ts.reliable.n, ss.reliable.n);
		for (const k of ['improved', 'unchanged', 'deteriorated'] as const) count(`rel_${k}`, ts.reliable[k], ss.reliable[k]);
		count('change_n', ts.change.n, ss.change.n);
		const rest = (part: string, total: string, t: number) => (a.hidden(name(`${total}-${part}`), t), a.sum([name(part), name(`${total}-${part}`)], name(total)));
		rest('with_end', 'with_baseline', (ts.with_baseline ?? 0) - (ts.with_end ?? 0));
		rest('response_n', 'with_end', (ts.with_end ?? 0) - (ts.response_n ?? 0));
		rest('responders', 'response_n', (ts.response_n ?? 0) - (ts.responders ?? 0));
		rest('remitters', 'with_end', (ts.with_end ?? 0) - (ts.remitters ?? 0));
		a.sum(['rel_improved', 'rel_unchanged', 'rel_deteriorated'].map(name), name('rel_n'));
		a.sum([name('rel_n')], name('with_end'));
		a.sum([name('change_n')], name('with_end'));
		c.histograms.forEach((h, hi) => {
			const sh = s.histograms[hi];
			const slot = (x: string) => name(`h${hi}.${x}`);
			count(`h${hi}.n`, h.n, sh.n);
			const bins = (h.bins ?? []).map(([score, k], bi) => {
				a.cell(slot(`b${bi}`), k!, sh.bins ? sh.bins[bi][1] : null);
				return { score, v: slot(`b${bi}`) };
			});
			a.sum(bins.map((b) => b.v), slot('n'));
			// the moments, when printed, are two more equations over the bins
			if (sh.sum !== null && sh.sum_sq !== null) {
				a.hidden(slot('sum'), h.sum!, true);
				a.hidden(slot('sum_sq'), h.sum_sq!, true);
				a.eqs.push({ names: [...bins.map((b) => b.v), slot('sum')], coefs: [...bins.map((b) => b.score), -1] });
				a.eqs.push({ names: [...bins.map((b) => b.v), slot('sum_sq')], coefs: [...bins.map((b) => b.score * b.score), -1] });
			}
			const ai = c.attrition.findIndex((x) => x.phase === h.phase && x.session === h.session && x.week === h.week);
			if (ai >= 0) a.sum([slot('n')], name(`a${ai}`));
		});
		c.attrition.forEach((x, ai) => {
			count(`a${ai}`, x.clients, s.attrition[ai].clients);
			if (x.with_baseline !== null && x.clients !== null) {
				count(`a${ai}.wb`, x.with_baseline, s.attrition[ai].with_baseline);
				a.hidden(name(`a${ai}.nb`), x.clients - x.with_baseline);
				a.sum([name(`a${ai}.wb`), name(`a${ai}.nb`)], name(`a${ai}`));
			}
		});
		const base = c.attrition.findIndex((x) => x.phase === 'baseline');
		if (base >= 0) a.sum([name(`a${base}`)], name('with_baseline'));
		c.life_table.forEach((r, li) => {
			const sr = s.life_table[li];
			count(`l${li}.at_risk`, r.at_risk, sr.at_risk);
			count(`l${li}.events`, r.events, sr.events);
			count(`l${li}.censored`, r.censored, sr.censored);
		});
		c.life_table.forEach((_, li) => {
			const next = li + 1 < c.life_table.length ? [name(`l${li + 1}.at_risk`)] : [];
			a.sum([name(`l${li}.events`), name(`l${li}.censored`), ...next], name(`l${li}.at_risk`));
		});
	});
	return a;
}

describe('site bundles at the default small-cell threshold', () => {
	it('print no count of 1–10 anywhere', () => {
		for (const { shared } of pairs) {
			const small: string[] = [];
			const walk = (v: unknown, at: string, countish: boolean) => {
				if (typeof v === 'number' && countish && Number.isInteger(v) && v > 0 && v < MIN) small.push(`${at} = ${v}`);
				else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, countish || at.endsWith('bins')));
				else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`, !['sum', 'sum_sq', 'sd', 'reliability', 'week', 'session'].includes(k));
			};
			for (const [ci, c] of shared.cells.entries()) {
				walk(c.series, `cells[${ci}].series`, true);
				walk(c.attrition.map((x) => [x.clients, x.with_baseline]), `cells[${ci}].attrition`, true);
				walk(c.life_table.map((x) => [x.at_risk, x.events, x.censored]), `cells[${ci}].life_table`, true);
				walk(c.histograms.map((h) => [h.n, ...(h.bins ?? []).map(([, k]) => k)]), `cells[${ci}].histograms`, true);
			}
			expect(small, shared.site).toEqual([]);
			expect(shared.withheld.length, shared.site).toBeGreaterThan(0);
		}
	});
	it('let no withheld count be worked out from what is printed', () => {
		for (const { truth, shared } of pairs) expect(recovered(attack(truth, shared), MIN), shared.site).toEqual([]);
	});
	it('still carry most of the information: histogram n and moments of most time points, responders of most routes', () => {
		for (const { truth, shared } of pairs) {
			const slots = truth.cells.flatMap((c, ci) => c.histograms.map((h, hi) => ({ n: h.n!, shown: shared.cells[ci].histograms[hi].n !== null && shared.cells[ci].histograms[hi].sum !== null })));
			const eligible = slots.filter((x) => x.n >= MIN);
			const kept = eligible.filter((x) => x.shown).length / eligible.length;
			const responders = shared.cells.filter((c) => c.series.responders !== null).length / shared.cells.length;
			console.log(`${shared.site}: ${(100 * kept).toFixed(0)} % of time points with n ≥ ${MIN} keep n, mean and SD; responders shown for ${(100 * responders).toFixed(0)} % of groups; ${shared.withheld.length} values withheld`);
			expect(kept).toBeGreaterThan(0.5);
			expect(responders).toBeGreaterThan(0.5);
		}
	});
});
