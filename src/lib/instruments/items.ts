/**
 * Short symptom-domain names for each instrument's items (index 0 = item 1), for item-level views.
 *
 * Domain names only, never item wording: BDI-II and HAM-A text is copyrighted (facts.md §1.2) and
 * the dashboard shows scores, not questionnaires. Sources: BDI-II facts.md §1.2 [R4]; HAM-A §1.3
 * [R7]; PHQ-9 / GAD-7 / MADRS / HAM-D17 / QIDS-SR16 are the usual published item headings. The
 * session-level scales (CADSS, MEQ-30, EBI) are shown by item number only.
 */
import type { InstrumentId } from './definitions';

export const ITEM_LABELS: Partial<Record<InstrumentId, string[]>> = {
	bdi2: [
		'sadness', 'pessimism', 'past failure', 'loss of pleasure', 'guilty feelings', 'punishment feelings', 'self-dislike',
		'self-criticalness', 'suicidal thoughts', 'crying', 'agitation', 'loss of interest', 'indecisiveness', 'worthlessness',
		'loss of energy', 'sleep', 'irritability', 'appetite', 'concentration', 'tiredness', 'interest in sex'
	],
	hama: [
		'anxious mood', 'tension', 'fears', 'insomnia', 'concentration/memory', 'depressed mood', 'somatic (muscular)',
		'somatic (sensory)', 'cardiovascular', 'respiratory', 'gastrointestinal', 'genitourinary', 'autonomic',
		'behaviour at interview'
	],
	phq9: ['interest', 'feeling down', 'sleep', 'energy', 'appetite', 'feeling bad about self', 'concentration', 'slowed/restless', 'self-harm thoughts'],
	gad7: ['nervous', 'can’t stop worrying', 'worrying too much', 'trouble relaxing', 'restless', 'irritable', 'afraid'],
	madrs: [
		'apparent sadness', 'reported sadness', 'inner tension', 'reduced sleep', 'reduced appetite', 'concentration',
		'lassitude', 'inability to feel', 'pessimistic thoughts', 'suicidal thoughts'
	],
	qids16: [
		'sleep onset', 'mid-night waking', 'early waking', 'sleeping too much', 'sad mood', 'appetite decreased',
		'appetite increased', 'weight decreased', 'weight increased', 'concentration', 'view of self', 'thoughts of death',
		'general interest', 'energy', 'slowed down', 'restless'
	],
	hamd17: [
		'depressed mood', 'guilt', 'suicide', 'insomnia early', 'insomnia middle', 'insomnia late', 'work/activities',
		'retardation', 'agitation', 'anxiety (psychic)', 'anxiety (somatic)', 'somatic (GI)', 'somatic (general)', 'genital',
		'hypochondriasis', 'weight loss', 'insight'
	]
};

/** "9 suicidal thoughts"-style label for item `item` (1-based); just the number when unnamed. */
export function itemLabel(instrument: InstrumentId, item: number): string {
	const name = ITEM_LABELS[instrument]?.[item - 1];
	return name ? `${item} ${name}` : `Item ${item}`;
}
