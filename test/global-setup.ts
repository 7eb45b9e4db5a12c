import { mkdirSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

/** Makes the run's scratch folder (the tests' TMPDIR) and removes it, with everything in it, when the run ends. */
export default function setup(project: TestProject): () => void {
  const scratch = project.config.provide.scratch as string;
  mkdirSync(scratch, { recursive: true });
  return () => rmSync(scratch, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    scratch: string;
  }
}
