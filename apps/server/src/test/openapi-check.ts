import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';

/**
 * Test helper: the admin API's OpenAPI 3.1 document checked by an OpenAPI validator, and responses checked against
 * the schema the document gives for their operation and status (JSON Schema 2020-12 through Ajv).
 */
type Doc = Record<string, unknown> & { readonly paths: Record<string, Record<string, unknown>> };

export const validateOpenApi = async (doc: unknown): Promise<{ readonly valid: boolean; readonly version: string; readonly errors: unknown }> => {
  const validator = new Validator();
  const result = await validator.validate(doc as Record<string, unknown>);
  return { valid: result.valid, version: validator.version, errors: result.errors };
};

const templateMatches = (template: string, path: string): boolean => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path);

const resolve = (doc: Doc, node: unknown): Record<string, unknown> => {
  let current = node as Record<string, unknown>;
  while (typeof current['$ref'] === 'string') {
    const pointer = (current['$ref']).replace(/^#\//, '').split('/');
    current = pointer.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
  }
  return current;
};

export const responseChecker = (doc: Doc) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi');
  /** Returns the validation errors (empty when the response matches its documented status and schema). */
  return (method: string, path: string, status: number, body: unknown): readonly string[] => {
    const template = Object.keys(doc.paths).find((t) => templateMatches(t, path));
    if (template === undefined) return [`undocumented path ${path}`];
    const operation = doc.paths[template]?.[method.toLowerCase()] as { responses: Record<string, unknown> } | undefined;
    if (operation === undefined) return [`undocumented operation ${method} ${template}`];
    const response = operation.responses[String(status)];
    if (response === undefined) return [`undocumented status ${status} for ${method} ${template}`];
    const content = resolve(doc, response)['content'] as Record<string, { schema: unknown }> | undefined;
    if (content === undefined) return body === undefined ? [] : [`${method} ${template} ${status} documents no body`];
    const schema = content['application/json']?.schema as Record<string, unknown>;
    const ref = typeof schema['$ref'] === 'string' ? `openapi${schema['$ref']}` : undefined;
    const validate = ref === undefined ? ajv.compile({ ...schema, $defs: {} }) : ajv.getSchema(ref);
    if (validate === undefined) return [`cannot compile the schema of ${method} ${template} ${status}`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
};
