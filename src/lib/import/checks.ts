/**
 * Whole-table rules that warn but do not reject: a client without a baseline, a series without any
 * dosing-session score, and a score that jumps implausibly between consecutive timepoints. Done in
 * TypeScript over the accepted rows (linear, plus one sort per client series) so the same checks run
 * in the CLI and in the worker before anything touches the loaded database.
 */
import { INSTRUMENTS } from '../instruments/definitions';
import type { CanonicalRow } from './types';

export interface Warning {
	line: number | null;
	client_id: string | null;
	reason: string;
}

/** A change larger than this share of the instrument's total range between consecutive scores is flagged. */
export const JUMP_SHARE = 0.6;

const PHASE_ORDER = { baseline: 0, session: 1, followup: 2 } as const;

/** Warnings for `rows` (accepted rows; `lines[i]` is the source line of rows[i]). */
export function tableWarnings(rows: CanonicalRow[], lines: number[]): Warning[] {
	const out: Warning[] = [];
	const clients = new Map<string, { line: number; baseline: boolean }>();
	const series = new Map<string, { client: string; line: number; session: boolean; s: number }>();
	const tracks = new Map<string, number[]>();
	for (let i = 0; i < rows.length; i++) {
		const r = rows[i];
		const c = clients.get(r.client_id);
		if (!c) clients.set(r.client_id, { line: lines[i], baseline: r.phase === 'baseline' });
		else if (r.phase === 'baseline') c.baseline = true;
		const sk = `${r.client_id}\u0001${r.series}`;
		const s = series.get(sk);
		if (!s) series.set(sk, { client: r.client_id, line: lines[i], session: r.phase === 'session', s: r.series });
		else if (r.phase === 'session') s.session = true;
		if (r.score !== null) {
			const tk = `${sk}\u0001${r.instrument}`;
			const t = tracks.get(tk);
			if (t) t.push(i);
			else tracks.set(tk, [i]);
		}
	}
	for (const [id, c] of clients) if (!c.baseline) out.push({ line: c.line, client_id: id, reason: 'client without a baseline score' });
	for (const s of series.values())
		if (!s.session) out.push({ line: s.line, client_id: s.client, reason: `series ${s.s} has no dosing-session score` });
	for (const idx of tracks.values()) {
		if (idx.length < 2) continue;
		idx.sort((a, b) => order(rows[a]) - order(rows[b]));
		const def = INSTRUMENTS[rows[idx[0]].instrument];
		const limit = JUMP_SHARE * (def.totalMax - def.totalMin);
		for (let k = 1; k < idx.length; k++) {
			const a = rows[idx[k - 1]];
			const b = rows[idx[k]];
			const delta = (b.score as number) - (a.score as number);
			if (Math.abs(delta) > limit)
				out.push({
					line: lines[idx[k]],
					client_id: b.client_id,
					reason: `implausible jump: ${def.shortName} ${a.score} → ${b.score} (${delta > 0 ? '+' : ''}${delta}) between consecutive timepoints`
				});
		}
	}
	return out;
}

// Sort key within a client series: phase first, then session, then week.
function order(r: CanonicalRow): number {
	return PHASE_ORDER[r.phase] * 1e6 + (r.session ?? 0) * 1e3 + (r.week ?? 0);
}
