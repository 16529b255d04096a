/**
 * Cards waiting to mount (charts/staged.svelte.ts) hold back what waits for a page's charts: a
 * page is settled only when no request is in flight and every card is in.
 */
import { describe, expect, it } from 'vitest';
import { chartsSettled, mountsFinished, mountsStarted, requestFinished, requestStarted } from '$lib/data/drawn';

const settledWithin = async (ms: number) => {
	let settled = false;
	void chartsSettled(10_000).then(() => (settled = true));
	await new Promise((r) => setTimeout(r, ms));
	return settled;
};

describe('chartsSettled with cards mounting', () => {
	it('waits for the cards, then settles', async () => {
		mountsStarted();
		let settled = false;
		const done = chartsSettled(10_000).then(() => (settled = true));
		await new Promise((r) => setTimeout(r, 20));
		expect(settled).toBe(false);
		mountsFinished();
		await done;
		expect(settled).toBe(true);
	});

	it('waits for a request and the cards, whichever ends last', async () => {
		requestStarted();
		mountsStarted();
		let settled = false;
		const done = chartsSettled(10_000).then(() => (settled = true));
		await new Promise((r) => setTimeout(r, 20));
		requestFinished();
		await new Promise((r) => setTimeout(r, 20));
		expect(settled).toBe(false);
		mountsFinished();
		await done;
		expect(settled).toBe(true);
	});

	it('settles at once when nothing is pending', async () => {
		expect(await settledWithin(20)).toBe(true);
	});
});
