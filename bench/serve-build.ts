/**
 * A built app served by the project's own server (scripts/serve.js) for the benchmark and its
 * development aids (run.ts, start-profile.ts, click-trace.ts): started in a process group of its own,
 * so stopping it stops all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Serve `dir` on 127.0.0.1:`port`; resolves once it answers (at most 10 s). */
export async function serveBuild(dir: string, port: number): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['scripts/serve.js', dir], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, detached: true, stdio: 'ignore' });
	for (let i = 0; i < 100; i++) {
		if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) return child;
		await new Promise((r) => setTimeout(r, 100));
	}
	stopServer(child);
	throw new Error('server did not start');
}

/** Stop a server `serveBuild` started (the whole process group), if it still runs. */
export function stopServer(child: ChildProcess | null): void {
	if (!child?.pid) return;
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		/* already gone */
	}
}
