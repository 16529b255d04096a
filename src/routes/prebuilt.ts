/**
 * The demo's first view computed when the site was built (scripts/prebuild-demo.ts writes
 * `prebuilt/demo-overview.json` into the build): fetched on a first visit to `/` while the engine
 * starts, and used only when it was computed from the very demo file this build serves.
 */
import { DEMO_URLS } from '$lib/data/demo';
import { decodePrebuilt, type PrebuiltOverview } from './overview-metrics';

export const PREBUILT_PATH = '/prebuilt/demo-overview.json';

/** The prebuilt overview, or null (not built, another demo file, a fetch failure: the page just waits for live results). */
export async function fetchPrebuilt(): Promise<PrebuiltOverview | null> {
	try {
		const res = await fetch(PREBUILT_PATH);
		if (!res.ok) return null;
		const p = decodePrebuilt(await res.text());
		const served = DEMO_URLS.map((u) => u.split('/').pop());
		return p.demoAssets.length === served.length && p.demoAssets.every((a, i) => a === served[i]) ? p : null;
	} catch {
		return null;
	}
}
