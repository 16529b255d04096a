/**
 * The browser hands DuckDB's CSV reader the file as a Blob (`PreparedCsv.bytes`), registered by handle
 * (`Connector.registerBlob`) so a 1 GB file is read in slices instead of copied into the engine's wasm
 * memory. The report must not depend on how the file was registered: every bad-files fixture that goes
 * to DuckDB gives the same report (rows read = accepted + rejected, each rejection's line, column,
 * reason) from bytes, from a Blob through `registerBlob`, and from a Blob on an engine without it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import type { Connector, Row } from '../../src/lib/engine/connector';
import { ident, sql, type Sql } from '../../src/lib/engine/sql';
import { importPreparedCsv, prepareDelimited, type PreparedCsv } from '../../src/lib/import/duck/index';
import { suggestMapping } from '../../src/lib/import/suggest';
import { root } from '../fixtures/import/helpers';

/** A connector that registers Blobs itself (as the browser's does), recording the names it was given. */
function withBlobs(inner: Connector, registered: string[], blobs: boolean): Connector {
	const c: Connector = {
		query: <T extends object = Row>(q: Sql) => inner.query<T>(q),
		exec: (q) => inner.exec(q),
		registerFile: (n, b) => inner.registerFile(n, b),
		dropFile: (n) => inner.dropFile(n),
		insertArrowIPC: (t, b, create) => inner.insertArrowIPC(t, b, create)
	};
	if (blobs)
		c.registerBlob = async (name, blob) => {
			registered.push(name);
			await inner.registerFile(name, new Uint8Array(await blob.arrayBuffer()));
		};
	return c;
}

const dir = path.join(root, 'tests/fixtures/bad-files');
const csvs = readdirSync(dir)
	.filter((n) => !n.endsWith('.json'))
	.map((name) => ({ name, prepared: prepareDelimited(new Uint8Array(readFileSync(path.join(dir, name))), name) }))
	.filter((f) => f.prepared.ok)
	.map((f) => ({ name: f.name, csv: (f.prepared as { csv: PreparedCsv }).csv }));

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
});
afterAll(() => conn.close());

/** Fixtures whose report rejected rows (filled by the cases below, checked after them). */
const withRejections: string[] = [];

describe('a CSV registered as a Blob', () => {
	it('has fixtures DuckDB reads', () => {
		expect(csvs.length).toBeGreaterThanOrEqual(5);
	});

	it.each(csvs)('$name: the same report from bytes, from a Blob by handle, and from a Blob copied in', async ({ name, csv }) => {
		const mapping = suggestMapping(csv.head);
		const fromBytes = await importPreparedCsv(conn, csv, mapping, 'from_bytes');
		if (fromBytes.report.rows_rejected > 0) withRejections.push(name);
		const asBlob: PreparedCsv = { ...csv, bytes: new Blob([csv.bytes as Uint8Array<ArrayBuffer>]) };
		const registered: string[] = [];
		const byHandle = await importPreparedCsv(withBlobs(conn, registered, true), asBlob, mapping, 'by_handle');
		expect(registered, 'the Blob went to registerBlob').toHaveLength(1);
		const copied = await importPreparedCsv(withBlobs(conn, registered, false), asBlob, mapping, 'copied');
		expect(registered).toHaveLength(1);
		for (const out of [byHandle, copied]) {
			expect(out.report).toEqual(fromBytes.report);
			expect(out.report.rows_read, name).toBe(out.report.rows_accepted + out.report.rows_rejected);
		}
		const rows = (t: string) => conn.query(sql`SELECT * FROM ${ident(t)}`);
		expect(await rows('by_handle')).toEqual(await rows('from_bytes'));
	});

	it.each(csvs)('$name: the same report and rows when read and written in slices of two records', async ({ name, csv }) => {
		// A large file is read and written a slice of records at a time (source.ts SLICE_RECORDS); here
		// every fixture is cut every two records, so slices start at blank records, rejected rows and
		// duplicates of rows in other slices, from bytes and from a Blob.
		const mapping = suggestMapping(csv.head);
		const whole = await importPreparedCsv(conn, csv, mapping, 'whole');
		const p = prepareDelimited(new Uint8Array(readFileSync(path.join(dir, name))), name, 2);
		if (!p.ok) throw new Error(p.reason);
		expect(p.csv.starts.length).toBe(Math.ceil(p.csv.lines.length / 2));
		const sliced = await importPreparedCsv(conn, p.csv, mapping, 'sliced', 2);
		const registered: string[] = [];
		const asBlob: PreparedCsv = { ...p.csv, bytes: new Blob([p.csv.bytes as Uint8Array<ArrayBuffer>]) };
		const blobSliced = await importPreparedCsv(withBlobs(conn, registered, true), asBlob, mapping, 'blob_sliced', 2);
		expect(registered, 'one file per slice').toHaveLength(Math.ceil(p.csv.lines.length / 2));
		for (const out of [sliced, blobSliced]) expect(out.report).toEqual(whole.report);
		const rows = (t: string) => conn.query(sql`SELECT * FROM ${ident(t)}`);
		expect(await rows('sliced')).toEqual(await rows('whole'));
		expect(await rows('blob_sliced')).toEqual(await rows('whole'));
	});

	it('the cases above include fixtures with rejected rows (their lines, columns and reasons compared)', () => {
		expect(withRejections.length).toBeGreaterThanOrEqual(2);
	});
});
