import { z } from 'zod';
import { engineMayStart } from '$lib/data/first-paint';

// The page's Content-Security-Policy forbids eval; zod would otherwise probe `Function('')` for its
// JIT and trip a CSP violation report. Client hooks load before any page module, so this runs
// before the first schema is used. Workers (no page CSP) keep zod's faster JIT path.
z.config({ jitless: true });

// DuckDB's worker, wasm fetch and compile start now, while the page's modules load and render,
// rather than once the layout has mounted (app.ready() then shares the same start: getEngine());
// on a first visit to the demo's overview, once its prebuilt figures are painted (first-paint.ts).
// A failure here is not reported: getEngine() lets app.ready() try again and report it.
if (typeof Worker !== 'undefined')
	void engineMayStart()
		.then(() => import('$lib/engine/browser'))
		.then((m) => m.getEngine())
		.catch(() => {});
