/**
 * The durability card's headline, "x % of responders still responding at week K", per route: the
 * Kaplan–Meier estimate S(K) read off the survival metric's steps (the curve's value at K: its last
 * step at or before K, 1 before the first event), beside the observed share at week K from the
 * durability metric (responders seen at week K still responding / responders seen at week K). Both
 * figures come from the metrics; nothing is estimated here. They answer differently by design:
 * Kaplan–Meier counts a responder as lost from the first follow-up score that is no longer a
 * response (censoring those who drop out unchanged), the observed share is the state at week K of
 * the responders who have a score that week (one may have lost and regained response). In print the rows are the export's: a withheld step or
 * count gives null here, and the card says "withheld".
 */
import type { DurabilityRow } from '$lib/metrics/durability';
import type { Shown, ShownSurvival } from './printed';

export interface HeadlineRow {
	group: string;
	/** S(week) by Kaplan–Meier with its log-log 95 % CI; null when withheld (print) or no responders. */
	km: number | null;
	kmLow: number | null;
	kmHigh: number | null;
	/** Responders in the Kaplan–Meier analysis (with any follow-up score). */
	kmN: number | null;
	/** Responders seen at `week` still responding, and those seen. */
	still: number | null;
	seen: number | null;
	/** still / seen (the durability metric's share). */
	observed: number | null;
	/** The policy withheld S(week) / the observed share (print), as opposed to there being none. */
	kmWithheld: boolean;
	observedWithheld: boolean;
}

/** The headline's week: `preferred` when the data have it, else the last follow-up week (undefined: none). */
export function headlineWeek(rows: readonly { instrument: string; week: number }[], instrument: string, preferred = 8): number | undefined {
	const weeks = rows.filter((r) => r.instrument === instrument).map((r) => r.week);
	return weeks.includes(preferred) ? preferred : weeks.length ? Math.max(...weeks) : undefined;
}

/** One headline row per route that has a Kaplan–Meier curve or a durability row at `week`. */
export function durabilityHeadline(
	durability: readonly Shown<DurabilityRow>[],
	survival: readonly ShownSurvival[],
	instrument: string,
	week: number
): HeadlineRow[] {
	const groups = [...new Set([...survival, ...durability].filter((r) => r.instrument === instrument).map((r) => r.group))];
	return groups.map((group) => {
		const curve = survival.find((s) => s.instrument === instrument && s.group === group);
		const d = durability.find((r) => r.instrument === instrument && r.group === group && r.week === week);
		let km: number | null = null;
		let kmLow: number | null = null;
		let kmHigh: number | null = null;
		if (curve && curve.points.length) {
			const upTo = curve.points.filter((p) => p.time <= week);
			const at = upTo[upTo.length - 1];
			if (!at) [km, kmLow, kmHigh] = [1, 1, 1];
			else [km, kmLow, kmHigh] = [at.survival, at.low, at.high];
		}
		return {
			group,
			km,
			kmLow,
			kmHigh,
			kmN: curve?.n ?? null,
			still: d?.still_responding_n ?? null,
			seen: d?.responders_n ?? null,
			observed: d?.still_responding ?? null,
			kmWithheld: !!curve && curve.points.length > 0 && km === null,
			observedWithheld: !!d && d.still_responding === null && (d.responders_n === null || d.still_responding_n === null)
		};
	});
}
