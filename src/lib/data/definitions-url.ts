/**
 * Outcome definitions a user changes in the app, carried in the URL so a link reproduces the
 * numbers: `def.end=planned` (or `last`, or `week8`: follow-up week 8), `def.resp=bdi2:pts6` (response
 * = a fall of at least 6 points instead of ≥ 50 %), `def.rem=bdi2:le10,phq9:lt5`, `def.rel=bdi2:0.9`,
 * `def.bands=hama:<set id>`, `def.mincell=5&def.mincellok=1`. Keys contain a dot, so they are never
 * read as filters. URL values are hostile: anything not on the allowed lists or out of range is
 * ignored (and reported), never passed on as text; a small-cell threshold below 11 holds only
 * with the explicit confirmation flag.
 */
import { bandSet, INSTRUMENTS, isInstrumentId, type InstrumentId } from '../instruments/definitions';
import { endWeek, type EndRule, type RemissionSetting, type SettingsInput } from '../metrics/definitions';
import { MIN_CELL } from '../privacy/policy';

/** The export policy's threshold (privacy/policy.ts, the one default); lower only when typed and confirmed. */
export const POLICY_MIN_CELL = MIN_CELL;

export interface UrlDefinitions {
	end: EndRule;
	/** Response as a fall of at least this many points, per instrument (others: ≥ 50 %). */
	responsePoints: Partial<Record<InstrumentId, number>>;
	remission: Partial<Record<InstrumentId, RemissionSetting>>;
	reliability: Partial<Record<InstrumentId, number>>;
	bandSets: Partial<Record<InstrumentId, string>>;
	minCell: number;
	/** Values in the URL that were ignored, with why (shown beside the controls). */
	ignored: string[];
}

const KEYS = { end: 'def.end', resp: 'def.resp', rem: 'def.rem', rel: 'def.rel', bands: 'def.bands', minCell: 'def.mincell', confirm: 'def.mincellok' } as const;

function pairs(text: string | null): [string, string][] {
	if (!text) return [];
	return text.split(',').map((p) => {
		const i = p.indexOf(':');
		return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
	});
}

/** Definitions from the URL (defaults where absent or invalid). */
export function definitionsFromParams(params: URLSearchParams): UrlDefinitions {
	const out: UrlDefinitions = { end: 'last', responsePoints: {}, remission: {}, reliability: {}, bandSets: {}, minCell: POLICY_MIN_CELL, ignored: [] };
	const end = params.get(KEYS.end);
	const week = end === null ? null : endWeek(end as EndRule);
	if (end === 'planned' || end === 'last') out.end = end;
	else if (week !== null) out.end = `week${week}`;
	else if (end !== null) out.ignored.push(`end point "${end}" (last, planned or weekK, K = 1–520)`);
	for (const [id, v] of pairs(params.get(KEYS.resp))) {
		const m = /^pts(\d{1,3})$/.exec(v);
		if (isInstrumentId(id) && INSTRUMENTS[id].remission && m && Number(m[1]) >= 1 && Number(m[1]) <= INSTRUMENTS[id].totalMax) out.responsePoints[id] = Number(m[1]);
		else out.ignored.push(`response rule "${id}:${v}" (ptsK, 1 ≤ K ≤ the instrument's maximum)`);
	}
	for (const [id, v] of pairs(params.get(KEYS.rem))) {
		const m = /^(le|lt)(\d{1,3}(\.\d+)?)$/.exec(v);
		if (isInstrumentId(id) && m && Number(m[2]) <= INSTRUMENTS[id].totalMax) out.remission[id] = { op: m[1] === 'le' ? '<=' : '<', threshold: Number(m[2]) };
		else out.ignored.push(`remission "${id}:${v}"`);
	}
	for (const [id, v] of pairs(params.get(KEYS.rel))) {
		const r = Number(v);
		if (isInstrumentId(id) && /^0?\.\d+$/.test(v) && r > 0 && r < 1) out.reliability[id] = r;
		else out.ignored.push(`reliability "${id}:${v}" (0 < r < 1)`);
	}
	for (const [id, v] of pairs(params.get(KEYS.bands))) {
		if (isInstrumentId(id) && INSTRUMENTS[id].bandSets.some((b) => b.id === v)) out.bandSets[id] = v;
		else out.ignored.push(`band set "${id}:${v}"`);
	}
	const mc = params.get(KEYS.minCell);
	if (mc !== null) {
		const n = Number(mc);
		if (!/^\d{1,4}$/.test(mc)) out.ignored.push(`small-cell threshold "${mc}"`);
		else if (n >= POLICY_MIN_CELL || params.get(KEYS.confirm) === '1') out.minCell = n;
		else out.ignored.push(`small-cell threshold ${n} without confirmation (kept ${POLICY_MIN_CELL})`);
	}
	return out;
}

