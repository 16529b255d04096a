/**
 * Opening a kept DuckDB file (open-kept.ts) without the catalog query, and the views' fixed tables
 * made once, ahead of the views (views.ts `createFixedTables`, as the app does): the two statements a 1M reload spent ~330 ms
 * on in the browser (2026-12-05). What is checked is the outcome (session records found or not,
 * the views reading the right rows) and which statements ran. And the file read and checked ahead,
 * while the engine starts (`ReadAhead`), then used by the activation instead of a second read.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../../src/lib/engine/node';
import { ident, sql } from '../../src/lib/engine/sql';
import { Timed } from '../../bench/timed';
import type { Connector } from '../../src/lib/engine/connector';
import { writeDatabaseFile } from '../../src/lib/data/keep';
import { openKept, ReadAhead } from '../../src/lib/data/open-kept';
import { relation, sessionsRelation, type DatasetInfo } from '../../src/lib/data/datasets';
import { DamagedDatasetError, type DatasetStore, type StoredMeta } from '../../src/lib/data/store';
import { createTableSql } from '../../src/lib/model/schema';
import { SCHEMA_VERSION } from '../../src/lib/model/upgrade';
import { createDatasetViews, createFixedTables } from '../../src/lib/metrics/views';

/** A connector that records every statement it runs (bench/timed.ts, one statement at a time as in the browser). */
function recording(inner: Connector): Timed & { texts: () => string[] } {
	const t = new Timed(inner);
	return Object.assign(t, { texts: () => t.log.map((l) => l.sql) });
}

const template = () => new Uint8Array(readFileSync('src/lib/data/empty.duckdb'));

/** Two score rows and, with `sessions`, one dosing-session record, written as a kept file. */
async function keptFile(sessions: boolean): Promise<Uint8Array> {
	const conn = await openNodeEngine();
	await conn.exec(createTableSql('ds_k'));
	await conn.exec(sql`INSERT INTO ds_k (client_id, series, route, instrument, phase, session, score) VALUES ('k1', 1, 'iv', 'phq9', 'baseline', 0, 20), ('k1', 1, 'iv', 'phq9', 'session', 1, 9)`);
	if (sessions) await conn.exec(sql`CREATE TABLE ds_k__sessions AS SELECT 'k1' AS client_id, 1 AS series, 1 AS session, 'iv' AS route, 140.0 AS sbp_peak`);
	return (await writeDatabaseFile(conn, 'ds_k', template(), sessions ? 'ds_k__sessions' : undefined)).bytes;
}

function dataset(described: unknown): DatasetInfo {
	const stored = { id: 'k', name: 'k', version: 2, schema: SCHEMA_VERSION, described } as unknown as StoredMeta;
	return { id: 'k', name: 'k', table: 'ds_k', rows: 2, clients: 1, instruments: ['phq9'], importedAt: '', builtin: false, stored };
}

const storeOf = (bytes: Uint8Array) => ({ load: async () => bytes }) as unknown as DatasetStore;
const catalogQueries = (texts: string[]) => texts.filter((t) => /duckdb_tables\(\)/.test(t));
const counts = { rows: 2, scores: 2, clients: 1, instruments: ['phq9'] };

describe('opening a kept database file', () => {
	it('its saved counts say whether it holds session records; no catalog query is run', async () => {
		for (const sessions of [true, false]) {
			const conn = recording(await openNodeEngine());
			const saved = sessions ? { ...counts, sessions: { rows: 1, clients: 1 } } : counts;
			const ds = dataset(saved);
			// the saved counts come back for the app to show, instead of counting the attached file
			expect(await openKept(conn, storeOf(await keptFile(sessions)), ds)).toEqual({ migrate: false, described: saved });
			expect(ds.attachedSessions).toBe(sessions);
			expect(catalogQueries(conn.texts())).toEqual([]);
		}
	});

	it('a file kept before counts were saved is asked, and the answer is the same', async () => {
		for (const sessions of [true, false]) {
			const conn = recording(await openNodeEngine());
			const ds = dataset(undefined);
			expect(await openKept(conn, storeOf(await keptFile(sessions)), ds)).toEqual({ migrate: false, described: null });
			expect(ds.attachedSessions).toBe(sessions);
			expect(catalogQueries(conn.texts())).toHaveLength(1);
		}
	});
});

