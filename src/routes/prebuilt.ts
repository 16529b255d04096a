/**
 * The demo's first view computed when the site was built (scripts/prebuild-demo.ts writes
 * `prebuilt/demo-overview.json` into the build, and the same JSON into the prerendered `/` as a
 * data block): read on a first visit to `/` while the engine starts, and used only when it was
 * computed from the very demo file this build serves.
 */
import { DEMO_URLS } from '$lib/data/demo';
import { PREBUILT_ELEMENT_ID } from '$lib/data/first-paint';
import { decodePrebuilt, type PrebuiltOverview } from './overview-metrics';

export const PREBUILT_PATH = '/prebuilt/demo-overview.json';

/** The view when it was computed from the demo files this build serves, else null. */
function forThisDemo(p: PrebuiltOverview): PrebuiltOverview | null {
	const served = DEMO_URLS.map((u) => u.split('/').pop());
	return p.demoAssets.length === served.length && p.demoAssets.every((a, i) => a === served[i]) ? p : null;
}

/**
 * The prebuilt overview from the page itself (no request: it is there when the page's first render
 * runs, so that render draws the charts), or null when the page was not served with it.
 */
export function inlinedPrebuilt(): PrebuiltOverview | null {
	const text = typeof document === 'undefined' ? null : document.getElementById(PREBUILT_ELEMENT_ID)?.textContent;
	if (!text) return null;
	try {
		return forThisDemo(decodePrebuilt(text));
	} catch {
		return null;
	}
}

/** The prebuilt overview from its file, or null (not built, another demo file, a fetch failure: the page just waits for live results). */
export async function fetchPrebuilt(): Promise<PrebuiltOverview | null> {
	try {
		const res = await fetch(PREBUILT_PATH);
		if (!res.ok) return null;
		return forThisDemo(decodePrebuilt(await res.text()));
	} catch {
		return null;
	}
}
