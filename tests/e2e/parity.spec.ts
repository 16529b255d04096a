import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, expect } from './guard';
import { importWithExampleMapping } from './import-helper';

/**
 * The browser and the command line must give identical numbers for the same file: both run the
 * same importer and metrics, and this test holds them to it on a real Excel file (Claus 2020).
 */
const file = path.join('tests', 'fixtures', 'refdata', 'claus2020', 'claus-2020.xlsx');
const mapping = path.join('mappings', 'claus2020.json');

interface CliRate { instrument: string; group: string; count: number; n: number; rate: number }
interface CliTraj { instrument: string; group: string; phase: string; session: number | null; n: number; mean: number }

test('the app and `kap-outcomes report` agree on response, remission and trajectories of the same file', async ({ page }) => {
	const cli = JSON.parse(execFileSync('node', ['bin/kap-outcomes.js', 'report', file, '--mapping', mapping, '--json'], { encoding: 'utf8' }));
	const rate = (section: CliRate[], inst: string) => section.find((r) => r.instrument === inst && r.group === 'other')!;

	await importWithExampleMapping(page, file, 'claus2020.json', 'Claus 2020');
	await expect(page.getByTestId('engine-status')).toContainText('Claus 2020 · 43 clients');

	for (const inst of ['bdi2', 'hamd17']) {
		await page.goto(`/?instrument=${inst}`);
		const resp = rate(cli.response, inst);
		const rem = rate(cli.remission, inst);
		await expect(page.getByTestId(`tile-response-${inst}`)).toContainText(`${resp.count} / ${resp.n}`);
		await expect(page.getByTestId(`tile-remission-${inst}`)).toContainText(`${rem.count} / ${rem.n}`);

		const card = page.getByTestId(`trajectory-${inst}`);
		await card.getByRole('button', { name: 'Table' }).click();
		const rows = await card.locator('tbody tr').allInnerTexts();
		const cliRows = (cli.trajectories as CliTraj[]).filter((r) => r.instrument === inst && r.phase !== 'followup');
		expect(rows.length).toBe(cliRows.length);
		for (const r of cliRows) {
			const shown = rows.find((t) => t.split('\t')[1] === String(r.session));
			expect(shown, `session ${r.session}`).toBeDefined();
			const cells = shown!.split('\t');
			expect(Number(cells[2])).toBe(r.n);
			expect(Number(cells[3])).toBeCloseTo(r.mean, 2);
		}
	}
	// published (SOURCE.md): BDI-II ≥ 50 % reduction 11 of the 40 analysed
	expect(rate(cli.response, 'bdi2')).toMatchObject({ count: 11, n: 40 });
});
