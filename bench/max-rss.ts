/**
 * Preloaded into a bench's child (`node --import bench/max-rss.ts ...`): writes the child's peak
 * resident set (kilobytes, process.resourceUsage().maxRSS) to $BENCH_MAX_RSS_FILE when it exits.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
