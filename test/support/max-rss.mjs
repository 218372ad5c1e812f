// Loaded with `node --import`: writes the process's peak resident set (KiB) to
// $PREFLIGHT_MAX_RSS_FILE when it exits, so a test can check that memory stayed bounded.
import { writeFileSync } from 'node:fs';

const file = process.env.PREFLIGHT_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
