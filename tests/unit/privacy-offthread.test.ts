/**
 * The overview's one export worked out in a worker (privacy/sections.worker.ts) is the export
 * worked out in place: the worker's message handler runs here on a structured clone of the demo's
 * overview sections (as postMessage copies them), and its answer, cloned back, equals
 * protectSections on the original rows — small cells withheld included.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openNodeEngine } from '../../src/lib/engine/node';
import { CachingConnector } from '../../src/lib/data/cached';
import { computePrebuilt } from '../../src/routes/prebuilt-compute';
import { protectSections, type Sections } from '../../src/lib/privacy/report';
import { protectSectionsOffThread } from '../../src/lib/privacy/offthread';
import type { AuditResponse } from '../../src/lib/privacy/sections.worker';
import { COUNTS } from '../../src/lib/privacy/tables';
import type { Row } from '../../src/lib/privacy/spec';

describe('the page export off the main thread', () => {
	it('the worker answers with protectSections of the same sections, through structured clones', async () => {
		const read = (f: string) => new Uint8Array(readFileSync(`data/${f}`));
		const p = await computePrebuilt(new CachingConnector(await openNodeEngine()), { scores: read('demo-cohort.csv'), acute: read('demo-acute.csv'), sessions: read('demo-sessions.csv') }, ['a', 'b', 'c']);
		const r = p.results;
		const sections: Sections = {
			trajectories: r.trajectories.rows, response: r.response.rows, remission: r.remission.rows, durability: r.durability.rows,
			attrition: r.attrition.rows, survival: r.survival.rows, log_rank: r.logRank.rows, flow: r.flow.rows
		};
		const more = [{ spec: COUNTS, rows: r.counts.rows as unknown as Row[] }]; // the tiles' counts, as the overview adds them
		// the worker module, with a stand-in for its global scope
		const posted: AuditResponse[] = [];
		const scope = { onmessage: null as null | ((e: { data: unknown }) => void), postMessage: (m: AuditResponse) => posted.push(structuredClone(m)) };
		(globalThis as unknown as { self: unknown }).self = scope;
		await import('../../src/lib/privacy/sections.worker');
		for (const minCell of [11, 30]) {
			scope.onmessage!({ data: structuredClone({ id: minCell, sections, minCell, more }) });
			const answer = posted.at(-1)!;
			expect(answer.id).toBe(minCell);
			const expected = protectSections(sections, minCell, more);
			expect('result' in answer && answer.result).toEqual(expected);
			expect(expected.more[0].rows.length).toBeGreaterThan(0);
			if (minCell === 30) expect(Object.values(expected).some((t) => (Array.isArray(t) ? t : [t]).some((x) => x.rows.some((row) => row.suppressed)))).toBe(true);
			// where no worker exists (Node) it is worked out in place, with the same result
			expect(await protectSectionsOffThread(sections, minCell, more)).toEqual(expected);
		}
	}, 120_000);
});
