/**
 * The demo's overview computed when the site is built: run by SvelteKit while it prerenders `/`
 * (+page.server.ts), in Node, with the same duckdb-wasm build, result cache and metric calls the
 * page uses (prebuilt-compute.ts), from the demo files the build ships (data/*.csv, the files served
 * as DEMO_ASSETS). `/` is then rendered with these figures, so a first visit's HTML already holds the
 * first view's tiles and first chart, and hydrates with the same figures while the engine starts.
 * Server-only (SvelteKit refuses to bundle a `.server` module into the browser's code).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openNodeEngine } from '$lib/engine/node';
import { CachingConnector } from '$lib/data/cached';
import { DEMO_ASSETS } from '$lib/data/demo';
import { computePrebuilt } from './prebuilt-compute';
import { encodePrebuilt } from './overview-metrics';

/** The source of each of DEMO_ASSETS, in their order (scores, acute scores, session records). */
const DEMO_SOURCES = ['data/demo-cohort.csv', 'data/demo-acute.csv', 'data/demo-sessions.csv'];

let computed: Promise<string> | null = null;

/** The prebuilt overview as `encodePrebuilt` text (computed once per build process). */
export function prebuiltOverviewText(): Promise<string> {
	computed ??= (async () => {
		const read = (f: string) => new Uint8Array(readFileSync(resolve(f)));
		const [scores, acute, sessions] = DEMO_SOURCES.map(read);
		const conn = new CachingConnector(await openNodeEngine());
		return encodePrebuilt(await computePrebuilt(conn, { scores, acute, sessions }, DEMO_ASSETS));
	})();
	return computed;
}
