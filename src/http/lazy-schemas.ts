import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Ajv, ErrorObject, Schema } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

export interface LazySchemas {
  /** The validators, compiled by `ajv`, each on its first use. */
  validatorCompiler: FastifySchemaCompiler<Schema>;
  /** Fastify's own serializer factory (fast-json-stringify), each serializer compiled on its first use. */
  buildSerializer: SerializerFactory;
  /** Compiles every schema not compiled yet; throws for the first that does not compile, naming its route. */
  compileAll(): void;
}

/**
 * Route schemas compiled on a route's first request rather than when the server starts. Fastify compiles a validator
 * for each part of each request and a serializer for each response status of every route as it registers them:
 * about 0.6 s of every start, for routes a process may never serve. Compiled here they are the same functions (the
 * same Ajv, Fastify's own serializer factory), only later; a route's first request pays its few milliseconds.
 * (fastify/fastify#6977 proposes this as an option of Fastify's own.)
 */
export function lazySchemas(ajv: Ajv): LazySchemas {
  /** What is not compiled yet, and for which route (`GET /api/v1/… querystring`). */
  const pending = new Map<() => unknown, string>();
  /** `compile` run once, on the first call of the function returned (or by compileAll). */
  const deferred = <F>(what: string, compile: () => F): (() => F) => {
    let compiled: F | undefined;
    const get = () => {
      if (compiled === undefined) {
        compiled = compile();
        pending.delete(get);
      }
      return compiled;
    };
    pending.set(get, what);
    return get;
  };
  return {
    validatorCompiler: ({ schema, method, url, httpPart }) => {
      const get = deferred(`${method} ${url} ${httpPart}`, () => ajv.compile(schema));
      // Fastify reads a failed validation's reasons from the function's `errors`, as Ajv leaves them.
      const validate = (data: unknown) => {
        const inner = get();
        const valid = inner(data);
        validate.errors = inner.errors;
        return valid;
      };
      validate.errors = undefined as ErrorObject[] | null | undefined;
      return validate;
    },
    buildSerializer: (externalSchemas, options) => {
      const compile = SerializerSelector()(externalSchemas, options);
      return (route) => {
        const get = deferred(`${route.method} ${route.url} ${route.httpStatus}`, () => compile(route));
        return (payload: unknown) => get()(payload);
      };
    },
    compileAll() {
      for (const [get, what] of [...pending]) {
        try {
          get();
        } catch (error) {
          throw new Error(`the schema of ${what} does not compile: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
    },
  };
}