/** `params` with `d` written (defaults left out, so an unchanged view keeps a short URL). */
export function writeDefinitions(params: URLSearchParams, d: Omit<UrlDefinitions, 'ignored'>): URLSearchParams {
	const next = new URLSearchParams(params);
	for (const k of Object.values(KEYS)) next.delete(k);
	if (d.end !== 'last') next.set(KEYS.end, d.end);
	const resp = Object.entries(d.responsePoints).map(([id, k]) => `${id}:pts${k}`);
	if (resp.length) next.set(KEYS.resp, resp.join(','));
	const rem = Object.entries(d.remission).map(([id, r]) => `${id}:${r!.op === '<=' ? 'le' : 'lt'}${r!.threshold}`);
	if (rem.length) next.set(KEYS.rem, rem.join(','));
	const rel = Object.entries(d.reliability).map(([id, r]) => `${id}:${r}`);
	if (rel.length) next.set(KEYS.rel, rel.join(','));
	const bands = Object.entries(d.bandSets).map(([id, b]) => `${id}:${b}`);
	if (bands.length) next.set(KEYS.bands, bands.join(','));
	if (d.minCell !== POLICY_MIN_CELL) {
		next.set(KEYS.minCell, String(d.minCell));
		if (d.minCell < POLICY_MIN_CELL) next.set(KEYS.confirm, '1');
	}
	return next;
}

/** The metrics' settings for these definitions. */
export function settingsOf(d: UrlDefinitions): SettingsInput {
	return { end: d.end, responsePoints: d.responsePoints, remission: d.remission, reliability: d.reliability, minCell: d.minCell };
}

/**
 * One sentence for card texts and the methods paragraph: the end point, the response rule, and what
 * else differs from the defaults; with `instrument`, also the band set in force for it.
 */
export function definitionsSentence(d: UrlDefinitions, instrument?: InstrumentId): string {
	const parts: string[] = [];
	const k = endWeek(d.end);
	parts.push(
		k !== null
			? `end point = follow-up week ${k} (clients without a week-${k} score are not analysed)`
			: d.end === 'planned'
				? 'end point = the planned last dosing session (completers)'
				: 'end point = the last observed dosing session'
	);
	const pts = Object.entries(d.responsePoints);
	parts.push(`response = ${[...pts.map(([id, n]) => `${INSTRUMENTS[id as InstrumentId].shortName} fall ≥ ${n} points`), ...(pts.length ? ['otherwise ≥ 50 % below baseline'] : ['≥ 50 % below baseline'])].join(', ')}`);
	for (const [id, r] of Object.entries(d.remission)) parts.push(`${INSTRUMENTS[id as InstrumentId].shortName} remission ${r!.op === '<=' ? '≤' : '<'} ${r!.threshold}`);
	for (const [id, r] of Object.entries(d.reliability)) parts.push(`${INSTRUMENTS[id as InstrumentId].shortName} reliability r = ${r}`);
	if (instrument && !d.bandSets[instrument] && bandSet(INSTRUMENTS[instrument])) parts.push(`${INSTRUMENTS[instrument].shortName} bands: ${bandSet(INSTRUMENTS[instrument])!.name}`);
	for (const [id, b] of Object.entries(d.bandSets)) parts.push(`${INSTRUMENTS[id as InstrumentId].shortName} bands: ${INSTRUMENTS[id as InstrumentId].bandSets.find((s) => s.id === b)?.name ?? b}`);
	parts.push(`small cells under ${d.minCell} withheld${d.minCell < POLICY_MIN_CELL ? ' (below the policy of 11, confirmed by the user)' : ''}`);
	return `Definitions: ${parts.join('; ')}.`;
}
