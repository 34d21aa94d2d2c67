#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli/main.js (built from src/cli/main.ts).
import('../dist/cli/main.js').then((m) => m.main(process.argv));
