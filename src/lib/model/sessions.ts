/**
 * The dosing-session record: one row per client × series × dosing session with dose, vital signs
 * before / at peak / at the end, the lowest SpO₂, sedation, side effects and time until ready to leave
 * (what the esketamine REMS monitoring form and KAP clinics record; product-anchors.md). Scores of the
 * same dataset link to it by client, series and session. Every field but the keys is optional.
 *
 * Ranges are data: a value outside its range is rejected with the field's reason. The limits are
 * plausibility limits for measured values (not clinical thresholds, which live in the metrics).
 */
import { z } from 'zod';
import { ROUTES } from './schema';

export interface SessionField {
	name: string;
	label: string;
	type: 'integer' | 'number';
	min: number;
	max: number;
	unit?: string;
	/** Why the range is what it is. */
	why: string;
}

const BP = 'a measured blood pressure outside this range is a typing or unit error';
const GRADE = '0 none, 1 mild, 2 moderate, 3 severe';

/** Measured fields of a session record, in column order. */
export const SESSION_FIELDS: SessionField[] = [
	{ name: 'dose_mg', label: 'Dose', type: 'number', min: 0, max: 1000, unit: 'mg', why: 'ketamine doses in KAP are far below 1 g' },
	{ name: 'sbp_pre', label: 'Systolic BP before dosing', type: 'number', min: 60, max: 260, unit: 'mmHg', why: BP },
	{ name: 'dbp_pre', label: 'Diastolic BP before dosing', type: 'number', min: 30, max: 160, unit: 'mmHg', why: BP },
	{ name: 'sbp_peak', label: 'Highest systolic BP after dosing', type: 'number', min: 60, max: 260, unit: 'mmHg', why: BP },
	{ name: 'dbp_peak', label: 'Highest diastolic BP after dosing', type: 'number', min: 30, max: 160, unit: 'mmHg', why: BP },
	{ name: 'sbp_end', label: 'Systolic BP before discharge', type: 'number', min: 60, max: 260, unit: 'mmHg', why: BP },
	{ name: 'dbp_end', label: 'Diastolic BP before discharge', type: 'number', min: 30, max: 160, unit: 'mmHg', why: BP },
	{ name: 'hr_pre', label: 'Heart rate before dosing', type: 'number', min: 30, max: 220, unit: 'bpm', why: 'a heart rate outside 30–220 is a recording error' },
	{ name: 'hr_peak', label: 'Highest heart rate after dosing', type: 'number', min: 30, max: 220, unit: 'bpm', why: 'a heart rate outside 30–220 is a recording error' },
	{ name: 'spo2_min', label: 'Lowest SpO₂', type: 'number', min: 50, max: 100, unit: '%', why: 'saturation cannot exceed 100 %; below 50 % a pulse oximeter is unreliable' },
	{ name: 'sedation', label: 'Sedation (MOAA/S)', type: 'integer', min: 0, max: 5, why: 'MOAA/S: 5 responds readily to name … 0 no response to painful stimulus' },
	{ name: 'minutes_to_ready', label: 'Minutes until ready to leave', type: 'number', min: 0, max: 720, unit: 'min', why: 'minutes from dosing to discharge readiness; over 12 h is a recording error' },
	{ name: 'nausea', label: 'Nausea', type: 'integer', min: 0, max: 3, why: GRADE },
	{ name: 'vomiting', label: 'Vomiting', type: 'integer', min: 0, max: 3, why: GRADE },
	{ name: 'headache', label: 'Headache', type: 'integer', min: 0, max: 3, why: GRADE },
	{ name: 'dizziness', label: 'Dizziness', type: 'integer', min: 0, max: 3, why: GRADE },
	{ name: 'anxiety', label: 'Anxiety', type: 'integer', min: 0, max: 3, why: GRADE },
	{ name: 'serious_ae', label: 'Serious adverse event', type: 'integer', min: 0, max: 1, why: '0 no, 1 yes' }
];

/** The side-effect fields (graded 0–3). */
export const SIDE_EFFECTS = ['nausea', 'vomiting', 'headache', 'dizziness', 'anxiety'] as const;

/** Pairs checked against each other: diastolic must be below systolic at the same time point. */
export const BP_PAIRS: [string, string][] = [
	['sbp_pre', 'dbp_pre'],
	['sbp_peak', 'dbp_peak'],
	['sbp_end', 'dbp_end']
];

export const SESSION_KEYS = ['client_id', 'series', 'route', 'session'] as const;
export const SESSION_COLUMNS = [...SESSION_KEYS, ...SESSION_FIELDS.map((f) => f.name)];

/** DuckDB types of the session table. */
export const SESSION_SQL_TYPES: Record<string, 'VARCHAR' | 'INTEGER' | 'DOUBLE'> = {
	client_id: 'VARCHAR',
	series: 'INTEGER',
	route: 'VARCHAR',
	session: 'INTEGER',
	...Object.fromEntries(SESSION_FIELDS.map((f) => [f.name, f.type === 'integer' ? 'INTEGER' : 'DOUBLE']))
};

const fieldShape = Object.fromEntries(
	SESSION_FIELDS.map((f) => {
		let n = z.number().min(f.min, `${f.name} below ${f.min}`).max(f.max, `${f.name} above ${f.max}`);
		if (f.type === 'integer') n = n.int(`${f.name} must be a whole number`);
		return [f.name, n.nullable().optional()];
	})
);

/** Boundary guard on a built row (the importer's hand checks name the column first). */
export const SessionRowSchema = z.object({
	client_id: z.string().trim().min(1, 'missing client id'),
	series: z.number().int().min(1),
	route: z.enum(ROUTES).nullable(),
	session: z.number().int().min(1, 'a dosing session is numbered from 1'),
	...fieldShape
});

/** A validated session record: the keys plus any measured field (null = not recorded). */
export interface SessionRow {
	client_id: string;
	series: number;
	route: (typeof ROUTES)[number] | null;
	session: number;
	[field: string]: string | number | null;
}
