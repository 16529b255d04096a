/**
 * Session-level instruments: dissociation during dosing (safety) and the acute experience
 * (experience). Given at a dosing session, not at baseline or follow-up; no response, remission or
 * reliable change. Data only, with sources; read through INSTRUMENTS in definitions.ts.
 */
import type { InstrumentDefinition } from './types';

type AcuteId = 'cadss' | 'cadss6' | 'meq30' | 'ebi';

const CADSS_SOURCE = 'Bremner et al. 1998, J Trauma Stress 11:125–136 (CADSS); 23-item version used in the ketamine literature';
const CADSS6_ITEMS = [1, 2, 6, 7, 15, 22];
const CADSS6_SOURCE = 'Rodrigues et al. 2021, J Affect Disord 282:160–164: CADSS-6 = CADSS items 1, 2, 6, 7, 15, 22 (r 0.91–0.95 with the full scale)';
const MEQ_SOURCE = 'Barrett, Johnson & Griffiths 2015, J Psychopharmacol 29:1182–1190 (MEQ30 stand-alone version, item order of its appendix); factors from MacLean, Leoutsakos, Johnson & Griffiths 2012, J Sci Study Relig 51:721–737';
/**
 * Item numbers of the stand-alone MEQ30 per factor: mystical 15 items, positive mood 6, transcendence
 * of time and space 6, ineffability 3. Checked in December 2026 against Barrett et al. 2015's abstract
 * (four factors, 30 items, the complete-experience criterion) and three independent scoring scripts
 * written from its key, which give the same item lists; the appendix itself was not available to read.
 */
const MEQ_KEY = `${MEQ_SOURCE}; item numbers of the stand-alone version`;
const NO_PRORATION = { maxMissing: 0, source: 'no proration rule found; every item required' };

export const ACUTE_INSTRUMENTS: Record<AcuteId, InstrumentDefinition<AcuteId>> = {
	cadss: {
		id: 'cadss',
		name: 'Clinician-Administered Dissociative States Scale (23 items)',
		shortName: 'CADSS',
		kind: 'safety',
		rater: 'clinician',
		construct: 'dissociation',
		items: 23,
		itemMin: 0,
		itemMax: 4,
		totalMin: 0,
		totalMax: 92,
		scoring: { rule: 'sum', source: `${CADSS_SOURCE}: items 0 (not at all) – 4 (extremely), summed, total 0–92` },
		bandSets: [],
		proration: NO_PRORATION,
		subscales: [{ id: 'cadss6', name: 'CADSS-6 (short form within the full scale)', items: CADSS6_ITEMS, source: CADSS6_SOURCE }],
		administered: 'at a dosing session, rating the state during / shortly after dosing (e.g. 40 min)'
	},
	cadss6: {
		id: 'cadss6',
		name: 'CADSS-6 short form (items 1, 2, 6, 7, 15, 22 of the CADSS)',
		shortName: 'CADSS-6',
		kind: 'safety',
		rater: 'clinician',
		construct: 'dissociation',
		items: 6,
		itemMin: 0,
		itemMax: 4,
		totalMin: 0,
		totalMax: 24,
		scoring: { rule: 'sum', source: `${CADSS6_SOURCE}; items 0–4 summed, total 0–24` },
		bandSets: [],
		proration: NO_PRORATION,
		administered: 'at a dosing session'
	},
	meq30: {
		id: 'meq30',
		name: 'Revised Mystical Experience Questionnaire (30 items)',
		shortName: 'MEQ-30',
		kind: 'experience',
		rater: 'self',
		construct: 'mystical experience',
		items: 30,
		itemMin: 0,
		itemMax: 5,
		totalMin: 0,
		totalMax: 150,
		scoring: { rule: 'sum', source: `${MEQ_SOURCE}: items 0 (none) – 5 (extreme); total = sum (0–150), subscales as sums` },
		bandSets: [],
		proration: NO_PRORATION,
		subscales: [
			{ id: 'mystical', name: 'Mystical (unity, noetic quality, sacredness)', items: [4, 5, 6, 9, 14, 15, 16, 18, 20, 21, 23, 24, 25, 26, 28], source: MEQ_KEY },
			{ id: 'positive_mood', name: 'Positive mood', items: [2, 8, 12, 17, 27, 30], source: MEQ_KEY },
			{ id: 'transcendence', name: 'Transcendence of time and space', items: [1, 7, 11, 13, 19, 22], source: MEQ_KEY },
			{ id: 'ineffability', name: 'Ineffability', items: [3, 10, 29], source: MEQ_KEY }
		],
		criterion: {
			id: 'complete_mystical',
			name: 'Complete mystical experience',
			subscales: ['mystical', 'positive_mood', 'transcendence', 'ineffability'],
			minFraction: 0.6,
			source: `${MEQ_SOURCE}: a "complete" mystical experience scores at least 60 % of the maximum possible on each of the four subscales (the criterion of the earlier MEQ43 studies, validated for the MEQ30 by Barrett et al. 2015)`
		},
		administered: 'after a dosing session, about that session'
	},
	ebi: {
		id: 'ebi',
		name: 'Emotional Breakthrough Inventory',
		shortName: 'EBI',
		kind: 'experience',
		rater: 'self',
		construct: 'emotional breakthrough',
		items: 6,
		itemMin: 0,
		itemMax: 100,
		totalMin: 0,
		totalMax: 100,
		scoring: {
			rule: 'mean',
			source: 'Roseman et al. 2019, J Psychopharmacol 33:1076–1087: six 0–100 visual-analogue items, score = their mean (0–100), as the issue specifies; one secondary scoring page sums them instead (0–600)'
		},
		bandSets: [],
		proration: NO_PRORATION,
		administered: 'the day after a dosing session'
	}
};
