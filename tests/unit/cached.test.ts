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
