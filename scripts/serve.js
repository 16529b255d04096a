#!/usr/bin/env node
// Serves the built static app (build/) on 127.0.0.1:$PORT (default 4173). No dependencies, no
// outbound requests; unknown paths fall back to the SPA shell so deep links (/clients/C00042) work.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'build');
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';
const TYPES = {
	'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
	'.wasm': 'application/wasm', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml',
	'.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.arrow': 'application/vnd.apache.arrow.stream',
	'.woff2': 'font/woff2'
};

if (!existsSync(join(root, 'index.html'))) {
	console.error(`no built app in ${root}: run "npm run build" first`);
	process.exit(1);
}

function resolveFile(urlPath) {
	const clean = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
	const candidates = [join(root, clean), join(root, clean, 'index.html'), join(root, `${clean}.html`)];
	for (const c of candidates) if (c.startsWith(root) && existsSync(c) && statSync(c).isFile()) return c;
	return join(root, '200.html');
}

createServer((req, res) => {
	const file = resolveFile(req.url ?? '/');
	const type = TYPES[extname(file)] ?? 'application/octet-stream';
	const immutable = file.includes(`${join('_app', 'immutable')}`);
	res.writeHead(200, {
		'content-type': type,
		'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'no-referrer',
		'x-frame-options': 'DENY'
	});
	createReadStream(file).pipe(res);
}).listen(port, host, () => console.log(`kap-outcomes at http://${host}:${port}/  (Ctrl-C stops)`));
