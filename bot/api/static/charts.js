// Small SVG line charts drawn from /history columns (no chart library).

import { el, num, svg } from "./format.js";

const PAD = { left: 56, right: 12, top: 12, bottom: 26 };
const HEIGHT = 190;

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** [lo, hi] covering every finite value, padded; a flat series gets some room. */
function yRange(columns) {
  const values = columns.flat().map(num).filter((v) => v !== null);
  if (!values.length) return null;
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-12) {
    const room = Math.abs(hi) * 0.05 || 1;
    lo -= room;
    hi += room;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

function timeLabel(t, span) {
  const d = new Date(t * 1000);
  if (span > 2 * 86400) return d.toLocaleDateString("en-GB", { day: "2-digit", month: "short" });
  const seconds = span < 900 ? { second: "2-digit" } : {};
  return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", ...seconds, hour12: false });
}

/** Path data for one column, broken where values are missing. */
function pathData(t, values, sx, sy) {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    const y = num(v);
    if (y === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${sx(t[i]).toFixed(1)},${sy(y).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function bandPath(t, lo, hi, sx, sy) {
  const idx = t.map((_, i) => i).filter((i) => num(lo[i]) !== null && num(hi[i]) !== null);
  if (idx.length < 2) return "";
  const top = idx.map((i, k) => `${k ? "L" : "M"}${sx(t[i]).toFixed(1)},${sy(num(hi[i])).toFixed(1)}`);
  const bottom = idx.reverse().map((i) => `L${sx(t[i]).toFixed(1)},${sy(num(lo[i])).toFixed(1)}`);
  return `${top.join("")}${bottom.join("")}Z`;
}

function axes(width, range, tRange, sx, sy, format) {
  const [lo, hi] = range;
  const step = niceStep(hi - lo, 4);
  const parts = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    const y = sy(v);
    parts.push(svg("line", { class: "c-grid", x1: PAD.left, x2: width - PAD.right, y1: y, y2: y }));
    parts.push(svg("text", { class: "c-tick", x: PAD.left - 6, y: y + 4, "text-anchor": "end",
      text: format(Math.abs(v) < step / 1e6 ? 0 : v) }));
  }
  const [t0, t1] = tRange;
  const ticks = Math.max(2, Math.min(5, Math.floor((width - PAD.left) / 110)));
  for (let k = 0; k < ticks; k += 1) {
    const t = t0 + ((t1 - t0) * k) / (ticks - 1);
    parts.push(svg("text", { class: "c-tick", x: sx(t), y: HEIGHT - 8,
      "text-anchor": k === 0 ? "start" : k === ticks - 1 ? "end" : "middle",
      text: timeLabel(t, t1 - t0) }));
  }
  return parts;
}

function legend(series, format) {
  return el("ul", { class: "legend" }, ...series.map((s) => {
    const last = [...s.values].reverse().map(num).find((v) => v !== null);
    return el("li", {},
      el("span", { class: `swatch ${s.cls}` }),
      el("span", { text: s.label }),
      el("b", { text: last === undefined ? "—" : format(last) }));
  }));
}

/**
 * A chart figure: `t` epoch seconds; `series` [{label, values, cls, dashed}] sharing `t`;
 * `band` optional {lo, hi} columns shaded behind; `format` formats axis and legend numbers.
 */
export function lineChart({ title, t, series, band = null, format, width, id }) {
  const caption = el("figcaption", {}, el("h3", { text: title }), legend(series, format));
  const columns = series.map((s) => s.values).concat(band ? [band.lo, band.hi] : []);
  const range = yRange(columns);
  if (!t.length || !range) {
    return el("figure", { class: "chart", id }, caption,
      el("p", { class: "empty", text: "No journal data in this window yet." }));
  }
  const w = Math.max(260, Math.round(width));
  const t0 = t[0];
  const t1 = t.length > 1 ? t[t.length - 1] : t0 + 1;
  const sx = (v) => PAD.left + ((v - t0) / (t1 - t0)) * (w - PAD.left - PAD.right);
  const sy = (v) => PAD.top + (1 - (v - range[0]) / (range[1] - range[0])) * (HEIGHT - PAD.top - PAD.bottom);
  const parts = axes(w, range, [t0, t1], sx, sy, format);
  if (band) parts.push(svg("path", { class: "c-band", d: bandPath(t, band.lo, band.hi, sx, sy) }));
  if (range[0] < 0 && range[1] > 0) {
    parts.push(svg("line", { class: "c-zero", x1: PAD.left, x2: w - PAD.right, y1: sy(0), y2: sy(0) }));
  }
  for (const s of series) {
    parts.push(svg("path", { class: `c-line ${s.cls}${s.dashed ? " dashed" : ""}`,
      d: pathData(t, s.values, sx, sy) }));
  }
  const chart = svg("svg", { class: "c-svg", width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`,
    role: "img", "aria-label": title }, ...parts);
  return el("figure", { class: "chart", id, "data-points": t.length, "data-last": t1 }, caption, chart);
}
