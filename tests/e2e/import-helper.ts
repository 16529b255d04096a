import { expect, type Page } from '@playwright/test';

/**
 * What a person does on /data to bring a file in with one of the shipped example mappings and keep
 * it: pick the file, choose the mapping, name the dataset, import, keep. Returns when the dataset is
 * the active one.
 */
export async function importWithExampleMapping(page: Page, file: string, mapping: string, name: string): Promise<void> {
	await page.goto('/data');
	await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
	await page.getByTestId('file-input').setInputFiles(file);
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByLabel('Example mappings').selectOption({ label: mapping });
	await page.getByTestId('dataset-name').fill(name);
	await page.getByTestId('run-import').click();
	await page.getByTestId('keep-import').click();
	await expect(page.getByTestId('engine-status')).toContainText(name);
}
