// timeline.js - "/timeline": the events the articles date, on a time axis
// drawn as SVG, each with its outlets and sentences; above it the coverage
// volume (articles per day). Filters live in the URL.

import {api, apiAll} from '../api.js';
import {responsive, volumeChart} from '../chart.js';
import {h, svg} from '../dom.js';
import {scopeNote} from '../scope.js';
import {formatEventDate, formatNumber, outletName, plural, timexRange}
  from '../format.js';

const DAY = 864e5;
const FILTERS = ['since', 'until', 'precision', 'entity', 'source'];
const yearFmt = new Intl.DateTimeFormat('en-GB', {year: 'numeric',
                                                  timeZone: 'UTC'});
const monthFmt = new Intl.DateTimeFormat('en-GB', {month: 'short',
                                                   year: 'numeric',
                                                   timeZone: 'UTC'});
const dayFmt = new Intl.DateTimeFormat('en-GB', {day: 'numeric',
                                                 month: 'short',
                                                 timeZone: 'UTC'});

// Tick steps from coarse to fine: the finest one giving labels at least
// MIN_TICK_PX apart is used.
const MIN_TICK_PX = 64;
const TICKS = [
  {fmt: yearFmt, approx: 365 * DAY, sizes: [10, 5, 2, 1],
   floor: (d) => Date.UTC(d.getUTCFullYear(), 0, 1),
   step: (t, n) => addMonths(t, 12 * n)},
  {fmt: monthFmt, approx: 30.4 * DAY, sizes: [6, 3, 1],
   floor: (d) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
   step: (t, n) => addMonths(t, n)},
  {fmt: dayFmt, approx: DAY, sizes: [14, 7, 2, 1],
   floor: (d) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(),
                          d.getUTCDate()),
   step: (t, n) => t + n * DAY},
];

// Events further apart than this start a new stretch of the axis; the
// empty time between stretches is drawn as a break.
const MAX_GAP = 45 * DAY;
const MIN_STRETCH_PX = 48;

function addMonths(t, n) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}

// Tick times and labels for a stretch [lo, hi] drawn @pxPerMs.
function ticks(lo, hi, pxPerMs) {
  let choice = null;
  for (const unit of TICKS)
    for (const size of unit.sizes)
      if (unit.approx * size * pxPerMs >= MIN_TICK_PX) choice = {unit, size};
  if (!choice) return [];
  const {unit, size} = choice;
  const out = [];
  for (let t = unit.floor(new Date(lo)); t <= hi; t = unit.step(t, size))
    if (t >= lo) out.push({t, label: unit.fmt.format(new Date(t))});
  return out;
}

// Splits the sorted event times into stretches and lays them out over
// @width px: a stretch with one date gets just room for its label, the
// others share the rest by their number of events. Returns the stretches
// ({lo, hi, x0, x1, scale}) and the breaks' x positions.
function layout(placed, width, narrow) {
  const breakPx = narrow ? 18 : 28;
  const stretches = [];
  for (const p of placed) {
    const last = stretches[stretches.length - 1];
    if (last && p.t - last.hi <= MAX_GAP) {
      last.hi = p.t;
      last.count++;
    } else {
      stretches.push({lo: p.t, hi: p.t, count: 1, label: p.label});
    }
  }
  const singleWidth = (s) => Math.max(narrow ? 34 : 56,
                                     s.label.length * 7 + 10);
  const minWidth = (s) => s.lo === s.hi ? singleWidth(s) : MIN_STRETCH_PX;
  const need = () => stretches.reduce((n, s) => n + minWidth(s) + breakPx,
                                      -breakPx);
  // Too many stretches for the width: merge the lightest neighbours,
  // sparing the busiest stretch, until they fit.
  while (stretches.length > 1 && need() > width * 0.6) {
    const busiest = Math.max(...stretches.map((s) => s.count));
    let best = -1;
    for (let i = 0; i + 1 < stretches.length; i++) {
      const [a, b] = [stretches[i], stretches[i + 1]];
      if (a.count === busiest || b.count === busiest) continue;
      if (best < 0 || a.count + b.count <
          stretches[best].count + stretches[best + 1].count)
        best = i;
    }
    if (best < 0) best = 0;
    const [a, b] = stretches.splice(best, 2);
    stretches.splice(best, 0, {lo: a.lo, hi: b.hi, count: a.count + b.count,
                               label: a.label});
  }
  let fixed = breakPx * (stretches.length - 1);
  let weight = 0;
  for (const s of stretches) {
    if (s.lo === s.hi) {
      s.width = singleWidth(s);
      fixed += s.width;
    } else {
      weight += s.count;
    }
  }
  const free = Math.max(0, width - fixed);
  for (const s of stretches)
    if (s.lo !== s.hi)
      s.width = Math.max(MIN_STRETCH_PX, (free * s.count) / weight);
  const sum = stretches.reduce((n, s) => n + s.width, 0);
  const fit = Math.min(1, (width - breakPx * (stretches.length - 1)) / sum);
  let x = 0;
  const breaks = [];
  for (const s of stretches) {
    s.width *= fit;
    s.x0 = x;
    s.x1 = x + s.width;
    const pad = Math.min(14, s.width / 4);
    const span = s.hi - s.lo;
    s.scale = span ? (t) => s.x0 + pad + ((t - s.lo) / span) *
                                       (s.width - 2 * pad)
                   : () => s.x0 + s.width / 2;
    s.pxPerMs = span ? (s.width - 2 * pad) / span : 0;
    x = s.x1 + breakPx;
    breaks.push(s.x1 + breakPx / 2);
  }
  breaks.pop();
  return {stretches, breaks, total: x - breakPx};
}

