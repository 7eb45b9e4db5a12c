import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { FetchwrightError, isFetchwrightError } from '../errors.ts';
import { ensureDir, outputError } from '../output-dir.ts';
import { ApiModel } from '../ingest/api-model.ts';
import { ConnectorPlan } from '../plan/connector-plan.ts';
import { renderValidation } from '../validate/validation-report.ts';
import { Scorecard } from '../validate/scorecard.ts';
import type { GeneratedConnector } from './generate-connector.ts';

/**
 * A connector on disk: `DIR/<vendor>/` with fetcher.ts, plan.json, manifest.json, scorecard.json,
 * VALIDATION.md, api-model.json (the slice of the docs it depends on) and attempts.json. Written
 * into a temporary folder beside it and renamed into place, so a failure leaves nothing
 * half-written.
 */

export const CONNECTOR_FILES = ['fetcher.ts', 'plan.json', 'manifest.json', 'scorecard.json', 'VALIDATION.md', 'api-model.json', 'attempts.json'] as const;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function writeConnectorDir(outDir: string, c: GeneratedConnector): Promise<string> {
  const target = path.resolve(outDir, c.plan.vendor);
  const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    ensureDir(staging);
    const files: Record<(typeof CONNECTOR_FILES)[number], string> = {
      'fetcher.ts': c.fetcher,
      'plan.json': json(c.plan),
      'manifest.json': json(c.manifest),
      'scorecard.json': json(c.scorecard),
      'VALIDATION.md': renderValidation(c.scorecard, c.attempts),
      'api-model.json': json(c.model),
      'attempts.json': json(c.attempts),
    };
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(staging, name), content);
    const previous = `${target}.old-${process.pid}-${Date.now()}`;
    let moved = false;
    try {
      await rename(target, previous);
      moved = true;
    } catch {
      // no previous connector
    }
    await rename(staging, target);
    if (moved) await rm(previous, { recursive: true, force: true });
    return target;
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw isFetchwrightError(e) ? e : outputError(target, e);
  }
}

async function readJson<S extends z.ZodType>(dir: string, file: string, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch {
    throw new FetchwrightError('invalid-connector', `${file} is missing from ${dir}`, { file: path.join(dir, file), hint: 'Point at a directory written by `fetchwright generate`.' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `${file} is not valid JSON: ${(e as Error).message}`, { file: path.join(dir, file) });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FetchwrightError('invalid-connector', `${file} does not match its schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`, { file: path.join(dir, file) });
  }
  return parsed.data;
}

export interface ConnectorOnDisk {
  dir: string;
  plan: ConnectorPlan;
  model: ApiModel;
  fetcher: string;
  scorecard: Scorecard;
}

export async function readConnectorDir(dir: string): Promise<ConnectorOnDisk> {
  const abs = path.resolve(dir);
  const [plan, model, scorecard] = await Promise.all([readJson(abs, 'plan.json', ConnectorPlan), readJson(abs, 'api-model.json', ApiModel), readJson(abs, 'scorecard.json', Scorecard)]);
  let fetcher: string;
  try {
    fetcher = await readFile(path.join(abs, 'fetcher.ts'), 'utf8');
  } catch {
    throw new FetchwrightError('invalid-connector', `fetcher.ts is missing from ${dir}`, { file: path.join(abs, 'fetcher.ts') });
  }
  return { dir: abs, plan, model, fetcher, scorecard };
}
