"""test_openapi.py - the served OpenAPI document against the contract and
the running server: every path and operation of API.md is described, every
documented query parameter is accepted, enums and bounds are enforced as
documented, and real responses validate against the response schemas.

usage: test_openapi.py PATH/TO/dossier
"""

import re

from harness import AUTH, Server, Tap, article

tap = Tap()
srv = Server(tap.binary)
DOC = srv.json('/api/v1/openapi.json')
OPERATIONS = {
    '/api/v1/articles': {'get', 'post'},
    '/api/v1/articles/{id}': {'get', 'delete'},
    '/api/v1/articles/{id}/annotations': {'get'},
    '/api/v1/entities': {'get'},
    '/api/v1/entities/{id}': {'get'},
    '/api/v1/entities/{id}/articles': {'get'},
    '/api/v1/claims': {'get'},
    '/api/v1/claims/{id}': {'get'},
    '/api/v1/claim-groups': {'get'},
    '/api/v1/claim-groups/{id}': {'get'},
    '/api/v1/timeline': {'get'},
    '/api/v1/timeline/volume': {'get'},
    '/api/v1/sources': {'get'},
    '/api/v1/health': {'get'},
    '/api/v1/openapi.json': {'get'},
}
# A valid value per parameter name, for the acceptance checks.
SAMPLE = {'q': 'Putin', 'source': 'Alwaght', 'since': '2021-12-01',
          'until': '2022-01-31', 'entity': '1', 'article': '1',
          'limit': '5', 'type': 'person', 'kind': 'quote', 'speaker': '1',
          'status': 'single', 'min_sources': '1', 'precision': 'day',
          'interval': 'week', 'sort': None, 'cursor': None}


def resolve(node):
    while isinstance(node, dict) and '$ref' in node:
        ptr = node['$ref']
        if not ptr.startswith('#/'):
            raise ValueError('external $ref %s' % ptr)
        node = DOC
        for part in ptr[2:].split('/'):
            node = node[part]
    return node


TYPES = {'object': dict, 'array': list, 'string': str, 'boolean': bool,
         'null': type(None)}


def type_ok(value, name):
    if name == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if name == 'number':
        return isinstance(value, (int, float)) and \
            not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value, schema, where='$'):
    """Errors of @value against a JSON Schema subset (what the document
    uses): $ref, allOf, oneOf, type, enum, properties, required,
    additionalProperties: false, items, bounds, pattern."""
    s = resolve(schema)
    errs = []
    for sub in s.get('allOf', []):
        errs += validate(value, sub, where)
    if 'oneOf' in s:
        ok = [sub for sub in s['oneOf'] if not validate(value, sub, where)]
        if len(ok) != 1:
            errs.append('%s: matches %d of oneOf' % (where, len(ok)))
    if 'type' in s:
        types = s['type'] if isinstance(s['type'], list) else [s['type']]
        if not any(type_ok(value, t) for t in types):
            return errs + ['%s: %r is not %s' % (where, value, types)]
    if 'enum' in s and value not in s['enum']:
        errs.append('%s: %r not in %s' % (where, value, s['enum']))
    if isinstance(value, dict):
        props = s.get('properties', {})
        for k in s.get('required', []):
            if k not in value:
                errs.append('%s: missing %s' % (where, k))
        for k, v in value.items():
            if k in props:
                errs += validate(v, props[k], '%s.%s' % (where, k))
            elif s.get('additionalProperties') is False:
                errs.append('%s: unexpected %s' % (where, k))
    if isinstance(value, list):
        if 'maxItems' in s and len(value) > s['maxItems']:
            errs.append('%s: more than %d items' % (where, s['maxItems']))
        for i, v in enumerate(value):
            errs += validate(v, s.get('items', {}), '%s[%d]' % (where, i))
    if type_ok(value, 'number'):
        if 'minimum' in s and value < s['minimum']:
            errs.append('%s: %r < %r' % (where, value, s['minimum']))
        if 'maximum' in s and value > s['maximum']:
            errs.append('%s: %r > %r' % (where, value, s['maximum']))
    if isinstance(value, str) and 'pattern' in s and \
            not re.search(s['pattern'], value):
        errs.append('%s: %r does not match %s' % (where, value,
                                                  s['pattern']))
    return errs


