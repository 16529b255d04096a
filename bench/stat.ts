/** Median, p95 and n of the benchmark's repeated measurements (bench/run.ts, bench/start-profile.ts). */
export interface Stat {
	median: number;
	p95: number;
	n: number;
}

/** `xs`' median (the mean of the middle two for an even count), p95 and n, skipping missing values; null when none. */
export function stat(xs: (number | null | undefined)[]): Stat | null {
	const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	if (!v.length) return null;
	const q = (p: number) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
	const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	return { median: round(mid), p95: round(q(0.95)), n: v.length };
}

/** One decimal, as the results print. */
export const round = (x: number) => Math.round(x * 10) / 10;
