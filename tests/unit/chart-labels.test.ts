import { describe, expect, it } from 'vitest';
import { fitting, keepLabels, textWidth, wrapText } from '../../src/lib/charts/labels';

// In Node there is no canvas: widths are the estimate 0.58 em per character (11 px → 6.38 px).
describe('chart labels that never collide', () => {
	it('estimates widths without a canvas', () => {
		expect(textWidth('BL')).toBeCloseTo(2 * 11 * 0.58);
		expect(textWidth('W12', '9.5px system-ui')).toBeCloseTo(3 * 9.5 * 0.58);
	});

	it('keeps labels that do not overlap, the important ones first', () => {
		// four labels 20 px wide at 0, 15, 30, 45: neighbours overlap (15 < 20 + 4)
		const ls = [0, 15, 30, 45].map((x) => ({ x, width: 20 }));
		expect([...keepLabels(ls)].sort()).toEqual([0, 2]);
		// the third is most important: it is kept, then the first (0 clears 30 − 10 − 4 = 16 from 10), not the second or fourth
		expect([...keepLabels(ls.map((l, i) => ({ ...l, priority: i === 2 ? 0 : 1 })))].sort()).toEqual([0, 2]);
		expect([...keepLabels(ls.map((l, i) => ({ ...l, priority: i === 1 ? 0 : 1 })))].sort()).toEqual([1, 3]);
		// spaced far enough: all kept; outside [min, max]: left out
		expect(keepLabels([0, 30, 60].map((x) => ({ x, width: 20 }))).size).toBe(3);
		expect([...keepLabels([0, 30, 60].map((x) => ({ x, width: 20 })), 4, 0, 65)]).toEqual([1]);
	});

	it('wraps at spaces to the width, and picks the longest label that fits', () => {
		// "Sublingual" 10 chars = 63.8 px, "(troche/lozenge)" 16 chars = 102.1 px
		expect(wrapText('Sublingual (troche/lozenge)', 110)).toEqual(['Sublingual', '(troche/lozenge)']);
		expect(wrapText('Sublingual (troche/lozenge)', 200)).toEqual(['Sublingual (troche/lozenge)']);
		expect(fitting(['Booster series 2', 'Booster 2', 'B2'], 70)).toBe('Booster 2'); // 57.4 px
		expect(fitting(['Booster series 2', 'Booster 2', 'B2'], 10)).toBeNull();
	});
});
