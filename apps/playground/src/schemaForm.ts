/** A factory input control, derived from the JSON Schema that `agents.list` returns. */
export interface SchemaField {
  readonly name: string;
  /** Path inside factoryInput, e.g. ['address', 'city']; also the path of the server's issues. */
  readonly path: readonly string[];
  readonly kind: 'enum' | 'number' | 'integer' | 'boolean' | 'string' | 'object' | 'json';
  readonly options: readonly string[];
  readonly required: boolean;
  readonly description: string | undefined;
  readonly defaultValue: unknown;
  readonly children: readonly SchemaField[];
}

type JsonSchema = Readonly<Record<string, unknown>>;

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value !== null ? (value as JsonSchema) : {};

/** The fields of an object schema, in declaration order; `[]` for anything else. */
export function schemaFields(schema: unknown, path: readonly string[] = []): SchemaField[] {
  const object = asSchema(schema);
  const properties = asSchema(object.properties);
  const required = new Set(Array.isArray(object.required) ? object.required : []);
  return Object.entries(properties).map(([name, value]) =>
    schemaField(name, [...path, name], asSchema(value), required.has(name)),
  );
}

function schemaField(
  name: string,
  path: readonly string[],
  schema: JsonSchema,
  required: boolean,
): SchemaField {
  const field = {
    name,
    path,
    required,
    description: typeof schema.description === 'string' ? schema.description : undefined,
    defaultValue: schema.default,
    options: [] as string[],
    children: [] as SchemaField[],
  };
  if (Array.isArray(schema.enum) && schema.enum.every((option) => typeof option === 'string')) {
    return { ...field, kind: 'enum', options: schema.enum };
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
    case 'boolean':
    case 'string':
      return { ...field, kind: schema.type };
    case 'object':
      return { ...field, kind: 'object', children: schemaFields(schema, path) };
    default:
      // Unions, arrays, records: edited as JSON text.
      return { ...field, kind: 'json' };
  }
}

/** What the form holds: strings as typed (numbers and JSON parsed on submit), booleans, objects. */
export type FormValues = { readonly [name: string]: FormValue };
export type FormValue = string | boolean | FormValues;

/** The form's first values: each field's default, else empty (a boolean: false). */
export function initialValues(fields: readonly SchemaField[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, initialValue(field)]));
}

function initialValue(field: SchemaField): FormValue {
  if (field.kind === 'object') {
    return { ...initialValues(field.children), ...defaultObject(field.defaultValue) };
  }
  if (field.kind === 'boolean') return field.defaultValue === true;
  if (field.defaultValue === undefined)
    return field.kind === 'enum' && field.required ? (field.options[0] ?? '') : '';
  return field.kind === 'json' ? JSON.stringify(field.defaultValue) : String(field.defaultValue);
}

function defaultObject(value: unknown): FormValues {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      typeof inner === 'boolean'
        ? inner
        : typeof inner === 'object'
          ? JSON.stringify(inner)
          : String(inner),
    ]),
  );
}

/**
 * The factoryInput to send: empty optional fields left out (the schema's defaults apply), numbers
 * parsed. A value that does not parse is sent as typed, so the server's issue lands on its field.
 */
export function factoryInputFrom(
  fields: readonly SchemaField[],
  values: FormValues,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'object') {
      const inner = factoryInputFrom(field.children, typeof value === 'object' ? value : {});
      if (field.required || Object.keys(inner).length > 0) input[field.name] = inner;
      continue;
    }
    if (field.kind === 'boolean') {
      input[field.name] = value === true;
      continue;
    }
    if (typeof value !== 'string' || value === '') continue;
    if (field.kind === 'number' || field.kind === 'integer') {
      const number = Number(value);
      input[field.name] = Number.isFinite(number) ? number : value;
    } else if (field.kind === 'json') {
      input[field.name] = parseJson(value);
    } else {
      input[field.name] = value;
    }
  }
  return input;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `['factoryInput', 'depth']` → `'depth'`: the key an inline error is shown under. */
export function issueKey(path: readonly (string | number)[]): string {
  const inner = path[0] === 'factoryInput' ? path.slice(1) : path;
  return inner.join('.');
}