describe("the views' fixed tables", () => {
	it('made once ahead of the views, then two datasets viewed in turn: each read through its own views', async () => {
		const conn = recording(await openNodeEngine());
		const early = createFixedTables(conn); // as the app does while it reads the kept file
		for (const t of ['a', 'b']) {
			await conn.exec(createTableSql(t));
			await conn.exec(sql`INSERT INTO ${ident(t)} (client_id, series, route, instrument, phase, session, score) VALUES (${t}, 1, 'iv', 'phq9', 'baseline', 0, 20), (${t}, 1, 'iv', 'cadss', 'session', 1, 4)`);
		}
		await createDatasetViews(conn, 'a', null, early);
		expect(await conn.query(sql`SELECT client_id, instrument FROM scores`)).toEqual([{ client_id: 'a', instrument: 'phq9' }]);
		expect(await conn.query(sql`SELECT client_id, instrument FROM acute_scores`)).toEqual([{ client_id: 'a', instrument: 'cadss' }]);
		await createDatasetViews(conn, 'b', null, early);
		expect(await conn.query(sql`SELECT client_id FROM scores`)).toEqual([{ client_id: 'b' }]);
		expect(await conn.query(sql`SELECT count(*)::INT AS n FROM dosing_sessions`)).toEqual([{ n: 0 }]);
		const made = (name: string) => conn.texts().filter((t) => t.startsWith(`CREATE OR REPLACE TABLE ${name}`)).length;
		expect([made('instrument_kinds'), made('dose_bands'), made('no_dosing_sessions')]).toEqual([1, 1, 1]);
		// without the promise (the command line, tests that drop them) they are made again
		await conn.exec(sql`DROP TABLE instrument_kinds; DROP TABLE dose_bands; DROP TABLE no_dosing_sessions`);
		await createDatasetViews(conn, 'a', null);
		expect(await conn.query(sql`SELECT client_id, instrument FROM scores`)).toEqual([{ client_id: 'a', instrument: 'phq9' }]);
		expect(made('instrument_kinds')).toBe(2);
	});

	it('a failed early attempt is made good by the views', async () => {
		const conn = recording(await openNodeEngine());
		await conn.exec(createTableSql('a'));
		await conn.exec(sql`INSERT INTO a (client_id, series, route, instrument, phase, session, score) VALUES ('a', 1, 'iv', 'phq9', 'baseline', 0, 20)`);
		const failed = Promise.reject(new Error('the worker was busy'));
		failed.catch(() => {});
		await createDatasetViews(conn, 'a', null, failed);
		expect(await conn.query(sql`SELECT client_id FROM scores`)).toEqual([{ client_id: 'a' }]);
	});
});

/** A store that counts its reads of the data file (and fails them with `fail`). */
function countingStore(bytes: Uint8Array, fail?: Error) {
	const reads: string[] = [];
	const store = {
		load: async (m: StoredMeta) => {
			reads.push(m.id);
			if (fail) throw fail;
			return bytes;
		}
	} as unknown as DatasetStore;
	return { store, reads };
}

describe('the kept file read ahead, while the engine starts', () => {
	it('the activation attaches the file read ahead; the store is not read a second time', async () => {
		const file = await keptFile(false);
		const { store, reads } = countingStore(file);
		const ds = dataset(counts);
		const ahead = new ReadAhead();
		ahead.start(store, Promise.resolve([ds]), 'k');
		const conn = await openNodeEngine();
		await openKept(conn, store, ds, await ahead.take('k'));
		expect(reads).toEqual(['k']);
		await createDatasetViews(conn, relation(ds), sessionsRelation(ds));
		expect(await conn.query(sql`SELECT client_id, score FROM scores ORDER BY session`)).toEqual([{ client_id: 'k1', score: 20 }, { client_id: 'k1', score: 9 }]);
		// taken once: a later activation (after the dataset was unloaded) reads the store again
		expect(await ahead.take('k')).toBeUndefined();
		await openKept(await openNodeEngine(), store, dataset(counts));
		expect(reads).toEqual(['k', 'k']);
	});

	it('nothing is read for a dataset that is not listed or has a problem, nor taken for another id', async () => {
		const { store, reads } = countingStore(new Uint8Array(1));
		const ahead = new ReadAhead();
		ahead.start(store, Promise.resolve([{ ...dataset(counts), problem: 'damaged meta' }]), 'k');
		expect(await ahead.take('k')).toBeUndefined();
		ahead.start(store, Promise.resolve([]), 'gone');
		expect(await ahead.take('gone')).toBeUndefined();
		ahead.start(store, Promise.resolve([dataset(counts)]), 'k');
		expect(await ahead.take('other')).toBeUndefined();
		expect(reads).toEqual(['k']);
	});

	it('a damaged file read ahead fails its activation with the store\'s reason', async () => {
		const { store } = countingStore(new Uint8Array(1), new DamagedDatasetError('k', 'its checksum does not match'));
		const ahead = new ReadAhead();
		ahead.start(store, Promise.resolve([dataset(counts)]), 'k');
		await new Promise((r) => setTimeout(r, 10)); // the failure happens before anyone takes it: no unhandled rejection
		await expect(ahead.take('k')).rejects.toThrow('stored dataset k is damaged (its checksum does not match)');
	});
});
