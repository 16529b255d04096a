/**
 * Route labels as clinics write them → the canonical routes of schema.ts. Unknown labels return null
 * so the page can show them for the user to map (mapping `route.labels`).
 */
import type { Route } from '../model/schema';

const EXACT: Record<string, Route> = {
	iv: 'iv',
	'i v': 'iv',
	intravenous: 'iv',
	infusion: 'iv',
	'iv infusion': 'iv',
	im: 'im',
	'i m': 'im',
	intramuscular: 'im',
	'im injection': 'im',
	injection: 'im',
	sl: 'sublingual',
	sublingual: 'sublingual',
	troche: 'sublingual',
	troches: 'sublingual',
	lozenge: 'sublingual',
	lozenges: 'sublingual',
	rdt: 'sublingual',
	odt: 'sublingual',
	buccal: 'sublingual',
	oral: 'oral',
	po: 'oral',
	'p o': 'oral',
	'by mouth': 'oral',
	in: 'intranasal',
	'i n': 'intranasal',
	intranasal: 'intranasal',
	nasal: 'intranasal',
	'nasal spray': 'intranasal',
	esketamine: 'intranasal',
	spravato: 'intranasal',
	other: 'other'
};

/** Words that decide a longer label ("ketamine troche 200 mg" → sublingual). Order matters: first hit wins. */
const WORDS: [RegExp, Route][] = [
	[/\b(troches?|lozenges?|sublingual|rdt|odt|buccal)\b/, 'sublingual'],
	[/\b(nasal|intranasal|esketamine|spravato)\b/, 'intranasal'],
	[/\b(infusions?|intravenous|iv)\b/, 'iv'],
	[/\b(intramuscular|im)\b/, 'im'],
	[/\b(oral|po|capsules?|tablets?)\b/, 'oral']
];

/** Canonical route for `label`, or null when it is not recognised. */
export function normaliseRoute(label: string): Route | null {
	const key = label.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
	if (key === '') return null;
	const exact = EXACT[key];
	if (exact) return exact;
	for (const [re, route] of WORDS) if (re.test(key)) return route;
	return null;
}
