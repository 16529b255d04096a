/**
 * `kap-outcomes pool` prints a new artefact: the pooled sections and the per-site rows of the
 * meta-analysis go through the privacy policy at 11 unless the coordinator types `--min-cell`. One site of
 * the demo shares its bundle with nothing withheld (`--min-cell 0`, under an agreement with the
 * coordinator), the two others at 11: the pooled output prints no count of 1–10, and the attacker
 * (privacy-attacker.ts, independent of src/lib/privacy) — with every pooled relation and the sites
 * adding up to the pooled response and change n — determines no withheld count.
 */
import { writeFileSync } from 'node:fs';
import { tempDir } from './temp-dir';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/lib/cli/main';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importFile, loadRows } from '../../src/lib/import/index';
import type { Report } from '../../src/lib/metrics/report';
import { buildBundle } from '../../src/lib/network/bundle';
import { poolBundles, type PooledReport } from '../../src/lib/network/pool';
import type { Bundle } from '../../src/lib/network/schema';
import { pooledExports } from '../../src/lib/privacy/pool';
import { readReport, recovered } from './privacy-attacker';

const ROOT = path.resolve(__dirname, '../..');
let bundles: Bundle[] = [];
let files: string[] = [];

async function pool(paths: string[], ...opts: string[]): Promise<Record<string, unknown> & { meta: { pooled_min_cell: number } }> {
	let out = '';
	const code = await main(['pool', ...paths, '--json', ...opts], { out: (t) => (out += t), err: () => {} });
	expect(code).toBe(0);
	return JSON.parse(out);
}

beforeAll(async () => {
	const conn = await openNodeEngine();
	const bytes = new Uint8Array(await readFile(path.join(ROOT, 'data/demo-cohort.csv')));
	await loadRows(conn, 'scores', await importFile(bytes, 'demo-cohort.csv'));
	const sites = (await conn.query<{ site: string }>(sql`SELECT DISTINCT site FROM scores ORDER BY 1`)).map((r) => r.site);
	const dir = tempDir('kap-pool-');
	for (const [i, site] of sites.entries()) {
		const t = `site_${i}`;
		await conn.exec(sql`CREATE TABLE ${ident(t)} AS SELECT * FROM scores WHERE site = ${site}`);
		const b = await buildBundle(conn, { site, table: t, minCell: i === 0 ? 0 : 11, created: '2026-12-01' });
		bundles.push(b);
		files.push(path.join(dir, `${site}.json`));
		writeFileSync(files.at(-1)!, JSON.stringify(b));
	}
	conn.close();
}, 300_000);

type R = Record<string, unknown>;
const asReport = (p: R) => ({ ...p, reliable_change: [], durability: [], models: [] }) as unknown as Report;

describe('pool: the pooled report through the policy', () => {
	it('one site at 0, two at 11: pooled at 11, no count of 1–10 printed, nothing recoverable', async () => {
		const raw = poolBundles(bundles) as PooledReport;
		const shared = await pool(files);
		expect(shared.meta.pooled_min_cell).toBe(11);
		// the open site's small counts do reach the raw pooled sums (what the policy is for)
		const small = (v: unknown) => typeof v === 'number' && v > 0 && v < 11;
		const counts = (p: R) => [
			...(['response', 'remission'] as const).flatMap((k) => (p[k] as R[]).flatMap((r) => [r.count, r.n])),
			...(p.trajectories as R[]).map((r) => r.n),
			...(p.attrition as R[]).flatMap((r) => [r.clients, r.with_baseline]),
			...(p.survival as (R & { points: R[] })[]).flatMap((r) => [r.n, r.events, ...r.points.flatMap((q) => [q.atRisk, q.events, q.censored])]),
			...(p.network as (R & { sites: R[] })[]).flatMap((m) => m.sites.flatMap((s) => [s.count, s.n]))
		];
		expect(counts(raw as unknown as R).some(small)).toBe(true);
		expect(counts(shared).filter(small)).toEqual([]);

		const a = readReport(asReport(raw as unknown as R), asReport(shared) as unknown as R);
		// the sites add up to the pooled response count and n, and their change n to the remission n
		(raw.network as PooledReport['network']).forEach((m, i) => {
			const k = `${m.instrument}:${m.route}`;
			const shownSites = (shared.network as (R & { sites: R[] })[])[i].sites;
			const parts = (f: 'count' | 'n', total: string) => {
				if (m.sites.some((s) => s[f] === null) || !a.vars.has(`${total}:${k}`)) return;
				m.sites.forEach((s, j) => a.cell(`site-${m.measure}-${f}:${k}:${s.site}`, s[f]!, shownSites[j][f]));
				a.sum(m.sites.map((s) => `site-${m.measure}-${f}:${k}:${s.site}`), `${total}:${k}`);
			};
			if (m.measure === 'response') (parts('count', 'response'), parts('n', 'n+'));
			else parts('n', 'an');
		});
		expect(recovered(a, 11)).toEqual([]);
	}, 120_000);

	// /network downloads each forest plot's rows: they must be the cells of the same one export the CLI
	// prints (the attacker above shows that export leaks nothing), not a forest protected on its own.
	it('/network forest CSVs carry exactly the cells `pool` prints, and no count of 1–10', async () => {
		const raw = poolBundles(bundles) as PooledReport;
		const shared = await pool(files);
		const { forest } = pooledExports(raw);
		expect(raw.network.length).toBeGreaterThan(0);
		raw.network.forEach((m, i) => {
			const rows = forest(m).rows as readonly R[];
			const printed = (shared.network as (R & { sites: R[] })[])[i].sites;
			for (const [j, s] of m.sites.entries()) {
				const row = rows.find((r) => r.site === s.site)!;
				expect([row.n, m.measure === 'response' ? row.count : null]).toEqual([printed[j].n, printed[j].count]);
				for (const v of [row.n, row.count]) expect(typeof v === 'number' && v > 0 && v < 11).toBe(false);
			}
			const pooled = rows.find((r) => r.site === '(all)');
			const section = (shared[m.measure === 'response' ? 'response' : 'remission'] as R[]).find((r) => r.instrument === m.instrument && r.group === m.route);
			if (pooled && section) expect(pooled.n).toEqual(section.n);
		});
	}, 120_000);

	it('a site shared at 0 and the coordinator typed --min-cell 0: nothing withheld; at 11 everywhere the pooled figures stay', async () => {
		expect((await pool([files[0]])).meta.pooled_min_cell).toBe(11);
		expect(await main(['pool', files[0], '--min-cell', '-1'], { out: () => {}, err: () => {} })).toBe(2);
		const open = await pool([files[0]], '--min-cell', '0');
		expect(open.meta.pooled_min_cell).toBe(0);
		expect(open.response).toEqual(poolBundles([bundles[0]]).response.map((r) => ({ ...r, suppressed: false, suppressed_fields: [] })));
		const closed = await pool(files.slice(1));
		expect(closed.meta.pooled_min_cell).toBe(11);
		expect((closed.response as R[]).map((r) => [r.count, r.n])).toEqual(poolBundles(bundles.slice(1)).response.map((r) => [r.count, r.n]));
	}, 120_000);
});
