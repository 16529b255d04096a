#!/usr/bin/env node
// Precompresses the built app (build/, or KAP_BUILD_DIR, or argv[2]) so scripts/serve.js can send
// brotli or gzip without compressing per request: every compressible file over 1 KB gets `<file>.br`
// and `<file>.gz` beside it (kept only when smaller). DuckDB's wasm is 34 MB raw, 5.9 MB as brotli.
//
// Brotli quality 9, not 11: on this machine quality 11 takes ~190 s for the 34 MB wasm and saves
// another 0.7 MB; 9 takes ~5 s. Results for content-hashed files (`_app/immutable/`) are cached in
// node_modules/.cache/kap-precompress/ by name + size, so a rebuild re-compresses only what changed.
import { brotliCompress, gzip, constants } from 'node:zlib';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? process.env.KAP_BUILD_DIR ?? 'build');
const CACHE = resolve('node_modules/.cache/kap-precompress');
const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|wasm|csv|txt|webmanifest|xml|map)$/;
const br = promisify(brotliCompress);
const gz = promisify(gzip);

function walk(dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

async function encode(file, kind) {
	const raw = readFileSync(file);
	const immutable = file.includes(join('_app', 'immutable'));
	const cached = join(CACHE, `${basename(file)}.${raw.byteLength}.${kind}`);
	if (immutable && existsSync(cached)) return readFileSync(cached);
	const out =
		kind === 'br'
			? await br(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength } })
			: await gz(raw, { level: 9 });
	if (immutable) {
		mkdirSync(CACHE, { recursive: true });
		writeFileSync(cached, out);
	}
	return out;
}

if (!existsSync(root)) {
	console.error(`compress: no build in ${root}`);
	process.exit(1);
}
const t0 = Date.now();
const files = walk(root).filter((f) => COMPRESSIBLE.test(f) && statSync(f).size > 1024);
let raw = 0;
let packed = 0;
for (const f of files) {
	const size = statSync(f).size;
	raw += size;
	let best = size;
	for (const kind of ['br', 'gz']) {
		const target = `${f}.${kind}`;
		rmSync(target, { force: true });
		const out = await encode(f, kind);
		if (out.byteLength < size) {
			writeFileSync(target, out);
			best = Math.min(best, out.byteLength);
		}
	}
	packed += best;
}
console.log(`compress: ${files.length} files, ${(raw / 1e6).toFixed(1)} MB → ${(packed / 1e6).toFixed(1)} MB (brotli/gzip) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
