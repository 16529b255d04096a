/**
 * The column mapping: a small, versioned JSON document that says how a table's columns become canonical
 * rows. The same file is used by the page and by `kap-outcomes validate --mapping`.
 *
 * Every shape is one model: each source row yields one record per *measure* (an instrument at a
 * timepoint). Long files have one measure whose instrument and timepoint come from columns; wide files
 * have a measure per instrument × timepoint with constants; REDCap exports take the timepoint from
 * `redcap_event_name`. A measure's value is a total column, item columns (scored with the instrument
 * definition, proration flagged), or both (items win; totals are cross-checked).
 */
import { z } from 'zod';
import { ownRecord } from './own-record';
import { PHASES } from '../model/schema';

const Scalar = z.union([z.string(), z.number(), z.null()]);

/** Where a value comes from: a constant, a column (with optional label recoding), or REDCap checkboxes. */
export const ValueSourceSchema = z.union([
	z.object({ value: Scalar }).strict(),
	z
		.object({
			column: z.string().min(1),
			/** Recode raw values (after trimming) to canonical ones, e.g. {"0": "reactive"}. */
			labels: ownRecord(Scalar).optional(),
			/** Take the first non-empty value of the client and use it on all the client's rows. */
			by_client: z.boolean().optional()
		})
		.strict(),
	z
		.object({
			/** Checkbox columns (`route___1` …) → the value used when that box is checked ("1"). */
			checkboxes: ownRecord(z.string()),
			by_client: z.boolean().optional()
		})
		.strict()
]);
export type ValueSource = z.infer<typeof ValueSourceSchema>;

export const TimepointValueSchema = z
	.object({
		phase: z.enum(PHASES),
		session: z.number().int().nullable().optional(),
		week: z.number().nullable().optional(),
		/** Take the session number from `instance_column` (REDCap repeating instruments). */
		session_from_instance: z.boolean().optional(),
		/** Follow-up week from `instance_column`: week = start + step × instance. */
		week_from_instance: z.object({ start: z.number(), step: z.number() }).strict().optional()
	})
	.strict();
export type TimepointValue = z.infer<typeof TimepointValueSchema>;

/**
 * What the values of a time column mean. `session` (the default): 0 = baseline, n = dosing session n,
 * and text labels are parsed (baseline, session_3, week_4_followup, …). `followup_week`: 0 = baseline,
 * n = follow-up week n. `visit_order`: dates (or any sortable values) ordered within each client-series —
 * the first is the baseline, the next ones dosing sessions 1, 2, …; the values themselves are not kept.
 */
export const TIME_MEANINGS = ['session', 'followup_week', 'visit_order'] as const;
export type TimeMeaning = (typeof TIME_MEANINGS)[number];

/**
 * A column naming the timepoint (week number, visit label, REDCap event, visit date). `labels` maps raw
 * values; values not listed are read as `means` says.
 */
export const TimepointSchema = z
	.object({
		column: z.string().min(1),
		means: z.enum(TIME_MEANINGS).optional(),
		labels: ownRecord(TimepointValueSchema).optional(),
		instance_column: z.string().optional()
	})
	.strict();

export const MeasureSchema = z
	.object({
		instrument: ValueSourceSchema,
		/** Either `timepoint`, or `phase` + `session` / `week` sources. */
		timepoint: TimepointSchema.optional(),
		phase: ValueSourceSchema.optional(),
		session: ValueSourceSchema.optional(),
		week: ValueSourceSchema.optional(),
		/** Column holding the total score. */
		score: z.string().optional(),
		/** Item columns in item order (item 1 first). Null leaves a gap (item not in the file). */
		items: z.array(z.string().nullable()).optional(),
		/** Column holding a `prorated` flag (canonical long files); ignored when items are given. */
		prorated: z.string().optional(),
		/** REDCap `<form>_complete` column: a record on a form marked 0 (Incomplete) gets a warning. */
		complete: z.string().optional()
	})
	.strict();
export type Measure = z.infer<typeof MeasureSchema>;

export const AttributeSchema = z
	.object({
		column: z.string().min(1),
		/** Target name: a known attribute (site, age_band, sex, diagnosis, dose_mg) or an extra column. */
		as: z.string().min(1),
		labels: ownRecord(Scalar).optional(),
		/**
		 * age_band: age → "18–29", …, "80–89", "90+"; age_cap: exact age, over 89 → "90+";
		 * relative_days: a date → days since the client's first date in this column (per series).
		 */
		transform: z.enum(['age_band', 'age_cap', 'relative_days']).optional(),
		by_client: z.boolean().optional()
	})
	.strict();
export type Attribute = z.infer<typeof AttributeSchema>;

export const MappingSchema = z
	.object({
		version: z.literal(1),
		/** Free text for people: units, provenance, caveats. */
		note: z.string().optional(),
		/** What one step of the time axis is, for the methods text: "dosing session" (default), "day", "month". */
		time_unit: z.string().min(1).max(40).optional(),
		/** What the file looked like (informational; the page uses it to label the preview). */
		shape: z.enum(['canonical', 'long', 'wide', 'items', 'redcap']).optional(),
		format: z
			.object({
				sheet: z.string().optional(),
				/** Names for a file without a header row, in column order. */
				column_names: z.array(z.string().min(1)).optional(),
				/** Cell texts that mean "missing" in addition to the empty cell. */
				missing: z.array(z.string()).optional(),
				/** Accept `1,5` as 1.5 even in a comma-separated file (when the field was quoted). */
				decimal_comma: z.boolean().optional()
			})
			.strict()
			.optional(),
		client_id: z.string().min(1),
		series: ValueSourceSchema.optional(),
		route: ValueSourceSchema,
		measures: z.array(MeasureSchema).min(1),
		attributes: z.array(AttributeSchema).optional(),
		/** Flagged identifier columns the user insists on importing (as attributes). */
		include_identifiers: z.array(z.string()).optional()
	})
	.strict();
export type Mapping = z.infer<typeof MappingSchema>;

/** Validate parsed JSON as a Mapping. Returns the mapping or a readable list of problems. */
export function parseMapping(json: unknown): { ok: true; mapping: Mapping } | { ok: false; error: string } {
	const r = MappingSchema.safeParse(json);
	if (r.success) return { ok: true, mapping: r.data };
	return {
		ok: false,
		error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
	};
}