def operation(path, method):
    return DOC['paths'][path][method]


def parameters(path, method):
    item = DOC['paths'][path]
    return [resolve(p) for p in item.get('parameters', []) +
            item[method].get('parameters', [])]


def response_schema(path, method, status):
    r = resolve(operation(path, method)['responses'][str(status)])
    return r['content']['application/json']['schema']


def check(t, res, path, method, name):
    """Validate a response against the document."""
    responses = operation(path, method)['responses']
    t.ok(str(res.status) in responses, '%s: status %d is documented'
         % (name, res.status), sorted(responses))
    if str(res.status) not in responses or not res.body:
        return
    errs = validate(res.json(), response_schema(path, method, res.status))
    t.ok(not errs, '%s: body matches the %d schema' % (name, res.status),
         *errs[:5])


def first_id(path):
    items = srv.json(path, {'limit': 1})['items']
    return items[0]['id'] if items else None


IDS = {'/api/v1/articles/{id}': first_id('/api/v1/articles'),
       '/api/v1/entities/{id}': first_id('/api/v1/entities'),
       '/api/v1/claims/{id}': first_id('/api/v1/claims'),
       '/api/v1/claim-groups/{id}': first_id('/api/v1/claim-groups')}


def concrete(path, id_=None):
    base = path.split('{id}')[0] + '{id}'
    return path.replace('{id}', str(id_ if id_ is not None
                                    else IDS.get(base)))


@tap.test
def document(t):
    t.ok(DOC.get('openapi', '').startswith('3.1'), 'openapi 3.1.x')
    t.ok(DOC.get('info', {}).get('title') and
         DOC['info'].get('version'), 'info title and version')
    for path, methods in OPERATIONS.items():
        item = DOC['paths'].get(path)
        if not t.ok(item, '%s is described' % path):
            continue
        t.ok(methods <= set(item), '%s: operations %s' % (
            path, ', '.join(sorted(methods))), sorted(item))
        for m in methods:
            op = item.get(m, {})
            t.ok(op.get('responses'), '%s %s: responses' % (m.upper(), path))
            if '{id}' in path:
                t.ok(any(p['name'] == 'id' and p['in'] == 'path'
                         for p in parameters(path, m)),
                     '%s %s: the id path parameter' % (m.upper(), path))
    err = resolve({'$ref': '#/components/schemas/Error'})
    t.ok(err.get('properties', {}).get('error'),
         'components.schemas.Error is the error envelope')
    bad = []
    for path, item in DOC['paths'].items():
        for m, op in item.items():
            if m == 'parameters':
                continue
            for code, r in op['responses'].items():
                if int(code) >= 400 and path.startswith('/api/') and \
                        path != '/api/v1/health':
                    sch = resolve(r)['content']['application/json']['schema']
                    if resolve(sch) is not err:
                        bad.append('%s %s %s' % (m, path, code))
    t.ok(not bad, 'every error response uses the Error schema', *bad)
    schemes = DOC.get('components', {}).get('securitySchemes', {})
    bearer = [k for k, v in schemes.items()
              if v.get('type') == 'http' and v.get('scheme') == 'bearer']
    t.ok(bearer, 'an http bearer security scheme')
    for path, m in [('/api/v1/articles', 'post'),
                    ('/api/v1/articles/{id}', 'delete')]:
        sec = operation(path, m).get('security', [])
        t.ok(any(set(s) & set(bearer) for s in sec),
             '%s %s requires the bearer scheme' % (m.upper(), path))
        t.ok({'401', '403'} <= set(operation(path, m)['responses']),
             '%s %s documents 401 and 403' % (m.upper(), path))
    t.ok(not operation('/api/v1/articles', 'get').get('security'),
         'reads need no token')
    body = operation('/api/v1/articles', 'post').get('requestBody', {})
    t.ok({'application/json', 'application/x-ndjson'} <=
         set(body.get('content', {})), 'POST body: JSON and NDJSON')


