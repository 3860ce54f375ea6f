#!/usr/bin/env node
// The `trainscope` command. Runs the TypeScript sources through tsx, so the CLI, the tests and
// the app run exactly the same engine code.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');
