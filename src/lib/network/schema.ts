/**
 * The site bundle: what one clinic of a network shares — aggregates only, never a row per client.
 * Versioned (`format` + `version`) and validated with zod on the way in, so a malformed or altered
 * bundle is refused with a message instead of being pooled. Field meanings: docs/network.md.
 */
import { z } from 'zod';
import { ownRecord } from '../import/own-record';

export const BUNDLE_FORMAT = 'kap-outcomes/site-bundle';
export const BUNDLE_VERSION = 1;

const count = z.number().int().nonnegative().nullable();
const num = z.number().finite().nullable();
const label = z.string().max(200);

/** Scores observed at one phase × session/week of one cell: moments and the score histogram. */
export const HistogramSchema = z.object({
	phase: z.enum(['baseline', 'session', 'followup']),
	session: z.number().int().nonnegative().nullable(),
	week: z.number().nonnegative().nullable(),
	n: count,
	sum: num,
	sum_sq: num,
	/** [score, client-series count] pairs, ascending by score; null when withheld as a whole. */
	bins: z.array(z.tuple([z.number().finite(), count])).max(10_000).nullable()
});

/** One Kaplan–Meier life-table step (time to loss of response among end-of-series responders). */
export const LifeRowSchema = z.object({ week: z.number().nonnegative(), at_risk: count, events: count, censored: count });

export const AttritionStageSchema = z.object({
	phase: z.enum(['baseline', 'session', 'end', 'completed', 'followup']),
	session: z.number().int().nonnegative().nullable(),
	week: z.number().nonnegative().nullable(),
	clients: count,
	/** Of those, client-series that also have a baseline (the attrition share's numerator). */
	with_baseline: count
});

export const CellSchema = z.object({
	instrument: label,
	route: label,
	/** Levels of the `--by` attributes, if any. */
	by: ownRecord(label, label),
	series: z.object({
		/** Client-series with a baseline score. */
		with_baseline: count,
		/** … and an end-of-series score (the remission denominator). */
		with_end: count,
		/** Client-series with a baseline > 0 and an end-of-series score (the response denominator). */
		response_n: count,
		responders: count,
		remitters: count,
		reliable: z.object({
			n: count,
			improved: count,
			unchanged: count,
			deteriorated: count,
			/** SD and reliability the site's partition used (Jacobson–Truax), or null under the point rule. */
			sd: num,
			reliability: num
		}),
		/** End − baseline among client-series with both: n, Σ, Σ² (for pooled mean change). */
		change: z.object({ n: count, sum: num, sum_sq: num })
	}),
	histograms: z.array(HistogramSchema).max(10_000),
	life_table: z.array(LifeRowSchema).max(10_000),
	attrition: z.array(AttritionStageSchema).max(10_000)
});

export const BundleSchema = z.object({
	format: z.literal(BUNDLE_FORMAT),
	version: z.literal(BUNDLE_VERSION),
	site: label.min(1),
	/** Calendar date the bundle was made (no time of day). */
	created: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	generator: label,
	/** Attributes cells are split by besides instrument and route. */
	by: z.array(label).max(10),
	/** Smallest count shown; 0 = nothing withheld (only under a data-sharing agreement). */
	min_cell: z.number().int().nonnegative(),
	/** Definitions in force (ids) and the settings behind them. */
	definitions: z.array(label).max(100),
	settings: z.record(z.string(), z.unknown()),
	cells: z.array(CellSchema).max(100_000),
	/** Paths of withheld values (`cells[3].series.remitters`), so pooled figures can say what is missing. */
	withheld: z.array(z.string().max(300)).max(1_000_000)
});

export type Bundle = z.infer<typeof BundleSchema>;
export type BundleCell = z.infer<typeof CellSchema>;
export type Histogram = z.infer<typeof HistogramSchema>;
export type LifeRow = z.infer<typeof LifeRowSchema>;

/** Parse a bundle from JSON text; `{ error }` says in words what is wrong. */
export function parseBundle(text: string, name = 'bundle'): { bundle: Bundle } | { error: string } {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { error: `${name} is not JSON` };
	}
	const f = (json as { format?: unknown } | null)?.format;
	if (f !== BUNDLE_FORMAT) return { error: `${name} is not a kap-outcomes site bundle (format ${JSON.stringify(f ?? null).slice(0, 60)})` };
	const v = (json as { version?: unknown }).version;
	if (v !== BUNDLE_VERSION) return { error: `${name} has bundle version ${JSON.stringify(v ?? null).slice(0, 20)}; this version reads version ${BUNDLE_VERSION}` };
	const r = BundleSchema.safeParse(json);
	if (!r.success) {
		const i = r.error.issues[0];
		return { error: `${name} is malformed at ${i.path.join('.') || '(top)'}: ${i.message}` };
	}
	const bad = consistency(r.data);
	return bad ? { error: `${name} is inconsistent (altered?): ${bad}` } : { bundle: r.data };
}

/** Internal arithmetic every honest bundle satisfies; a hand-edited one usually breaks it. */
function consistency(b: Bundle): string | null {
	for (const [i, c] of b.cells.entries()) {
		const s = c.series;
		const le = (a: number | null, z: number | null) => a === null || z === null || a <= z;
		if (!le(s.responders, s.response_n) || !le(s.remitters, s.with_end) || !le(s.with_end, s.with_baseline))
			return `cells[${i}]: more responders or remitters than client-series`;
		for (const h of c.histograms) {
			if (h.bins && h.n !== null && h.bins.every(([, k]) => k !== null)) {
				const total = h.bins.reduce((t, [, k]) => t + (k ?? 0), 0);
				if (total !== h.n) return `cells[${i}] ${h.phase} ${h.session ?? h.week}: histogram counts ${total} ≠ n ${h.n}`;
			}
		}
	}
	return null;
}
