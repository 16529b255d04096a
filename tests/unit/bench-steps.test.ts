import { describe, expect, it } from 'vitest';
import { limitMs, reasonOf, Steps, StepTimeout, tabUnusable, within } from '../../bench/steps';

/**
 * The benchmark's step guard (bench/steps.ts): at 5M and 10M rows a step may fail or never answer
 * (a DuckDB worker killed by a failed wasm allocation), and the run must record it and go on.
 */
describe('bench steps: bounded, recorded, and the run goes on', () => {
	it('a step that never answers fails at its time limit', async () => {
		const never = new Promise<number>(() => {});
		await expect(within(never, 20, 'arrow_import')).rejects.toBeInstanceOf(StepTimeout);
		await expect(within(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
	});

	it('records the first failure of a step with its reason, and steps that needed it', async () => {
		const steps = new Steps(() => {});
		const r = await steps.run('arrow_import', 1000, async () => {
			throw new Error('page.evaluate: Out of Memory Error: failed to allocate data of size 1.3 GiB\n    at call log');
		}, async () => 'DuckDB 3900 MB in use');
		expect(r).toBeNull();
		expect(steps.notRun.arrow_import).toBe('failed: Out of Memory Error: failed to allocate data of size 1.3 GiB (DuckDB 3900 MB in use)');
		await steps.run('arrow_import', 1000, async () => {
			throw new Error('second');
		});
		expect(steps.notRun.arrow_import).toContain('1.3 GiB'); // the first reason stays
		steps.needs(['opfs_reload', 'refresh_overview'], 'the dataset in the tab');
		expect(steps.notRun).toEqual({
			arrow_import: expect.any(String),
			opfs_reload: 'needs the dataset in the tab',
			refresh_overview: 'needs the dataset in the tab'
		});
		expect(steps.ok('arrow_import')).toBe(false);
		expect(steps.ok('csv_import')).toBe(true);
		expect(await steps.run('csv_import', 1000, async () => 42)).toBe(42);
		expect(steps.ok('csv_import')).toBe(true);
	});

	it('a timed-out or crashed tab is unusable; a refused statement is not', () => {
		expect(tabUnusable(new StepTimeout('x', 1000))).toBe(true);
		expect(tabUnusable(new Error('page.evaluate: Target crashed'))).toBe(true);
		expect(tabUnusable(new Error('Catalog Error: Table with name x does not exist'))).toBe(false);
		expect(reasonOf(new Error('page.evaluate: a\nb'))).toBe('a');
	});

	it('time limits grow with the rows, from one million', () => {
		expect(limitMs(100_000, 60, 30)).toBe(90_000);
		expect(limitMs(10_000_000, 60, 30)).toBe(360_000);
	});
});
