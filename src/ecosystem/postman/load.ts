/**
 * Reading what `import postman` and `run --plan COLLECTION` are given: a collection (a v2.0 /
 * v2.1 JSON file, or a v3 directory), and environment or globals files (JSON as Postman
 * exports them, or v3 YAML).
 */
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import {
  CollectionError,
  type KeyValue,
  type PostmanCollection,
  readCollection,
  readEnvironment,
} from './collection.js';
import { isV3Collection, readCollectionDirectory } from './collection-v3.js';

/** Read a collection file or directory; throws CollectionError. */
export async function loadCollection(source: string): Promise<PostmanCollection> {
  if (await isV3Collection(source)) return readCollectionDirectory(source);
  if ((await stat(source).catch(() => undefined))?.isDirectory())
    throw new CollectionError(
      `${source} is a directory without *.request.yaml files or a .resources/definition.yaml`,
    );
  return readCollection(await readData(source));
}

/** Read an environment or globals file's values; throws CollectionError. */
export async function loadVariables(file: string): Promise<KeyValue[]> {
  return readEnvironment(await readData(file));
}

/** Whether `source` is a Postman collection (so `run --plan` converts it first). */
export async function isCollectionSource(source: string): Promise<boolean> {
  if (await isV3Collection(source)) return true;
  if (!source.endsWith('.json')) return false;
  try {
    const schema = (JSON.parse(await readFile(source, 'utf8')) as { info?: { schema?: unknown } } | null)
      ?.info?.schema;
    return typeof schema === 'string' && /getpostman\.com|schema\.postman\.com/.test(schema);
  } catch {
    return false;
  }
}

async function readData(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CollectionError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return /\.ya?ml$/.test(file) ? parse(text) : JSON.parse(text);
  } catch (error) {
    throw new CollectionError(
      `${file} is not valid ${/\.ya?ml$/.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
