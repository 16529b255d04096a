/**
 * Axis and rule labels that never collide: text widths measured with the chart's font (a canvas
 * 2D context in the browser, an estimate when prerendering), labels wrapped to the room they have,
 * and, where they still overlap, the less important ones left out (their ticks stay).
 */

/** The font chart text is drawn with (ChartFrame's svg font). */
export const CHART_FONT = '11px system-ui, sans-serif';

let ctx: CanvasRenderingContext2D | null | undefined;
let ctxFont = '';
/**
 * Widths measured so far, by font and text: every redraw measured its labels again, and setting the
 * canvas's font parses it each time (1.5 ms of main thread per filter click at 1M rows, a CPU profile
 * of 21 clicks). The app's fonts are the system's own, loaded before any chart draws.
 */
const measured = new Map<string, number>();

/** Width in pixels of `text` drawn in `font` (CSS shorthand with a px size). */
export function textWidth(text: string, font = CHART_FONT): number {
	if (ctx === undefined) ctx = typeof document === 'undefined' ? null : (document.createElement('canvas').getContext('2d') ?? null);
	if (ctx) {
		const key = `${font}\u0000${text}`;
		let w = measured.get(key);
		if (w === undefined) {
			if (ctxFont !== font) ctx.font = ctxFont = font;
			w = ctx.measureText(text).width;
			if (measured.size >= 10_000) measured.clear();
			measured.set(key, w);
		}
		return w;
	}
	// no canvas (prerendering): about 0.58 em per character in a sans-serif face
	const px = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 11);
	return text.length * px * 0.58;
}

/** A label to place: its anchor (centre) x, width in pixels, and importance (lower is kept first). */
export interface Placed {
	x: number;
	width: number;
	priority?: number;
}

/**
 * Indices of the labels to draw so that no two overlap (with `gap` pixels between them): the most
 * important first (ties: left to right), each kept when it clears every label already kept and
 * lies within [`min`, `max`] when given.
 */
export function keepLabels(labels: readonly Placed[], gap = 4, min = -Infinity, max = Infinity): Set<number> {
	const order = labels.map((_, i) => i).sort((a, b) => (labels[a].priority ?? 0) - (labels[b].priority ?? 0) || a - b);
	const kept: [number, number][] = [];
	const out = new Set<number>();
	for (const i of order) {
		const l = labels[i];
		const lo = l.x - l.width / 2;
		const hi = l.x + l.width / 2;
		if (lo < min || hi > max) continue;
		if (kept.some(([a, b]) => lo < b + gap && hi > a - gap)) continue;
		kept.push([lo, hi]);
		out.add(i);
	}
	return out;
}

/** `text` broken at spaces into lines no wider than `width` (a word wider than that gets its own line). */
export function wrapText(text: string, width: number, font = CHART_FONT): string[] {
	const words = text.split(/\s+/).filter(Boolean);
	const lines: string[] = [];
	for (const w of words) {
		const last = lines[lines.length - 1];
		if (last !== undefined && textWidth(`${last} ${w}`, font) <= width) lines[lines.length - 1] = `${last} ${w}`;
		else lines.push(w);
	}
	return lines.length ? lines : [''];
}

/** A band's label lines: the text, or wrapped to `width` when wider (its first two lines). */
export function bandLines(text: string, width: number, font = CHART_FONT): string[] {
	return textWidth(text, font) > width ? wrapText(text, width, font).slice(0, 2) : [text];
}

/**
 * `text` without its closing parenthetical ("Sublingual (troche/lozenge)" → "Sublingual"), or null when
 * it has none: the form an axis tries for a band label it would otherwise leave out (AxisX); the
 * legend, tooltip and table still name it whole.
 */
export function shortLabel(text: string): string | null {
	const short = text.replace(/\s*\([^()]*\)\s*$/, '');
	return short && short !== text ? short : null;
}

/** The first of `options` (longest first) that fits in `width`, or null when none does. */
export function fitting(options: readonly string[], width: number, font = CHART_FONT): string | null {
	return options.find((o) => textWidth(o, font) <= width) ?? null;
}

/** A rectangle in pixels: [x0, x1] × [y0, y1]. */
export interface Box {
	x0: number;
	x1: number;
	y0: number;
	y1: number;
	/** The stack it belongs to (a stack's own symbols are not in its way). */
	owner?: string;
}

/** A column of text labels beside one symbol (e.g. Response / Remission stacked above an end point). */
export interface LabelStack {
	/** The symbol's x. */
	x: number;
	/** Top and bottom of the stack's text, in pixels. */
	y0: number;
	y1: number;
	/** Width of the stack's widest label. */
	width: number;
	key?: string;
}

const hits = (a: Box, b: Box, gap: number) => a.x0 < b.x1 + gap && a.x1 > b.x0 - gap && a.y0 < b.y1 && a.y1 > b.y0;

/**
 * Which side of its symbol each stack's labels go ('right', else 'left'), or null when neither side
 * is free: a side is free when its box (starting `offset` px from the symbol) stays within
 * [`min`, `max`] and clears every obstacle (symbols; a stack's own, `owner` = its `key`, excepted)
 * and every stack already placed, in order.
 * A stack is labelled whole or not at all, so the labels of one point never split across sides.
 */
export function placeStacks(stacks: readonly LabelStack[], obstacles: readonly Box[], min: number, max: number, offset = 7, gap = 3): ('right' | 'left' | null)[] {
	const taken: Box[] = [...obstacles];
	return stacks.map((s) => {
		const sides = {
			right: { x0: s.x + offset, x1: s.x + offset + s.width, y0: s.y0, y1: s.y1 },
			left: { x0: s.x - offset - s.width, x1: s.x - offset, y0: s.y0, y1: s.y1 }
		};
		for (const side of ['right', 'left'] as const) {
			const b = sides[side];
			if (b.x0 < min || b.x1 > max || taken.some((t) => (t.owner === undefined || t.owner !== s.key) && hits(b, t, gap))) continue;
			taken.push({ ...b, owner: undefined });
			return side;
		}
		return null;
	});
}
