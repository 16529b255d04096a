import { describe, expect, it } from 'vitest';
import { CachingConnector, createLatest } from '../../src/lib/data/cached';
import type { Connector } from '../../src/lib/engine/connector';
import { sql, type Sql } from '../../src/lib/engine/sql';

function fakeConnector() {
	const sent: string[] = [];
	const conn: Connector = {
		query: async (q: Sql) => {
			sent.push(q.text);
			if (q.text === 'bad') throw new Error('boom');
			return [{ sql: q.text }] as never;
		},
		exec: async () => {},
		registerFile: async () => {},
		dropFile: async () => {},
		insertArrowIPC: async () => {}
	};
	return { conn, sent };
}

describe('CachingConnector', () => {
	it('sends identical SQL once and shares the result', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		const [a, b] = await Promise.all([c.query(sql`select 1`), c.query(sql`select 1`)]);
		expect(a).toBe(b);
		expect(sent).toEqual(['select 1']);
	});

	it('clears the cache when data changes', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		await c.query(sql`q`);
		await c.exec(sql`insert`);
		await c.query(sql`q`);
		await c.insertArrowIPC('t', new Uint8Array(), false);
		await c.query(sql`q`);
		expect(sent).toEqual(['q', 'q', 'q']);
	});

	it('keeps relations\' columns over forgetResults (a new filter state), not over a data change', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		const describe = sql`DESCRIBE SELECT * FROM scores`;
		await c.query(describe);
		await c.query(sql`q`);
		c.forgetResults();
		await c.query(describe);
		await c.query(sql`q`);
		expect(sent).toEqual(['DESCRIBE SELECT * FROM scores', 'q', 'q']);
		await c.exec(sql`create view scores as select 1`);
		await c.query(describe);
		c.clear();
		await c.query(describe);
		expect(sent).toEqual(['DESCRIBE SELECT * FROM scores', 'q', 'q', 'DESCRIBE SELECT * FROM scores', 'DESCRIBE SELECT * FROM scores']);
	});

	it('keeps a table derived from the data alone (materialize with keep) over forgetResults, not over a data change', async () => {
		const execs: string[] = [];
		const { conn } = fakeConnector();
		conn.exec = async (q: Sql) => void execs.push(q.text);
		const c = new CachingConnector(conn);
		c.log = [];
		const summed = sql`SELECT route, sum(n) FROM cube GROUP BY ALL`;
		const t1 = await c.materialize(summed, true);
		const view = await c.materialize(sql`SELECT * FROM cs WHERE site = 1`);
		c.forgetResults(); // a new filter state: the view's table goes, the kept one stays
		c.log = [];
		expect(await c.materialize(summed, true)).toBe(t1);
		expect(await c.materialize(sql`SELECT * FROM cs WHERE site = 1`)).not.toBe(view);
		const creates = execs.filter((t) => t.startsWith('CREATE'));
		expect(creates.filter((t) => t.includes(`"${t1}"`))).toHaveLength(1);
		// named in the log again (a replay of the log must create it on its own connection)
		await Promise.resolve();
		expect(c.log.filter((s) => s.text.includes(`"${t1}"`))).toHaveLength(1);
		await c.exec(sql`insert`); // data changed: built again
		expect(await c.materialize(summed, true)).not.toBe(t1);
	});

	it('does not cache failures', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		await expect(c.query(sql`bad`)).rejects.toThrow('boom');
		await expect(c.query(sql`bad`)).rejects.toThrow('boom');
		expect(sent).toEqual(['bad', 'bad']);
	});
});

describe('createLatest', () => {
	it('only the newest ticket is current', () => {
		const latest = createLatest();
		const first = latest.next();
		const second = latest.next();
		expect(latest.isCurrent(first)).toBe(false);
		expect(latest.isCurrent(second)).toBe(true);
	});
});
