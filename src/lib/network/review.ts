/**
 * The plain-language account of what a site bundle holds, printed by `kap-outcomes bundle` and
 * written with `--review FILE`, so whoever signs off at the clinic reads exactly what leaves it.
 */
import { INSTRUMENTS, isInstrumentId } from '../instruments/definitions';
import type { Bundle } from './schema';

const name = (id: string) => (isInstrumentId(id) ? INSTRUMENTS[id].shortName : id);

export function reviewText(b: Bundle): string {
	const hist = b.cells.reduce((t, c) => t + c.histograms.length, 0);
	const bins = b.cells.reduce((t, c) => t + c.histograms.reduce((u, h) => u + (h.bins?.length ?? 0), 0), 0);
	const life = b.cells.reduce((t, c) => t + c.life_table.length, 0);
	const lines = [
		`What leaves the clinic in this bundle (site "${b.site}", made ${b.created}, ${b.generator}, bundle format ${b.format} v${b.version})`,
		'',
		'It holds only counts and sums over groups of client-series. It holds no client identifier, no',
		'date of any visit, no free text and no row per client or per visit. The only date is the day the',
		'bundle was made. Attributes split by: route' + (b.by.length ? `, ${b.by.join(', ')}` : '') + '.',
		'',
		`For each of ${b.cells.length} groups (questionnaire × route${b.by.length ? ` × ${b.by.join(' × ')}` : ''}):`,
		'  - how many client-series had a baseline score, an end-of-series score, responded (≥ 50 % fall)',
		'    and remitted, and how many improved, stayed unchanged or deteriorated reliably (with the SD',
		'    and reliability used), and the sum and sum of squares of the change from baseline;',
		`  - at each baseline, dosing session and follow-up week: how many scores, their sum and sum of`,
		`    squares, and how many client-series had each score value (${hist} such tables, ${bins} counts);`,
		`  - the Kaplan–Meier life table of time to loss of response: at risk, losses and censored per`,
		`    follow-up week (${life} rows);`,
		'  - how many client-series were still observed at each stage (attrition).',
		''
	];
	if (b.min_cell > 0)
		lines.push(
			`Small cells: any count of 1 to ${b.min_cell - 1} client-series is withheld, and so is any other value from which`,
			`it could be worked out (complementary suppression). ${b.withheld.length} value${b.withheld.length === 1 ? ' is' : 's are'} withheld in this bundle.`
		);
	else lines.push('Small cells: NOTHING is withheld (--min-cell 0). Share this bundle only under a data-sharing agreement.');
	lines.push('', 'Groups:');
	for (const c of b.cells) {
		const s = c.series;
		const by = Object.entries(c.by).map(([k, v]) => `${k} ${v}`);
		lines.push(`  ${[name(c.instrument), c.route, ...by].join(' · ')}: baseline ${show(s.with_baseline)}, end of series ${show(s.with_end)}, responders ${show(s.responders)} of ${show(s.response_n)}, remitters ${show(s.remitters)}`);
	}
	return lines.join('\n') + '\n';
}

const show = (v: number | null) => (v === null ? 'withheld' : String(v));
