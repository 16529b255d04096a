import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { offlineAssets } from '../../src/lib/offline-assets';

describe('offline assets (service worker cache)', () => {
	// names as Vite emits them (build/_app/immutable/assets/)
	const built = [
		'/_app/immutable/assets/duckdb-browser-eh.worker.hQa-dcAV.js',
		'/_app/immutable/assets/duckdb-browser-mvp.worker.C9hF7LGh.js',
		'/_app/immutable/assets/duckdb-eh.9ubY-jlA.wasm',
		'/_app/immutable/assets/duckdb-mvp.BP0pRkMH.wasm',
		'/_app/immutable/assets/empty.DmVT7TdR.duckdb',
		'/_app/immutable/workers/import.worker-XhfvY2K0.js',
		'/200.html',
		'/'
	];

	it('caches the eh bundle the engine uses, not the unused mvp one', () => {
		expect(offlineAssets(built)).toEqual([
			'/_app/immutable/assets/duckdb-browser-eh.worker.hQa-dcAV.js',
			'/_app/immutable/assets/duckdb-eh.9ubY-jlA.wasm',
			'/_app/immutable/assets/empty.DmVT7TdR.duckdb',
			'/_app/immutable/workers/import.worker-XhfvY2K0.js',
			'/200.html',
			'/'
		]);
	});

	it('the engine offers only the mvp and eh bundles (so eh is what it selects where exceptions work)', () => {
		const engine = readFileSync(path.resolve(__dirname, '../../src/lib/engine/browser.ts'), 'utf8');
		const bundles = [...engine.matchAll(/^\t(\w+): \{ mainModule:/gm)].map((m) => m[1]);
		expect(bundles).toEqual(['mvp', 'eh']);
		expect(engine).toContain('selectBundle(');
	});
});
