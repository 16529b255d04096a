/**
 * "No value ever becomes SQL text" (issue 10), kept by the source itself: the connector takes `Sql`
 * only (`npm run check` refuses a string), and this test refuses the ways around that: a plain
 * template or string literal handed to `query`/`exec`/`materialize`, the removed string helpers of
 * connector.ts (`lit()`, the string `ident()`, `toStatement`, `type Query`), and a `Sql` built from text
 * outside engine/sql.ts (`new Sql(…)`, the escape hatch its constructor would be).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['src', 'bench', 'scripts'];

/** Generated output, not source (git-ignored): `npm run bench` leaves its build, data and Kit files in bench/. */
const GENERATED = /^bench\/(build|data|\.svelte-kit)(\/|$)|(^|\/)node_modules(\/|$)/;

function sources(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && /\.(ts|js|svelte)$/.test(e.name))
		.map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
		.filter((f) => !GENERATED.test(f));
}

const RULES: { name: string; pattern: RegExp; except?: string[] }[] = [
	{ name: 'a string handed to query/exec/materialize', pattern: /\.(query|exec|materialize)\s*(<[^>()]*>)?\(\s*[`'"]/ },
	{ name: 'lit() (values are bound parameters)', pattern: /\blit\s*\(/ },
	{ name: 'the string ident() of connector.ts', pattern: /import\s*\{[^}]*\b(ident|lit|identText|toStatement)\b[^}]*\}\s*from\s*['"][^'"]*engine\/connector['"]/ },
	{ name: 'a string Query type', pattern: /\btype\s+Query\s*=|\btoStatement\s*\(/ },
	// bench/native.ts rebuilds statements the browser logged (the app's own text, values still bound) to
	// replay them on native DuckDB: the benchmark's one deliberate exception, not reachable from the app.
	{ name: 'a Sql built from text', pattern: /\bnew\s+Sql\s*\(/, except: ['src/lib/engine/sql.ts', 'bench/native.ts'] }
];

/** Every rule broken in `text`, as `rule: line`. */
function findings(file: string, text: string): string[] {
	const out: string[] = [];
	for (const rule of RULES) {
		if (rule.except?.includes(file)) continue;
		text.split('\n').forEach((line, i) => {
			if (rule.pattern.test(line)) out.push(`${file}:${i + 1} ${rule.name}: ${line.trim()}`);
		});
	}
	return out;
}

describe('no string SQL in the source', () => {
	it('finds what it looks for (each rule catches its example)', () => {
		const bad = [
			'await conn.query(`SELECT * FROM scores WHERE site = ${site}`);',
			"await conn.exec('DROP TABLE ' + name);",
			'await conn.query<{ n: number }>("SELECT 1");',
			'c.materialize(`SELECT 1`)',
			"const v = lit(value);",
			"import { ident, type Connector } from '../engine/connector';",
			'export type Query = Sql | string;',
			"return new Sql([{ text: name }]);"
		];
		for (const line of bad) expect(findings('src/x.ts', line), line).not.toEqual([]);
		expect(findings('src/x.ts', 'await conn.query(sql`SELECT count(*) FROM ${ident(table)} WHERE site = ${site}`);')).toEqual([]);
		expect(findings('src/x.ts', "const parts = text.split(',');")).toEqual([]);
	});

	it(`${SCANNED.join(', ')} hold none of it`, () => {
		const files = SCANNED.flatMap(sources);
		expect(files.length).toBeGreaterThan(100);
		expect(files.flatMap((f) => findings(f, readFileSync(path.join(ROOT, f), 'utf8')))).toEqual([]);
	});
});
