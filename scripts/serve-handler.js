// The static file handler behind scripts/serve.js (and its unit test): no dependencies, no outbound
// requests. What it sends and why:
// - Precompressed bodies: `<file>.br` / `<file>.gz` written at build time by scripts/compress.js are
//   sent when the request's Accept-Encoding allows (brotli first), with `Vary: Accept-Encoding` and the
//   original file's Content-Type (`application/wasm` too, so the browser compiles the wasm while it
//   streams in). DuckDB's 34 MB wasm is 5.9 MB as brotli.
// - Caching: `_app/immutable/` names carry a content hash → cached for a year, never revalidated;
//   everything else (HTML, the service worker, data) → `no-cache` with an ETag, answered 304 when unchanged.
// - Cross-origin isolation (COOP same-origin + COEP require-corp + CORP same-origin) so the page may use
//   SharedArrayBuffer (DuckDB's multi-threaded build). Every asset is same-origin, so nothing breaks.
//   `isolate: false` (KAP_NO_ISOLATION=1) leaves them out, as a host that cannot set headers would;
//   `compress: false` (KAP_NO_COMPRESSION=1) sends every file raw (to measure what compression buys).
// - Unknown paths fall back to the SPA shell (200.html) so deep links (/clients/C00042) work.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

export const TYPES = {
	'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
	'.wasm': 'application/wasm', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml',
	'.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.arrow': 'application/vnd.apache.arrow.stream',
	'.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json', '.duckdb': 'application/octet-stream'
};

function resolveFile(root, urlPath) {
	let clean;
	try {
		clean = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
	} catch {
		return join(root, '200.html'); // malformed %-escape
	}
	const candidates = [join(root, clean), join(root, clean, 'index.html'), join(root, `${clean}.html`)];
	for (const c of candidates) if (c.startsWith(root) && existsSync(c) && statSync(c).isFile()) return c;
	return join(root, '200.html');
}

/** Which precompressed variant to send for `file`, given the request's Accept-Encoding. */
export function pickEncoding(file, acceptEncoding) {
	const accepted = new Set(
		String(acceptEncoding ?? '')
			.split(',')
			.map((p) => p.trim().split(';'))
			.filter(([, q]) => !q || Number(q.split('=')[1]) > 0)
			.map(([name]) => name.trim().toLowerCase())
	);
	for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']])
		if (accepted.has(enc) && existsSync(file + ext)) return { encoding: enc, path: file + ext };
	return { encoding: null, path: file };
}

/** A request handler serving the built app in `root`. */
export function staticHandler(root, { isolate = true, compress = true } = {}) {
	return (req, res) => {
		const file = resolveFile(root, req.url ?? '/');
		const type = TYPES[extname(file)] ?? 'application/octet-stream';
		const immutable = file.includes(join('_app', 'immutable'));
		const { encoding, path } = pickEncoding(file, compress ? req.headers['accept-encoding'] : '');
		const st = statSync(path);
		const etag = `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`;
		const headers = {
			'content-type': type,
			'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			etag,
			vary: 'Accept-Encoding',
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'no-referrer',
			'x-frame-options': 'DENY',
			...(isolate
				? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' }
				: {})
		};
		if (encoding) headers['content-encoding'] = encoding;
		if (!immutable && req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers);
			res.end();
			return;
		}
		headers['content-length'] = String(st.size);
		res.writeHead(200, headers);
		if (req.method === 'HEAD') res.end();
		else createReadStream(path).pipe(res);
	};
}
