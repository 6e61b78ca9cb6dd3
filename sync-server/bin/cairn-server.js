#!/usr/bin/env node
// `cairn-server`: the operator's commands (fsck, gc, …) on a data folder. Registers tsx so the
// TypeScript sources run as they are (no build step), like the `cairn` command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/ops/cli.ts');
process.exitCode = await main(process.argv.slice(2));
