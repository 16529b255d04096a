/**
 * Marks on the page's timeline for the phases of a start (engine begin / instantiated / ready, the
 * demo fetched and loaded, the app ready): `kap:<name>`, printed by bench/start-profile.ts. Harmless
 * timeline entries otherwise; no code depends on them.
 */
export function startMark(name: string): void {
	if (typeof performance !== 'undefined') performance.mark(`kap:${name}`);
}
