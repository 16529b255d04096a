/**
 * Browser downloads: files are built in memory and saved through an object URL; nothing is sent
 * anywhere. SVG charts are serialised with inline styles so they look the same outside the app.
 */
import { safeFileName } from './csv';
import { textWidth } from '../charts/labels';

/** Save `data` as a file named from `name` + `extension`. */
export function saveFile(data: BlobPart, name: string, extension: string, type: string): void {
	const url = URL.createObjectURL(new Blob([data], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = safeFileName(name, extension);
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Standalone SVG markup of `svg`, with a white background and the computed font. */
export function svgMarkup(svg: SVGSVGElement): string {
	const clone = svg.cloneNode(true) as SVGSVGElement;
	clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	clone.setAttribute('style', 'background:#fff;font:11px system-ui,sans-serif');
	for (const el of clone.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
	return new XMLSerializer().serializeToString(clone);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A key of the card's legend as the page shows it: its label and colour. */
export interface LegendKey {
	label: string;
	color: string;
	/** Drawn dashed (a reference line), or as a shaded block (an area). */
	dash?: boolean;
	area?: boolean;
	/** A marker symbol's path and rotation as the legend draws it (in a 14 px box centred on 0). */
	symbol?: { d: string; transform: string | null };
}

/** The keys of the legends (Legend.svelte) inside `root`, in order, as drawn. */
export function legendKeys(root: Element): LegendKey[] {
	return [...root.querySelectorAll('ul.legend > li')].map((li) => {
		const swatch = li.querySelector<HTMLElement>('.swatch');
		const symbol = li.querySelector('svg path');
		const color = swatch ? getComputedStyle(swatch).backgroundColor : (symbol?.getAttribute('fill') ?? '#000');
		const marker = !swatch && symbol ? { d: symbol.getAttribute('d') ?? '', transform: symbol.getAttribute('transform') } : undefined;
		return { label: li.textContent?.trim() ?? '', color, dash: !!swatch?.classList.contains('dash'), area: !!swatch?.classList.contains('area'), symbol: marker };
	});
}

/**
 * The exported figure: `panels` side by side, `gap` pixels apart, each at its drawn size (a card of two
 * charts exports both, not the first alone), under a row of the card's legend `keys` (on the page the
 * legend is HTML beside the chart; without it an exported figure would not say what its colours are).
 * A single panel with no keys is exported as it is. A panel's last tick label may reach past its edge,
 * as on the page: the panels do not clip, and a gap is left after the last and below. Not attached to the page:
 * its size is in its attributes.
 */
export function figureSvg(panels: SVGSVGElement[], keys: LegendKey[] = [], gap = 16): SVGSVGElement {
	if (panels.length === 1 && !keys.length) return panels[0];
	const out = document.createElementNS(SVG_NS, 'svg');
	const sizes = panels.map((p) => p.getBoundingClientRect());
	const width = sizes.reduce((w, r) => w + r.width + gap, 0);
	const top = keys.length ? legendRow(out, keys, width) + 6 : 0;
	let x = 0;
	panels.forEach((p, i) => {
		const c = p.cloneNode(true) as SVGSVGElement;
		for (const [k, v] of [['x', x], ['y', top], ['width', sizes[i].width], ['height', sizes[i].height], ['overflow', 'visible']] as const) c.setAttribute(k, String(v));
		out.append(c);
		x += sizes[i].width + gap;
	});
	// A gap below too: an axis title may reach past a panel's bottom edge, as past its right one.
	const height = top + Math.max(0, ...sizes.map((r) => r.height)) + gap;
	for (const [k, v] of [['width', width], ['height', height], ['viewBox', `0 0 ${width} ${height}`]] as const) out.setAttribute(k, String(v));
	return out;
}

/** Draw `keys` into `svg` as rows of swatch and label within `width`; returns the rows' height. */
function legendRow(svg: SVGSVGElement, keys: LegendKey[], width: number): number {
	const ROW = 18;
	let x = 0;
	let y = 0;
	for (const key of keys) {
		const w = 20 + textWidth(key.label, LEGEND_FONT) + 14;
		if (x > 0 && x + w > width) {
			x = 0;
			y += ROW;
		}
		svg.append(swatchOf(key, x, y + 9));
		const label = document.createElementNS(SVG_NS, 'text');
		for (const [k, v] of [['x', x + 20], ['y', y + 13], ['style', `font:${LEGEND_FONT}`]] as const) label.setAttribute(k, String(v));
		label.textContent = key.label;
		svg.append(label);
		x += w;
	}
	return y + ROW;
}

/** A key's swatch, 14 px wide, centred on `y`: a bar, a dashed bar (a reference line), a shaded block (an area) or a marker symbol, as Legend.svelte draws them. */
function swatchOf(key: LegendKey, x: number, y: number): SVGElement {
	const set = (el: SVGElement, attrs: [string, string | number][]) => {
		for (const [k, v] of attrs) el.setAttribute(k, String(v));
		return el;
	};
	if (key.symbol) {
		const g = set(document.createElementNS(SVG_NS, 'g'), [['transform', `translate(${x + 7},${y})`]]);
		g.append(set(document.createElementNS(SVG_NS, 'path'), [['d', key.symbol.d], ['fill', key.color], ...(key.symbol.transform ? [['transform', key.symbol.transform] as [string, string]] : [])]));
		return g;
	}
	if (key.dash) return set(document.createElementNS(SVG_NS, 'line'), [['x1', x], ['x2', x + 14], ['y1', y], ['y2', y], ['stroke', key.color], ['stroke-width', 4], ['stroke-dasharray', '3 3']]);
	const h = key.area ? 10 : 4;
	return set(document.createElementNS(SVG_NS, 'rect'), [['x', x], ['y', y - h / 2], ['width', 14], ['height', h], ['rx', key.area ? 0 : 2], ['fill', key.color], ...(key.area ? [['stroke', '#ccc'] as [string, string]] : [])]);
}

/** The page's legend font (Legend.svelte: 12px). */
const LEGEND_FONT = '12px system-ui, sans-serif';

/** Render `svg` to a PNG at `scale`× and save it (its drawn size; one not on the page, figureSvg's, by its attributes). */
export async function savePng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
	const drawn = svg.getBoundingClientRect();
	const width = drawn.width || Number(svg.getAttribute('width'));
	const height = drawn.height || Number(svg.getAttribute('height'));
	const url = URL.createObjectURL(new Blob([svgMarkup(svg)], { type: 'image/svg+xml' }));
	try {
		const img = new Image();
		await new Promise<void>((resolve, reject) => {
			img.onload = () => resolve();
			img.onerror = () => reject(new Error('the chart could not be rendered to PNG'));
			img.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.round(width * scale);
		canvas.height = Math.round(height * scale);
		const ctx = canvas.getContext('2d')!;
		ctx.fillStyle = '#fff';
		ctx.fillRect(0, 0, canvas.width, canvas.height);
		ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
		const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
		if (blob) saveFile(blob, name, 'png', 'image/png');
	} finally {
		URL.revokeObjectURL(url);
	}
}
