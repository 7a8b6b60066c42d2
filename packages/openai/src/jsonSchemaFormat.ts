import type { ResponseFormatSpec } from '@agentmint/core';

/** The `json_schema` format body both OpenAI APIs take (Responses `text.format`, Chat `response_format`). */
export function toJsonSchemaFormat(spec: ResponseFormatSpec) {
  return {
    name: spec.name,
    schema: { ...spec.schema },
    // zod's optional fields do not fit strict mode; the run validates the answer against the schema.
    strict: false,
  };
}
