/**
 * An attacker for the small-cell policy, written independently of src/lib/privacy: it reads a
 * shared report (what was printed) and writes down, from what a reader knows about these tables,
 * every relation between counts — responders + non-responders = n, improved + unchanged +
 * deteriorated = n, clinically significant ⊆ improved, groups add up to the ungrouped totals, the
 * same count in several sections (trajectory n = attrition count = durability n), Kaplan–Meier
 * life tables (at risk = events + censored + at risk at the next step), log-rank observed = KM
 * events, attrition's with-baseline count = the MMRM least-squares mean's n at that session, and
 * published rates × n, shares × baseline, S(t) ratios × at risk. Then it bounds every
 * unknown count: interval propagation over non-negative integers, Gaussian elimination, and exact
 * enumeration of small components. The truth (the unsuppressed report) is used only to score.
 */
import type { Report } from '../../src/lib/metrics/report';

type Shared = Record<string, unknown> & { [section: string]: unknown };
type R = Record<string, unknown>;

interface Var {
	name: string;
	truth: number;
	known: boolean;
	/** Printed somewhere (withheld: printed as null). */
	printed: boolean;
}

export interface Finding {
	name: string;
	truth: number;
	lo: number;
	hi: number;
}

export class Attacker {
	vars = new Map<string, Var>();
	eqs: { names: string[]; coefs: number[] }[] = [];

	/** A count the report prints (`shown` null = withheld) whose true value is `truth`. */
	cell(name: string, truth: number, shown: unknown) {
		const v = this.vars.get(name) ?? { name, truth, known: false, printed: true };
		if (v.truth !== truth) throw new Error(`attacker: ${name} has two true values ${v.truth} / ${truth}`);
		v.printed = true;
		if (typeof shown === 'number') {
			if (shown !== truth) throw new Error(`attacker: ${name} printed ${shown}, truth ${truth}`);
			v.known = true;
		}
		this.vars.set(name, v);
	}
	/** A count nobody prints but a reader can reason about (n − responders), or a known total. */
	hidden(name: string, truth: number, known = false) {
		const v = this.vars.get(name) ?? { name, truth, known, printed: false };
		v.known ||= known;
		this.vars.set(name, v);
	}
	/** Σ parts = total. */
	sum(parts: string[], total: string) {
		if (!parts.length || [...parts, total].some((p) => !this.vars.has(p))) return;
		this.eqs.push({ names: [...parts, total], coefs: [...parts.map(() => 1), -1] });
	}
	/** A count recovered from a published ratio once `base` is known: value = round(ratio × base). */
	recover(name: string, ratio: unknown, base: string) {
		if (typeof ratio === 'number' && Number.isFinite(ratio)) this.recoveries.push({ name, base });
	}
	recoveries: { name: string; base: string }[] = [];

	/** Unknown variables with the bounds a reader can prove. */
	solve(): Finding[] {
		const names = [...this.vars.keys()];
		const idx = new Map(names.map((n, i) => [n, i]));
		const vs = names.map((n) => this.vars.get(n)!);
		const lo = vs.map((v) => (v.known ? v.truth : 0));
		const hi = vs.map((v) => (v.known ? v.truth : Infinity));
		const eqs = this.eqs.map((e) => ({ ix: e.names.map((n) => idx.get(n)!), c: e.coefs }));
		for (let changed = true, round = 0; changed && round < 1000; round++) {
			changed = false;
			for (const { name, base } of this.recoveries) {
				const [x, b] = [idx.get(name), idx.get(base)];
				if (x === undefined || b === undefined || lo[b] !== hi[b] || lo[x] === hi[x]) continue;
				lo[x] = hi[x] = vs[x].truth;
				changed = true;
			}
			for (const e of eqs)
				e.ix.forEach((x, j) => {
					if (vs[x].known) return;
					let a = 0;
					let b = 0;
					e.ix.forEach((y, k) => {
						if (k === j) return;
						const p = -e.c[k] * lo[y];
						const q = -e.c[k] * hi[y];
						a += Math.min(p, q);
						b += Math.max(p, q);
					});
					const [l, h] = e.c[j] > 0 ? [a / e.c[j], b / e.c[j]] : [b / e.c[j], a / e.c[j]];
					if (Math.ceil(l - 1e-9) > lo[x]) (lo[x] = Math.ceil(l - 1e-9)), (changed = true);
					if (Math.floor(h + 1e-9) < hi[x]) (hi[x] = Math.floor(h + 1e-9)), (changed = true);
				});
		}
		const fixed = this.gauss(eqs, vs);
		this.enumerate(eqs, vs, lo, hi);
		return vs
			.map((v, i) => ({ name: v.name, truth: v.truth, lo: fixed.has(i) ? v.truth : lo[i], hi: fixed.has(i) ? v.truth : hi[i], unknown: !v.known, printed: v.printed }))
			.filter((f) => f.unknown)
			.map(({ name, truth, lo, hi }) => ({ name, truth, lo, hi }));
	}

