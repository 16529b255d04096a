/**
 * What the app knows about each dataset, and where its rows are in the engine: its table (or the
 * table of its attached kept database file) and its dosing-session records. Shared by the app state
 * (app.svelte.ts) and the modules that load, link and summarise datasets beside it.
 */
import { ident, type Sql } from '../engine/sql';
import { keptSessions, keptTable } from './keep';
import type { StoredMeta } from './store';

export interface DatasetInfo {
	id: string;
	name: string;
	table: string;
	/** Rows of its table, every instrument (outcome, safety and experience scales). */
	rows: number;
	/** Rows of outcome instruments (what the `scores` view holds); known once the dataset is loaded. */
	scores?: number;
	clients: number;
	instruments: string[];
	importedAt: string;
	builtin: boolean;
	/** Present for datasets the browser keeps. */
	stored?: StoredMeta;
	/** Set when a kept dataset could not be loaded. */
	problem?: string;
	/** Set while a kept database file is attached: its database name (app-generated). */
	attached?: string;
	/** DuckDB table of the dataset's dosing-session records, when it has any (in memory). */
	sessionsTable?: string;
	/** Set when the attached kept file holds the dataset's session records (its table `sessions`). */
	attachedSessions?: boolean;
	/** Dosing-session records of the dataset; known once it is loaded. */
	sessionRecords?: number;
}

/** The rows of a dataset as a SQL relation: its table, or the table of its attached database file. */
export const relation = (ds: DatasetInfo): Sql => (ds.attached ? keptTable(ds.attached) : ident(ds.table));

/** The dataset's session records as a SQL relation, or null when it has none. */
export const sessionsRelation = (ds: DatasetInfo): Sql | null =>
	ds.attached && ds.attachedSessions ? keptSessions(ds.attached) : ds.sessionsTable ? ident(ds.sessionsTable) : null;

/** The DuckDB table of dataset `id` (its session records: `<table>__sessions`). */
export const tableOf = (id: string) => `ds_${id.replace(/\W/g, '_')}`;

/** A kept dataset as listed before it is opened. */
export function fromMeta(m: StoredMeta): DatasetInfo {
	return {
		id: m.id, name: m.name, table: tableOf(m.id), rows: m.rows, clients: m.clients,
		instruments: m.instruments, importedAt: m.importedAt, builtin: false, stored: m
	};
}
