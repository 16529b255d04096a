/**
 * The byte scan collects each column's distinct texts (duck/distinct.ts), so the import need not read the file for them. They must be exactly what
 * DuckDB's own reader returns (checked against its DISTINCT per column, an independent reading of the
 * same bytes), and the report must not depend on where the texts came from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { importPreparedCsv, prepareDelimited, type PreparedCsv } from '../../src/lib/import/duck/index';
import { csvSource } from '../../src/lib/import/duck/source';
import { MAX_DISTINCT } from '../../src/lib/import/duck/distinct';
import { suggestMapping } from '../../src/lib/import/suggest';
import { root } from '../fixtures/import/helpers';

const dir = path.join(root, 'tests/fixtures/bad-files');
const prepare = (text: string, name = 'x.csv') => {
	const p = prepareDelimited(new TextEncoder().encode(text), name);
	if (!p.ok) throw new Error(p.reason);
	return p.csv;
};
const fixtures = readdirSync(dir)
	.filter((n) => !n.endsWith('.json'))
	.map((name) => ({ name, prepared: prepareDelimited(new Uint8Array(readFileSync(path.join(dir, name))), name) }))
	.filter((f) => f.prepared.ok && f.prepared.csv.texts)
	.map((f) => ({ name: f.name, csv: (f.prepared as { csv: PreparedCsv }).csv }));

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
});
afterAll(() => conn.close());

/** Each column's distinct non-null texts of the data records as DuckDB's reader reads them, sorted. */
async function readByDuckDB(csv: PreparedCsv): Promise<string[][]> {
	const source = csvSource(csv);
	const [reader] = await source.open(conn, 'scan_texts');
	try {
		const out: string[][] = [];
		for (let i = 0; i < csv.width; i++) {
			const c = ident(`c${i}`);
			const rows = await conn.query<{ k: string }>(sql`SELECT DISTINCT ${c} AS k FROM ${reader} WHERE ord >= ${csv.header ? 1 : 0} AND ${c} IS NOT NULL`);
			out.push(rows.map((r) => r.k).sort());
		}
		return out;
	} finally {
		await source.close(conn, 'scan_texts');
	}
}

const sorted = (texts: (string[] | null)[] | undefined) => texts?.map((t) => (t ? [...t].sort() : t));
/** DuckDB's texts of the columns the scan collected (null where it left a column to DuckDB). */
const collected = (csv: PreparedCsv, read: string[][]) => read.map((t, i) => (csv.texts![i] === null ? null : t));

describe('distinct texts from the byte scan', () => {
	it('has fixtures it collects them for', () => {
		expect(fixtures.length).toBeGreaterThanOrEqual(3);
	});

	it.each(fixtures)('$name: the texts DuckDB reads, and the same report without them', async ({ csv }) => {
		expect(sorted(csv.texts)).toEqual(collected(csv, await readByDuckDB(csv)));
		const mapping = suggestMapping(csv.head);
		const scanned = await importPreparedCsv(conn, csv, mapping, 'with_texts');
		const read = await importPreparedCsv(conn, { ...csv, texts: undefined }, mapping, 'without_texts');
		expect(scanned.report).toEqual(read.report);
		expect(scanned.unknownLabels).toEqual(read.unknownLabels);
		const rows = async (t: string) => conn.query(sql`SELECT * FROM ${ident(t)}`);
		expect(await rows('with_texts')).toEqual(await rows('without_texts'));
	});

	it('keeps the first record when it is data, not a header; skips empty fields, blank records and empty lines', async () => {
		const csv = prepare('1,2,5\n\n3,2,\n,,\n1,é,yy\n');
		expect(csv.header).toBe(false);
		expect(sorted(csv.texts)).toEqual([['1', '3'], ['2', 'é'], ['5', 'yy']]);
		expect(sorted(csv.texts)).toEqual(await readByDuckDB(csv));
	});

	it('leaves the header out, and tells fields of equal hash or length apart by their bytes', async () => {
		const csv = prepare('client_id,score\nab,1\nba,1\nab,10\nabc,01\n');
		expect(csv.header).toBe(true);
		expect(sorted(csv.texts)).toEqual([['ab', 'abc', 'ba'], ['01', '1', '10']]);
	});

	it('reads a quoted field between its quotes and a CRLF record without its CR; leaves a column with a doubled quote to DuckDB', async () => {
		const csv = prepare('a,b,c,d\r\n"x,y",1,"",q\r\n"line\r\nbreak",2,"z","say ""hi"""\r\nx,"1",,q\r\n');
		expect(sorted(csv.texts)).toEqual([['line\r\nbreak', 'x', 'x,y'], ['1', '2'], ['z'], null]);
		expect(sorted(csv.texts)).toEqual(collected(csv, await readByDuckDB(csv)));
		const header = prepare('"say ""a""",b\n1,2\n');
		expect(header.header).toBe(true);
		expect(header.texts).toEqual([['1'], ['2']]);
		const mapping = suggestMapping(csv.head);
		const scanned = await importPreparedCsv(conn, csv, mapping, 'quoted_with');
		const read = await importPreparedCsv(conn, { ...csv, texts: undefined }, mapping, 'quoted_without');
		expect(scanned.report).toEqual(read.report);
	});

	it(`drops a column past ${MAX_DISTINCT} distinct texts (the import reads that one itself)`, async () => {
		// Each client a baseline and a session, so the file warns of nothing.
		const lines = ['client_id,instrument,phase,session,score'];
		for (let i = 0; i <= MAX_DISTINCT; i++) lines.push(`C${i},phq9,baseline,0,${i % 20}`, `C${i},phq9,session,1,${i % 20}`);
		const csv = prepare(lines.join('\n'));
		expect(csv.texts![0]).toBeNull();
		expect(csv.texts![4]).toHaveLength(20);
		const out = await importPreparedCsv(conn, csv, suggestMapping(csv.head), 'many_clients');
		expect(out.report.rows_accepted).toBe(2 * (MAX_DISTINCT + 1));
		expect(out.report.clients).toBe(MAX_DISTINCT + 1);
	});
});
