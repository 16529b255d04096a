/**
 * The shared chart frame contract: a frame owns size and scales; layers read them from context
 * and draw one thing each (axis, line, band, points, tooltip). In the spirit of LayerCake.
 */
import { getContext, setContext } from 'svelte';

/** A scale that maps data values to pixels (d3 linear, band, or point scale). */
export interface PixelScale<D = number> {
	(value: D): number | undefined;
	domain(): D[];
	range(): number[];
	ticks?: (count?: number) => D[];
	bandwidth?: () => number;
}

export interface Frame {
	readonly width: number;
	readonly height: number;
	readonly innerWidth: number;
	readonly innerHeight: number;
	readonly padding: Padding;
	/** How much of the svg's width the card shows before scrolling: `width`, or less when the chart scrolls sideways in its card. */
	readonly visibleWidth: number;
	readonly x: PixelScale<any>;
	readonly y: PixelScale<number>;
	/** The tooltip state layers write to and the Tooltip layer reads. */
	hover: HoverState | null;
}

export interface Padding {
	top: number;
	right: number;
	bottom: number;
	left: number;
}

/** What a hovered mark shows: a position in pixels and lines of text. */
export interface HoverState {
	x: number;
	y: number;
	lines: string[];
}

const KEY = Symbol('chart-frame');

/** Make `frame` (a reactive object) available to the layers inside a ChartFrame. */
export function provideFrame(frame: Frame): void {
	setContext(KEY, frame);
}

/** The enclosing ChartFrame's state; throws when a layer is used outside a frame. */
export function useFrame(): Frame {
	const f = getContext<Frame>(KEY);
	if (!f) throw new Error('chart layer used outside <ChartFrame>');
	return f;
}

const GUESS = Symbol('chart-width-guess');
/**
 * The width (px) charts draw at before they can be measured: a card of the overview's two-column
 * grid in a 1280 px window. Only where `guessChartWidth` asked for it.
 */
export const GUESSED_WIDTH = 580;

/**
 * Charts created below the calling component while `now()` holds draw at GUESSED_WIDTH (scaled to
 * the card's width through their viewBox) until measured. For a page rendered when the site is
 * built: no width can be measured there, and the first render that hydrates it must draw what was
 * rendered; measured, the charts redraw at their width. Elsewhere a chart draws only once measured
 * (ChartFrame).
 */
export function guessChartWidth(now: () => boolean): void {
	setContext(GUESS, now);
}

/** GUESSED_WIDTH when an enclosing component asks for it now (guessChartWidth), else null. */
export function chartWidthGuess(): number | null {
	return getContext<(() => boolean) | undefined>(GUESS)?.() ? GUESSED_WIDTH : null;
}
