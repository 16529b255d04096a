/**
 * Which dataset was last active in this browser (localStorage), so the next start opens it, and
 * whether that start will show the demo (the home page prepares its first view early then).
 */
import { DEMO_ID } from './demo';

/** Also read by the head script of src/app.html, before any module runs (tests/unit/prebuilt.test.ts keeps them one). */
export const ACTIVE_KEY = 'kap-outcomes.active-dataset';

/** True when the next start will show the demo (no other dataset was last active in this browser). */
export function startsWithDemo(): boolean {
	return choosesDemo(readActive());
}

/** True when `id`, the dataset last active (readActive), means the demo: none, or the demo itself. */
export function choosesDemo(id: string | null): boolean {
	return !id || id === DEMO_ID;
}

export function readActive(): string | null {
	try {
		return localStorage.getItem(ACTIVE_KEY);
	} catch {
		return null;
	}
}

export function writeActive(id: string) {
	try {
		localStorage.setItem(ACTIVE_KEY, id);
	} catch {
		/* private mode: the choice just isn't remembered */
	}
}
