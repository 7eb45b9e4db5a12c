import { Faker, base, en } from '@faker-js/faker';
import type { SchemaNode } from '../agent/ingest/api-model.ts';
import type { SchemaView } from '../agent/docs-view/schema-view.ts';
import { isUniqueKey, semanticOf } from './semantics.ts';

/**
 * Synthetic identity records shaped by a response schema and by what each field means,
 * deterministic for a seed. They carry the faults real vendors have: optional attributes missing,
 * nullable ones null, Unicode in names.
 */

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Fields (top level) to set on every record, e.g. an owner pointing at a seeded principal. */
  fixed?: Record<string, unknown>;
  /** Probability an optional, non-key attribute is left out. */
  missingRate?: number;
  /** Probability a nullable, non-key attribute is null. */
  nullRate?: number;
  /** Add a few fields the docs do not describe, as real servers do (never over a documented name). */
  extraFields?: boolean;
  /** Top-level fields that are the records' own keys besides those the names say (`list_id` of lists the docs address by it): unique, never left out. */
  keys?: readonly string[];
}

/** Where 64-bit keys start: past Number.MAX_SAFE_INTEGER (2^53 − 1). */
const BIG_KEY = 1254678901234567890n;
/** A field's description that says its values repeat: such a key is generated from a small pool. */
const NOT_UNIQUE = /\bnot (necessarily )?unique\b|\bnon-unique\b|\b(may|can|might) (be )?(repeat|duplicat)|\bneed not be unique\b|\bare not distinct\b/i;

const UNICODE_NAMES = ['Zoë Ångström', 'José Núñez', '李小龍', 'Łukasz Żółć', 'Ødegaard Bjørn', 'Siobhán Ó Briain', 'Ẓāhir al-Ḥasan', 'Мария Иванова', 'Έλενα Παππά', '🦊 Fox Ops'];
const MAX_DEPTH = 4;
const EPOCH = Date.UTC(2024, 0, 1);

export function seededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  return faker;
}

/** A stable 31-bit seed from parts (an operation id, a parent value…). */
export function seedOf(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % 2147483647;
}

interface Ctx {
  faker: Faker;
  view: SchemaView;
  index: number;
  options: GenerateOptions;
}

/**
 * The values a string field's description lists when it has no enum ("One of `active`, `suspended`"):
 * two or more quoted words after "one of", "either", "possible values", "can be"; undefined otherwise.
 */
export function valuesInWords(schema: SchemaNode): string[] | undefined {
  if (schema.enum || (schema.type && !schema.type.includes('string')) || !schema.description) return undefined;
  const at = /\b(one of|either|possible values|allowed values|valid values|can be|is set to)\b/i.exec(schema.description);
  if (!at) return undefined;
  const words = [...new Set([...schema.description.slice(at.index).matchAll(/[`'"‘“]([A-Za-z][\w-]{0,40})[`'"’”]/g)].map((m) => m[1]!))];
  return words.length >= 2 ? words.slice(0, 50) : undefined;
}

/** The schema with the values its description lists as its enum (`valuesInWords`), when it has none of its own. */
function withListedValues(schema: SchemaNode): SchemaNode {
  const listed = valuesInWords(schema);
  return listed ? { ...schema, enum: listed } : schema;
}

function value(name: string, node: SchemaNode, ctx: Ctx, depth: number, unique: boolean): unknown {
  // A key stays unique: only other fields take the values their description lists.
  const schema = unique ? ctx.view.resolve(node) : withListedValues(ctx.view.resolve(node));
  const { faker, index } = ctx;
  const sem = semanticOf(name, schema);
  switch (sem) {
    case 'array': {
      if (depth >= MAX_DEPTH) return [];
      const n = faker.number.int({ min: 0, max: 3 });
      return Array.from({ length: n }, (_, i) => value(`${name}_${i}`, schema.items ?? {}, ctx, depth + 1, false));
    }
    case 'object':
      return depth >= MAX_DEPTH ? {} : objectOf(schema, ctx, depth + 1, name);
    case 'enum': {
      const options = schema.enum!.filter((v) => v !== null);
      return options.length ? options[(index + depth) % options.length] : null;
    }
    case 'boolean': {
      // Both values appear: the first two records of a list hold true and false; the rest are drawn.
      const drawn = faker.datatype.boolean();
      return index < 2 ? index === 0 : drawn;
    }
    case 'integer': {
      // A 64-bit key is served beyond 2^53, as such APIs' ids are: a client that rounds them loses records.
      if (unique) return schema.format === 'int64' ? BIG_KEY + BigInt(index) : 1000 + index;
      const min = schema.minimum ?? 0;
      return faker.number.int({ min, max: Math.max(min, schema.maximum ?? min + 10_000) });
    }
    case 'number':
      return faker.number.float({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, fractionDigits: 2 });
    case 'unix-time':
      return Math.floor(faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }).getTime() / 1000);
    case 'unix-millis':
      return faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }).getTime();
    case 'unix-time-text':
      return String(Math.floor(faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }).getTime() / 1000));
    case 'unix-millis-text':
      return String(faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }).getTime());
    case 'datetime':
      return dateTimeText(faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }), index + depth + name.length);
    case 'date':
      return faker.date.between({ from: EPOCH, to: EPOCH + 365 * 864e5 }).toISOString().slice(0, 10);
    case 'email': {
      const local = faker.internet.username().toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'user';
      return unique ? `${local}.${index}@example.test` : `${local}@example.test`;
    }
    case 'uuid':
      return faker.string.uuid();
    case 'url':
      return `https://example.test/${faker.string.alphanumeric(8)}`;
    case 'phone':
      return faker.phone.number({ style: 'international' });
    case 'identifier':
      return unique ? `${name.replace(/[^a-z]/gi, '').slice(0, 3).toLowerCase() || 'id'}${faker.string.alphanumeric(6).toLowerCase()}${index}` : faker.string.alphanumeric(10);
    case 'username':
      return unique ? `${faker.internet.username().toLowerCase().replace(/[^a-z0-9_.-]/g, '')}_${index}` : faker.internet.username();
    case 'person-name': {
      // Every third name is non-ASCII: Unicode in names is a fault real vendors have.
      const base = index % 3 === 1 ? UNICODE_NAMES[index % UNICODE_NAMES.length]! : faker.person.fullName();
      return unique ? `${base} ${index}` : base;
    }
    case 'text':
      return unique ? `${faker.word.noun()}-${index}` : faker.lorem.words({ min: 1, max: 3 });
  }
}

