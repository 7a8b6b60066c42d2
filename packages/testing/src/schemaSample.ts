type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * The simplest value a JSON Schema accepts (as zod's `toJSONSchema` writes them): every property,
 * the first enum or const, the minimum number, `minItems` copies; strings are `text`.
 */
export function sampleFromSchema(schema: JsonSchema, text: string): unknown {
  return sample(schema, text, schema);
}

function sample(schema: JsonSchema, text: string, root: JsonSchema): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), text, root);
  if ('default' in schema) return schema.default;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && isSchema(alternatives[0])) {
    return sample(alternatives[0], text, root);
  }
  switch (firstType(schema.type)) {
    case 'object':
      return sampleObject(schema, text, root);
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = isSchema(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => sample(items, text, root));
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number'
        ? schema.minimum
        : typeof schema.exclusiveMinimum === 'number'
          ? schema.exclusiveMinimum + 1
          : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return typeof schema.minLength === 'number' && text.length < schema.minLength
        ? text.padEnd(schema.minLength, '.')
        : typeof schema.maxLength === 'number'
          ? text.slice(0, schema.maxLength)
          : text;
  }
}

function sampleObject(schema: JsonSchema, text: string, root: JsonSchema): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const value: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (isSchema(property)) value[key] = sample(property, text, root);
  }
  return value;
}

/** `#/$defs/Name` and `#/definitions/Name`, the local references zod writes. */
function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = isSchema(node) ? node[part] : undefined;
  }
  return isSchema(node) ? node : {};
}

function firstType(type: unknown): unknown {
  return Array.isArray(type) ? type.find((t) => t !== 'null') : type;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
