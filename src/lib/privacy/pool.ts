/**
 * The pooled report of a clinic network (`kap-outcomes pool`, JSON and text) as it may be printed.
 * Pooled counts are sums of the sites' published counts, but a site may have shared its bundle with
 * nothing withheld (`--min-cell 0`, under a data-sharing agreement with the coordinator): its small
 * counts then reach the pooled sums and the per-site rows of the meta-analysis. The pooled report
 * is a new artefact, so it goes through the policy as one export — its sections, and the per-site
 * rows that add up to the pooled response and change n — at the policy's threshold unless the
 * coordinator typed another (`pool --min-cell N`). A random-effects estimate combines every site's
 * figure, so it is withheld with any of them.
 */
import type { MetaRow, PooledReport } from '../network/pool';
import { MIN_CELL, select, type Exported, type Protected } from './policy';
import { protectSections, sharedSections, type SharedReport } from './report';
import type { Row, TableSpec } from './spec';

const ALL = '(all)';

/** Per-site response of one instrument × route (a forest plot's rows); the sites add up to the pooled row. */
const SITE_RESPONSE: TableSpec = {
	name: 'network_response',
	counts: ['count', 'n'],
	derived: [{ fields: ['estimate', 'ci_low', 'ci_high'], from: ['count', 'n'] }],
	slices: [
		{ kind: 'fields', parts: ['count'], total: 'n', complete: false },
		{ kind: 'groups', group: 'site', by: ['instrument', 'group'], all: ALL }
	],
	same: [
		{ field: 'n', where: { site: ALL }, as: 'analysed-baseline-positive', by: ['instrument', 'group'] },
		{ field: 'count', where: { site: ALL }, as: 'response-count', by: ['instrument', 'group'] }
	]
};

/** Per-site mean change (n = client-series with a baseline and an end score, the remission n). */
const SITE_CHANGE: TableSpec = {
	name: 'network_change',
	counts: ['n'],
	derived: [{ fields: ['estimate', 'ci_low', 'ci_high'], from: ['n'] }],
	slices: [{ kind: 'groups', group: 'site', by: ['instrument', 'group'], all: ALL }],
	same: [{ field: 'n', where: { site: ALL }, as: 'analysed', by: ['instrument', 'group'] }]
};

type Section = 'trajectories' | 'response' | 'remission' | 'survival' | 'log_rank' | 'attrition';

/** A meta-analysis row as printed: per-site figures through the policy, pooled estimates withheld with any of them. */
export type SharedMetaRow = Omit<MetaRow, 'sites'> & { sites: Protected<MetaRow['sites'][number]>[]; suppressed: boolean };

export type SharedPooled = Omit<PooledReport, Section | 'network' | 'meta'> &
	Pick<SharedReport, Section> & { meta: PooledReport['meta'] & { pooled_min_cell: number }; network: SharedMetaRow[] };

/** What the `/network` page may download: its pooled sections and each forest plot's site rows, one export. */
export interface PooledExports {
	sections: ReturnType<typeof protectSections>;
	/** The rows of one meta-analysis (its sites and the pooled total) from the same export. */
	forest(m: MetaRow): Exported<Protected<Row>>;
}

/**
 * The pooled tables and the per-site rows of the meta-analysis through the policy in one call: the
 * sites add up to the pooled response count and n, so protecting them apart would let a site's counts
 * reveal a pooled count withheld elsewhere. Used by `protectPooled` (the CLI) and the `/network` page.
 */
export function pooledExports(p: PooledReport, minCell = MIN_CELL): PooledExports {
	const siteRows = (m: MetaRow): Row[] => {
		const total = m.measure === 'response' ? p.response.find((r) => r.instrument === m.instrument && r.group === m.route) : p.remission.find((r) => r.instrument === m.instrument && r.group === m.route);
		const sites = m.sites.map((s) => ({ ...s, group: m.route, count: m.measure === 'response' ? s.count : null }));
		return total ? [...sites, { instrument: m.instrument, group: m.route, site: ALL, count: m.measure === 'response' ? total.count : null, n: total.n }] : sites;
	};
	const [resp, change] = (['response', 'mean_change'] as const).map((k) => p.network.filter((m) => m.measure === k));
	const sections = protectSections(p, minCell, [
		{ spec: SITE_RESPONSE, rows: resp.flatMap(siteRows) },
		{ spec: SITE_CHANGE, rows: change.flatMap(siteRows) }
	]);
	return {
		sections,
		forest: (m) => select(sections.more[m.measure === 'response' ? 0 : 1], (r) => r.instrument === m.instrument && r.group === m.route)
	};
}

/** The pooled report with the policy applied at `minCell`. */
export function protectPooled(p: PooledReport, minCell = MIN_CELL): SharedPooled {
	const { sections: e, forest } = pooledExports(p, minCell);
	const network = p.network.map((m): SharedMetaRow => {
		const rows = forest(m).rows;
		const sites = m.sites.map((s) => rows.find((r) => r.site === s.site)!).map(({ group: _g, ...s }: Row) => (m.measure === 'response' ? s : { ...s, count: null })) as SharedMetaRow['sites'];
		const suppressed = sites.some((s) => s.suppressed);
		return { ...m, sites, dl: suppressed ? null : m.dl, reml: suppressed ? null : m.reml, suppressed };
	});
	return { ...p, meta: { ...p.meta, pooled_min_cell: minCell }, ...sharedSections(e, p.log_rank), network } as SharedPooled;
}
