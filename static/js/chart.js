// chart.js - the small charts, drawn as SVG by our own code: coverage
// volume (articles per day) and horizontal bars (mentions per outlet).
// Sizes are SVG attributes, never inline styles (the pages' CSP forbids
// them).

import {h, svg} from './dom.js';
import {formatDay, formatNumber, parseDay} from './format.js';

const DAY = 864e5;
const shortDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', timeZone: 'UTC'});

// Calls draw(width) now and again whenever @container's width changes;
// draw returns the element that replaces the container's content.
export function responsive(container, draw) {
  let width = 0;
  const redraw = () => {
    const w = Math.floor(container.clientWidth);
    if (w > 0 && w !== width) {
      width = w;
      container.replaceChildren(draw(w));
    }
  };
  new ResizeObserver(redraw).observe(container);
  redraw();
}

// Day buckets with the missing days filled in as zero.
function fillDays(buckets) {
  const days = buckets.map((b) => ({t: parseDay(b.date), count: b.count}))
    .filter((b) => b.t).sort((a, b) => a.t - b.t);
  if (!days.length) return [];
  const out = [];
  const byTime = new Map(days.map((d) => [d.t.getTime(), d.count]));
  for (let t = days[0].t.getTime(); t <= days[days.length - 1].t.getTime();
       t += DAY)
    out.push({t, count: byTime.get(t) || 0});
  return out;
}

// Articles per day as columns, @width px wide.
export function volumeChart(buckets, width) {
  const days = fillDays(buckets);
  const height = 120;
  const pad = {top: 18, right: 8, bottom: 22, left: 8};
  const max = Math.max(1, ...days.map((d) => d.count));
  const inner = width - pad.left - pad.right;
  const step = inner / Math.max(1, days.length);
  const barWidth = Math.max(1, Math.min(48, step * 0.72));
  const labelEvery = Math.max(1, Math.ceil(64 / step));
  const scaleY = (height - pad.top - pad.bottom) / max;
  const total = days.reduce((n, d) => n + d.count, 0);

  const bars = days.map((d, i) => {
    const x = pad.left + i * step + (step - barWidth) / 2;
    const barHeight = d.count * scaleY;
    const y = height - pad.bottom - barHeight;
    const label = `${formatDay(new Date(d.t).toISOString())}: ` +
                  `${formatNumber(d.count)} article${d.count === 1 ? '' : 's'}`;
    return svg('g', {class: 'bar'},
      svg('title', {}, label),
      svg('rect', {x, y, width: barWidth, height: Math.max(barHeight, 0.5),
                   rx: 2}),
      d.count && step >= 18 ? svg('text', {x: x + barWidth / 2, y: y - 4,
                                           class: 'bar-value'},
                                  formatNumber(d.count)) : null,
      i % labelEvery === 0 ? svg('text', {x: x + barWidth / 2,
                                          y: height - 6, class: 'tick'},
                                 shortDay.format(new Date(d.t))) : null);
  });
  return svg('svg', {
    class: 'chart volume-chart', width, height,
    viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Articles per day: ${formatNumber(total)} articles over ` +
                  `${days.length} day${days.length === 1 ? '' : 's'}`},
    svg('line', {x1: pad.left, x2: width - pad.right,
                 y1: height - pad.bottom, y2: height - pad.bottom,
                 class: 'axis'}),
    bars);
}

// Rows of label, bar and value; items: {label, value, href?}.
export function barRows(items, caption) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h('table', {class: 'bar-rows'},
    caption ? h('caption', {class: 'sr-only'}, caption) : null,
    h('tbody', {}, items.map((item) => h('tr', {},
      h('th', {scope: 'row'},
        item.href ? h('a', {href: item.href}, item.label) : item.label),
      h('td', {class: 'bar-cell'},
        svg('svg', {viewBox: '0 0 100 10', preserveAspectRatio: 'none',
                    class: 'bar-track', 'aria-hidden': 'true'},
          svg('rect', {x: 0, y: 0, height: 10,
                       width: (100 * item.value) / max}))),
      h('td', {class: 'num'}, formatNumber(item.value))))));
}
