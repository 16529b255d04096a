import { describe, expect, it } from 'vitest';
import { countText } from '../../src/routes/format';

describe('countText', () => {
	it('prints counts with thousands separators, the withheld label, or a dash', () => {
		expect(countText(0, 5)).toBe('0');
		expect(countText(1204, 5)).toBe('1,204');
		expect(countText(1_000_001, 5)).toBe('1,000,001');
		expect(countText(-1234, 5)).toBe('-1,234');
		expect(countText(1234.5678, 5)).toBe('1,234.568');
		expect(countText(null, 5)).toBe('withheld (< 5)');
		expect(countText(undefined, 5)).toBe('—');
	});
	it('gives the text toLocaleString("en-US") gives', () => {
		for (const v of [0, 7, 999, 1000, 65_432, 123_456_789, 0.5, 2.25, 1e21]) expect(countText(v, 5)).toBe(v.toLocaleString('en-US'));
	});
});
