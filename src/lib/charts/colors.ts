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
