import { readFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { definitionSchema, type JourneyDefinition } from './definition-schema.js';

/** A definition file that cannot be used; the message names file, path, line and expectation. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
}

function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let node = root as Node | undefined;
  for (const part of path) {
    if (isMap(node)) node = node.get(String(part), true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(part), true) as Node | undefined;
    else return node;
  }
  return node;
}

/** Parses and validates a journey definition from YAML text. */
export function parseDefinition(text: string, file: string): JourneyDefinition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new DefinitionError(`${file}: not valid YAML: ${error.message}`);
  }
  const result = definitionSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.') || '(top level)';
    // Point at the deepest node that exists: for a missing key that is its parent.
    let node: Node | undefined;
    for (let depth = issue.path.length; depth >= 0 && !node?.range; depth--) node = nodeAt(doc.contents, issue.path.slice(0, depth));
    const where = node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : '';
    return `  ${path}${where}: ${issue.message}`;
  });
  throw new DefinitionError(`${file}: invalid journey definition:\n${lines.join('\n')}`);
}

/**
 * Finds and loads a definition: a path, or a name under the pipelines/
 * folder (`ecommerce` → pipelines/ecommerce.yaml).
 */
export function loadDefinition(nameOrPath: string, options: { pipelinesDir: string }): { definition: JourneyDefinition; file: string } {
  const candidates = [
    resolve(nameOrPath),
    join(options.pipelinesDir, nameOrPath),
    join(options.pipelinesDir, `${nameOrPath}.yaml`),
    join(options.pipelinesDir, `${nameOrPath}.yml`),
  ];
  const file = candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith('/'));
  if (!file) {
    throw new DefinitionError(
      `no journey definition "${nameOrPath}": give a path to a YAML file or the name of one in ${options.pipelinesDir} (e.g. ecommerce)`,
    );
  }
  return { definition: parseDefinition(readFileSync(file, 'utf8'), file), file };
}
