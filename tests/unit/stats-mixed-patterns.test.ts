import { describe, expect, it } from 'vitest';
import { fitLmm, fitLmmFromSums, type LmmFit, type LmmInput, type LmmPatternSums } from '../../src/lib/stats/mixed';
import { subsetPatternSums } from '../../src/lib/stats/mixed-patterns';

/** Deterministic uniform [0, 1) (mulberry32). */
function rng(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * 600 client-series in 3 groups, sessions 0…6 each attended with probability 0.8 (so many
 * ZᵢᵀZᵢ patterns, each shared by several series), whole-number scores with a random intercept
 * and slope per series.
 */
function dataset(): LmmInput {
	const u = rng(7);
	const y: number[] = [];
	const X: number[][] = [];
	const groups: number[] = [];
	const slope: number[] = [];
	for (let i = 0; i < 600; i++) {
		const g = i % 3;
		const b0 = 20 + 4 * (u() - 0.5) * 2;
		const b1 = -1.5 - 0.5 * g + (u() - 0.5);
		for (let t = 0; t <= 6; t++) {
			if (t > 0 && u() > 0.8) continue;
			y.push(Math.round(b0 + b1 * t + 6 * (u() - 0.5)));
			X.push([1, t, g === 1 ? 1 : 0, g === 2 ? 1 : 0, g === 1 ? t : 0, g === 2 ? t : 0]);
			groups.push(i);
			slope.push(t);
		}
	}
	return { y, X, terms: ['(Intercept)', 'time', 'g1', 'g2', 'time:g1', 'time:g2'], groups, random: 'slope', slope, method: 'ML' };
}

/** What the SQL of metrics/model-sums.ts computes, here by hand from the rows. */
function patternSums(d: LmmInput): LmmPatternSums {
	const p = d.terms.length;
	const m = p + 1;
	const XtX = new Array(p * p).fill(0);
	const Xty = new Array(p).fill(0);
	let yty = 0;
	const series = new Map<string | number, { n: number; t: number; tt: number; u0: number[]; u1: number[] }>();
	d.y.forEach((y, i) => {
		const x = d.X[i];
		const t = d.slope![i];
		for (let j = 0; j < p; j++) {
			Xty[j] += x[j] * y;
			for (let k = 0; k < p; k++) XtX[j * p + k] += x[j] * x[k];
		}
		yty += y * y;
		const s = series.get(d.groups[i]) ?? series.set(d.groups[i], { n: 0, t: 0, tt: 0, u0: new Array(m).fill(0), u1: new Array(m).fill(0) }).get(d.groups[i])!;
		s.n++;
		s.t += t;
		s.tt += t * t;
		[...x, y].forEach((v, j) => {
			s.u0[j] += v;
			s.u1[j] += t * v;
		});
	});
	const patterns = new Map<string, LmmPatternSums['patterns'][number]>();
	for (const s of series.values()) {
		const key = `${s.n},${s.t},${s.tt}`;
		const pat = patterns.get(key) ?? patterns.set(key, { n: s.n, t: s.t, tt: s.tt, count: 0, s00: new Array(m * m).fill(0), s01: new Array(m * m).fill(0), s11: new Array(m * m).fill(0) }).get(key)!;
		pat.count++;
		for (let j = 0; j < m; j++)
			for (let k = 0; k < m; k++) {
				(pat.s00 as number[])[j * m + k] += s.u0[j] * s.u0[k];
				(pat.s01 as number[])[j * m + k] += s.u0[j] * s.u1[k];
				(pat.s11 as number[])[j * m + k] += s.u1[j] * s.u1[k];
			}
	}
	return { terms: d.terms, random: d.random, method: d.method, n: d.y.length, XtX, Xty, yty, patterns: [...patterns.values()] };
}

/** Same fit: deviance to 1e-9, estimates and SEs to 1e-6 relative (the optimiser's tolerance). */
function expectSameFit(a: LmmFit, b: LmmFit): void {
	const close = (x: number, y: number, tol: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x)));
	close(a.deviance, b.deviance, 1e-9);
	expect(a.nObs).toBe(b.nObs);
	expect(a.nGroups).toBe(b.nGroups);
	a.fixed.forEach((f, j) => {
		close(f.estimate, b.fixed[j].estimate, 1e-6);
		close(f.se, b.fixed[j].se, 1e-6);
	});
	close(a.variance.intercept, b.variance.intercept, 1e-5);
	close(a.variance.residual, b.variance.residual, 1e-6);
}

describe('mixed model from ZᵢᵀZᵢ patterns', () => {
	const d = dataset();
	const sums = patternSums(d);

	it('pools 600 client-series into far fewer patterns', () => {
		expect(sums.patterns.reduce((t, g) => t + g.count, 0)).toBe(600);
		expect(sums.patterns.length).toBeLessThan(300);
	});

	for (const [random, method] of [['slope', 'ML'], ['slope', 'REML'], ['intercept', 'ML'], ['intercept', 'REML']] as const)
		it(`gives the per-group fit (${random}, ${method})`, () => {
			expectSameFit(fitLmmFromSums({ ...sums, random, method }), fitLmm({ ...d, random, method }));
		});

	it('a nested model from the same sums: the per-group fit without the group terms', () => {
		const reduced = fitLmmFromSums(subsetPatternSums(sums, [0, 1], 'ML'));
		expectSameFit(reduced, fitLmm({ ...d, X: d.X.map((x) => x.slice(0, 2)), terms: d.terms.slice(0, 2) }));
	});
});
