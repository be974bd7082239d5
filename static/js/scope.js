// scope.js - the line above a filtered list that says what it is limited
// to ("By Joe Biden · from Daily Mail") with a link back to everything.

import {api} from './api.js';
import {h} from './dom.js';

// The filters that narrow a list to one entity, speaker, article or
// outlet, and how each reads.
const SCOPES = [
  {param: 'speaker', words: 'said by',
   name: async (id, signal) => (await api(`entities/${id}`, {}, signal)).name},
  {param: 'entity', words: 'mentioning',
   name: async (id, signal) => (await api(`entities/${id}`, {}, signal)).name},
  {param: 'article', words: 'in',
   name: async (id, signal) =>
     (await api(`articles/${id}`, {}, signal)).title || `article ${id}`},
  {param: 'source', words: 'from', name: async (source) => source},
];

// A paragraph naming the scope of @params (an object of filters) with a
// link to @page without them, or null when nothing narrows the list.
export async function scopeNote(params, page, signal) {
  const parts = await Promise.all(SCOPES.filter((s) => params[s.param])
    .map(async (s) => {
      const id = params[s.param];
      const name = await s.name(id, signal).catch(() => id);
      const href = s.param === 'speaker' || s.param === 'entity'
        ? `entities/${id}` : s.param === 'article' ? `articles/${id}` : null;
      return [`${s.words} `, href ? h('a', {href}, name)
                                   : h('strong', {}, name)];
    }));
  if (!parts.length) return null;
  return h('p', {class: 'scope-note'}, 'Only those ',
    parts.map((p, i) => [i ? ', ' : '', p]), ' · ',
    h('a', {href: page}, 'show all'));
}
