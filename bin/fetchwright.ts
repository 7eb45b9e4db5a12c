#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
import { main } from '../agent/cli/main.ts';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
