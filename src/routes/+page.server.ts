// `/` alone is rendered when the site is built (every other route is a client-rendered shell,
// +layout.ts): its HTML holds the demo's first view, computed then (prebuilt.server.ts), so a first
// visit sees the first chart before any of the app's JavaScript has run, and hydrates it.
import { prebuiltOverviewText } from './prebuilt.server';

export const ssr = true;

export async function load() {
	return { prebuilt: await prebuiltOverviewText() };
}
