/**
 * Browser downloads: files are built in memory and saved through an object URL; nothing is sent
 * anywhere. SVG charts are serialised with inline styles so they look the same outside the app.
 */
import { safeFileName } from './csv';

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

/**
 * One SVG holding `panels` side by side, `gap` pixels apart, each at its drawn size (a card of two
 * charts exports both, not the first alone). A panel's last tick label may reach past its edge, as on
 * the page: the panels do not clip, and a gap is left after the last. Not attached to the page: its
 * size is in its attributes.
 */
export function panelsSvg(panels: SVGSVGElement[], gap = 16): SVGSVGElement {
	const out = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
	let x = 0;
	let height = 0;
	for (const p of panels) {
		const r = p.getBoundingClientRect();
		const c = p.cloneNode(true) as SVGSVGElement;
		for (const [k, v] of [['x', x], ['y', 0], ['width', r.width], ['height', r.height], ['overflow', 'visible']] as const) c.setAttribute(k, String(v));
		out.append(c);
		x += r.width + gap;
		height = Math.max(height, r.height);
	}
	const width = x;
	for (const [k, v] of [['width', width], ['height', height], ['viewBox', `0 0 ${width} ${height}`]] as const) out.setAttribute(k, String(v));
	return out;
}

/** Render `svg` to a PNG at `scale`× and save it (its drawn size; one not on the page, panelsSvg's, by its attributes). */
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
