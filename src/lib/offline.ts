/**
 * Registers the service worker (src/service-worker.ts) that keeps the app usable offline after one
 * visit. Called once the engine is ready and the first view's charts are in (+layout.svelte), so its
 * install (fetching every asset, DuckDB's wasm included) never competes with them; SvelteKit's own registration at start is off
 * (svelte.config.js). Where service workers are unavailable (a non-secure origin, a browser setting),
 * the app works as before, online only.
 */
import { dev } from '$app/environment';

export function registerOffline(): void {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	// Vite serves it as a module in development; the build emits a classic script.
	navigator.serviceWorker.register('/service-worker.js', { type: dev ? 'module' : 'classic' }).catch(() => {});
}
