/**
 * Rejections grouped by kind, counted, with the fix to try: "180 rows: no questionnaire — choose one
 * above" rather than 180 identical lines. The kind is the reason's text before its details (":", "(",
 * " of line").
 */
import type { ImportReport } from './types';
import { SESSION_FIELDS } from '../model/sessions';

export interface ReasonGroup {
	kind: string;
	count: number;
	/** The first rejected line of this kind and its full reason, as an example. */
	example: { line: number; column: string | null; reason: string };
	/** What to change on the mapping step, when we know. */
	fix: string | null;
}

const FIXES: [RegExp, string][] = [
	[/^unknown instrument: none given/, 'no questionnaire — choose one above'],
	[/^unknown instrument/, 'a questionnaire name we do not know — choose the questionnaire above'],
	[/^exact duplicate/, 'several rows for the same client and time point — is there a time column? Choose it above (dates: "the first visit = baseline")'],
	[/^unknown timepoint: none given/, 'no time given — choose the time column above, or none if every row is a baseline'],
	[/^unknown timepoint/, 'time values we cannot read — choose what the time column’s values mean above'],
	[/^unknown phase/, 'phase values we cannot read — choose the phase column above, or none'],
	[/^unknown route/, 'route labels we do not know — choose what each means above'],
	[/^missing client id/, 'no client id — choose the client id column above'],
	[/^non-numeric value/, 'text where a number belongs — is the score (or time) column the right one?'],
	// a dosing-session record's measurement (e.g. "sbp_peak out of range: 275 mmHg …"), before the questionnaire rule
	[new RegExp(`^(${SESSION_FIELDS.map((f) => f.name).join('|')}) out of range`), 'a session measurement outside what can be measured — a typing or unit error in the record?'],
	[/out of range|outside/, 'values outside the questionnaire’s range — is the questionnaire (or the score column) right?'],
	[/^no score/, 'no score in the row — choose the score column(s) above'],
	[/^phase\/index mismatch|^negative/, 'the time does not fit the phase — check the time column and what its values mean']
];

/** Where a reason's details begin: what comes before is its kind. */
const DETAILS = /:| \(| of line /;

/**
 * A reason's kind without any of the row's values, for what is shared (a report under --min-cell):
 * quoted text (masked first, so a ':' inside it does not cut the kind short) and numbers become "…"
 * ('session "x" is not a dosing-session number', 'dbp_peak … is not below sbp_peak …').
 */
export function valueFreeKind(reason: string): string {
	return reason
		.replace(/"[^"]*"?/g, '"…"')
		.split(DETAILS)[0]
		.replace(/(?<![\w.])-?\d+(?:[.,]\d+)*/g, '…')
		.trim();
}

export function groupReasons(errors: ImportReport['errors']): ReasonGroup[] {
	const groups = new Map<string, ReasonGroup>();
	for (const e of errors) {
		const kind = e.reason.split(DETAILS)[0].trim();
		const key = /^unknown (instrument|timepoint): none given/.test(e.reason) ? `${kind}: none` : kind;
		const g = groups.get(key);
		if (g) g.count++;
		else groups.set(key, { kind, count: 1, example: e, fix: FIXES.find(([re]) => re.test(e.reason))?.[1] ?? null });
	}
	return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** "180 rows: no questionnaire — choose one above". */
export function describeGroup(g: ReasonGroup): string {
	return `${g.count.toLocaleString('en')} ${g.count === 1 ? 'row' : 'rows'}: ${g.fix ?? g.kind} (e.g. line ${g.example.line}: ${g.example.reason})`;
}