// A stretch's ticks ({x, label}): its date when it has one, else ticks
// at round times, else (too narrow for any) the years it covers.
function stretchTicks(s) {
  if (s.lo === s.hi) return [{x: s.scale(s.lo), label: s.label}];
  const round = ticks(s.lo, s.hi, s.pxPerMs);
  if (round.length)
    return round.map((tick) => ({x: s.scale(tick.t), label: tick.label}));
  const [from, to] = [yearFmt.format(s.lo), yearFmt.format(s.hi)];
  return [{x: (s.x0 + s.x1) / 2, label: from === to ? from
                                                      : `${from}–${to}`}];
}

// The events on a time axis @width px wide: a dot per event (bigger with
// more outlets), stacked where they would overlap; long empty spans of
// time are cut out and shown as breaks.
function axis(events, width) {
  const placed = events.map((e) => {
    const range = timexRange(e.date);
    return range && {e, t: range[0],
                     label: formatEventDate(e.date, e.precision)};
  }).filter(Boolean).sort((a, b) => a.t - b.t);
  if (!placed.length) return h('p', {class: 'muted'},
                               'None of these events has a calendar date.');
  const narrow = width < 600;
  const {stretches, breaks, total} = layout(placed, width, narrow);
  const shift = Math.max(0, (width - total) / 2);
  const laneEnds = [];
  const dots = placed.map((p) => {
    const stretch = stretches.find((s) => p.t >= s.lo && p.t <= s.hi);
    const r = 4 + Math.min(p.e.source_count, 5);
    const x = shift + stretch.scale(p.t);
    let lane = laneEnds.findIndex((end) => end < x - r);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = x + r;
    return {...p, x, r, lane};
  });
  const laneHeight = 20;
  const axisY = 8 + laneEnds.length * laneHeight;
  const height = axisY + 28;
  const tickMark = (x, label) => svg('g', {class: 'tick-mark'},
    svg('line', {x1: x, x2: x, y1: axisY, y2: axisY + 5}),
    svg('text', {x, y: axisY + 19, class: 'tick'}, label));

  return svg('svg', {
    class: 'chart timeline-axis', width, height,
    viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': `${plural(placed.length, 'event')} on a time axis`},
    stretches.map((s) => [
      svg('line', {x1: shift + s.x0, x2: shift + s.x1, y1: axisY,
                   y2: axisY, class: 'axis'}),
      stretchTicks(s).map((tick) => tickMark(shift + tick.x, tick.label))]),
    breaks.map((x) => svg('path', {
      class: 'axis-break',
      d: `M${shift + x - 5} ${axisY + 5} l4 -10 M${shift + x + 1} ` +
         `${axisY + 5} l4 -10`})),
    dots.map((d) => {
      const name = `${d.label}: ${d.e.label} ` +
                   `(${plural(d.e.source_count, 'outlet')})`;
      return svg('a', {href: `#event-${d.e.id}`, class: 'event-dot',
                       'aria-label': name},
        svg('title', {}, name),
        svg('circle', {cx: d.x, cy: axisY - laneHeight / 2 -
                                    d.lane * laneHeight,
                       r: d.r, class: `precision-${d.e.precision}`}));
    }));
}

// The sentence with the dating expression marked.
function mentionText(m) {
  const at = m.timex ? m.text.indexOf(m.timex) : -1;
  if (at < 0) return m.text;
  return [m.text.slice(0, at), h('mark', {}, m.timex),
          m.text.slice(at + m.timex.length)];
}

function eventItem(e) {
  const valid = /^\d{4}(-\d\d(-\d\d)?)?$/.test(e.date);
  return h('li', {class: 'event', id: `event-${e.id}`},
    h('article', {'aria-labelledby': `event-title-${e.id}`},
      h('p', {class: 'event-date'},
        h(valid ? 'time' : 'span', {datetime: valid ? e.date : null},
          formatEventDate(e.date, e.precision))),
      h('h3', {id: `event-title-${e.id}`, class: 'event-label'}, e.label),
      h('p', {class: 'meta'}, plural(e.source_count, 'outlet'),
        e.entities.length ? [' · ', e.entities.map((en, i) => [i ? ', ' : '',
          h('a', {href: `entities/${en.id}`}, en.name)])] : null),
      h('ul', {class: 'mentions'}, e.mentions.map((m) => h('li', {},
        h('blockquote', {}, h('p', {}, mentionText(m))),
        h('p', {class: 'mention-source'},
          h('a', {href: `articles/${m.article_id}`},
            outletName(m.source))))))));
}

function textField(id, label, value, hint) {
  return h('div', {class: 'field'},
    h('label', {for: id}, label),
    h('input', {id, name: id.slice(2), type: 'text', value: value || '',
                inputmode: 'numeric', placeholder: hint, size: 10,
                pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?'}));
}

export async function mount(ctx) {
  const params = {};
  for (const f of FILTERS) if (ctx.params.get(f)) params[f] = ctx.params.get(f);
  const precision = h('select', {id: 't-precision', name: 'precision'},
    [['', 'Any'], ['year', 'Year or finer'], ['month', 'Month or finer'],
     ['day', 'Day or finer']].map(([v, label]) => h('option', {
      value: v, selected: v === (params.precision || '')}, label)));
  const form = h('form', {class: 'filters timeline-filters',
                          action: 'timeline'},
    textField('t-since', 'From', params.since, 'YYYY-MM-DD'),
    textField('t-until', 'To', params.until, 'YYYY-MM-DD'),
    h('div', {class: 'field'}, h('label', {for: 't-precision'}, 'Precision'),
      precision),
    h('button', {type: 'submit'}, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (k === 'entity' || k === 'source') next.set(k, v);
    for (const [k, v] of new FormData(form)) if (v) next.set(k, v.trim());
    const query = next.toString();
    ctx.navigate(query ? `timeline?${query}` : 'timeline');
  });
  precision.addEventListener('change', () => form.requestSubmit());

  const [events, volume, note] = await Promise.all([
    apiAll('timeline', params, ctx.signal),
    api('timeline/volume', {source: params.source, entity: params.entity},
        ctx.signal),
    scopeNote({entity: params.entity, source: params.source}, 'timeline',
              ctx.signal),
  ]);

  const volumeBox = h('div', {class: 'chart-box'});
  const axisBox = h('div', {class: 'chart-box'});
  ctx.setTitle('Timeline');
  ctx.main.replaceChildren(h('div', {class: 'page page-timeline'},
    h('h1', {class: 'page-title'}, 'Timeline'),
    h('p', {class: 'lede'},
      'The dates the articles name, merged across outlets, and how much ',
      'was published each day.'),
    form, note,
    h('section', {'aria-labelledby': 'volume-title', class: 'volume'},
      h('h2', {id: 'volume-title', class: 'section-title'}, 'Coverage'),
      h('figure', {},
        volumeBox,
        h('figcaption', {}, 'Articles published per day',
          volume.buckets.length ? ` (${formatNumber(volume.buckets.reduce(
            (n, b) => n + b.count, 0))} in all)` : ''))),
    h('section', {'aria-labelledby': 'events-title'},
      h('h2', {id: 'events-title', class: 'section-title'}, 'Events ',
        h('span', {class: 'count'}, formatNumber(events.length))),
      events.length ? [axisBox, h('p', {class: 'axis-key'},
        h('span', {class: 'key key-day'}, 'a day or time'),
        h('span', {class: 'key key-coarse'}, 'a week, month or year'),
        'Bigger dots: more outlets. Long empty stretches are cut (//).')]
        : null,
      events.length
        ? h('ol', {class: 'events'}, events.map(eventItem))
        : h('p', {class: 'empty'},
            Object.keys(params).length ? 'No events match these filters.'
                                       : 'No dated events yet.'))));
  responsive(volumeBox, (w) => volumeChart(volume.buckets, w));
  if (events.length) responsive(axisBox, (w) => axis(events, w));
}
