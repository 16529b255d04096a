/**
 * `kap-outcomes pool <bundle>… [--json] [--min-cell N]`: pool site bundles — the report's sections
 * summed over sites, and per route a random-effects meta-analysis of the sites' response
 * proportions and mean changes, as the privacy policy lets them out (privacy/pool.ts; threshold 11
 * unless typed). Exit 0 on success, 1 when a bundle cannot be used (malformed, altered, other
 * definitions), 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { poolBundles } from '../network/pool';
import { protectPooled, type SharedMetaRow, type SharedPooled } from '../privacy/pool';
import { parseBundle, type Bundle } from '../network/schema';
import type { Command } from './main';
import { human as reportTables } from './report';

const USAGE = 'usage: kap-outcomes pool <bundle.json> [<bundle.json> …] [--json] [--min-cell N]';

export const pool: Command = async (args, io) => {
	let json = false;
	let files: string[];
	let minCell: number | undefined;
	try {
		const p = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'min-cell': { type: 'string' } } });
		json = !!p.values.json;
		files = p.positionals;
		minCell = p.values['min-cell'] === undefined ? undefined : Number(p.values['min-cell']);
		if (minCell !== undefined && !(Number.isInteger(minCell) && minCell >= 0)) throw new Error('--min-cell must be a whole number ≥ 0');
	} catch (e) {
		io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		return 2;
	}
	if (!files.length) {
		io.err(`pool needs at least one bundle\n${USAGE}`);
		return 2;
	}
	const bundles: Bundle[] = [];
	for (const f of files) {
		let text: string;
		try {
			text = await readFile(f, 'utf8');
		} catch (e) {
			io.err(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
			return 1;
		}
		const r = parseBundle(text, f);
		if ('error' in r) {
			io.err(r.error);
			return 1;
		}
		bundles.push(r.bundle);
	}
	// a new artefact: through the policy (privacy/pool.ts), at 11 unless the coordinator typed a threshold
	const pooled = protectPooled(poolBundles(bundles), minCell);
	io.out(json ? JSON.stringify(pooled, null, 2) : human(pooled));
	return 0;
};

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));

function metaLine(m: SharedMetaRow): string {
	const fmt = m.measure === 'response' ? pct : num;
	const sites = m.sites.map((s) => `${s.site} ${fmt(s.estimate)}${s.n !== null ? ` (n ${s.n})` : ''}`).join('; ');
	const r = m.reml;
	if (m.suppressed) return `${m.instrument} ${m.route} ${m.measure}: ${sites}; pooled estimate withheld (it would give a withheld site figure back)`;
	if (!r) return `${m.instrument} ${m.route} ${m.measure}: ${sites}; not pooled (no site with a usable estimate)`;
	return `${m.instrument} ${m.route} ${m.measure}: ${sites}\n  pooled (REML) ${fmt(r.shown.estimate)} [95 % CI ${fmt(r.shown.ci_low)} to ${fmt(r.shown.ci_high)}], prediction interval ${fmt(r.shown.pi_low)} to ${fmt(r.shown.pi_high)}; τ² ${r.tau2.toPrecision(3)}, Q ${r.q.toFixed(2)} on ${r.q_df} df (p ${r.q_p.toPrecision(3)}), I² ${r.i2.toFixed(1)} %${m.dl ? `; DL τ² ${m.dl.tau2.toPrecision(3)}` : ''}`;
}

function human(p: SharedPooled): string {
	const head = `pooled over ${p.meta.sites.length} site(s): ${p.meta.sites.join(', ')}\n` +
		(p.meta.incomplete.length ? `INCOMPLETE (a site withheld small cells): ${p.meta.incomplete.join('; ')}\n` : 'nothing withheld by any site: pooled figures are complete\n');
	const tables = reportTables({
		meta: { file: null, group_by: 'route', instruments: [...new Set(p.response.map((r) => r.instrument))], settings: {} as never, definitions: [], min_cell: p.meta.pooled_min_cell || null, model: { method: 'ML', random: 'intercept', scores: 'all', covariates: [] } },
		trajectories: p.trajectories, response: p.response, remission: p.remission, reliable_change: [], durability: [], survival: p.survival, log_rank: p.log_rank, attrition: p.attrition, models: [], sql: {}
	} as never);
	return `${head}\n${tables}\nBetween-site meta-analysis (random effects; response on the logit scale):\n${p.network.map(metaLine).join('\n')}\n`;
}
