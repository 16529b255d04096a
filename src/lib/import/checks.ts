/**
 * Whole-table rules, kept in one structure built while rows are accepted: exact duplicates (same client,
 * series, instrument, phase, session, week) are rejected, and at the end it warns (does not reject) for a
 * client without a baseline, a series without any dosing-session score, and a score that jumps
 * implausibly between consecutive timepoints. Nested maps instead of concatenated string keys keep the
 * per-row cost to a few hash lookups, without allocating, on million-row files.
 */
import { INSTRUMENTS, type InstrumentId } from '../instruments/definitions';
import type { CanonicalRow } from './types';

export interface Warning {
	line: number | null;
	client_id: string | null;
	reason: string;
}

/** A change larger than this share of the instrument's total range between consecutive scores is flagged. */
export const JUMP_SHARE = 0.6;

const PHASE_INDEX = { baseline: 0, session: 1, followup: 2 } as const;

interface Track {
	/** Row indexes (into the accepted rows) of this client × series × instrument. */
	rows: number[];
	/** Timepoint key → source line, for exact duplicates. */
	seen: Map<number | string, number>;
}
interface Series {
	line: number;
	session: boolean;
	tracks: Map<InstrumentId, Track>;
}
interface Client {
	line: number;
	baseline: boolean;
	series: Map<number, Series>;
}

/** Collects accepted rows' timepoints; see the module comment. */
export class TableChecks {
	private clients = new Map<string, Client>();

	/**
	 * Register accepted row `index` (from source `line`). Returns the line of an earlier exact duplicate,
	 * in which case nothing is registered and the caller rejects the row.
	 */
	add(r: CanonicalRow, index: number, line: number): number | undefined {
		let c = this.clients.get(r.client_id);
		if (!c) this.clients.set(r.client_id, (c = { line, baseline: false, series: new Map() }));
		let s = c.series.get(r.series);
		if (!s) c.series.set(r.series, (s = { line, session: false, tracks: new Map() }));
		let t = s.tracks.get(r.instrument);
		if (!t) s.tracks.set(r.instrument, (t = { rows: [], seen: new Map() }));
		// Numeric key for the common case (no week); a string only for follow-up rows.
		const key = r.week === null && r.session !== null && r.session < 1e6 ? PHASE_INDEX[r.phase] * 1e6 + r.session : `${r.phase}|${r.session}|${r.week}`;
		const earlier = t.seen.get(key);
		if (earlier !== undefined) return earlier;
		t.seen.set(key, line);
		t.rows.push(index);
		if (r.phase === 'baseline') c.baseline = true;
		if (r.phase === 'session') s.session = true;
		return undefined;
	}

	/** Warnings over everything registered; `rows`/`lines` are the accepted rows and their source lines. */
	warnings(rows: CanonicalRow[], lines: number[]): Warning[] {
		const out: Warning[] = [];
		for (const [id, c] of this.clients) if (!c.baseline) out.push({ line: c.line, client_id: id, reason: 'client without a baseline score' });
		for (const [id, c] of this.clients)
			for (const [n, s] of c.series) if (!s.session) out.push({ line: s.line, client_id: id, reason: `series ${n} has no dosing-session score` });
		for (const c of this.clients.values())
			for (const s of c.series.values())
				for (const [instrument, t] of s.tracks) {
					if (t.rows.length < 2) continue;
					const idx = t.rows.sort((a, b) => order(rows[a]) - order(rows[b]));
					const def = INSTRUMENTS[instrument];
					const limit = JUMP_SHARE * (def.totalMax - def.totalMin);
					for (let k = 1; k < idx.length; k++) {
						const a = rows[idx[k - 1]];
						const b = rows[idx[k]];
						if (a.score === null || b.score === null) continue;
						const delta = b.score - a.score;
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
}

// Sort key within a client series: phase first, then session, then week.
function order(r: CanonicalRow): number {
	return PHASE_INDEX[r.phase] * 1e9 + (r.session ?? 0) * 1e3 + (r.week ?? 0);
}
