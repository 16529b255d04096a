/**
 * The benchmark's steps at sizes where a step may not work in one tab (5M and 10M rows): each step
 * runs under a time limit, and a step that fails, times out, or cannot run because an earlier one
 * failed is recorded with its reason (`not_run` in bench/results.json, "not run" in the printed
 * table) while the run goes on. Page calls (`page.evaluate`) have no time limit of their own: a
 * DuckDB worker that died of a wasm allocation failure never answers, and the bench would hang.
 */
import type { Page } from '@playwright/test';

export class StepTimeout extends Error {
	constructor(what: string, ms: number) {
		super(`${what}: no answer within ${Math.round(ms / 1000)} s (time limit of this step at this size)`);
		this.name = 'StepTimeout';
	}
}

/** `p`, or a StepTimeout after `ms` (the work itself is not stopped: close its tab). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new StepTimeout(what, ms)), ms);
	});
	return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** An error's first line, without Playwright's call log. */
export function reasonOf(e: unknown): string {
	const msg = e instanceof Error ? e.message : String(e);
	return msg.split('\n')[0].replace(/^page\.evaluate: /, '').trim().slice(0, 400);
}

/** Whether the tab can take more work after `e`: not after a crash, a closed page or a step that never answered. */
export function tabUnusable(e: unknown): boolean {
	return e instanceof StepTimeout || /Target crashed|has been closed|Target closed|crash/i.test(reasonOf(e));
}

/** Seconds a step may take at `rows` rows: `base` plus `perMillion` for each million rows. */
export function limitMs(rows: number, base: number, perMillion: number): number {
	return (base + perMillion * Math.max(1, rows / 1e6)) * 1000;
}

/**
 * What the engine said about its memory, read after a step failed (with a short time limit of its
 * own: after a wasm abort nothing answers): DuckDB's memory in use and its limit, the JS heap.
 */
export async function engineState(page: Page): Promise<string> {
	try {
		const s = await within(
			page.evaluate(async () => {
				const m = await window.__kapBench!.memory();
				const limit = await window.__kapBench!.setting('memory_limit');
				return `DuckDB ${Math.round(m.duckdbMb)} MB in use of its memory_limit ${limit}; JS heap ${m.jsHeapMb === null ? '?' : Math.round(m.jsHeapMb)} MB`;
			}),
			15_000,
			'engine state'
		);
		return s;
	} catch (e) {
		return `engine state unreadable (${reasonOf(e)})`;
	}
}

/**
 * The steps of one size: each runs at most once per call of `run`, within its time limit; the first
 * failure of a step is kept as its reason. A step whose prerequisite failed is recorded with that
 * failure (`needs`) and not attempted.
 */
export class Steps {
	readonly notRun: Record<string, string> = {};

	constructor(private readonly log: (...a: unknown[]) => void) {}

	/** Record `step` as not run (the first reason given wins). */
	skip(step: string, reason: string): void {
		this.notRun[step] ??= reason;
		this.log(`  ${step}: not run — ${reason}`);
	}

	/** Whether `step` ran without failing so far. */
	ok(step: string): boolean {
		return !(step in this.notRun);
	}

	/**
	 * Run `fn` as `step` within `ms`; its value, or null (recorded) when it failed or timed out.
	 * `onFail` gets the error (to read the engine state, or to replace the tab).
	 */
	async run<T>(step: string, ms: number, fn: () => Promise<T>, onFail?: (e: unknown) => Promise<string | void>): Promise<T | null> {
		try {
			return await within(fn(), ms, step);
		} catch (e) {
			const extra = onFail ? await onFail(e).catch(() => undefined) : undefined;
			this.skip(step, `failed: ${reasonOf(e)}${extra ? ` (${extra})` : ''}`);
			return null;
		}
	}

	/** Record each of `steps` as not run because of `why` (a failed prerequisite). */
	needs(steps: string[], why: string): void {
		for (const s of steps) this.skip(s, `needs ${why}`);
	}
}
