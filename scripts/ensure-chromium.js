#!/usr/bin/env node
// Playwright drives Debian's Chromium (npx playwright install cannot download browsers here).
// Installs it with apt-get when it is missing; does nothing when it is already there.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid?.() !== 0) {
	console.error(`${CHROMIUM} is missing; install it with: sudo apt-get install -y chromium`);
	process.exit(1);
}
console.log('Installing Debian chromium for the browser tests (apt-get)…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
