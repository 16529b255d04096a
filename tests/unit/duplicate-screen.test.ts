/**
 * The import's test for possible exact duplicates (import/duck/run.ts mayHaveDuplicates) run per range of
 * client id, as it is past 10M records: a duplicate in any range (the first, which holds a NULL id; a
 * middle one; the last) is found, and a table with none gives false, whatever the number of ranges.
 */
import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/lib/engine/node';
import { sql } from '../../src/lib/engine/sql';
import { mayHaveDuplicates } from '../../src/lib/import/duck/run';

describe('the duplicate test in ranges of client id', () => {
	it('finds a duplicate in any range and none where there is none', async () => {
		const db = await openNodeEngine();
		// 400 clients × 5 sessions, unique keys; `code` NULL (accepted) except where set.
		await db.exec(sql`CREATE TABLE r AS SELECT 'c' || lpad(CAST(c AS VARCHAR), 3, '0') AS client_id, 1 AS series, 'bdi2' AS instrument,
			'session' AS phase, s AS session, NULL::DOUBLE AS week, NULL::INTEGER AS code FROM range(400) t(c), range(1, 6) u(s)`);
		const key = sql`client_id, series, instrument, phase, session, week`;
		const rec = sql`(SELECT * FROM r)`;
		const test = (partRows: number) => mayHaveDuplicates(db, rec, key, 2000, partRows);
		for (const partRows of [100_000, 700, 300]) expect({ partRows, maybe: await test(partRows) }).toEqual({ partRows, maybe: false });
		// A rejected record repeating a key is not a duplicate of an accepted one.
		await db.exec(sql`INSERT INTO r VALUES ('c200', 1, 'bdi2', 'session', 3, NULL, 4)`);
		expect(await test(300)).toBe(false);
		for (const client of [null, 'c000', 'c201', 'c399']) {
			await db.exec(sql`INSERT INTO r VALUES (${client}, 1, 'bdi2', 'session', 3, NULL, NULL)`);
			// A NULL id alone is no duplicate until a second row has the same key.
			if (client === null) {
				expect(await test(300)).toBe(false);
				await db.exec(sql`INSERT INTO r VALUES (NULL, 1, 'bdi2', 'session', 3, NULL, NULL)`);
			}
			for (const partRows of [100_000, 700, 300]) expect({ client, partRows, maybe: await test(partRows) }).toEqual({ client, partRows, maybe: true });
			await db.exec(sql`DELETE FROM r WHERE client_id IS NOT DISTINCT FROM ${client} AND session = 3 AND rowid = (SELECT max(rowid) FROM r WHERE client_id IS NOT DISTINCT FROM ${client} AND session = 3)`);
			if (client === null) await db.exec(sql`DELETE FROM r WHERE client_id IS NULL`);
			expect({ client, maybe: await test(300) }).toEqual({ client, maybe: false });
		}
	});
});
