import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// The benchmark (bench/run.ts) builds into its own directories (KAP_BUILD_DIR, KAP_KIT_OUT_DIR) so
// it never races other builds or e2e runs in the same checkout; both default to the usual ones.
const out = process.env.KAP_BUILD_DIR ?? 'build';

// SvelteKit hashes the inline scripts it writes, not those of app.html: the one there (it hides `/`'s
// built figures from a view they are not) is allowed by its hash, worked out from the file itself.
const appHtmlScripts = [...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
	(m) => `sha256-${createHash('sha256').update(m[1]).digest('base64')}`
);

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
				'script-src': ['self', 'wasm-unsafe-eval', ...appHtmlScripts],
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
