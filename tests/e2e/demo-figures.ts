/**
 * Independent figures of the demo cohort for the e2e tests: the demo CSV read with a few lines of JS,
 * no DuckDB, no app code, so a page's numbers are checked against the data, not against themselves.
 */
import { readFileSync } from 'node:fs';

export type Rec = Record<string, string>;
const [head, ...lines] = readFileSync('data/demo-cohort.csv', 'utf8').trim().split('\n');
const cols = head.split(',');
export const CSV: Rec[] = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));

/** Response (≥ 50 % below baseline at the last observed dosing session) among the kept rows of one instrument. */
export function responseOf(keep: (r: Rec) => boolean, instrument = 'bdi2'): { count: number; n: number } {
	const series = new Map<string, { base: number | null; end: number | null; session: number }>();
	for (const r of CSV) {
		if (r.instrument !== instrument || r.score === '' || !keep(r)) continue;
		const k = `${r.client_id}/${r.series}`;
		const s = series.get(k) ?? series.set(k, { base: null, end: null, session: -1 }).get(k)!;
		if (r.phase === 'baseline') s.base = Number(r.score);
		else if (r.phase === 'session' && Number(r.session) > s.session) [s.session, s.end] = [Number(r.session), Number(r.score)];
	}
	let count = 0;
	let n = 0;
	for (const s of series.values())
		if (s.base !== null && s.base > 0 && s.end !== null) {
			n++;
			if (s.end <= 0.5 * s.base) count++;
		}
	return { count, n };
}
export const clientsOf = (keep: (r: Rec) => boolean) => new Set(CSV.filter((r) => r.score !== '' && keep(r)).map((r) => r.client_id)).size;
/** "738 / 1,677" as shown in a tile. */
export const frac = (x: { count: number; n: number }) => `${x.count.toLocaleString('en-US')} / ${x.n.toLocaleString('en-US')}`;
