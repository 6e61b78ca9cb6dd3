import { describe, expect, it } from 'vitest';
import { route } from './router.ts';

const routes = [
  ['GET', /^\/repos$/, 'list'],
  ['POST', /^\/repos$/, 'create'],
  ['GET', /^\/repos\/([^/]+)$/, 'get'],
  ['DELETE', /^\/repos\/([^/]+)$/, 'delete'],
] as const;

describe('the method router', () => {
  it('finds the handler for the method and path, with the pattern groups', () => {
    expect(route(routes, 'POST', '/repos')).toEqual({ handler: 'create', params: [] });
    expect(route(routes, 'DELETE', '/repos/demo')).toEqual({ handler: 'delete', params: ['demo'] });
  });

  it('answers HEAD with the GET entry', () => {
    expect(route(routes, 'HEAD', '/repos/demo')).toEqual({ handler: 'get', params: ['demo'] });
  });

  it('lists what a known path answers for another method (405), and nothing for an unknown path (404)', () => {
    expect(route(routes, 'PUT', '/repos')).toEqual({ allow: 'GET, HEAD, POST' });
    expect(route(routes, 'PATCH', '/repos/demo')).toEqual({ allow: 'GET, HEAD, DELETE' });
    expect(route(routes, 'GET', '/elsewhere')).toBeNull();
  });
});
