/**
 * One colour per route everywhere, from the Okabe–Ito palette (distinguishable with the common
 * colour-vision deficiencies). Other groupings take the remaining palette colours in order.
 */
import type { Route } from '../model/schema';

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];

export const ROUTE_COLORS: Record<Route, string> = {
	iv: '#0072B2',
	im: '#D55E00',
	sublingual: '#E69F00',
	oral: '#CC79A7',
	intranasal: '#009E73',
	other: '#666666'
};

/** Colour for group value `key`: the route colour when it is a route, else a stable palette pick. */
export function groupColor(key: string, allKeys: string[]): string {
	if (key in ROUTE_COLORS) return ROUTE_COLORS[key as Route];
	const others = OKABE_ITO.filter((c) => !Object.values(ROUTE_COLORS).includes(c));
	const pool = [...others, ...OKABE_ITO];
	const i = allKeys.filter((k) => !(k in ROUTE_COLORS)).indexOf(key);
	return pool[(i < 0 ? 0 : i) % pool.length];
}

/** Okabe–Ito colours no route uses: for cohorts that are not one route. */
const NON_ROUTE = OKABE_ITO.filter((c) => !Object.values(ROUTE_COLORS).includes(c) && c !== '#F0E442'); // yellow is too pale on white

/**
 * Colours of cohorts A and B: a cohort that is exactly one route takes that route's colour (so a
 * route looks the same on every page); otherwise, or when both would share a colour, two distinct
 * Okabe–Ito colours that no route uses.
 */
export function cohortColors(a: { route?: string[] }, b: { route?: string[] }): [string, string] {
	const single = (f: { route?: string[] }) => (f.route?.length === 1 && f.route[0] in ROUTE_COLORS ? ROUTE_COLORS[f.route[0] as Route] : null);
	let [ca, cb] = [single(a), single(b)];
	if (ca && ca === cb) [ca, cb] = [null, null];
	const pool = NON_ROUTE.filter((c) => c !== ca && c !== cb);
	return [ca ?? pool[0], cb ?? (ca ? pool[0] : pool[1])];
}
