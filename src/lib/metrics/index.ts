/**
 * The metrics layer: one function per metric, each `(conn, opts) → { rows, sql, definition }`.
 * Pages and the command line import from here; see docs/statistics.md for every definition and field.
 */
export { attrition, type AttritionRow } from './attrition';
export { cohortCounts, type CountRow } from './counts';
export { compareCohorts, type Cohort, type CompareOptions, type Comparison, type ModelTerm } from './compare';
export {
	allDefinitions,
	defaultSettings,
	DEFINITIONS,
	reliableDefinition,
	remissionDefinition,
	resolveSettings,
	responseDefinition,
	type Definition,
	type Settings,
	type SettingsInput
} from './definitions';
export { durability, survival, type DurabilityRow, type LogRankRow, type SurvivalRow } from './durability';
export { describeColumns, MISSING, whereSql, type Filters, type SeriesFilter } from './filters';
export { mixedModels, type ModelOptions, type ModelRow } from './models';
export { remission, reliableChange, response, type RateRow, type ReliableRow } from './rates';
export { buildReport, type Report, type ReportOptions } from './report';
export { ALL_GROUPS, clientSummary, type ClientSummaryRow, type MetricOptions, type MetricResult } from './source';
export { cohortTable1, POPULATION, TABLE1_COLUMNS, type BaselineRow, type Table1Options, type Table1Row } from './table1';
export { trajectories, type TrajectoryOptions, type TrajectoryRow } from './trajectories';
