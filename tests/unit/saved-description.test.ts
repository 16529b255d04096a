import { describe as suite, expect, it } from 'vitest';
import { savedDescription } from '../../src/lib/data/describe';

// A kept dataset's saved counts replace the scan on reload only when they are whole and well-formed;
// anything else (kept before they were saved, an edited or damaged description) means scanning.
suite('savedDescription', () => {
	const good = { rows: 12, scores: 10, clients: 3, instruments: ['gad7', 'phq9'] };
	it('takes well-formed counts, with or without session records', () => {
		expect(savedDescription(good)).toEqual(good);
		expect(savedDescription({ ...good, sessions: { rows: 4, clients: 2 } })).toEqual({ ...good, sessions: { rows: 4, clients: 2 } });
	});
	it('refuses missing, partial or malformed counts', () => {
		for (const bad of [undefined, null, 'x', { ...good, rows: undefined }, { ...good, clients: -1 }, { ...good, scores: 1.5 }, { ...good, instruments: [1] }, { ...good, sessions: { rows: 1 } }])
			expect(savedDescription(bad)).toBeNull();
	});
});
