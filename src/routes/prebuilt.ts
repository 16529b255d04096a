/**
 * The demo's first view computed when the site was built (prebuilt.server.ts, while SvelteKit
 * prerenders `/`): the page's `data.prebuilt`, in the prerendered HTML of `/` and in its
 * `__data.json`. Used only when it was computed from the very demo files this build serves.
 */
import { DEMO_ASSETS } from '$lib/data/demo';
import { decodePrebuilt, type PrebuiltOverview } from './overview-metrics';

/** The prebuilt view `text` when it was computed from the demo files this build serves, else null (absent, unreadable, another demo). */
export function prebuiltForThisDemo(text: string | null | undefined): PrebuiltOverview | null {
	if (!text) return null;
	try {
		const p = decodePrebuilt(text);
		return p.demoAssets.length === DEMO_ASSETS.length && p.demoAssets.every((a, i) => a === DEMO_ASSETS[i]) ? p : null;
	} catch {
		return null;
	}
}
