/**
 * Every package the app, the CLI, the bench and the scripts import is declared in package.json
 * (issue 10: `d3-scale` and `d3-scale-chromatic` were imported from d3's transitive dependencies,
 * which `npm ci` does not promise to keep).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
// SvelteKit's virtual modules and the app's own aliases
const virtual = /^(\$app|\$lib|\$env|\$service-worker)(\/|$)|^\.\.?\//;

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = path.join(dir, f);
		// Generated output, not source (git-ignored): node_modules, and what `npm run bench` leaves in bench/
		// (build, data, .svelte-kit). src/lib/data is source and is read.
		if (statSync(p).isDirectory()) return f === 'node_modules' || /^bench\/(build|data|\.svelte-kit)$/.test(path.relative(ROOT, p)) ? [] : files(p);
		return /\.(ts|js|mjs|svelte)$/.test(f) ? [p] : [];
	});
}

/** The package of an import specifier (`d3/x` → d3); scoped names keep their scope. */
export function packageOf(spec: string): string | null {
	if (virtual.test(spec) || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) return null;
	const parts = spec.split('/');
	return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('declared imports', () => {
	it('finds an undeclared import when there is one (the check itself)', () => {
		expect(packageOf('d3-scale')).toBe('d3-scale');
		expect(declared.has(packageOf('d3-scale')!)).toBe(false);
		expect(packageOf('@duckdb/duckdb-wasm/dist/x.wasm?url')).toBe('@duckdb/duckdb-wasm');
		expect(packageOf('$lib/engine/sql')).toBeNull();
		expect(packageOf('node:fs')).toBeNull();
	});

	it('every imported package is in package.json', () => {
		const undeclared: string[] = [];
		for (const dir of ['src', 'bench', 'scripts', 'tests', 'bin']) {
			for (const file of files(path.join(ROOT, dir))) {
				const text = readFileSync(file, 'utf8');
				for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
					const name = packageOf((m[1] ?? m[2]).replace(/\?.*$/, ''));
					if (name && !declared.has(name)) undeclared.push(`${path.relative(ROOT, file)}: ${name}`);
				}
			}
		}
		expect(undeclared).toEqual([]);
	});
});
