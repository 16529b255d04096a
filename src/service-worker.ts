/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Offline after the first visit. At install the app shell, every built asset the app loads (DuckDB's
 * `eh` wasm and its worker included, not its unused `mvp` bundle: offline-assets.ts) and the static
 * files are cached; requests to this origin are then answered from the
 * cache first, and a page navigation with the network off gets the cached app shell (the app renders
 * on the client, so the shell serves every route). Only same-origin GETs are touched, so nothing can
 * leave the origin through it (the CSP's worker-src 'self' covers this file). A new build installs a
 * new cache and deletes the old one. The app registers it only once the engine is ready and the
 * first view's charts are drawn (`registerOffline`), so caching the 34 MB wasm never competes with them.
 */
import { build, files, prerendered, version } from '$service-worker';
import { offlineAssets } from '$lib/offline-assets';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `kap-outcomes-${version}`;
/** The shell for any route: the static adapter's fallback page, and `/`. */
const SHELL = ['/200.html', '/'];
const ASSETS = offlineAssets([...new Set([...build, ...files, ...prerendered, ...SHELL])]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll(ASSETS);
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const req = event.request;
	const url = new URL(req.url);
	if (req.method !== 'GET' || url.origin !== sw.location.origin) return;
	event.respondWith(answer(req, url));
});

async function answer(req: Request, url: URL): Promise<Response> {
	const cache = await caches.open(CACHE);
	// A navigation is a page: its query (filters) does not change the shell.
	const navigate = req.mode === 'navigate';
	const hit = await cache.match(req, { ignoreSearch: navigate });
	if (hit) return hit;
	try {
		return await fetch(req);
	} catch (e) {
		if (navigate) {
			const shell = (await cache.match(url.pathname)) ?? (await cache.match('/200.html'));
			if (shell) return shell;
		}
		throw e;
	}
}
