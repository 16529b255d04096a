/**
 * The CSV a card downloads, for a reader rather than a program: readable column headers (the
 * table's labels, with the unit a kind adds: "Rate (%)"), codes as the app's words (a route's name,
 * a phase in words) and numbers rounded to what they mean (a share to 0.1 %, a mean score to 0.1
 * point, a model estimate to 0.01, a p-value to 3 significant digits or "< 0.001"). The JSON
 * exports and the CLI's `--json` keep full precision and codes; this is the spreadsheet view.
 *
 * Rounding happens here, on rows that have already been through the privacy policy (`Exported`):
 * the audit decides what is withheld on the unrounded figures, and a rounded figure is a function
 * of the unrounded one, so it can tell a reader nothing the audit did not already allow. A withheld
 * cell stays empty (never rounded to 0) and the row's "Withheld" cell names it by its label.
 */
import type { Exported } from '../privacy/policy';
import { toCsv } from './csv';

/** What a column's values are: how the CSV writes them and the unit its header gains. */
export type ValueKind = keyof typeof VALUE_KINDS;

/** Round to `digits` decimals as a number (so a spreadsheet reads it as one; -0 prints as 0). */
export const roundTo = (v: number, digits: number): number => {
	const r = Number(v.toFixed(digits));
	return Object.is(r, -0) ? 0 : r;
};

/** A p-value to 3 significant digits, or "< 0.001". */
export const pValue = (p: number): number | string => (p < 0.001 ? '< 0.001' : Number(p.toPrecision(3)));

/** Apply `f` to a finite number; anything else (text in a numeric column) is written as it is. */
const num = (f: (v: number) => unknown) => (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? f(v) : v);

/**
 * The kinds, as data. `write` gets the raw value and the column's `digits` (when it sets one);
 * `unit` is added to the header. `label` writes what the table shows (the column's `format`: a
 * route's name, a dose band's label, a phase in words).
 */
export const VALUE_KINDS = {
	/** Text, as it is. */
	text: { unit: '', write: (v: unknown) => v },
	/** A code shown as a word: the column's own `format` (route names, group labels, phases). */
	label: { unit: '', write: (v: unknown) => v },
	/** A count of people, series or sessions, or a session/week number: a whole number. */
	count: { unit: '', write: num((v) => Math.round(v)) },
	/** A share stored as a fraction (0.523): a percentage to 0.1. */
	share: { unit: ' (%)', write: num((v) => roundTo(100 * v, 1)) },
	/** A difference of two shares (fraction): percentage points to 0.1. */
	pp: { unit: ' (pp)', write: num((v) => roundTo(100 * v, 1)) },
	/** A mean, SD or CI of a score or measure recorded in whole units (points, mmHg, minutes): 0.1. */
	mean: { unit: '', write: (v: unknown, digits = 1) => num((x) => roundTo(x, digits))(v) },
	/** A model's estimate, SE, effect size or test statistic: 0.01. */
	estimate: { unit: '', write: (v: unknown, digits = 2) => num((x) => roundTo(x, digits))(v) },
	/** A p-value: 3 significant digits, or "< 0.001". */
	p: { unit: '', write: num(pValue) }
} as const satisfies Record<string, { unit: string; write: (v: unknown, digits?: number) => unknown }>;

/** A column as the CSV needs it: the row key, the header label, and how its values are written. */
export interface CsvColumn {
	key: string;
	label: string;
	/** What the values are (default: text as it is, numbers to 2 decimals); a function when it depends on the row. */
	kind?: ValueKind | ((row: Record<string, unknown>) => ValueKind);
	/** Decimals for a `mean` or `estimate` column when the instrument's precision asks for others. */
	digits?: number;
	/** The table's formatter (a `label` column's words); `row` for a label that depends on another field. */
	format?: (v: unknown, row: Record<string, unknown>) => string;
	/** The header when it differs from the label plus its kind's unit. */
	csvLabel?: string;
}

const fallback = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? roundTo(v, 2) : v);

/** One cell as the CSV writes it. A withheld (null) value stays empty whatever the kind. */
export function csvValue(c: CsvColumn, row: Record<string, unknown>): unknown {
	const v = row[c.key];
	if (v === null || v === undefined) return v;
	const kind = typeof c.kind === 'function' ? c.kind(row) : c.kind;
	if (kind === undefined) return fallback(v);
	if (kind === 'label') return c.format ? c.format(v, row) : v;
	return VALUE_KINDS[kind].write(v, c.digits);
}

/** A column's header: its label and the unit its kind adds (a row-dependent kind adds none). */
export const csvHeader = (c: CsvColumn): string => c.csvLabel ?? (typeof c.kind === 'string' ? `${c.label}${VALUE_KINDS[c.kind].unit}` : c.label);

/**
 * The CSV of an export with these columns: labelled headers, words for codes, rounded numbers, and,
 * when the policy withheld anything, a last "Withheld" column naming the withheld cells by label.
 */
export function labelledCsv(exported: Exported<object>, columns: CsvColumn[]): string {
	const rows = exported.rows as Record<string, unknown>[];
	const headers = columns.map(csvHeader);
	const out = rows.map((r) => Object.fromEntries(columns.map((c, i) => [headers[i], csvValue(c, r)])));
	if (!rows.some((r) => r.suppressed === true)) return toCsv(out, headers);
	const labelOf = new Map(columns.map((c, i) => [c.key, headers[i]]));
	const WITHHELD = 'Withheld';
	rows.forEach((r, i) => {
		const fields = (r.suppressed_fields as string[] | undefined) ?? [];
		out[i][WITHHELD] = fields.flatMap((f) => labelOf.get(f) ?? []).join('; ');
	});
	return toCsv(out, [...headers, WITHHELD]);
}
