/**
 * Which built files the service worker (src/service-worker.ts) caches for offline use: every one
 * except duckdb-wasm's `mvp` bundle (its 39 MB wasm and its worker). The engine picks a bundle with
 * `selectBundle` (engine/browser.ts), which gives `eh` wherever WebAssembly exceptions work — every
 * browser the app supports — so the mvp files are never loaded; caching them doubled the install's
 * download. A browser that did need them would still fetch them from the network.
 */
const UNUSED_BUNDLE = /(^|\/)duckdb-(browser-)?mvp[.-][^/]*$/;

export function offlineAssets(paths: readonly string[]): string[] {
	return paths.filter((p) => !UNUSED_BUNDLE.test(p));
}
