/**
 * The /compare cards for a trial-style report: flow per cohort, subgroup estimates with NNT, and
 * the MMRM, and the tolerability of each cohort's dosing sessions. Loaded apart from the main
 * comparison so the fits never hold the other cards.
 */
import type { Connector } from '$lib/engine/connector';
import { MetricLoader } from '$lib/data/metric.svelte';
import { COHORT, cohortRelation, type Cohort } from '$lib/metrics/compare';
import type { SettingsInput } from '$lib/metrics/definitions';
import { flow, type FlowStep } from '$lib/metrics/flow';
import { mmrmModels, type MmrmRow } from '$lib/metrics/mmrm';
import { subgroupAnalysis, type SubgroupResult } from '$lib/metrics/subgroups';
import { compareTolerability, type Tolerability } from '$lib/metrics/compare-safety';

export class ResearchData {
	flow = new MetricLoader<FlowStep>();
	subgroups = new MetricLoader<SubgroupResult>();
	mmrm = new MetricLoader<MmrmRow>();
	tolerability = new MetricLoader<Tolerability>();

	load(conn: Connector, a: Cohort, b: Cohort, instrument: string, settings?: SettingsInput): void {
		const base = async () => ({ relation: await cohortRelation(conn, 'scores', a, b), groupBy: COHORT, instruments: [instrument], settings });
		this.flow.run(async () => flow(conn, await base()));
		this.subgroups.run(async () => {
			const r = await subgroupAnalysis(conn, { a, b, instrument, settings });
			return { rows: [r], sql: r.sql, derived: r.derived };
		});
		// Reference = B, so the differences read A − B like every other card.
		this.mmrm.run(async () => mmrmModels(conn, { ...(await base()), reference: b.label, groupLabel: 'cohort' }));
		this.tolerability.run(async () => {
			const t = await compareTolerability(conn, { a, b });
			return { rows: [t], sql: t.sql };
		});
	}
}
