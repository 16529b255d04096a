/** tests/unit/close.ts `expectClose`, the check two computing paths are held to, checked itself. */
import { describe, expect, it } from 'vitest';
import { expectClose } from './close';

describe('expectClose', () => {
	it('passes the same shape with integers equal and other numbers within 1e-9 relative', () => {
		expect(() => expectClose({ n: 3, mean: 1.5, rows: [{ g: 'a', sd: 0.1 }] }, { rows: [{ sd: 0.1 + 1e-12, g: 'a' }], mean: 1.5, n: 3 }, 'r')).not.toThrow();
	});
	it('fails an object with a key the other lacks, either way round', () => {
		expect(() => expectClose({ n: 3 }, { n: 3, extra: 1 }, 'r')).toThrow(/keys/);
		expect(() => expectClose({ n: 3, extra: 1 }, { n: 3 }, 'r')).toThrow(/keys/);
		expect(() => expectClose({ n: 3, gone: undefined }, { n: 3 }, 'r')).toThrow(/keys/);
	});
	it('fails a different count, a number off by more than 1e-9 relative, a different length', () => {
		expect(() => expectClose({ n: 3 }, { n: 4 }, 'r')).toThrow();
		expect(() => expectClose({ m: 1.5 }, { m: 1.5 + 1e-6 }, 'r')).toThrow();
		expect(() => expectClose([1, 2], [1], 'r')).toThrow();
	});
});
