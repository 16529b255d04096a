import { expect } from 'vitest';

/**
 * `b` has `a`'s shape (the same keys in every object) and numbers: integers (counts) exactly, other numbers to 1e-9 relative (two
 * exact computations summing in another order), everything else equal. For results computed by two
 * paths that must agree (pooled bundles vs the whole file, summaries vs the score rows).
 */
export function expectClose(a: unknown, b: unknown, where: string): void {
	if (typeof a === 'number' && typeof b === 'number') {
		if (Number.isInteger(a) && Number.isInteger(b)) expect(b, where).toBe(a);
		else expect(Math.abs(a - b), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
		return;
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		expect(b.length, where).toBe(a.length);
		a.forEach((x, i) => expectClose(x, b[i], `${where}[${i}]`));
		return;
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		// the same keys: a field one path gives and the other lacks is a difference, not a match
		expect(Object.keys(b).sort(), `${where}: keys`).toEqual(Object.keys(a).sort());
		for (const k of Object.keys(a)) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
		return;
	}
	expect(b, where).toEqual(a);
}
