import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { staticHandler } from '../../scripts/serve-handler.js';

/** Raw HTTP GET (fetch would decode the body and hide Content-Encoding). */
function get(port: number, path: string, headers: Record<string, string> = {}) {
	return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
		request({ host: '127.0.0.1', port, path, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
		})
			.on('error', reject)
			.end();
	});
}

describe('static server (scripts/serve-handler.js)', () => {
	const root = mkdtempSync(join(tmpdir(), 'kap-serve-'));
	const wasm = Buffer.alloc(50_000, 7); // compressible
	let server: Server;
	let plain: Server;
	let port = 0;
	let plainPort = 0;
	beforeAll(async () => {
		mkdirSync(join(root, '_app', 'immutable', 'assets'), { recursive: true });
		writeFileSync(join(root, 'index.html'), '<!doctype html><p>home</p>');
		writeFileSync(join(root, '200.html'), '<!doctype html><p>shell</p>');
		const w = join(root, '_app', 'immutable', 'assets', 'duckdb-eh.abc.wasm');
		writeFileSync(w, wasm);
		writeFileSync(`${w}.br`, brotliCompressSync(wasm));
		writeFileSync(`${w}.gz`, gzipSync(wasm));
		server = createServer(staticHandler(root));
		plain = createServer(staticHandler(root, { isolate: false }));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
		port = (server.address() as { port: number }).port;
		plainPort = (plain.address() as { port: number }).port;
	});
	afterAll(() => {
		server.close();
		plain.close();
		rmSync(root, { recursive: true, force: true });
	});
	const path = '/_app/immutable/assets/duckdb-eh.abc.wasm';

	it('sends the brotli file when the browser accepts it, with the wasm type and a one-year immutable cache', async () => {
		const r = await get(port, path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
		expect(r.status).toBe(200);
		expect(r.headers['content-encoding']).toBe('br');
		expect(r.headers['content-type']).toBe('application/wasm');
		expect(r.headers['vary']).toBe('Accept-Encoding');
		expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		expect(Number(r.headers['content-length'])).toBe(r.body.byteLength);
		expect(r.body.byteLength).toBeLessThan(wasm.byteLength / 10);
		expect(brotliDecompressSync(r.body).equals(wasm)).toBe(true);
	});

	it('falls back to gzip, then to the raw file', async () => {
		expect((await get(port, path, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
		expect((await get(port, path, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
		const raw = await get(port, path);
		expect(raw.headers['content-encoding']).toBeUndefined();
		expect(raw.body.equals(wasm)).toBe(true);
	});

	it('pages: revalidated (no-cache + ETag → 304), cross-origin isolated unless told not to, SPA fallback', async () => {
		const first = await get(port, '/');
		expect(first.headers['cache-control']).toBe('no-cache');
		expect(first.headers['cross-origin-opener-policy']).toBe('same-origin');
		expect(first.headers['cross-origin-embedder-policy']).toBe('require-corp');
		const again = await get(port, '/', { 'if-none-match': String(first.headers.etag) });
		expect(again.status).toBe(304);
		expect((await get(port, '/clients/C00042')).body.toString()).toContain('shell');
		expect((await get(port, '/%E0%A4%A')).body.toString()).toContain('shell');
		expect((await get(port, '/../../etc/passwd')).body.toString()).toContain('shell');
		const noIso = await get(plainPort, '/');
		expect(noIso.headers['cross-origin-opener-policy']).toBeUndefined();
		expect(noIso.headers['cross-origin-embedder-policy']).toBeUndefined();
	});
});
