/**
 * De-identification guard (HIPAA Safe Harbor, facts.md §5): columns that look like direct identifiers
 * are flagged with a reason, from their name and from a sample of their values. Flagged columns are not
 * imported unless the mapping lists them in `include_identifiers`; dates can instead become days since
 * the client's series start, and ages become bands with "90+" (see values.ts).
 */
import { DEFAULT_MISSING, cellText } from './values';
import type { RawTable } from './types';

const NAME_RULES: [RegExp, string][] = [
	[/(^|_)(e_?mail|email_address)($|_)/, 'e-mail address'],
	[/(^|_)(phone|telephone|tel|mobile|cell|fax)($|_)|phone/, 'phone number'],
	[/(^|_)(ssn|social_security|sin|nhs_?(number|no|num)?|national_id)($|_)/, 'SSN-like national number'],
	[/(^|_)(mrn|medical_record|record_number|chart_(number|no)|patient_number|insurance|member_id|passport|licen[cs]e)($|_)/, 'medical record or account number'],
	[/(^|_)(dob|birth_?date|date_of_birth|birthday|birth_?day|geburtsdatum)($|_)/, 'date of birth'],
	[/(^|_)(address|street|addr|city|town|zip|zipcode|zip_code|postal|postcode|post_code)($|_)/, 'street address or geography smaller than a state'],
	[/(^|_)((first|last|full|given|family|middle|sur|patient|client|pt|participant)_?name|name|surname|fname|lname|initials)($|_)/, 'person name'],
	[/(^|_)(ip_address|ip|url|device_id|mac_address)($|_)/, 'network or device identifier'],
	[/(^|_)(visit_?date|date_of_(visit|service|session)|service_?date|session_?date|admission|admit_?date|discharge|discharge_?date|date|datetime|timestamp|encounter_?date)($|_)/, 'exact date (visit or service date)']
];

// Structural REDCap columns and instrument bookkeeping are never identifiers, whatever their name says
// (a `<form>_timestamp` is: it is an exact date, and its values say so).
const NEVER = /^(redcap_|record_id$)|_complete$|event_name|instrument|form_name|site_name|drug_name/;

const VALUE_RULES: [RegExp, string][] = [
	[/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i, 'e-mail address'],
	[/^\d{3}-\d{2}-\d{4}$/, 'SSN-like national number'],
	[/^(\+?\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}$/, 'phone number'],
	[/^\d{1,6}\s+[A-Za-z0-9.' -]+\s(street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|boulevard|way|court|ct)\.?$/i, 'street address or geography smaller than a state'],
	[/^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|\d{1,2}\/\d{1,2}\/\d{4})$/, 'exact date (visit or service date)']
];

/** Snake-case form of a column name for matching and for extra column names. */
export function snake(name: string): string {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/**
 * Flag columns of `raw` that look like direct identifiers. Looks at names, then at up to 200 non-empty
 * values per column (a value rule must match at least half of them). Ages over 89 are flagged too.
 */
export function detectIdentifiers(raw: RawTable): { column: string; reason: string }[] {
	const missing = new Set(DEFAULT_MISSING);
	const out: { column: string; reason: string }[] = [];
	const sampleRows = Math.min(raw.rows.length, 2000);
	raw.columns.forEach((column, ci) => {
		const key = snake(column);
		if (NEVER.test(key)) return;
		const byName = NAME_RULES.find(([re]) => re.test(key));
		if (byName) {
			out.push({ column, reason: `${byName[1]} (column name)` });
			return;
		}
		const values: string[] = [];
		for (let r = 0; r < sampleRows && values.length < 200; r++) {
			const t = cellText(raw.rows[r][ci], missing);
			if (t !== null) values.push(t);
		}
		if (values.length === 0) return;
		for (const [re, reason] of VALUE_RULES) {
			const hits = values.filter((v) => re.test(v)).length;
			if (hits * 2 >= values.length) {
				out.push({ column, reason: `${reason} (values such as "${mask(values.find((v) => re.test(v))!)}")` });
				return;
			}
		}
		if (/^(age|age_years|alter|age_at_\w+)$/.test(key) && values.some((v) => Number(v) > 89))
			out.push({ column, reason: 'ages over 89 (Safe Harbor: use an age band, 90+)' });
	});
	return out;
}

// Show the shape of a flagged value without repeating the identifier itself in reports.
function mask(v: string): string {
	return v.replace(/[A-Za-z]/g, 'x').replace(/\d/g, '9');
}
