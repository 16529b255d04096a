#!/usr/bin/env node
// Serves the built static app (build/) on 127.0.0.1:$PORT (default 4173). No dependencies, no
// outbound requests. Headers, compression and caching: scripts/serve-handler.js.
// KAP_NO_ISOLATION=1 leaves out the cross-origin isolation headers (a host that cannot send them);
// KAP_NO_COMPRESSION=1 sends every file uncompressed.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { staticHandler } from './serve-handler.js';

const root = resolve(process.argv[2] ?? 'build');
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

if (!existsSync(join(root, 'index.html'))) {
	console.error(`no built app in ${root}: run "npm run build" first`);
	process.exit(1);
}

createServer(staticHandler(root, { isolate: process.env.KAP_NO_ISOLATION !== '1', compress: process.env.KAP_NO_COMPRESSION !== '1' })).listen(port, host, () =>
	console.log(`kap-outcomes at http://${host}:${port}/  (Ctrl-C stops)`)
);
