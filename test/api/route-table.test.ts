// The route table itself: every route names its scope or says it is public, no two share a method
// and path, scoped routes sit under /v1 (behind the API keys), and the OpenAPI document has each.
import { buildOpenApiDocument, openApiPath } from '../../src/api/openapi';
import { SCOPES } from '../../src/contracts/scopes';
import { ROUTE_LIST } from '../../src/contracts/routes';
import { STATE_ACTIONS } from '../../src/programs/program-states';

const name = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

test('every route has a scope or is declared public', () => {
  for (const route of ROUTE_LIST) expect([...SCOPES, 'public']).toContain(route.scope);
});

test('no two routes share a method and path', () => {
  const names = ROUTE_LIST.map(name);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
});

test('scoped routes live under /v1, where the API keys are checked', () => {
  expect(ROUTE_LIST.filter((r) => r.scope !== 'public' && !r.path.startsWith('/v1/')).map(name)).toEqual([]);
});

test('a route that declares its params declares every one its path names', () => {
  for (const route of ROUTE_LIST.filter((r) => r.params)) {
    const named = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
    expect({ route: name(route), params: Object.keys(route.params!.shape).sort() }).toEqual({
      route: name(route),
      params: named.sort(),
    });
  }
});

test('the OpenAPI document has every route, with its scope', () => {
  const doc = buildOpenApiDocument();
  for (const route of ROUTE_LIST) {
    const op = doc.paths?.[openApiPath(route.path)]?.[route.method];
    expect({ route: name(route), documented: op !== undefined }).toEqual({ route: name(route), documented: true });
    expect(op?.['x-required-scope']).toBe(route.scope === 'public' ? undefined : route.scope);
  }
});

test('every program state action has its route', () => {
  const names = ROUTE_LIST.map(name);
  for (const action of STATE_ACTIONS) expect(names).toContain(`POST /v1/programs/:id/${action}`);
});