	/** Unknowns fixed by the equations alone (reduced row echelon form over the reals). */
	private gauss(eqs: { ix: number[]; c: number[] }[], vs: Var[]): Set<number> {
		const cols = [...new Set(eqs.flatMap((e) => e.ix.filter((x) => !vs[x].known)))];
		const col = new Map(cols.map((x, j) => [x, j]));
		const m = eqs
			.map((e) => {
				const row = new Array(cols.length).fill(0);
				e.ix.forEach((x, k) => !vs[x].known && (row[col.get(x)!] += e.c[k]));
				return row;
			})
			.filter((row) => row.some((v) => v !== 0));
		let r = 0;
		for (let j = 0; j < cols.length && r < m.length; j++) {
			const p = m.findIndex((row, i) => i >= r && Math.abs(row[j]) > 1e-9);
			if (p < 0) continue;
			[m[r], m[p]] = [m[p], m[r]];
			const piv = m[r][j];
			m[r] = m[r].map((v) => v / piv);
			for (let i = 0; i < m.length; i++) if (i !== r && Math.abs(m[i][j]) > 1e-12) m[i] = m[i].map((v, k) => v - m[i][j] * m[r][k]);
			r++;
		}
		const out = new Set<number>();
		for (const row of m.slice(0, r)) {
			const nz = row.flatMap((v, j) => (Math.abs(v) > 1e-9 ? [j] : []));
			if (nz.length === 1) out.add(cols[nz[0]]);
		}
		return out;
	}

	/** Exact feasible values of small components (every integer point inside the bounds). */
	private enumerate(eqs: { ix: number[]; c: number[] }[], vs: Var[], lo: number[], hi: number[]) {
		const unknown = (x: number) => !vs[x].known;
		const seen = new Set<number>();
		for (const start of vs.keys()) {
			if (!unknown(start) || seen.has(start)) continue;
			const comp = [start];
			seen.add(start);
			for (let k = 0; k < comp.length; k++)
				for (const e of eqs)
					if (e.ix.includes(comp[k])) for (const y of e.ix) if (unknown(y) && !seen.has(y)) seen.add(y), comp.push(y);
			const size = comp.reduce((a, x) => a * (hi[x] - lo[x] + 1), 1);
			if (!(size <= 200_000)) continue;
			const mine = eqs.filter((e) => e.ix.some((x) => comp.includes(x)));
			const val = vs.map((v, i) => (unknown(i) ? NaN : v.truth));
			const feasible = comp.map(() => new Set<number>());
			const ok = () => mine.every((e) => Math.abs(e.ix.reduce((a, x, k) => a + e.c[k] * val[x], 0)) < 1e-9);
			const dfs = (k: number) => {
				if (k === comp.length) {
					if (ok()) comp.forEach((x, j) => feasible[j].add(val[x]));
					return;
				}
				for (let v = lo[comp[k]]; v <= hi[comp[k]]; v++) {
					val[comp[k]] = v;
					dfs(k + 1);
				}
			};
			dfs(0);
			comp.forEach((x, j) => {
				const f = [...feasible[j]];
				if (f.length) (lo[x] = Math.min(...f)), (hi[x] = Math.max(...f));
			});
		}
	}
}

const num = (v: unknown) => v as number;

