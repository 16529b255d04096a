/**
 * The flow diagram (RECORD / CONSORT-style) as it may be printed or downloaded: one row per step
 * with its n and the number that left since the step it is counted from (FLOW: n before = n after
 * + left, so a withheld count takes a second one with it, and the chain of "left" boxes cannot
 * give it back by subtraction). `index` numbers the steps within their instrument × group, the
 * numbering `from` refers to.
 */
import type { FlowStep } from '../metrics/flow';
import { MIN_CELL, protect, type Exported, type Protected } from './policy';
import type { Row } from './spec';
import { FLOW } from './tables';

/** The flow's rows as the policy reads them (`kind`: the step's kind, `step`: its label). */
export function flowRows(steps: readonly FlowStep[]): Row[] {
	const seen = new Map<string, number>();
	return steps.map((s) => {
		const key = `${s.instrument}\u0001${s.group}`;
		const index = seen.get(key) ?? 0;
		seen.set(key, index + 1);
		return { instrument: s.instrument, group: s.group, index, from: s.from, kind: s.step, step: s.label, n: s.n, left: s.from === null ? null : s.left, reason: s.reason };
	});
}

/** One flow (or several instruments × groups of flows) through the policy. */
export function protectFlow(steps: readonly FlowStep[], minCell = MIN_CELL): Exported<Protected<Row>> {
	return protect(flowRows(steps), FLOW, minCell);
}
