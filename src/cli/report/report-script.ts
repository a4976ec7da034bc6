/**
 * The report's only script, a progressive enhancement: hovering a trajectory
 * chart shows the batch, its epoch and the running mean and variance there.
 * The page shows everything without it.
 */

/** Inline JavaScript (no imports, no network) that adds hover read-outs to `svg.trajectory[data-hover]`. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  function fmt(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '—';
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(4).replace(/\\.?0+e/, 'e').replace('e+', 'e');
    return String(Number(v.toPrecision(6)));
  }
  function toY(s, v) { return s[2] + (v / 2 - s[0] / 2) / (s[1] / 2 - s[0] / 2) * (s[3] - s[2]); }
  function show(el, on) { el.setAttribute('visibility', on ? 'visible' : 'hidden'); }
  var charts = document.querySelectorAll('svg.trajectory[data-hover]');
  Array.prototype.forEach.call(charts, function (svg) {
    var d;
    try { d = JSON.parse(svg.getAttribute('data-hover')); } catch (e) { return; }
    if (!d || !d.x || !d.x.length || !svg.getScreenCTM) return;
    var line = svg.querySelector('.hover-line');
    var dm = svg.querySelector('.hover-dot.mean');
    var dv = svg.querySelector('.hover-dot.var');
    var fig = svg.parentNode;
    var tip = document.createElement('div');
    tip.className = 'tip';
    tip.hidden = true;
    fig.appendChild(tip);
    var sx = d.sx;
    function px(b) {
      var t = sx[4] ? (Math.log(b) - Math.log(sx[0])) / (Math.log(sx[1]) - Math.log(sx[0])) : (b / 2 - sx[0] / 2) / (sx[1] / 2 - sx[0] / 2);
      return sx[2] + t * (sx[3] - sx[2]);
    }
    function dot(el, values, s, i) {
      var v = values ? values[i] : null;
      if (typeof v !== 'number' || !s) { show(el, false); return; }
      el.setAttribute('cx', px(d.x[i]));
      el.setAttribute('cy', toY(s, v));
      show(el, true);
    }
    function hide() { tip.hidden = true; show(line, false); show(dm, false); show(dv, false); }
    svg.addEventListener('pointermove', function (ev) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      var q = p.matrixTransform(m.inverse());
      if (q.x < sx[2] - 8 || q.x > sx[3] + 8) { hide(); return; }
      var best = 0, dist = Infinity;
      for (var i = 0; i < d.x.length; i++) {
        var dx = Math.abs(px(d.x[i]) - q.x);
        if (dx < dist) { dist = dx; best = i; }
      }
      var b = d.x[best], epoch = 0;
      for (var k = 0; k < d.e.length; k++) if (d.e[k] <= b) epoch = k + 1;
      var x = px(b);
      line.setAttribute('x1', x); line.setAttribute('x2', x); show(line, true);
      dot(dm, d.m, d.sm, best);
      dot(dv, d.v, d.sv, best);
      tip.textContent = 'batch ' + b + (epoch ? ' · epoch ' + epoch : '') +
        '\\nmean ' + fmt(d.m ? d.m[best] : null) + '\\nvariance ' + fmt(d.v ? d.v[best] : null);
      tip.hidden = false;
      var box = svg.getBoundingClientRect(), fbox = fig.getBoundingClientRect();
      var left = ev.clientX - fbox.left + 14;
      if (left + tip.offsetWidth > fbox.width) left = ev.clientX - fbox.left - tip.offsetWidth - 14;
      tip.style.left = Math.max(0, left) + 'px';
      tip.style.top = (box.top - fbox.top + 8) + 'px';
    });
    svg.addEventListener('pointerleave', hide);
  });
})();
`;
