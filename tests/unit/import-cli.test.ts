import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tempDir } from './temp-dir';
import path from 'node:path';
import { main, type CliIO } from '../../src/lib/cli/main';
import { root } from '../fixtures/import/helpers';

function capture(): CliIO & { stdout: string; stderr: string } {
	const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t + '\n'), err: (t: string) => void (io.stderr += t + '\n') };
	return io;
}
const fx = (p: string) => path.join(root, p);

describe('kap-outcomes validate', () => {
	it('canonical long needs no mapping: JSON report, exit 0', async () => {
		const io = capture();
		expect(await main(['validate', fx('tests/fixtures/import/canonical.csv'), '--json'], io)).toBe(0);
		const r = JSON.parse(io.stdout);
		expect(Object.keys(r)).toEqual(expect.arrayContaining(['rows_read', 'rows_accepted', 'rows_rejected', 'errors', 'warnings', 'identifier_columns', 'clients', 'instruments']));
		expect(r).toMatchObject({ rows_read: 9, rows_accepted: 9, rows_rejected: 0, clients: 3, instruments: ['gad7', 'madrs', 'phq9'] });
	});

	it.each([
		['tests/fixtures/refdata/btheb/BtheB.csv', 'btheb', 380, 0, 100],
		['tests/fixtures/refdata/riesby/riesby.dat', 'riesby', 375, 21, 66],
		['tests/fixtures/refdata/riesby/riesby.dat.txt', 'riesby', 375, 21, 66],
		['tests/fixtures/refdata/claus2020/claus-2020.xlsx', 'claus2020', 327, 0, 43],
		['tests/fixtures/redcap-phq9-gad7.csv', 'redcap-phq9-gad7', 42, 0, 4]
	])('%s with mappings/%s.json', async (file, mapping, accepted, rejected, clients) => {
		const io = capture();
		expect(await main(['validate', fx(file), '--mapping', fx(`mappings/${mapping}.json`), '--json'], io)).toBe(0);
		const r = JSON.parse(io.stdout);
		expect(r).toMatchObject({ rows_accepted: accepted, rows_rejected: rejected, clients });
		expect(r.rows_read).toBe(r.rows_accepted + r.rows_rejected);
		if (rejected) expect(r.errors[0]).toMatchObject({ line: expect.any(Number), column: 'hamd', reason: expect.stringMatching(/^no score/) });
	});

	it('human-readable output lists rejected rows with line and column', async () => {
		const io = capture();
		expect(await main(['validate', fx('tests/fixtures/refdata/riesby/riesby.dat'), '--mapping', fx('mappings/riesby.json')], io)).toBe(0);
		expect(io.stdout).toMatch(/rows read 396 = accepted 375 \+ rejected 21/);
		expect(io.stdout).toMatch(/line 30, hamd: no score/);
	});

	it('exit 1: unreadable file, missing file, bad mapping, nothing accepted', async () => {
		const dir = tempDir('kap-cli-');
		const junk = path.join(dir, 'junk.csv');
		writeFileSync(junk, 'hello\nworld\n');
		const bad = path.join(dir, 'bad.json');
		writeFileSync(bad, JSON.stringify({ version: 2 }));
		const wrongCol = path.join(dir, 'wrong.json');
		writeFileSync(wrongCol, JSON.stringify({ version: 1, client_id: 'nope', route: { value: 'iv' }, measures: [{ instrument: { value: 'phq9' }, score: 'score' }] }));
		for (const args of [[junk], [path.join(dir, 'missing.csv')], [fx('tests/fixtures/import/canonical.csv'), '--mapping', bad], [fx('tests/fixtures/import/canonical.csv'), '--mapping', wrongCol], [fx('tests/fixtures/refdata/riesby/riesby.dat')]]) {
			const io = capture();
			expect(await main(['validate', ...args], io), args.join(' ')).toBe(1);
		}
		const io = capture();
		await main(['validate', fx('tests/fixtures/import/canonical.csv'), '--mapping', wrongCol], io);
		expect(io.stderr).toMatch(/column "nope", which is not in the file/);
	});

	it('exit 2: bad usage', async () => {
		for (const args of [[], ['a.csv', 'b.csv'], ['a.csv', '--bogus'], ['a.csv', '--mapping']]) {
			const io = capture();
			expect(await main(['validate', ...args], io)).toBe(2);
			expect(io.stderr).toMatch(/usage: kap-outcomes validate/);
		}
	});

	it('--print-mapping prints the suggested mapping', async () => {
		const io = capture();
		expect(await main(['validate', fx('tests/fixtures/refdata/btheb/BtheB.csv'), '--print-mapping'], io)).toBe(0);
		expect(JSON.parse(io.stdout)).toMatchObject({ version: 1, shape: 'wide', client_id: 'rownames' });
	});
});