/** Everything a reader of `shared` knows, with the truth from `raw`. */
export function readReport(raw: Report, shared: Shared): Attacker {
	const a = new Attacker();
	const S = (k: string) => shared[k] as R[];
	const groupsOf = (rows: R[]) => [...new Set(rows.map((r) => r.group as string))].filter((g) => g !== '(all)');
	// rates: count + non = n; groups add up to (all)
	for (const [sec, nName] of [['response', 'n+'], ['remission', 'an']] as const) {
		raw[sec].forEach((r, i) => {
			const s = S(sec)[i];
			const k = `${r.instrument}:${r.group}`;
			a.cell(`${sec}:${k}`, r.count, s.count);
			a.cell(`${nName}:${k}`, r.n, s.n);
			a.hidden(`${sec}-non:${k}`, r.n - r.count);
			a.sum([`${sec}:${k}`, `${sec}-non:${k}`], `${nName}:${k}`);
			a.recover(`${sec}:${k}`, s.rate, `${nName}:${k}`);
		});
		for (const inst of new Set(raw[sec].map((r) => r.instrument))) {
			const gs = groupsOf(raw[sec].filter((r) => r.instrument === inst) as unknown as R[]);
			if (gs.length < 2) continue;
			for (const p of [sec, nName, `${sec}-non`]) a.sum(gs.map((g) => `${p}:${inst}:${g}`), `${p}:${inst}:(all)`);
		}
	}
	// reliable change
	raw.reliable_change.forEach((r, i) => {
		const s = S('reliable_change')[i];
		const k = `${r.instrument}:${r.group}`;
		a.cell(`rc:${k}:${r.outcome}`, r.count, s.count);
		a.cell(`an:${k}`, r.n, s.n);
		a.hidden(`rc-not:${k}:${r.outcome}`, r.n - r.count);
		a.sum([`rc:${k}:${r.outcome}`, `rc-not:${k}:${r.outcome}`], `an:${k}`);
		a.recover(`rc:${k}:${r.outcome}`, s.rate, `an:${k}`);
	});
	for (const r of raw.reliable_change.filter((x) => x.outcome === 'improved')) {
		const k = `${r.instrument}:${r.group}`;
		a.sum(['improved', 'unchanged', 'deteriorated'].map((o) => `rc:${k}:${o}`), `an:${k}`);
		const cs = raw.reliable_change.find((x) => x.instrument === r.instrument && x.group === r.group && x.outcome === 'clinically_significant')!;
		a.hidden(`rc-imp-not-cs:${k}`, r.count - cs.count);
		a.sum([`rc:${k}:clinically_significant`, `rc-imp-not-cs:${k}`], `rc:${k}:improved`);
	}
	for (const inst of new Set(raw.reliable_change.map((r) => r.instrument))) {
		const gs = groupsOf(raw.reliable_change.filter((r) => r.instrument === inst) as unknown as R[]);
		if (gs.length < 2) continue;
		for (const o of ['improved', 'unchanged', 'deteriorated', 'clinically_significant']) a.sum(gs.map((g) => `rc:${inst}:${g}:${o}`), `rc:${inst}:(all):${o}`);
	}
	// observed client-series: trajectories (observed cases), attrition, durability share one count
	const obs = (r: R) => (r.phase === 'followup' ? `w${r.week}` : r.phase === 'baseline' || r.phase === 'session' ? `s${r.session}` : `${r.phase}`);
	const totals = new Map<string, { parts: Map<string, number> }>();
	const addTotal = (key: string, part: string, truth: number) => {
		const t = totals.get(key) ?? totals.set(key, { parts: new Map() }).get(key)!;
		t.parts.set(part, truth);
	};
	raw.trajectories.forEach((r, i) => {
		if (r.method !== 'observed') return;
		const name = `obs:${r.instrument}:${r.group}:${obs(r as unknown as R)}`;
		a.cell(name, r.n, S('trajectories')[i].n);
		addTotal(`obs:${r.instrument}:(all):${obs(r as unknown as R)}`, name, r.n);
	});
	raw.attrition.forEach((r, i) => {
		const name = `obs:${r.instrument}:${r.group}:${obs(r as unknown as R)}`;
		a.cell(name, r.clients, S('attrition')[i].clients);
		addTotal(`obs:${r.instrument}:(all):${obs(r as unknown as R)}`, name, r.clients);
		const base = `obs:${r.instrument}:${r.group}:s0`;
		a.recover(name, S('attrition')[i].share, base);
		// of them, those with a baseline (the share's numerator; at a session, the MMRM's n there)
		if (r.phase !== 'session') return;
		const wb = `wb:${r.instrument}:${r.group}:s${r.session}`;
		a.cell(wb, r.with_baseline, S('attrition')[i].with_baseline);
		a.hidden(`${wb}-not`, r.clients - r.with_baseline);
		a.sum([wb, `${wb}-not`], name);
		a.recover(wb, S('attrition')[i].share, base);
		addTotal(`wb:${r.instrument}:(all):s${r.session}`, wb, r.with_baseline);
	});
	// MMRM least-squares means: n at a session = client-series with a baseline and a score there
	raw.models.forEach((m, i) => {
		if (!('ls_means' in m)) return;
		const shown = ((S('models')[i] as R).ls_means ?? []) as R[];
		for (const l of m.ls_means) {
			const s = shown.find((x) => x.session === l.session && x.group === l.group);
			a.cell(`wb:${m.instrument}:${l.group}:s${l.session}`, l.n, s?.n ?? null);
		}
	});
	raw.durability.forEach((r, i) => {
		const s = S('durability')[i];
		const k = `${r.instrument}:${r.group}:w${r.week}`;
		a.cell(`obs:${k}`, r.n, s.n);
		a.cell(`dr:${k}`, r.responders_n, s.responders_n);
		a.cell(`ds:${k}`, r.still_responding_n, s.still_responding_n);
		a.hidden(`dr-not:${k}`, r.n - r.responders_n);
		a.hidden(`ds-not:${k}`, r.responders_n - r.still_responding_n);
		a.sum([`dr:${k}`, `dr-not:${k}`], `obs:${k}`);
		a.sum([`ds:${k}`, `ds-not:${k}`], `dr:${k}`);
		a.recover(`ds:${k}`, s.still_responding, `dr:${k}`);
		addTotal(`obs:${r.instrument}:(all):w${r.week}`, `obs:${k}`, r.n);
		addTotal(`dr:${r.instrument}:(all):w${r.week}`, `dr:${k}`, r.responders_n);
		addTotal(`ds:${r.instrument}:(all):w${r.week}`, `ds:${k}`, r.still_responding_n);
	});
	// Kaplan–Meier: n = events + censored; life table; log-rank observed = events
	raw.survival.forEach((r, i) => {
		const s = S('survival')[i] as R & { points: R[] };
		const k = `${r.instrument}:${r.group}`;
		a.cell(`km-n:${k}`, r.n, s.n);
		a.cell(`km-ev:${k}`, r.events, s.events);
		a.hidden(`km-cens:${k}`, r.n - r.events);
		a.sum([`km-ev:${k}`, `km-cens:${k}`], `km-n:${k}`);
		addTotal(`km-n:${r.instrument}:(all)`, `km-n:${k}`, r.n);
		addTotal(`km-ev:${r.instrument}:(all)`, `km-ev:${k}`, r.events);
		r.points.forEach((p, j) => {
			const q = s.points[j];
			const t = `${k}:t${p.time}`;
			a.cell(`km-r:${t}`, p.atRisk, q.atRisk);
			a.cell(`km-e:${t}`, p.events, q.events);
			a.cell(`km-c:${t}`, p.censored, q.censored);
			const next = r.points[j + 1];
			a.sum([`km-e:${t}`, `km-c:${t}`, ...(next ? [`km-r:${k}:t${next.time}`] : [])], `km-r:${t}`);
			// S(t)/S(t−) = 1 − events/at risk
			const prev = j === 0 ? 1 : s.points[j - 1].survival;
			if (typeof prev === 'number') a.recover(`km-e:${t}`, q.survival, `km-r:${t}`);
		});
		if (r.points.length) {
			a.sum([`km-r:${k}:t${r.points[0].time}`], `km-n:${k}`);
			a.sum(r.points.map((p) => `km-e:${k}:t${p.time}`), `km-ev:${k}`);
		}
	});
	raw.log_rank.forEach((t, i) => {
		const s = S('log_rank')[i] as R & { observed: unknown[] };
		t.groups.forEach((g, j) => a.cell(`km-ev:${t.instrument}:${g}`, t.observed[j], s.observed[j]));
	});
	// groups add up to the totals of the ungrouped report (taken as known)
	for (const [total, t] of totals) {
		if (t.parts.size < 2) continue;
		a.hidden(total, [...t.parts.values()].reduce((x, y) => x + y, 0), true);
		a.sum([...t.parts.keys()], total);
	}
	for (const inst of new Set(raw.attrition.map((r) => r.instrument))) {
		const done = raw.attrition.filter((r) => r.instrument === inst && r.phase === 'completed');
		if (done.length < 2) continue;
		a.hidden(`completed:${inst}:(all)`, done.reduce((x, r) => x + r.clients, 0), true);
		a.sum(done.map((r) => `obs:${inst}:${r.group}:completed`), `completed:${inst}:(all)`);
	}
	void num;
	return a;
}

