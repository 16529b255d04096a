/**
 * Scores and dosing-session records from two files, linked by client, series and session: the link
 * counts on the real engine and `report scores.csv --sessions sessions.csv`. Fixtures:
 * tests/fixtures/sessions/scores.csv (PHQ-9 of c1 series 1 at baseline and sessions 1–3; c2 series 1
 * at baseline and session 1; c3 series 2 at baseline and sessions 1–2; c5 series 1 at baseline and
 * session 1) and sessions.csv (c1 series 1 sessions 1–3, c2 series 1 sessions 1–2, c3 series 1
 * sessions 1–2, c4 series 1 session 1 accepted; c4 session 2 rejected, SBP 275). Counted by hand:
 *   linked records: c1 3 + c2 2 = 5, in 2 client-series
 *   client unknown: c4, 1 record;  client known, series unknown: c3 series 1, 2 records
 *   same session: c1 sessions 1, 2, 3 + c2 session 1 = 4 (c2 session 2 has no score)
 *   scored client-series without records: c3 series 2, c5 series 1 = 2
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident } from '../../src/lib/engine/sql';
import { importWithEngine } from '../../src/lib/import/duck/index';
import { readTable } from '../../src/lib/import/read';
import { applySessionMapping, suggestSessionMapping } from '../../src/lib/import/sessions';
import { loadSessions } from '../../src/lib/import/sessions-load';
import { describeLinks, sessionLinks } from '../../src/lib/metrics/session-links';
import { main } from '../../src/lib/cli/main';
import { accountingTables, sharedAccounting } from '../../src/lib/privacy/import-accounting';
import { protectSafety } from '../../src/lib/privacy/safety';

const DIR = path.resolve(__dirname, '../fixtures/sessions');
const SCORES = path.join(DIR, 'scores.csv');
const SESSIONS = path.join(DIR, 'sessions.csv');
const HAND = {
	records: 8, clients: 4, linked_records: 5, linked_series: 2, unknown_client_records: 1, unknown_clients: 1,
	unknown_series_records: 2, unknown_series: 1, same_session_records: 4, scored_series_without_records: 2
};

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
	return { code, out, err };
}

describe('session records linked to scores from another file', () => {
	let conn: NodeConnector;
	beforeAll(async () => {
		conn = await openNodeEngine();
		const scores = await importWithEngine(conn, new Uint8Array(await readFile(SCORES)), 'scores.csv', { table: 'ds' });
		expect(scores.report.rows_accepted).toBe(11);
		const raw = await readTable(new Uint8Array(await readFile(SESSIONS)), 'sessions.csv');
		const { rows, report } = applySessionMapping(raw, suggestSessionMapping(raw)!);
		expect([report.rows_read, report.rows_accepted, report.rows_rejected]).toEqual([9, 8, 1]);
		await loadSessions(conn, 'ds__sessions', rows);
	}, 120_000);
	afterAll(() => conn?.close());

	it('counts linked and unlinked records as counted by hand', async () => {
		expect(await sessionLinks(conn, ident('ds'), ident('ds__sessions'))).toEqual(HAND);
	});

	it('words the records that do not link as warnings with their counts', async () => {
		const { summary, warnings } = describeLinks(HAND);
		expect(summary).toBe('5 session records of 8 link to the scores (2 client-series; 4 records with a score at the same session)');
		expect(warnings).toEqual([
			'1 session record of 1 client without any score: kept and counted on the safety page, but not linked to an outcome',
			'2 session records in 1 client-series the scores do not have (the client has scores in another series): kept, not linked to an outcome',
			'2 client-series with scores but no session record'
		]);
	});
});

describe('report scores.csv --sessions sessions.csv', () => {
	it('prints the outcome sections, the safety section from the records and the links', async () => {
		const { code, out, err } = await run(['report', SCORES, '--sessions', SESSIONS, '--engine', 'wasm']);
		expect(err).toBe('');
		expect(code).toBe(0);
		expect(out).toMatch(/session records sessions\.csv: 8 of 9 rows accepted; rejected: line 10 sbp_peak/);
		expect(out).toMatch(/5 session records of 8 link to the scores/);
		expect(out).toMatch(/warning: 1 session record of 1 client without any score/);
		expect(out).toMatch(/Response/);
		expect(out).toMatch(/Safety \(grouped by route/);
	}, 120_000);

	it('--json: the links in meta.sessions; the safety counts grouped by a column of the scores (site) through the link', async () => {
		const { code, out } = await run(['report', SCORES, '--sessions', SESSIONS, '--json', '--group-by', 'site']);
		expect(code).toBe(0);
		const r = JSON.parse(out);
		expect(r.meta.sessions).toMatchObject({ file: 'sessions.csv', rows_read: 9, rows_accepted: 8, rows_rejected: 1, links: HAND });
		expect(r.meta.sessions.errors.map((e: { line: number; column: string }) => [e.line, e.column])).toEqual([[10, 'sbp_peak']]);
		// site comes from the scores, through the link: c1 (3) north, c2 (2) south; c3's records are in a
		// series without scores and c4 has none, so their 3 records have no site
		const counts = Object.fromEntries(r.safety.counts.map((c: { group: string; sessions: number }) => [c.group, c.sessions]));
		expect(counts).toMatchObject({ north: 3, south: 2 });
		expect(r.response.length).toBeGreaterThan(0);
	}, 120_000);

	it('--min-cell 11: the accounting and the links through the policy, no rejected row line by line', async () => {
		// Every count of the fixture is 1 … 10 (records 8, clients 4, links HAND), so all are withheld;
		// rows read (9) is accepted + rejected, withheld with them. The one rejection is counted by its
		// kind without its value (275 mmHg) or its line (10).
		const { code, out } = await run(['report', SCORES, '--sessions', SESSIONS, '--json', '--min-cell', '11']);
		expect(code).toBe(0);
		const s = JSON.parse(out).meta.sessions;
		expect(s).not.toHaveProperty('errors');
		expect([s.rows_read, s.rows_accepted, s.rows_rejected]).toEqual([null, null, null]);
		expect(s.rejected_by_reason).toEqual([{ reason: 'sbp_peak out of range', rows: null }]);
		expect(s.rejected_rows).toMatch(/the report without --min-cell lists every rejected row/);
		expect(Object.values(s.links).every((v) => v === null)).toBe(true);
		expect(s.warnings[0]).toBe('– session records of – clients without any score: kept and counted on the safety page, but not linked to an outcome');
		expect(out).not.toMatch(/275|"line"|sbp_peak out of range: /);
		const text = (await run(['report', SCORES, '--sessions', SESSIONS, '--min-cell', '11'])).out;
		expect(text).toMatch(/session records sessions\.csv: – of – rows accepted; – rejected \(sbp_peak out of range: –\); rejected rows not listed under --min-cell 11/);
		expect(text).toMatch(/– session records of – link to the scores \(– client-series; – records with a score at the same session\)/);
		expect(text).toMatch(/warning: – session records of – clients without any score/);
		expect(text).not.toMatch(/line 10|275/);
	}, 120_000);

	it('bad usage and unusable session files: exit 2 and 1 with the reason', async () => {
		expect((await run(['report', SCORES, '--session-mapping', 'm.json'])).code).toBe(2);
		const notSessions = await run(['report', SCORES, '--sessions', SCORES]);
		expect(notSessions.code).toBe(1);
		expect(notSessions.err).toMatch(/does not have the columns of dosing-session records/);
	}, 120_000);
});

describe('the links as shared (--min-cell 11): no withheld count recoverable by subtraction', () => {
	it('records 30 = linked 27 + of a client without scores 3 + in an unknown series 0: the 3 is withheld, and the 27 with it', () => {
		const links = {
			records: 30, clients: 12, linked_records: 27, linked_series: 11, unknown_client_records: 3, unknown_clients: 1,
			unknown_series_records: 0, unknown_series: 0, same_session_records: 15, scored_series_without_records: 0
		};
		const missing = (line: number) => ({ line, column: 'client_id', reason: 'missing client id' });
		const a = { rows_read: 32, rows_accepted: 30, rows_rejected: 2, errors: [missing(5), missing(9)], links };
		const counts = [{ group: '(all)', sessions: 30, clients: 12, definition: 'safety.counts@1' }];
		const e = protectSafety({ counts, rates: [], means: [], minutes_to_ready: [], dissociation: [] }, 11, accountingTables(a, '(all)'));
		const s = sharedAccounting(a, e.more.map((x) => [...x.rows]), 11);
		// By hand: 3 and 1 (clients without scores) and 2 (rejected, and its one kind) are under 11. 30 − 27 − 0
		// gives the 3 back, so the smaller printed count of that sum, 27, goes too (27 = 15 same-session + 12
		// others then has two unknowns). 12 clients = 1 + 11 with scores: the 11 is not printed, the 1 stays
		// hidden. Rows read 32 = 30 + 2 is withheld with the 2. The safety section's 30 sessions and 12
		// clients (the same counts as records and clients here) stay printed.
		expect([s.rows_read, s.rows_accepted, s.rows_rejected]).toEqual([null, 30, null]);
		expect(s.rejected_by_reason).toEqual([{ reason: 'missing client id', rows: null }]);
		expect(s.links).toEqual({ ...links, linked_records: null, unknown_client_records: null, unknown_clients: null });
		expect(e.counts.rows.map((r) => [r.sessions, r.clients])).toEqual([[30, 12]]);
		expect(describeLinks(s.links!).summary).toBe('– session records of 30 link to the scores (11 client-series; 15 records with a score at the same session)');
	});
});
