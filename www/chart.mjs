// The monthly-volume bar chart with the fee-tier thresholds, as inline SVG built with the DOM.
// Numbers are turned into floats here for geometry only; every number *shown* is a kjb string.

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** "3000000.00" → "3,000,000.00" (string work only). */
export function groupDigits(s) {
  const str = String(s);
  const [int, frac] = str.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac !== undefined ? `.${frac}` : '');
}

/** A short axis label for a threshold: "100000.00" → "100k", "3000000.00" → "3M". */
function shortAmount(s) {
  const int = String(s).split('.')[0];
  if (/^\d+000000$/.test(int)) return `${int.slice(0, -6)}M`;
  if (/^\d+000$/.test(int)) return `${int.slice(0, -3)}k`;
  return groupDigits(int);
}

/** About how wide `text` draws at 11 px: CJK characters are square, Latin ones about half that. */
function labelWidth(text) {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0) >= 0x2e80 ? 11 : 6.6;
  return w;
}

/**
 * Draws the chart.
 * @param {object} o
 * @param {number} o.width          pixel width to lay out for (the SVG scales, text stays readable)
 * @param {string[]} o.history      monthly totals, newest first (strings as typed; bad ones draw as 0)
 * @param {{short:string, long:string}[]} o.months  labels for the same months, newest first
 * @param {{tier:number, from:string, to:string|null, rate:string}[]} o.tiers
 * @param {object|null} o.quote     quoteFee's answer (applicableAmount, tier, next)
 * @param {Function} o.t            translator
 */
export function volumeChart({ width, history, months, tiers, quote, t }) {
  const W = Math.max(300, Math.min(900, Math.round(width)));
  const H = 260;
  // The tier labels live in a left gutter of their own, beside the threshold lines, so no bar
  // is ever drawn over them.
  const tierNames = tiers.filter((x) => Number(x.from) > 0).map((x) => [t('chart.tier', x.tier), shortAmount(x.from)]);
  const gutter = Math.ceil(Math.max(0, ...tierNames.flat().map(labelWidth))) + 10;
  const pad = { left: gutter, right: 12, top: 18, bottom: 30 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;

  const values = history.map((v) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : 0;
  });
  const applicable = quote ? Number(quote.applicableAmount) : 0;
  const nextFrom = quote && quote.next ? Number(quote.next.from) : 0;
  // Scale to the data; the next tier's threshold is drawn when it is not far above it, else
  // the "to next tier" arrow points off the top of the plot.
  const firstStep = Math.min(...tiers.map((x) => Number(x.from)).filter((v) => v > 0), Infinity);
  const floor = Number.isFinite(firstStep) ? firstStep : 1;
  const dataMax = Math.max(...values, applicable);
  const showNext = nextFrom > 0 && nextFrom <= Math.max(dataMax * 3, floor);
  const top = Math.max(dataMax, floor, showNext ? nextFrom : 0) * 1.12;
  const y = (v) => pad.top + plotH - (v / top) * plotH;

  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
    class: 'volume-chart',
  });
  svg.append(el('title', { id: 'chart-title' }, t('chart.title')));
  const desc = months
    .map((m, i) => `${m.long}: ${groupDigits(history[i] || '0')}`)
    .reverse()
    .join('; ');
  svg.append(el('desc', { id: 'chart-desc' }, desc));

  // Tier bands, shaded alternately, with the threshold lines that fall inside the plot.
  const bands = el('g', { class: 'bands' });
  const lines = el('g', { class: 'thresholds' });
  for (const tier of tiers) {
    const from = Number(tier.from);
    if (from >= top) continue;
    const to = tier.to === null ? top : Math.min(Number(tier.to), top);
    const current = quote && quote.tier === tier.tier;
    bands.append(
      el('rect', {
        x: pad.left,
        width: plotW,
        y: y(to),
        height: Math.max(0, y(from) - y(to)),
        class: `band ${tier.tier % 2 ? 'odd' : 'even'}${current ? ' current' : ''}`,
      }),
    );
    if (from > 0) {
      lines.append(
        el('line', { x1: pad.left - 4, x2: pad.left + plotW, y1: y(from), y2: y(from), class: 'threshold' }),
      );
      const label = el('text', { x: pad.left - 6, y: y(from) - 3, 'text-anchor': 'end', class: 'threshold-label' });
      label.append(el('tspan', { class: 'tier-name' }, t('chart.tier', tier.tier)));
      label.append(el('tspan', { x: pad.left - 6, dy: 13 }, shortAmount(tier.from)));
      lines.append(label);
    }
  }
  svg.append(bands);

  // Bars, oldest left; the newest (last month) is highlighted.
  const n = values.length;
  const slot = plotW / n;
  const barW = Math.max(6, Math.min(40, slot * 0.62));
  const bars = el('g', { class: 'bars' });
  // Month labels every `step` bars when they would not fit side by side (phones), counted from
  // the newest month, which is always labelled.
  const widest = Math.max(0, ...months.slice(0, n).map((m) => labelWidth(m.short)));
  const step = Math.max(1, Math.ceil((widest + 6) / slot));
  for (let k = 0; k < n; k++) {
    const i = n - 1 - k; // history index (newest first)
    const cx = pad.left + slot * k + slot / 2;
    const v = values[i];
    const bar = el('rect', {
      x: cx - barW / 2,
      width: barW,
      y: y(v),
      height: Math.max(v > 0 ? 1 : 0, pad.top + plotH - y(v)),
      rx: 2,
      class: `bar${i === 0 ? ' last' : ''}`,
    });
    bar.append(el('title', {}, `${months[i].long}: ${groupDigits(history[i] || '0')} CNY`));
    bars.append(bar);
    if (i % step === 0)
      bars.append(
        el('text', { x: cx, y: H - pad.bottom + 16, class: 'month', 'text-anchor': 'middle' }, months[i].short),
      );
  }
  svg.append(bars, lines); // threshold lines over the bars, so their labels stay readable
  svg.append(
    el('line', { x1: pad.left, x2: pad.left + plotW, y1: pad.top + plotH, y2: pad.top + plotH, class: 'axis' }),
  );

  // The applicable amount, and the volume still needed to reach the next tier.
  if (quote) {
    const ya = y(applicable);
    svg.append(el('line', { x1: pad.left, x2: pad.left + plotW, y1: ya, y2: ya, class: 'applicable' }));
    svg.append(el('text', { x: pad.left + 4, y: ya - 4, class: 'applicable-label' }, t('chart.applicable')));
    if (quote.next) {
      const yn = showNext ? y(nextFrom) : pad.top;
      const x = pad.left + plotW - 10;
      const g = el('g', { class: 'to-next' });
      g.append(
        el('line', { x1: x, x2: x, y1: ya, y2: yn, 'marker-start': 'url(#arrow)', 'marker-end': 'url(#arrow)' }),
      );
      const label = `${t('chart.toNext', groupDigits(quote.next.volumeNeeded), quote.next.tier)}${showNext ? '' : ' ↑'}`;
      const ly = Math.max(pad.top + 12, Math.min((ya + yn) / 2 + 4, pad.top + plotH - 20));
      const text = el('text', { x: x - 8, y: ly, 'text-anchor': 'end', class: 'to-next-label' }, label);
      g.append(text);
      svg.append(g);
    }
  }
  const defs = el('defs');
  const marker = el('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 5,
    refY: 5,
    markerWidth: 6,
    markerHeight: 6,
    orient: 'auto-start-reverse',
  });
  marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
  defs.append(marker);
  svg.prepend(defs);
  return svg;
}
