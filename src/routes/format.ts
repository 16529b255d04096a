/** Labels and number formats shared by the overview's panels (one place, so every chart reads alike). */
import type { Column } from '$lib/components/columns';
import { ROUTE_LABELS, ROUTES, type Route } from '$lib/model/schema';
import { ALL_GROUPS } from '$lib/metrics/source';

/**
 * The route's label (e.g. "Sublingual (troche/lozenge)"), the same in every chart, legend, table
 * and sentence (axes wrap it); unknown values as they are.
 */
export const routeLabel = (g: string): string => ROUTE_LABELS[g as Route] ?? g;

/** Groups in the canonical route order (then any others alphabetically), so every chart lists routes alike. */
export function routeOrder(groups: Iterable<string>): string[] {
	const rank = (g: string) => {
		const i = ROUTES.indexOf(g as Route);
		return i < 0 ? ROUTES.length : i;
	};
	return [...new Set(groups)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** 0.523 → "52.3 %"; null → "—". */
export const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(digits)} %`);

/** A CI as "48.1–56.4 %". */
export const ciText = (low: number | null | undefined, high: number | null | undefined): string =>
	low === null || low === undefined || high === null || high === undefined ? '—' : `${(100 * low).toFixed(1)}–${(100 * high).toFixed(1)} %`;

/** The route column of the overview's tables: the group key shown as the route's name. */
export const ROUTE_COLUMN: Column = { key: 'group', label: 'Route', kind: 'label', format: (v) => routeLabel(String(v)) };

/** `groupLabel` that also names the `(all)` row: "All". */
export const withAll = (groupLabel: (g: string) => string) => (g: string): string => (g === ALL_GROUPS ? 'All' : groupLabel(g));

/** The group column of a table grouped by route or dose band, with the `(all)` row as "All". */
export const groupColumn = (groupLabel: (g: string) => string): Column => ({ key: 'group', label: 'Group', kind: 'label', format: (v) => withAll(groupLabel)(String(v)) });

/** A share column: shown as "52.3 %", written to the CSV as 52.3 under a "(%)" header. */
export const shareColumn = (key: string, label: string, digits = 1): Column => ({ key, label, kind: 'share', format: (v) => pct(v as number | null, digits) });

/** A rate and its Wilson 95 % CI, as percentages. `label` names the rate ("Response rate"). */
export const rateCiColumns = (label = 'Rate'): Column[] => [
	shareColumn('rate', label),
	shareColumn('ci_low', '95 % CI lower'),
	shareColumn('ci_high', '95 % CI upper')
];

/** A rate and its Wilson 95 % CI, as percentages. */
export const RATE_CI_COLUMNS: Column[] = rateCiColumns();

/** The overview's response (remission) by route table and CSV: route names, counts, the rate and its CI. */
export const rateByRouteColumns = (kind: 'response' | 'remission'): Column[] => [
	{ key: 'group', label: 'Route', kind: 'label', format: (v) => (v === ALL_GROUPS ? 'All routes' : routeLabel(String(v))) },
	{ key: 'count', label: kind === 'response' ? 'Responders' : 'In remission', kind: 'count' },
	{ key: 'n', label: 'Client-series analysed', kind: 'count' },
	...rateCiColumns(kind === 'response' ? 'Response rate' : 'Remission rate')
];

/** The attrition funnel's stages in words (the rows' `phase` codes). */
export const PHASE_WORDS: Record<string, string> = {
	baseline: 'Baseline',
	session: 'Dosing session',
	end: 'Any dosing session',
	completed: 'Reached planned last session',
	followup: 'Follow-up'
};

/** A phase code in words; unknown values as they are. */
export const phaseLabel = (p: string): string => PHASE_WORDS[p] ?? p;

/** What a chart prints in place of a count the privacy policy withheld (the board report). */
export const withheldText = (minCell: number): string => `withheld (< ${minCell})`;

/**
 * One formatter for every count. `toLocaleString('en-US')` gives the same text but builds a new
 * formatter on each call: with the panels re-deriving their labels as each result arrives, that was
 * a fifth of a filter interaction's main-thread time at 1M score rows.
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** A count as printed: "1,204", or the withheld label; `undefined` (nothing yet) → "—". */
export const countText = (v: number | null | undefined, minCell: number): string =>
	v === undefined ? '—' : v === null ? withheldText(minCell) : COUNT_FORMAT.format(v);
