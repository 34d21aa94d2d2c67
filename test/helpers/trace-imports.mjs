// Registered with `node --import`: records every module URL the process resolves into the file
// named by SOC2_TRACE_IMPORTS, so a test can prove which packages a command loaded.
import { register } from 'node:module';
register('./trace-imports-hooks.mjs', import.meta.url, { data: { file: process.env.SOC2_TRACE_IMPORTS } });
