/**
 * SQL statements as data: text with `$1 … $n` placeholders plus the values bound to them.
 *
 * The rule this module enforces: **no value ever becomes SQL text.** A value interpolated into the
 * `sql` template becomes a bound parameter; an identifier (a column or table name, which DuckDB
 * cannot bind) goes through `ident()`, the one quoting function; a fixed piece of SQL is written in
 * a `sql` template itself. There is deliberately no way to splice an arbitrary string in as text.
 *
 *     sql`SELECT count(*) FROM ${ident(table)} WHERE route IN (${list(routes)}) AND score >= ${min}`
 *
 * Fragments compose (a `Sql` inside a `sql` template is inlined with its parameters, renumbered),
 * so metrics build statements from small named pieces. `Sql` refuses to be turned into a string
 * (`toString` throws): gluing one into a plain template literal is a bug caught at run time.
 */
import type { Value } from './connector';

/** A finished statement: what ran, and the values bound to `$1 … $n`. Plain data (cacheable, showable). */
export interface Statement {
	readonly text: string;
	readonly params: readonly Value[];
}

type Chunk = { text: string } | { param: Value };

/** A piece of SQL with its bound values. Build with the `sql` template; never from a string. */
export class Sql implements Statement {
	/** @internal use the `sql` template, `ident`, `list` or `join`. */
	constructor(readonly chunks: readonly Chunk[]) {}

	/** Text with `$1 … $n` placeholders, numbered in order of appearance. */
	get text(): string {
		let n = 0;
		let out = '';
		for (const c of this.chunks) out += 'text' in c ? c.text : `$${++n}`;
		return out;
	}

	get params(): Value[] {
		const out: Value[] = [];
		for (const c of this.chunks) if ('param' in c) out.push(c.param);
		return out;
	}

	/** True when nothing but whitespace. */
	get isEmpty(): boolean {
		return this.chunks.every((c) => 'text' in c && !c.text.trim());
	}

	toString(): string {
		throw new Error('Sql fragment used as a string: interpolate it into a sql`…` template instead');
	}

	toJSON(): Statement {
		return { text: this.text, params: this.params };
	}
}

/** What may appear inside `${…}` of a `sql` template. */
export type SqlArg = Sql | Value;

function checkValue(v: Value): Value {
	if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
	if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) throw new Error(`not a SQL value: ${typeof v}`);
	return v;
}

/** Tagged template: literal text stays text, `${value}` becomes a parameter, `${fragment}` is inlined. */
export function sql(strings: TemplateStringsArray, ...args: SqlArg[]): Sql {
	const chunks: Chunk[] = [];
	strings.forEach((s, i) => {
		if (s) chunks.push({ text: s });
		if (i < args.length) {
			const a = args[i];
			if (a instanceof Sql) chunks.push(...a.chunks);
			else chunks.push({ param: checkValue(a) });
		}
	});
	return new Sql(chunks);
}

/** The empty fragment. */
export const EMPTY = new Sql([]);

/**
 * Quote an identifier (column, table, alias): the one quoting function for names that come from
 * data (file headers, attribute names, dataset names). Refuses what DuckDB cannot name safely.
 */
export function ident(name: string): Sql {
	if (typeof name !== 'string') throw new Error('identifier must be a string');
	if (name.length === 0) throw new Error('empty identifier');
	if (name.length > 1024) throw new Error('identifier longer than 1024 characters');
	if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
	return new Sql([{ text: `"${name.replaceAll('"', '""')}"` }]);
}

/** Comma-separated parameters for `IN (…)`: at least one value (an empty IN list is not SQL). */
export function list(values: readonly Value[]): Sql {
	if (!values.length) throw new Error('empty value list');
	return join(values.map((v) => sql`${v}`), sql`, `);
}

/** Fragments joined by `sep` (default `, `). */
export function join(parts: readonly Sql[], sep: Sql = sql`, `): Sql {
	const chunks: Chunk[] = [];
	parts.forEach((p, i) => {
		if (i) chunks.push(...sep.chunks);
		chunks.push(...p.chunks);
	});
	return new Sql(chunks);
}

/** A comparison operator chosen from a fixed set (settings say `<` or `<=`); anything else throws. */
export function op(o: string): Sql {
	if (!(COMPARISONS as readonly string[]).includes(o)) throw new Error(`not a comparison operator: ${o}`);
	return new Sql([{ text: o }]);
}
export const COMPARISONS = ['<', '<=', '>', '>=', '=', '<>'] as const;

/** Cache key of a statement: its text and typed parameters. */
export function statementKey(s: Statement): string {
	return s.params.length ? `${s.text}\u0000${JSON.stringify(s.params.map((p) => [typeof p, p]))}` : s.text;
}

/** Bound values as a reader sees them next to the statement: `$1 = 'iv'`. */
export function describeParams(s: Statement): string[] {
	return s.params.map((p, i) => `$${i + 1} = ${typeof p === 'string' ? JSON.stringify(p) : String(p)}`);
}

/** A statement as a reader sees it in a "SQL" view: its text as run, and the bound values beside it. */
export interface ShownStatement {
	/** What the statement is, when it is not the chart's own (e.g. a temporary table it reads). */
	title?: string;
	text: string;
	/** `$1 = "iv"`, … (see `describeParams`). */
	params: string[];
}

/** `s` for a "SQL" view. */
export function showStatement(s: Statement, title?: string): ShownStatement {
	return { ...(title ? { title } : {}), text: s.text, params: describeParams(s) };
}

/**
 * A file name the app generated itself (a registered buffer such as `kept_3.duckdb`) as a string
 * literal, for the one statement where DuckDB takes no parameter: `ATTACH '<file>'`. Only names of
 * letters, digits, `_`, `-` and `.` (no `..`, at most 100 characters) pass, so neither a dataset name nor
 * a path from a file can ever reach SQL this way; anything else throws.
 */
export function fileName(name: string): Sql {
	if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(name) || name.includes('..'))
		throw new Error(`not an app-generated file name: ${JSON.stringify(name)}`);
	return new Sql([{ text: `'${name}'` }]);
}

/** A column type from a fixed set (schema constants); anything else throws. */
export function sqlType(t: string): Sql {
	const u = t.toUpperCase();
	if (!(SQL_TYPES as readonly string[]).includes(u)) throw new Error(`not an allowed column type: ${t}`);
	return new Sql([{ text: u }]);
}
export const SQL_TYPES = ['VARCHAR', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT', 'BOOLEAN', 'DATE', 'TIMESTAMP'] as const;
