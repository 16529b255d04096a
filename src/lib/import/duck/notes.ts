/** How the report names the reader that did the work (report.reader.note). */
import type { PreparedCsv } from './prepare';

/** A DuckDB-path import, with the transcoding when the file was not UTF-8. */
export function duckdbNote(csv: Pick<PreparedCsv, 'encoding'>): string {
	const transcoded = csv.encoding === 'utf-8' || csv.encoding === 'utf-8-bom' ? '' : `; transcoded from ${csv.encoding} to UTF-8 first`;
	return `read by DuckDB's CSV reader and checked in SQL${transcoded}`;
}

/** A JavaScript-path import, with the reason the DuckDB path was not taken. */
export function javascriptNote(reason: string): string {
	return `read by the JavaScript importer (${reason})`;
}
