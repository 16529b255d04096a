/**
 * Plain fixed-width text for a terminal: the tables of `report` and its safety and experience
 * sections (a withheld cell prints as –, as does a value that cannot be estimated).
 */
import type { SafetyReport } from '../metrics/safety-report';

export const fmt = (v: unknown): string =>
	v === null || v === undefined ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(2) : 'NA') : String(v);

/** A plain fixed-width table of `cols` from `rows`. */
export function table(title: string, rows: object[], cols: string[]): string {
	if (!rows.length) return `${title}: none\n`;
	const cells = rows.map((r) => cols.map((c) => fmt((r as Record<string, unknown>)[c])));
	const w = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
	const line = (xs: string[]) => xs.map((x, j) => x.padStart(w[j])).join('  ');
	return `${title}\n${line(cols)}\n${cells.map(line).join('\n')}\n`;
}

/** The safety and experience sections for a terminal (empty when the dataset has neither). */
export function safetyText(r: SafetyReport): string {
	const out: string[] = [];
	if (r.safety) {
		const s = r.safety;
		out.push(`\nSafety (grouped by ${s.group_by ?? '(none)'}; definitions: ${s.definitions.map((d) => d.id).join(', ')})\n`);
		out.push(table('Sessions and clients', s.counts, ['group', 'sessions', 'clients']));
		out.push(table('Rates (Wilson 95 % CI)', s.rates, ['name', 'group', 'unit', 'count', 'n', 'rate', 'ci_low', 'ci_high', 'definition']));
		out.push(table('Means (t 95 % CI)', s.means, ['name', 'group', 'n', 'mean', 'sd', 'ci_low', 'ci_high', 'definition']));
		out.push(table('Minutes to ready', s.minutes_to_ready, ['group', 'n', 'median', 'q1', 'q3']));
		out.push(table('Dissociation by session (CADSS)', s.dissociation, ['instrument', 'group', 'session', 'n', 'mean', 'ci_low', 'ci_high']));
	}
	if (r.experience)
		out.push(table('\nExperience against % change of the outcome (Spearman, Fisher-z CI; slope adjusted for baseline)', r.experience.rows, ['instrument', 'outcome', 'n', 'rho', 'ci_low', 'ci_high', 'slope', 'slope_low', 'slope_high', 'definition']));
	return out.join('\n');
}

