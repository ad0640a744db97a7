// <pg-chart>: a plain custom element around Apache ECharts (window.echarts, loaded from the echarts WebJar).
// The server calls setOption(json, replace). Options that arrive before ECharts has loaded are queued.
// Text colours follow the Lumo theme (light/dark): ECharts components keep their own default colours (legend #333,
// axis labels #6E7079) whatever the global textStyle says, so every text-bearing component is patched with the
// theme's colours after each replace, and again when the page switches between light and dark.
class PgChart extends HTMLElement {
  connectedCallback() { this._init(); }
  disconnectedCallback() {
    if (this._resize) { this._resize.disconnect(); this._resize = null; }
    if (this._chart) { this._chart.dispose(); this._chart = null; }
  }
  _init() {
    if (this._chart) return;
    if (!window.echarts) { setTimeout(() => this._init(), 50); return; }
    this.style.display = 'block';
    this._chart = window.echarts.init(this, null, { renderer: 'canvas' });
    const pending = this._pending || [];
    this._pending = null;
    if (pending.length === 0 && this._last) pending.push([this._last, true]);
    pending.forEach(([o, replace]) => this._apply(o, replace));
    this._resize = new ResizeObserver(() => this._chart && this._chart.resize());
    this._resize.observe(this);
  }
  _textColor() {
    return (getComputedStyle(this).getPropertyValue('--lumo-secondary-text-color') || '#666').trim();
  }
  _color(name, fallback) {
    return (getComputedStyle(this).getPropertyValue(name) || fallback).trim();
  }
  /** The theme's colours for every legend, title, axis, radar, visual map and pie label the chart has now. */
  _themePatch() {
    const text = this._textColor(), body = this._color('--lumo-body-text-color', '#222'),
        line = this._color('--lumo-contrast-30pct', '#ccc'), grid = this._color('--lumo-contrast-10pct', '#eee');
    const have = this._chart.getOption() || {};
    const each = (key, f) => { if (Array.isArray(have[key]) && have[key].length) patch[key] = have[key].map(f); };
    const patch = { textStyle: { color: text } };
    each('legend', () => ({ textStyle: { color: body }, pageTextStyle: { color: text } }));
    each('title', () => ({ textStyle: { color: body }, subtextStyle: { color: text } }));
    each('visualMap', () => ({ textStyle: { color: text } }));
    each('radar', () => ({ axisName: { color: text } }));
    const axis = () => ({ axisLabel: { color: text }, nameTextStyle: { color: text }, axisLine: { lineStyle: { color: line } },
        splitLine: { lineStyle: { color: grid } } });
    each('xAxis', axis);
    each('yAxis', axis);
    each('series', s => (s.type === 'pie' || s.type === 'funnel' || s.type === 'tree' || s.type === 'graph')
        ? { label: { color: body } } : {});
    return patch;
  }
  _apply(opt, replace) {
    // tooltip.formatter "raw": each data item's name, then its "raw" lines (e.g. a radar's unnormalised scores)
    if (opt.tooltip && opt.tooltip.formatter === 'raw') {
      opt.tooltip.formatter = p => [p.name].concat((p.data && p.data.raw) || []).join('<br/>');
    }
    const base = { backgroundColor: 'transparent', textStyle: { color: this._textColor() }, animation: false };
    this._chart.setOption(replace ? Object.assign(base, opt) : opt, !!replace);
    if (replace) this._chart.setOption(this._themePatch(), false);
    this.dataset.rendered = String((Number(this.dataset.rendered) || 0) + 1);
    this.dataset.renderedAt = String(performance.now()); // read by the latency benchmark
  }
  /** The page switched between light and dark: merge in the new text colour (data and live updates stay). */
  _retheme() {
    if (this._chart) this._chart.setOption(this._themePatch(), false);
  }
  setOption(json, replace) {
    const opt = typeof json === 'string' ? JSON.parse(json) : json;
    if (replace) this._last = opt;
    if (this._chart) this._apply(opt, replace);
    else (this._pending = this._pending || []).push([opt, !!replace]);
  }
}
if (!customElements.get('pg-chart')) {
  customElements.define('pg-chart', PgChart);
  new MutationObserver(() => document.querySelectorAll('pg-chart').forEach(c => c._retheme()))
    .observe(document.documentElement, { attributes: true, attributeFilter: ['theme'] });
}
