import type { Command } from './main';
// Placeholder until the importer lands: keeps the command list honest.
export const validate: Command = async (_args, io) => {
	io.err('validate: importer not built yet');
	return 1;
};
