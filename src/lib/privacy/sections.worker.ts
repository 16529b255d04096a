/// <reference lib="webworker" />
/**
 * The privacy policy's export of a page's sections (`protectSections`), worked out off the main
 * thread (see offthread.ts): the audit's interval propagation and elimination take hundreds of ms
 * on a page's tables, which on the main thread blocked every click after each load. Pure
 * JavaScript, the same function and result; no DuckDB, no storage.
 */
import { protectSections, type Sections } from './report';
import type { Row, TableSpec } from './spec';

export interface AuditRequest {
	id: number;
	sections: Sections;
	minCell: number;
	/** Other tables of the same export (`protectSections`' `more`). */
	more: { spec: TableSpec; rows: Row[] }[];
}
export type AuditResponse = { id: number; result: ReturnType<typeof protectSections> } | { id: number; error: string };

self.onmessage = (event: MessageEvent<AuditRequest>) => {
	const { id, sections, minCell, more } = event.data;
	let msg: AuditResponse;
	try {
		msg = { id, result: protectSections(sections, minCell, more) };
	} catch (e) {
		msg = { id, error: e instanceof Error ? e.message : String(e) };
	}
	(self as DedicatedWorkerGlobalScope).postMessage(msg);
};
