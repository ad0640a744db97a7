// <pg-chart>: a plain custom element around Apache ECharts (window.echarts, loaded from the echarts WebJar).
// The server calls setOption(json, replace). Options that arrive before ECharts has loaded are queued.
// Text colours follow the Lumo theme (light/dark) unless the options set their own.
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
  _apply(opt, replace) {
    const base = { backgroundColor: 'transparent', textStyle: { color: this._textColor() }, animation: false };
    this._chart.setOption(replace ? Object.assign(base, opt) : opt, !!replace);
    this.dataset.rendered = String((Number(this.dataset.rendered) || 0) + 1);
    this.dataset.renderedAt = String(performance.now()); // read by the latency benchmark
  }
  /** The page switched between light and dark: merge in the new text colour (data and live updates stay). */
  _retheme() {
    if (this._chart) this._chart.setOption({ textStyle: { color: this._textColor() } }, false);
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
