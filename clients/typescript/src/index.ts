// The typed client the internal frontends use: paths and schemas generated from the OpenAPI document
// (src/schema.d.ts, regenerated with `npm run generate` against a running API and checked by the
// .NET test suite), wired to openapi-fetch.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";
export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

/** A client for one caller: every request carries the bearer token when one is given. */
export function createApiClient(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
