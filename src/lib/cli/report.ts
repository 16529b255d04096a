import type { Command } from './main';
// Placeholder until the importer lands: keeps the command list honest.
export const report: Command = async (_args, io) => {
	io.err('report: statistics not built yet');
	return 1;
};
