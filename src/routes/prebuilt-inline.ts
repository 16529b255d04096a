/**
 * The prebuilt overview written into the prerendered `/` (scripts/prebuild-demo.ts): a first visit
 * then has the figures when its first render runs, instead of fetching them after the page's modules
 * have run and rendered once. A JSON data block is not executed, so the page's CSP (script hashes)
 * does not apply to it. Relative imports: the build step runs this file outside Vite.
 */

import { PREBUILT_ELEMENT_ID } from '../lib/data/first-paint';

export { PREBUILT_ELEMENT_ID };

/**
 * `html` with the prebuilt view's JSON `text` in a data block before `</head>` (replacing one put
 * there by an earlier run). Every `<` is written as `\u003c` (the same string to JSON.parse), so no
 * `</script>` or `<!--` in the figures' SQL text can end the block early.
 */
export function withPrebuiltBlock(html: string, text: string): string {
	const block = `<script type="application/json" id="${PREBUILT_ELEMENT_ID}">${text.replace(/</g, '\\u003c')}</script>`;
	const without = html.replace(new RegExp(`<script type="application/json" id="${PREBUILT_ELEMENT_ID}">[^<]*</script>\\n?`), '');
	if (!without.includes('</head>')) throw new Error('no </head> in the prerendered page');
	return without.replace('</head>', `${block}\n</head>`);
}
