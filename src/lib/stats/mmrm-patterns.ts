/**
 * The MMRM's data as sums per pattern of visits (stats/mmrm.ts says why they are all the REML
 * criterion needs): built from rows here, or from SQL aggregates (metrics/model-sums.ts `mmrmPatternSql`, metrics/mmrm.ts `patternsFrom`). Pure functions.
 */
import type { MmrmInput } from './mmrm';

/**
 * The data of one pattern of visits (subjects seen at exactly `visits`), all the REML criterion
 * needs: sums over its m subjects, per pair of visit positions a, b, of x_a x_bᵀ, x_a y_b and y_a y_b.
 */
export interface MmrmPattern {
	/** Visit indices, increasing. */
	visits: number[];
	m: number;
	/** Σ x_a x_bᵀ for visit positions a, b of the pattern: [a][b] → p×p row-major. */
	sxx: Float64Array[][];
	/** Σ x_a y_b: [a][b] → p. */
	sxy: Float64Array[][];
	/** Σ y_a y_b. */
	syy: number[][];
}

/** An MMRM's input as per-pattern sums (metrics/mmrm.ts computes them in SQL; `fitMmrm` from rows). */
export interface MmrmSums {
	terms: string[];
	/** Number of visits T. */
	visits: number;
	/** Observations N (Σ m · visits over the patterns). */
	nObs: number;
	patterns: MmrmPattern[];
}

export function emptyPattern(visits: number[], p: number): MmrmPattern {
	const k = visits.length;
	const grid = <T>(f: () => T) => Array.from({ length: k }, () => Array.from({ length: k }, f));
	return { visits, m: 0, sxx: grid(() => new Float64Array(p * p)), sxy: grid(() => new Float64Array(p)), syy: grid(() => 0) };
}

export function rowPatterns(input: MmrmInput): MmrmPattern[] {
	const p = input.terms.length;
	const y = input.y;
	const bySubject = new Map<string | number, number[]>();
	input.subject.forEach((s, i) => (bySubject.get(s) ?? bySubject.set(s, []).get(s)!).push(i));
	const out = new Map<string, MmrmPattern>();
	for (const rows of bySubject.values()) {
		rows.sort((a, b) => input.visit[a] - input.visit[b]);
		const visits = rows.map((i) => input.visit[i]);
		if (new Set(visits).size !== visits.length) throw new Error(TWO_AT_ONE_VISIT);
		const key = visits.join(',');
		const pat = out.get(key) ?? out.set(key, emptyPattern(visits, p)).get(key)!;
		pat.m++;
		rows.forEach((ia, a) =>
			rows.forEach((ib, b) => {
				const xa = input.X[ia], xb = input.X[ib];
				const sxx = pat.sxx[a][b], sxy = pat.sxy[a][b];
				for (let j = 0; j < p; j++) {
					sxy[j] += xa[j] * y[ib];
					for (let l = 0; l < p; l++) sxx[j * p + l] += xa[j] * xb[l];
				}
				pat.syy[a][b] += y[ia] * y[ib];
			})
		);
	}
	return [...out.values()];
}

export const TWO_AT_ONE_VISIT = 'fitMmrm: a subject has two observations at one visit';

/**
 * The same sums with y replaced by the OLS residuals r = y − Xβ₀ (β = β₀ + δ): the quadratic form
 * then works with small numbers. Σ x_a r_b = Σ x_a y_b − (Σ x_a x_bᵀ) β₀ and
 * Σ r_a r_b = Σ y_a y_b − β₀ᵀ Σ x_b y_a − β₀ᵀ Σ x_a y_b + β₀ᵀ (Σ x_a x_bᵀ) β₀.
 */
export function residualPatterns(pats: MmrmPattern[], beta0: Float64Array, p: number): MmrmPattern[] {
	const xb = (sxx: Float64Array, j: number) => {
		let v = 0;
		for (let l = 0; l < p; l++) v += sxx[j * p + l] * beta0[l];
		return v;
	};
	return pats.map((pat) => ({
		...pat,
		sxy: pat.sxy.map((row, a) => row.map((sxy, b) => sxy.map((v, j) => v - xb(pat.sxx[a][b], j)))),
		syy: pat.syy.map((row, a) =>
			row.map((v, b) => {
				let r = v;
				for (let j = 0; j < p; j++) r += beta0[j] * (xb(pat.sxx[a][b], j) - pat.sxy[a][b][j] - pat.sxy[b][a][j]);
				return r;
			})
		)
	}));
}

