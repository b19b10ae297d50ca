import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import subset from './openapi-subset.json' with { type: 'json' };

/** The request bodies the sandbox checks, by the OpenAPI schema name. */
export type RequestSchema = 'Message' | 'MarketingMessageRequestPayload';

/** A compiled validator: `undefined` when the body is valid, else the first problem, worded for a 100 error. */
export type BodyValidator = (body: unknown) => string | undefined;

/**
 * Compiles validators for send requests from Meta's OpenAPI v23 schemas, patched for its three
 * known faults (see `spec/extract-openapi-subset.mjs`). Ajv 8 in draft 2020-12 mode, the dialect
 * of the spec (`openapi: 3.1.0`); `strict: false` because the spec carries OpenAPI keywords
 * (`example`, `discriminator`) that are not JSON Schema.
 *
 * @returns One validator per request schema.
 */
export function createOpenApiValidators(): Record<RequestSchema, BodyValidator> {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ $id: 'whatsapp', ...subset });
  const compile = (name: RequestSchema): BodyValidator => {
    const validate: ValidateFunction = ajv.compile({ $ref: `whatsapp#/components/schemas/${name}` });
    return (body) => {
      if (validate(body)) return undefined;
      const first = validate.errors?.[0];
      // The path and the rule only: never the value, which may be a phone number or message text.
      return first ? `${first.instancePath || '(body)'} ${first.message ?? 'is invalid'}` : 'invalid body';
    };
  };
  return { Message: compile('Message'), MarketingMessageRequestPayload: compile('MarketingMessageRequestPayload') };
}
