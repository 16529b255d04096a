/**
 * Heterogeneity between sites in words, for readers who do not read I²: Higgins et al. 2003 (BMJ
 * 327:557) suggest 25 %, 50 % and 75 % as low, moderate and high; the prediction interval says the
 * same thing on the outcome's scale.
 */
import type { MetaResult } from '../stats/meta';

const p = (x: number) => (x < 0.001 ? '< 0.001' : x.toFixed(3));

export function heterogeneityWords(r: MetaResult): string {
	if (r.k < 2) return 'One site: variation between sites cannot be estimated.';
	const stats = `I² ${r.i2.toFixed(0)} %, τ² ${r.tau2.toPrecision(2)}, Q ${r.q.toFixed(1)} on ${r.q_df} df, p ${p(r.q_p)}`;
	if (r.i2 < 25) return `Sites agree: little variation beyond chance (${stats}).`;
	if (r.i2 < 50) return `Some variation between sites beyond chance (${stats}).`;
	if (r.i2 < 75) return `Sites differ substantially (${stats}); the prediction interval shows the range to expect at a new site.`;
	return `Sites differ considerably more than chance would explain (${stats}): the pooled figure averages over clinics that differ; read the prediction interval.`;
}
