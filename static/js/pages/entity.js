// entity.js - "/entities/{id}": who or what an entity is, how often each
// outlet mentions it, the entities it appears with, what it said, and the
// articles that mention it.

import {api} from '../api.js';
import {barRows} from '../chart.js';
import {h} from '../dom.js';
import {entityTypeLabel, formatDay, formatNumber, outletName, plural}
  from '../format.js';
import {claimItem} from './claims.js';

const ARTICLES_PAGE = 10;

function stat(value, label, className = 'stat') {
  return h('div', {class: className},
    h('dt', {}, label), h('dd', {}, value));
}

function articleItem(a) {
  return h('li', {class: 'result'},
    h('h3', {class: 'result-title'},
      h('a', {href: `articles/${a.id}`, class: a.title ? null : 'untitled'},
        a.title || `Untitled article, ${outletName(a.source)}`)),
    h('p', {class: 'meta'},
      h('span', {class: 'outlet'}, outletName(a.source)),
      a.published ? [' · ', h('time', {datetime: a.published},
                              formatDay(a.published))] : null,
      ` · ${plural(a.mention_count, 'mention')}`));
}

export async function mount(ctx) {
  const {signal, id} = ctx;
  const [entity, articles, said] = await Promise.all([
    api(`entities/${id}`, {}, signal),
    api(`entities/${id}/articles`, {limit: ARTICLES_PAGE}, signal),
    api('claims', {speaker: id, limit: 10}, signal),
  ]);

  const list = h('ol', {class: 'results'}, articles.items.map(articleItem));
  const more = h('button', {type: 'button', class: 'button-quiet'},
                 'More articles');
  let cursor = articles.next_cursor;
  more.hidden = !cursor;
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await api(`entities/${id}/articles`,
                             {limit: ARTICLES_PAGE, cursor}, signal);
      list.append(...page.items.map(articleItem));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      ctx.showError(more.parentElement, err);
    }
    more.disabled = false;
  });

  ctx.setTitle(entity.name);
  ctx.main.replaceChildren(h('div', {class: 'page page-entity'},
    h('header', {class: 'entity-header'},
      h('p', {class: `kicker type-${entity.type}`},
        entityTypeLabel(entity.type)),
      h('h1', {}, entity.name),
      entity.aliases.length
        ? h('p', {class: 'aliases'}, 'Also written ',
            entity.aliases.map((a, i) => [i ? ', ' : '',
                                          h('q', {class: 'alias'}, a)]))
        : null,
      h('dl', {class: 'stats'},
        stat(formatNumber(entity.mention_count), 'mentions'),
        stat(formatNumber(entity.article_count), 'articles'),
        stat(formatNumber(entity.source_count), 'outlets'),
        entity.first_published
          ? stat(entity.first_published === entity.last_published
                   ? formatDay(entity.first_published)
                   : `${formatDay(entity.first_published)} – ` +
                     formatDay(entity.last_published), 'covered',
                 'stat stat-range')
          : null),
      h('p', {class: 'entity-links'},
        h('a', {href: `claims?entity=${id}`},
          `Claims mentioning ${entity.name}`),
        h('a', {href: `timeline?entity=${id}`},
          `${entity.name} on the timeline`))),
    h('div', {class: 'entity-layout'},
      h('div', {class: 'entity-main'},
        said.items.length ? h('section', {'aria-labelledby': 'said-title'},
          h('h2', {id: 'said-title', class: 'section-title'},
            entity.type === 'person' ? `What ${entity.name} said`
                                     : `Attributed to ${entity.name}`),
          h('ul', {class: 'claim-list'},
            said.items.map((c) => claimItem(c, {speaker: false}))),
          said.next_cursor
            ? h('p', {}, h('a', {href: `claims?speaker=${id}`},
                           'Every claim'))
            : null) : null,
        h('section', {'aria-labelledby': 'articles-title'},
          h('h2', {id: 'articles-title', class: 'section-title'},
            'Articles'),
          list, more)),
      h('aside', {class: 'entity-aside', 'aria-label': 'Coverage'},
        h('section', {class: 'side-block'},
          h('h2', {class: 'side-title'}, 'Mentions per outlet'),
          barRows(entity.sources.map((s) => ({
            label: outletName(s.source),
            value: s.count,
            href: s.source
              ? `search?source=${encodeURIComponent(s.source)}` : null,
          })), `Mentions of ${entity.name} per outlet`)),
        entity.related.length ? h('section', {class: 'side-block'},
          h('h2', {class: 'side-title'}, 'Mentioned with'),
          h('ul', {class: 'side-list'}, entity.related.map((r) => h('li', {},
            h('a', {href: `entities/${r.id}`, class: `dot dot-${r.type}`,
                    title: entityTypeLabel(r.type)}, r.name),
            h('span', {class: 'count', title: 'sentences together'},
              formatNumber(r.count)))))) : null))));
}
