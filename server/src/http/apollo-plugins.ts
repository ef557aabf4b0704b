import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, Kind, OperationDefinitionNode, ValidationContext, ASTVisitor } from 'graphql';
import { resolveCaller, tokenTouchDue } from '../auth/caller';
import type { TokenUsage } from '../auth/token-usage';
import type { RequestContext } from '../graphql/context';
import { currentRequestStats, formatInserts } from '../db/request-stats';
import { apiError, asApiError } from '../errors/error-codes';
import { enforceComplexity, measureOperation } from './complexity';

/**
 * A query of nothing but `__typename` and introspection fields (`__schema`, `__type`) runs without
 * a token, so Sandbox can load the schema before one is pasted (README, The API in one page); it
 * reads no partner data. Anything else selected next to them needs the token.
 */
function onlyIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.operation === 'query' && operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/**
 * A validation rule: the schema has no Subscription type, and graphql-js would only notice at
 * execution ("Schema is not configured to execute subscription operation", a 500). Refused here
 * as the client's fault (GRAPHQL_VALIDATION_FAILED, 400).
 */
export function noSubscriptions(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation === 'subscription' && !context.getSchema().getSubscriptionType()) {
        context.reportError(new GraphQLError('This API has no subscriptions; send a query or a mutation.', { nodes: node }));
      }
    },
  };
}

/**
 * Runs once the operation is parsed and validated, before any resolver and before any SQL:
 * complexity limits first, then the caller (token lookup) and its role.
 */
export function accessPlugin(tokenUsage?: TokenUsage): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc: GraphQLRequestContext<RequestContext>) {
          const operation = rc.operation;
          if (!operation || !rc.document) return;
          enforceComplexity(measureOperation(rc.schema, rc.document, operation, rc.request.variables ?? {}));
          const ctx = rc.contextValue;
          if (!ctx.token) {
            if (onlyIntrospection(operation)) return;
            throw apiError('UNAUTHENTICATED', 'Send an API token: Authorization: Bearer <token>.');
          }
          try {
            ctx.caller = await resolveCaller(ctx.db, ctx.token);
          } catch (error) {
            throw asApiError(ctx.db.translate(error));
          }
          if (!ctx.caller) {
            ctx.authAttempt?.failed(); // charged to the client's address (rate-limit.ts)
            throw apiError('UNAUTHENTICATED', 'This API token is unknown, revoked or expired, or its admin is disabled.');
          }
          ctx.authAttempt?.authenticated();
          // Noted, not written: the background flush records it (see TokenUsage).
          if (tokenUsage && tokenTouchDue(ctx.caller)) tokenUsage.note(ctx.caller.token!.id);
          if (operation.operation === 'mutation' && !ctx.caller.canWrite) {
            throw apiError('FORBIDDEN', 'Your admin role is READ_ONLY: mutations need a FULL_ADMIN token.');
          }
        },
      };
    },
  };
}

/**
 * Internal faults answer 500 (GraphQL would say 200), are logged with their detail, and carry no
 * stack trace; the SQL statement count is exposed outside production for tests and benchmarks.
 */
export function responsePlugin(options: { exposeSqlCount: boolean }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(rc) {
          for (const error of rc.errors) {
            const code = error.extensions?.code;
            if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
              const original = (error as GraphQLError).originalError ?? error;
              rc.contextValue.log.error({ err: original, path: error.path, operation: rc.operationName }, 'internal error');
            }
          }
        },
        async willSendResponse(rc) {
          const http = rc.response.http;
          const body = rc.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          if (errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') && (http.status === undefined || http.status === 200)) {
            http.status = 500;
          }
          const stats = currentRequestStats();
          if (options.exposeSqlCount && stats) {
            http.headers.set('x-sql-statements', String(stats.statements));
            http.headers.set('x-sql-commits', String(stats.commits));
            // Only when something was inserted: an empty header on every read says nothing.
            if (stats.inserts.size > 0) http.headers.set('x-sql-inserts', formatInserts(stats));
          }
        },
      };
    },
  };
}
