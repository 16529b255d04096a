import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { importFile, loadRows, readTable, rejectedRowsCsv, type ImportOutcome } from '../../src/lib/import/index';
import { enc, refdata, shippedMapping } from '../fixtures/import/helpers';
import { sql } from '../../src/lib/engine/sql';

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
});
afterAll(() => conn.close());

describe('loadRows into the Node engine', () => {
	it('loads Claus 2020 (items variant) with typed columns and extra attributes', async () => {
		const o = await importFile(refdata('claus2020/claus-2020.xlsx'), 'claus-2020.xlsx', { mapping: shippedMapping('claus2020-items') });
		await loadRows(conn, 'scores', o);
		const [n] = await conn.query<{ n: number }>(sql`SELECT count(*) AS n FROM scores`);
		expect(n.n).toBe(325);
		const types = await conn.query<{ column_name: string; data_type: string }>(
			sql`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'scores' AND column_name IN ('series','session','week','score','prorated','item_1','treatment')`
		);
		expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toEqual({
			series: 'INTEGER', session: 'INTEGER', week: 'DOUBLE', score: 'DOUBLE', prorated: 'BOOLEAN', item_1: 'TINYINT', treatment: 'VARCHAR'
		});
		const [r] = await conn.query(sql`SELECT client_id, instrument, phase, session, week, score, prorated, item_1, item_21, sex, treatment, age_band FROM scores WHERE client_id = '1' AND instrument = 'bdi2' AND session = 0`);
		expect(r).toEqual({ client_id: '1', instrument: 'bdi2', phase: 'baseline', session: 0, week: null, score: 33, prorated: false, item_1: 3, item_21: 0, sex: 'male', treatment: 'TAU', age_band: '50–59' });
		const [tau] = await conn.query<{ n: number }>(sql`SELECT count(DISTINCT client_id) AS n FROM scores WHERE treatment = 'TAU'`);
		expect(tau.n).toBe(20);
	});

	it('a failed load leaves the loaded table untouched', async () => {
		const good = await importFile(refdata('btheb/BtheB.csv'), 'BtheB.csv', { mapping: shippedMapping('btheb') });
		await loadRows(conn, 'keep', good);
		// A connector whose Arrow insert fails half-way (as a worker crash or out-of-memory would).
		const failing = Object.create(conn) as NodeConnector;
		failing.insertArrowIPC = async () => {
			throw new Error('insert failed');
		};
		const other: ImportOutcome = { ...good, rows: good.rows.slice(0, 5) };
		await expect(loadRows(failing, 'keep', other)).rejects.toThrow('insert failed');
		const [n] = await conn.query<{ n: number }>(sql`SELECT count(*) AS n FROM keep`);
		expect(n.n).toBe(380);
		const staging = await conn.query(sql`SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%staging%'`);
		expect(staging).toEqual([]);
	});
});

describe('importFile', () => {
	it('reports progress and can be cancelled before anything is produced', async () => {
		const rows = ['client_id,route,instrument,phase,session,score'];
		for (let i = 0; i < 120_000; i++) rows.push(`c${i},iv,phq9,baseline,0,${i % 28}`);
		const bytes = enc(rows.join('\n'));
		const seen: number[] = [];
		const o = await importFile(bytes, 'big.csv', { onProgress: (f) => seen.push(f) });
		expect(o.report.rows_accepted).toBe(120_000);
		expect(o.report.rows_read).toBe(o.report.rows_accepted + o.report.rows_rejected);
		expect(seen.at(-1)).toBe(1);
		expect(seen.length).toBeGreaterThan(3);
		const ctl = new AbortController();
		const p = importFile(bytes, 'big.csv', { signal: ctl.signal, onProgress: (f) => f > 0.2 && ctl.abort() });
		await expect(p).rejects.toMatchObject({ name: 'AbortError' });
	});
});

describe('rejectedRowsCsv', () => {
	it('original columns + line + reason, formula-safe', async () => {
		const text = 'client_id,route,instrument,phase,session,score,note\n=cmd,iv,phq9,baseline,0,99,"+x, y"\nok,iv,phq9,baseline,0,5,@z\n';
		const raw = await readTable(enc(text), 'x.csv');
		const o = await importFile(enc(text), 'x.csv');
		const csv = rejectedRowsCsv(raw, o.report);
		expect(csv.split('\r\n')).toEqual([
			'client_id,route,instrument,phase,session,score,note,line,reason',
			`'=cmd,iv,phq9,baseline,0,99,"'+x, y",2,score: total out of range: 99 is outside 0–27 for PHQ-9`,
			''
		]);
	});
});