/**
 * An RFC 3339 date-time in one of the forms real servers send, chosen by `form`: with and without
 * fractional seconds (milli- and microseconds), `Z` and numeric offsets.
 */
export function dateTimeText(date: Date, form: number): string {
  const iso = date.toISOString();
  const [wholeSeconds] = iso.split('.') as [string];
  const shifted = (minutes: number) => {
    const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 19);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  switch (((form % 5) + 5) % 5) {
    case 0:
      return iso;
    case 1:
      return `${wholeSeconds}Z`;
    case 2:
      return shifted(120);
    case 3:
      return `${iso.slice(0, 23)}${String(date.getUTCMilliseconds() * 7 % 1000).padStart(3, '0')}Z`;
    default:
      return shifted(-330);
  }
}

const EXTRA_FIELDS: [string, (i: number) => unknown][] = [
  ['etag', (i) => `W/"${(0x5f3759df ^ (i * 2654435761)) >>> 0}"`],
  ['_revision', (i) => (i % 7) + 1],
];

/** True when an object field holds a key one level down (`metadata.uid`, `user.id`): it is never dropped. */
function holdsKey(schema: SchemaNode, view: SchemaView): boolean {
  return view.isObject(schema) && Object.entries(view.properties(schema)).some(([n, c]) => isUniqueKey(n) && !view.isObject(c) && !view.isArray(c));
}

/** How many values the docs list for a field: two for a boolean, an enum's (non-null) values; 0 for any other. */
function listedValueCount(schema: SchemaNode): number {
  if (schema.enum) return schema.enum.filter((v) => v !== null).length;
  return schema.type?.includes('boolean') ? 2 : 0;
}

function objectOf(schema: SchemaNode, ctx: Ctx, depth: number, parentName = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, child] of Object.entries(ctx.view.properties(schema))) {
    const resolved = ctx.view.resolve(child);
    const repeats = NOT_UNIQUE.test(resolved.description ?? '');
    const scalarKey = (isUniqueKey(name) || (depth === 0 && !!ctx.options.keys?.includes(name))) && !repeats && !ctx.view.isObject(resolved) && !ctx.view.isArray(resolved);
    const keep = scalarKey || (depth === 0 && holdsKey(resolved, ctx.view));
    // A field whose values the docs list (a boolean, an enum) shows each of them in the first records:
    // it is neither dropped nor null there (a flag or type that sets a record's kind is seen both ways).
    const shown = ctx.index < listedValueCount(withListedValues(resolved));
    if (!keep && !required.has(name) && ctx.faker.number.float() < (ctx.options.missingRate ?? 0.15) && !shown) continue;
    if (!keep && resolved.nullable && ctx.faker.number.float() < (ctx.options.nullRate ?? 0.15) && !shown) {
      out[name] = null;
      continue;
    }
    // Inside `emails: [{ value, primary }]` (SCIM), the value is an email address.
    const meaning = /^(value|address)$/i.test(name) && /^e?mails?(_\d+)?$/i.test(parentName) ? 'email' : name;
    // Values the docs say repeat come from a pool of three, so records do share them.
    const pooled = repeats ? { ...ctx, faker: seededFaker(seedOf(name, ctx.index % 3)), index: ctx.index % 3 } : ctx;
    out[name] = value(meaning, child, pooled, depth, !repeats && (scalarKey || meaning === 'email'));
  }
  return out;
}

/** `count` records for an item schema. Key-like fields (ids, names, emails) are unique across them. */
export function generateRecords(items: SchemaNode, view: SchemaView, options: GenerateOptions): Record<string, unknown>[] {
  const faker = seededFaker(options.seed);
  const records: Record<string, unknown>[] = [];
  for (let index = 0; index < options.count; index++) {
    const record = objectOf(view.resolve(items), { faker, view, index, options }, 0);
    const extras = options.extraFields ? Object.fromEntries(EXTRA_FIELDS.filter(([name]) => !(name in record)).map(([name, make]) => [name, make(index)])) : {};
    records.push({ ...record, ...extras, ...(options.fixed ?? {}) });
  }
  return records;
}

/** `count` unique scalar values for a list whose records are bare ids (strings or integers). */
export function generateScalars(items: SchemaNode, view: SchemaView, options: Pick<GenerateOptions, 'seed' | 'count'>): (string | number | bigint)[] {
  const faker = seededFaker(options.seed);
  const schema = view.resolve(items);
  const integer = schema.type?.some((t) => t === 'integer' || t === 'number');
  return Array.from({ length: options.count }, (_, i) => (integer ? (schema.format === 'int64' ? BIG_KEY + BigInt(i) : 1000 + i) : `${faker.string.alphanumeric(8).toLowerCase()}${i}`));
}
