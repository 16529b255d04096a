import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// The benchmark (bench/run.ts) builds into its own directories (KAP_BUILD_DIR, KAP_KIT_OUT_DIR) so
// it never races other builds or e2e runs in the same checkout; both default to the usual ones.
const out = process.env.KAP_BUILD_DIR ?? 'build';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: out, assets: out, fallback: '200.html', precompress: false, strict: true }),
		// Registered by the app once the engine is ready (src/lib/offline.ts), not at start.
		serviceWorker: { register: false },
		...(process.env.KAP_KIT_OUT_DIR ? { outDir: process.env.KAP_KIT_OUT_DIR } : {}),
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'connect-src': ['self'],
				'img-src': ['self', 'data:', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};