/**
 * Withheld counts and implied counts of 1 … minCell−1 a reader pins down. A withheld 0 that a
 * reader can prove is 0 (a slice whose total is 0) is not counted: 0 may be shown.
 */
export function recovered(a: Attacker, minCell: number): Finding[] {
	return a.solve().filter((f) => {
		const v = a.vars.get(f.name)!;
		const guarded = f.truth > 0 && (v.printed || f.truth < minCell);
		return guarded && f.lo === f.hi;
	});
}

/**
 * What a reader of the /compare tolerability card knows, from its rows (the truth and as shown, in
 * the same order; fields stat, kind, cohort, key, unit, sessions, clients, count, n, value): per
 * cohort its sessions and clients; per rate count + the rest = n, and count = rate × n once n is
 * known; a rate, mean or minutes n equal to the cohort's session (client) count is that count (the
 * reader assumes so whenever the values agree); a difference's n is the two cohorts' client n.
 */
export function readTolerability(a: Attacker, truth: readonly R[], shown: readonly R[]): Attacker {
	const totals = new Map<string, R>();
	truth.forEach((r, i) => {
		if (r.stat !== 'counts') return;
		a.cell(`tol:sessions:${r.cohort}`, r.sessions as number, shown[i].sessions);
		a.cell(`tol:clients:${r.cohort}`, r.clients as number, shown[i].clients);
		totals.set(r.cohort as string, r);
	});
	const sameAsTotal = (name: string, r: R, unit: string) => {
		const t = totals.get(r.cohort as string);
		if (t && t[unit] === r.n) a.sum([name], `tol:${unit}:${r.cohort}`);
	};
	truth.forEach((r, i) => {
		const s = shown[i];
		if (r.stat === 'rate' && r.kind === 'cohort') {
			const k = `tol:${r.key}:${r.unit}:${r.cohort}`;
			a.cell(`${k}:n`, r.n as number, s.n);
			a.cell(`${k}:count`, r.count as number, s.count);
			a.hidden(`${k}:rest`, (r.n as number) - (r.count as number));
			a.sum([`${k}:count`, `${k}:rest`], `${k}:n`);
			a.recover(`${k}:count`, s.value, `${k}:n`);
			sameAsTotal(`${k}:n`, r, r.unit as string);
		} else if (r.stat === 'mean' || r.stat === 'minutes') {
			const k = `tol:${r.key}:${r.cohort}:n`;
			a.cell(k, r.n as number, s.n);
			sameAsTotal(k, r, 'sessions');
		}
	});
	truth.forEach((r, i) => {
		if (r.kind !== 'contrast') return;
		const k = `tol:${r.key}:contrast`;
		a.cell(k, r.n as number, shown[i].n);
		const sides = truth.filter((x) => x.stat === 'rate' && x.kind === 'cohort' && x.key === r.key && x.unit === 'clients');
		a.sum(sides.map((x) => `tol:${r.key}:clients:${x.cohort}:n`), k);
	});
	return a;
}
