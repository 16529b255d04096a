import { describe, expect, it } from 'vitest';
import { bandLines, fitting, keepLabels, placeStacks, shortLabel, textWidth, wrapText } from '../../src/lib/charts/labels';

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

	it('labels a band in two lines at most, and has a form without the closing parenthetical', () => {
		// the estimate above: "Sublingual" 63.8 px, "(troche/lozenge)" 102.1 px, "IV infusion" 70.2 px
		expect(bandLines('Sublingual (troche/lozenge)', 200)).toEqual(['Sublingual (troche/lozenge)']);
		expect(bandLines('Sublingual (troche/lozenge)', 70)).toEqual(['Sublingual', '(troche/lozenge)']);
		expect(bandLines('IV infusion', 70)).toEqual(['IV', 'infusion']);
		expect(shortLabel('Sublingual (troche/lozenge)')).toBe('Sublingual');
		expect(shortLabel('IV infusion')).toBeNull();
		expect(shortLabel('(all)')).toBeNull(); // nothing would be left
		// a 70 px band (the side-effects heatmap's at 1400 px): the wrapped label overlaps its neighbours and
		// is left out; its short form fits its band and is kept (AxisX)
		const at = (x: number, lines: string[]) => ({ x, width: Math.max(...lines.map((l) => textWidth(l))) });
		const names = ['IV infusion', 'IM injection', 'Sublingual (troche/lozenge)', 'Intranasal'];
		const wide = names.map((n, i) => at(35 + 70 * i, bandLines(n, 68)));
		expect(keepLabels(wide).has(2)).toBe(false);
		const second = names.map((n, i) => at(35 + 70 * i, bandLines(keepLabels(wide).has(i) ? n : (shortLabel(n) ?? n), 68)));
		expect([...keepLabels(second)].sort()).toEqual([0, 1, 2, 3]);
	});
});

describe('marker label stacks', () => {
	it('go right of their symbol, else left, else are left out; never into another stack or symbol', () => {
		const stack = (x: number, key: string) => ({ key, x, y0: 40, y1: 80, width: 50 });
		// alone in a 300 px plot: right
		expect(placeStacks([stack(100, 'a')], [], 0, 300)).toEqual(['right']);
		// too close to the right edge (100 + 7 + 50 > 140): left
		expect(placeStacks([stack(100, 'a')], [], 0, 140)).toEqual(['left']);
		// a second stack 40 px on: its right side is free, the first took 107–157 on the right
		expect(placeStacks([stack(100, 'a'), stack(140, 'b')], [], 0, 300)).toEqual(['right', null]);
		// far enough (100 + 7 + 50 + 3 < 200 − 7 … right of b starts at 207): both right
		expect(placeStacks([stack(100, 'a'), stack(200, 'b')], [], 0, 300)).toEqual(['right', 'right']);
		// another point's symbol right of the first stack pushes it left; its own symbol does not
		const symbol = (x: number, owner?: string) => ({ x0: x - 5, x1: x + 5, y0: 55, y1: 65, owner });
		expect(placeStacks([stack(100, 'a')], [symbol(100, 'a'), symbol(130, 'b')], 0, 300)).toEqual(['left']);
		// hemmed in on both sides: left out
		expect(placeStacks([stack(100, 'a')], [symbol(70), symbol(130)], 0, 300)).toEqual([null]);
		// a symbol above or below the stack's rows is not in the way
		expect(placeStacks([stack(100, 'a')], [{ x0: 120, x1: 130, y0: 90, y1: 100 }], 0, 300)).toEqual(['right']);
	});
});
