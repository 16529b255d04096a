/**
 * A large file can warn of something on every client: a registry of baseline scores alone warns once
 * per client that its series has no dosing-session score. Both importers must report every warning
 * (they once spread them into a push, which overflowed the call stack at 200,000).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { applyMapping } from '../../src/lib/import/apply';
import { importWithEngine } from '../../src/lib/import/duck/index';
import { readTable } from '../../src/lib/import/read';
import { suggestMapping } from '../../src/lib/import/suggest';

let conn: NodeConnector;
beforeAll(async () => {
	conn = await openNodeEngine();
});
afterAll(() => conn.close());

it('reports a warning for each of 200,000 clients through DuckDB and through JavaScript alike', async () => {
	const clients = 200_000;
	const lines = ['client_id,instrument,phase,session,score'];
	for (let i = 0; i < clients; i++) lines.push(`C${i},phq9,baseline,0,${i % 20}`);
	const bytes = new TextEncoder().encode(lines.join('\n'));
	const engine = await importWithEngine(conn, bytes, 'baselines.csv', { table: 'baselines' });
	expect(engine.report.reader?.path).toBe('duckdb');
	const raw = await readTable(bytes, 'baselines.csv');
	const js = applyMapping(raw, suggestMapping(raw)).report;
	for (const report of [engine.report, js]) {
		expect(report.rows_accepted).toBe(clients);
		expect(report.warnings).toHaveLength(clients);
		// client C<i> is on line i + 2 (the header is line 1)
		expect(report.warnings[clients - 1]).toEqual({ line: clients + 1, client_id: `C${clients - 1}`, reason: 'series 1 has no dosing-session score' });
	}
	expect(engine.report.warnings).toEqual(js.warnings);
});
