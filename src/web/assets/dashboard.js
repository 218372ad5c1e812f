/*
 * preflight's page script: draws the charts listed in the page's JSON block (#preflight-charts)
 * with uPlot. It reads data only through JSON.parse of a block that is never executed, and
 * writes text only through textContent: nothing from a service can become markup here.
 */
(() => {
  // Loaded by the script before this one (the chart library's built file).
  const uPlot = window.uPlot;
  const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#0891b2'];
  const MAX_TICKS = 12;

  function xRange(spec) {
    return (_u, min, max) => {
      if (min === max) return [min - 1, max + 1];
      return spec.kind === 'bars' ? [min - 0.5, max + 0.5] : [min, max];
    };
  }

  function tickSplits(spec) {
    const stride = Math.max(1, Math.ceil(spec.x.length / MAX_TICKS));
    return () => spec.x.filter((_, i) => i % stride === 0);
  }

  function tickLabel(spec, value) {
    const i = spec.x.indexOf(value);
    return i === -1 ? '' : String(spec.ticks[i]);
  }

  function options(spec, width) {
    const hasPct = spec.series.some((s) => s.unit === '%');
    const bars = spec.kind === 'bars' ? uPlot.paths.bars({ size: [0.6, 64] }) : undefined;
    const axes = [
      {
        scale: 'x',
        label: spec.xLabel,
        splits: tickSplits(spec),
        values: (_u, splits) => splits.map((v) => tickLabel(spec, v)),
      },
      { scale: 'ms', label: 'ms' },
    ];
    if (hasPct) axes.push({ scale: 'pct', label: '%', side: 1, grid: { show: false } });
    const series = [{ label: spec.xLabel, value: (_u, v) => (v == null ? '--' : tickLabel(spec, v)) }];
    spec.series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      series.push({
        label: s.label,
        scale: s.unit === '%' ? 'pct' : 'ms',
        stroke: color,
        fill: bars ? `${color}99` : undefined,
        width: 2,
        paths: bars,
        points: { show: !bars },
        value: (_u, v) => (v == null ? '--' : `${Math.round(v * 10) / 10} ${s.unit}`),
      });
    });
    return {
      width,
      height: 260,
      scales: {
        x: { time: false, range: xRange(spec) },
        ms: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        pct: { range: [0, 100] },
      },
      axes,
      series,
    };
  }

  function draw(figure, spec) {
    const width = Math.max(320, Math.min(960, figure.clientWidth || 640));
    const data = [spec.x, ...spec.series.map((s) => s.values)];
    new uPlot(options(spec, width), data, figure);
    figure.dataset.rendered = 'true';
  }

  function main() {
    const block = document.getElementById('preflight-charts');
    if (!block) return;
    const specs = JSON.parse(block.textContent || '[]');
    for (const figure of document.querySelectorAll('figure[data-chart]')) {
      const spec = specs[Number(figure.dataset.chart)];
      if (!spec) continue;
      try {
        draw(figure, spec);
      } catch (error) {
        const note = document.createElement('p');
        note.className = 'chart-error';
        note.textContent = `chart not drawn: ${error?.message ?? String(error)}`;
        figure.appendChild(note);
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
