/**
 * The overview as printed (the board report, a shared artefact): every card's rows taken from the
 * page's one export — `OverviewData.exported(minCell)`, the object every CSV of the page comes
 * from — in the shapes the panels draw. A withheld count is null, and so is every figure the
 * policy derived from it (a rate and its CI, a mean, S(t) from the first withheld step on); the
 * panels draw no bar or point for it and say "withheld (< N)" in place of the number. On screen the
 * same panels draw the raw rows, which are these types with nothing withheld.
 */
import type { AttritionRow } from '$lib/metrics/attrition';
import type { CompletionRow } from '$lib/metrics/completion';
import type { CountRow } from '$lib/metrics/counts';
import type { DurabilityRow, LogRankRow, SurvivalRow } from '$lib/metrics/durability';
import type { RateRow } from '$lib/metrics/rates';
import type { TrajectoryRow } from '$lib/metrics/trajectories';
import { sharedSections } from '$lib/privacy/report';
import type { OverviewData } from './overview.svelte';

/** Fields that place a row (never withheld: the policy withholds counts and what derives from them). */
type Key = 'instrument' | 'group' | 'phase' | 'session' | 'week' | 'time' | 'method' | 'definition';

/** A row as drawn: its keys as they are, its figures null where withheld; `suppressed_fields` names those. */
export type Shown<T> = { [K in keyof T]: K extends Key ? T[K] : T[K] | null } & { suppressed_fields?: readonly string[] };

export type ShownSurvival = Shown<Omit<SurvivalRow, 'points'>> & { points: Shown<SurvivalRow['points'][number]>[] };
export type ShownLogRank = Omit<LogRankRow, 'observed' | 'expected' | 'chi2' | 'p'> & { chi2: number | null; p: number | null; observed: (number | null)[]; expected: (number | null)[] | null };

/** Every row the overview's cards draw. */
export interface OverviewRows {
	counts: Shown<CountRow>[];
	completion: Shown<CompletionRow>[];
	response: Shown<RateRow>[];
	remission: Shown<RateRow>[];
	trajectories: Shown<TrajectoryRow>[];
	durability: Shown<DurabilityRow>[];
	attrition: Shown<AttritionRow>[];
	survival: ShownSurvival[];
	logRank: ShownLogRank[];
}

/** The page's one export (privacy policy over every table of the page at once). */
export type PageExport = ReturnType<OverviewData['exported']>;

/**
 * The rows every card prints: the export's, the Kaplan–Meier steps back under their curves and
 * the log-rank counts back in their vectors (`sharedSections`, as the CLI report shares them; the
 * log-rank expected counts go with any withheld observed one). `logRank` are the raw tests: only
 * their χ², df and p are kept beside the export's counts, as the report prints them.
 */
export function printedRows(e: PageExport, logRank: readonly LogRankRow[]): OverviewRows {
	const s = sharedSections(e, [...logRank]);
	return {
		counts: e.counts.rows as unknown as Shown<CountRow>[],
		completion: e.completion.rows as unknown as Shown<CompletionRow>[],
		response: s.response as unknown as Shown<RateRow>[],
		remission: s.remission as unknown as Shown<RateRow>[],
		trajectories: s.trajectories as unknown as Shown<TrajectoryRow>[],
		durability: s.durability as unknown as Shown<DurabilityRow>[],
		attrition: s.attrition as unknown as Shown<AttritionRow>[],
		survival: s.survival as unknown as ShownSurvival[],
		logRank: s.log_rank
	};
}

/**
 * A total of drawn counts: null when any part is withheld. A sum of printed counts is itself
 * derivable (and never 1 … N − 1: a small total has a small part, which is withheld); a sum over a
 * withheld part could be small, and it could give the part back beside the others.
 */
export function shownSum(values: readonly (number | null)[]): number | null {
	return values.some((v) => v === null) ? null : (values as number[]).reduce((a, v) => a + v, 0);
}
