#!/usr/bin/env node
// Command-line entry: runs the same TypeScript modules the app uses (importer, metrics) through tsx,
// so there is no second implementation and no separate build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
