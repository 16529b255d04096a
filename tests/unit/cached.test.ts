import { describe, expect, it } from 'vitest';
import { CachingConnector, createLatest } from '../../src/lib/data/cached';
import type { Connector } from '../../src/lib/engine/connector';

function fakeConnector() {
	const sent: string[] = [];
	const conn: Connector = {
		query: async (sql: string) => {
			sent.push(sql);
			if (sql === 'bad') throw new Error('boom');
			return [{ sql }] as never;
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
		const [a, b] = await Promise.all([c.query('select 1'), c.query('select 1')]);
		expect(a).toBe(b);
		expect(sent).toEqual(['select 1']);
	});

	it('clears the cache when data changes', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		await c.query('q');
		await c.exec('insert');
		await c.query('q');
		await c.insertArrowIPC('t', new Uint8Array(), false);
		await c.query('q');
		expect(sent).toEqual(['q', 'q', 'q']);
	});

	it('does not cache failures', async () => {
		const { conn, sent } = fakeConnector();
		const c = new CachingConnector(conn);
		await expect(c.query('bad')).rejects.toThrow('boom');
		await expect(c.query('bad')).rejects.toThrow('boom');
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