@tap.test
def parameters_match_the_server(t):
    for path in OPERATIONS:
        if 'get' not in OPERATIONS[path]:
            continue
        url = concrete(path)
        for p in parameters(path, 'get'):
            if p['in'] != 'query':
                continue
            name, schema = p['name'], resolve(p['schema'])
            value = SAMPLE.get(name)
            if 'enum' in schema:
                for v in schema['enum']:
                    params = {name: v}
                    if name == 'sort' and v == 'relevance':
                        params['q'] = 'Putin'
                    r = srv.get(url, params)
                    t.status(r, 200, 'GET %s %s=%s (documented enum)'
                             % (path, name, v))
                r = srv.get(url, {name: 'not-a-value'})
                t.error(r, 400, 'invalid_parameter', 'GET %s %s outside '
                        'the enum' % (path, name), name)
                continue
            if value is not None:
                r = srv.get(url, {name: value})
                t.status(r, 200, 'GET %s accepts documented %s' % (path,
                                                                   name))
            if schema.get('type') == 'integer':
                for bound, delta in (('minimum', -1), ('maximum', 1)):
                    if bound in schema:
                        r = srv.get(url, {name: schema[bound] + delta})
                        t.error(r, 400, 'invalid_parameter',
                                'GET %s %s=%d (past the documented %s)'
                                % (path, name, schema[bound] + delta,
                                   bound), name)
                        r = srv.get(url, {name: schema[bound]})
                        t.status(r, 200, 'GET %s %s=%d (the %s)'
                                 % (path, name, schema[bound], bound))
        r = srv.get(url, {'undocumented': '1'})
        t.error(r, 400, 'unknown_parameter', 'GET %s with an undocumented '
                'parameter' % path, 'undocumented')


@tap.test
def responses_match_the_schemas(t):
    for path in OPERATIONS:
        if 'get' not in OPERATIONS[path]:
            continue
        if '{id}' in path and IDS.get(path.split('{id}')[0] + '{id}') is None:
            t.ok(False, 'needs extraction: an id for %s' % path)
            continue
        url = concrete(path)
        params = {'limit': 100} if any(
            p['name'] == 'limit' for p in parameters(path, 'get')) else None
        check(t, srv.get(url, params), path, 'get', 'GET %s' % url)
        if path == '/api/v1/articles':
            check(t, srv.get(url, {'q': 'troops'}), path, 'get',
                  'GET %s?q=troops' % url)
        if params:
            check(t, srv.get(url, {'limit': 0}), path, 'get',
                  'GET %s?limit=0' % url)
        if '{id}' in path:
            check(t, srv.get(concrete(path, 999999)), path, 'get',
                  'GET %s' % concrete(path, 999999))
    for interval in ('week', 'month'):
        check(t, srv.get('/api/v1/timeline/volume', {'interval': interval}),
              '/api/v1/timeline/volume', 'get', 'volume ' + interval)
    a = article('OpenAPI check: the council of Brask met on Monday.')
    r = srv.post('/api/v1/articles', [a, {'title': 'no body'}], AUTH)
    check(t, r, '/api/v1/articles', 'post', 'POST /articles (201)')
    for headers, name in [({}, '401'), (dict(AUTH, **{
            'Content-Type': 'text/plain'}), '415')]:
        r = srv.request('POST', '/api/v1/articles', body=b'{}',
                        headers=headers)
        check(t, r, '/api/v1/articles', 'post', 'POST /articles (%s)' % name)
    r = srv.post('/api/v1/articles', '{bad', dict(AUTH, **{
        'Content-Type': 'application/json'}))
    check(t, r, '/api/v1/articles', 'post', 'POST /articles (400)')
    new = srv.json('/api/v1/articles', {'sort': 'id', 'limit': 100})[
        'items'][-1]['id']
    r = srv.delete('/api/v1/articles/%d' % new, AUTH)
    check(t, r, '/api/v1/articles/{id}', 'delete', 'DELETE (204)')
    r = srv.delete('/api/v1/articles/%d' % new, AUTH)
    check(t, r, '/api/v1/articles/{id}', 'delete', 'DELETE (404)')


tap.main()
