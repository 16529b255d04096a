/**
 * The command line's import keeps no item answers (import/duck/run.ts ItemAnswers 'drop'): the answers
 * are still read, checked, prorated and summed, so the report and every score are those of an import
 * that keeps them; only the `item_*` columns are absent (writing 30 empty columns cost the validating
 * statement about a fifth at 5M rows). The file: PHQ-9 rows with every item, one item
 * missing (prorated: 8 answers summing to 14 → round(14 / 8 × 9) = 16), items that disagree with the
 * total (the items win, a warning), and an item out of range (rejected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importWithEngine } from '../../src/lib/import/duck/index';
import { importPath } from '../../src/lib/cli/input';
import { applyMapping, readTable, suggestMapping } from '../../src/lib/import/index';
import { answerlessItemColumns } from '../../src/lib/import/duck/items';
import type { ResolvedMeasure } from '../../src/lib/import/record';

const items = Array.from({ length: 9 }, (_, i) => `item_${i + 1}`);
const CSV = [
	['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', ...items].join(','),
	['c1', 1, 'iv', 'phq9', 'baseline', 0, '', '', 2, 2, 2, 2, 2, 2, 2, 2, 2].join(','),
	['c1', 1, 'iv', 'phq9', 'session', 1, '', '', 2, 2, 2, 2, 2, 2, 1, 1, ''].join(','),
	['c1', 1, 'iv', 'phq9', 'session', 2, '', 20, 1, 1, 1, 1, 1, 1, 1, 1, 1].join(','),
	['c2', 1, 'troche', 'phq9', 'baseline', 0, '', '', 3, 3, 3, 3, 7, 3, 3, 3, 3].join(','),
	['c2', 1, 'troche', 'phq9', 'baseline', 0, '', '', 3, 3, 3, 3, 3, 3, 3, 3, 0].join(','),
	['c2', 1, 'troche', 'phq9', 'session', 1, '', '', 1, 1, 1, 1, 1, 1, 1, 1, 1].join(',')
].join('\n');

describe('item answers kept or dropped', () => {
	let db: NodeConnector;
	beforeAll(async () => {
		db = await openNodeEngine();
	});
	afterAll(() => db.close());

	it('the same report and scores; only the item columns differ', async () => {
		const bytes = new TextEncoder().encode(CSV);
		const kept = await importWithEngine(db, bytes, 'items.csv', { table: 'kept' });
		const dropped = await importWithEngine(db, bytes, 'items.csv', { table: 'dropped', items: 'drop' });
		expect(kept.report.reader?.path).toBe('duckdb');
		expect(dropped.report).toEqual(kept.report);
		expect(kept.report).toMatchObject({ rows_read: 6, rows_accepted: 5, rows_rejected: 1 });
		expect(kept.report.errors).toEqual([expect.objectContaining({ line: 5, column: 'item_5' })]);
		expect(kept.report.warnings.map((w) => w.line)).toContain(4);

		const read = (t: string) => db.query<Record<string, unknown>>(sql`SELECT client_id, phase, session, score, prorated FROM ${ident(t)} ORDER BY client_id, phase, session`);
		const expected = [
			{ client_id: 'c1', phase: 'baseline', session: 0, score: 18, prorated: false },
			{ client_id: 'c1', phase: 'session', session: 1, score: 16, prorated: true },
			{ client_id: 'c1', phase: 'session', session: 2, score: 9, prorated: false },
			{ client_id: 'c2', phase: 'baseline', session: 0, score: 24, prorated: false },
			{ client_id: 'c2', phase: 'session', session: 1, score: 9, prorated: false }
		];
		expect(await read('kept')).toEqual(expected);
		expect(await read('dropped')).toEqual(expected);

		const answered = (t: string) => db.query<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM ${ident(t)} WHERE ${ident('item_1')} IS NOT NULL OR ${ident('item_9')} IS NOT NULL`);
		expect(await answered('kept')).toEqual([{ n: 5 }]);
		const columns = async (t: string) => (await db.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${ident(t)}`)).map((r) => r.column_name);
		const keptColumns = await columns('kept');
		expect(keptColumns.filter((c) => c.startsWith('item_'))).toHaveLength(30);
		// the dropped table: the canonical columns but the items, in the same order
		expect(await columns('dropped')).toEqual(keptColumns.filter((c) => !c.startsWith('item_')));
	});

	it('the command line\'s import drops them, with the same report but for the warnings it does not word', async () => {
		const bytes = new TextEncoder().encode(CSV);
		const cli = await importPath(db, 'wasm', 'items.csv', bytes, { table: 'cli' });
		const kept = await importWithEngine(db, bytes, 'items.csv', { table: 'kept_again' });
		expect(kept.report.warnings).toHaveLength(1);
		expect(cli.report).toEqual({ ...kept.report, warnings: [] });
		const columns = await db.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM cli`);
		expect(columns.map((r) => r.column_name)).toContain('score');
		expect(columns.filter((r) => r.column_name.startsWith('item_'))).toEqual([]);
	});

	/**
	 * Item columns no row answers (item_7 empty, item_8 empty or "NA"; item_9 answered in two rows) are
	 * left out of the engine's statement (import/duck/items.ts answerlessItemColumns): the same report and
	 * rows as the JavaScript importer's, and the scores worked out by hand. PHQ-9 prorates at most two
	 * missing answers (definitions.ts): six answers give no total (a row's own total is kept, a row
	 * without one is rejected); seven are prorated, floor(sum / 7 × 9 + 0.5): c2's baseline
	 * 6 × 3 + 2 = 20 → 26 (over its total of 17, a warning), its session 6 × 1 + 1 = 7 → 9.
	 */
	it('item columns nobody answered: the same report and rows as the JavaScript importer', async () => {
		const csv = [
			['client_id', 'series', 'route', 'instrument', 'phase', 'session', 'week', 'score', ...items].join(','),
			['c1', 1, 'iv', 'phq9', 'baseline', 0, '', 20, 2, 2, 2, 2, 2, 2, '', '', ''].join(','),
			['c1', 1, 'iv', 'phq9', 'session', 1, '', '', 1, 1, 1, 1, 1, 1, '', 'NA', ''].join(','),
			['c1', 1, 'iv', 'phq9', 'session', 2, '', 5, '', '', '', '', '', '', '', '', ''].join(','),
			['c2', 1, 'troche', 'phq9', 'baseline', 0, '', 17, 3, 3, 3, 3, 3, 3, '', 'NA', 2].join(','),
			['c2', 1, 'troche', 'phq9', 'session', 1, '', '', 1, 1, 1, 1, 1, 1, '', '', 1].join(',')
		].join('\n');
		const bytes = new TextEncoder().encode(csv);
		const engine = await importWithEngine(db, bytes, 'unanswered.csv', { table: 'unanswered' });
		const raw = await readTable(bytes, 'unanswered.csv');
		const js = applyMapping(raw, suggestMapping(raw));
		const { reader, ...report } = engine.report;
		expect(reader?.path).toBe('duckdb');
		expect(report).toEqual(js.report);
		expect(report).toMatchObject({ rows_read: 5, rows_accepted: 4, rows_rejected: 1 });
		expect(report.errors.map((e) => [e.line, e.reason.split(':')[0]])).toEqual([[3, 'too many missing items']]);
		expect(report.warnings.map((w) => w.line)).toContain(5);
		const rows = await db.query<Record<string, unknown>>(sql`SELECT client_id, phase, session, score, prorated, item_9 FROM unanswered ORDER BY client_id, phase, session`);
		expect(rows).toEqual([
			{ client_id: 'c1', phase: 'baseline', session: 0, score: 20, prorated: false, item_9: null },
			{ client_id: 'c1', phase: 'session', session: 2, score: 5, prorated: false, item_9: null },
			{ client_id: 'c2', phase: 'baseline', session: 0, score: 26, prorated: true, item_9: 2 },
			{ client_id: 'c2', phase: 'session', session: 1, score: 9, prorated: true, item_9: 1 }
		]);
		expect(rows).toEqual(js.rows.map((r) => ({ client_id: r.client_id, phase: r.phase, session: r.session, score: r.score, prorated: r.prorated, item_9: (r as Record<string, unknown>).item_9 ?? null })).sort((a, b) => `${a.client_id}${a.phase}${a.session}`.localeCompare(`${b.client_id}${b.phase}${b.session}`)));
	});

	it('which columns are left out: item-only columns whose every text reads as missing', () => {
		// columns 8–12 hold items 1–5; 11 is also the score's column; 12 was not prepared for lookups
		const measures = [{ items: [{ idx: 8 }, { idx: 9 }, null, { idx: 10 }, { idx: 11 }, { idx: 12 }] }] as unknown as ResolvedMeasure[];
		const distinct = new Map<number, string[]>([[8, ['1', '2']], [9, ['NA', ' ']], [10, []], [11, []]]);
		expect(answerlessItemColumns(measures, new Set([11]), distinct, new Set(['', 'NA'])).sort((a, b) => a - b)).toEqual([9, 10]); // ' ' trims to ''
		expect(answerlessItemColumns(measures, new Set([11]), distinct, new Set(['']))).toEqual([10]); // "NA" is an answer text when not a marker
	});
});
