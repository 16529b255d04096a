/**
 * Marker shapes shared by the Markers layer and legends: a name → SVG path at a given area, so a
 * legend key is drawn with exactly the path the chart uses.
 */
import { symbol, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye } from 'd3';

export type MarkerShape = 'triangle' | 'triangle-down' | 'diamond' | 'star' | 'square' | 'cross' | 'wye';

const TYPES = { triangle: symbolTriangle, 'triangle-down': symbolTriangle, diamond: symbolDiamond, star: symbolStar, square: symbolSquare, cross: symbolCross, wye: symbolWye };

/** SVG path of `shape` centred on (0, 0) with `area` px²; 'triangle-down' needs a 180° rotation (`markerRotation`). */
export function markerPath(shape: MarkerShape, area = 64): string {
	return symbol(TYPES[shape], area)() ?? '';
}

/** SVG transform for `shape` (only the downward triangle is rotated). */
export function markerRotation(shape: MarkerShape): string | undefined {
	return shape === 'triangle-down' ? 'rotate(180)' : undefined;
}
