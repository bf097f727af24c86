// Formatting and DOM helpers shared by the dashboard's modules.
// The daemon sends numbers as exact decimal strings; they are parsed only to be displayed.

export const DASH = "—";
const SVG_NS = "http://www.w3.org/2000/svg"; // an XML namespace name, never fetched

/** A number from the daemon ("0.98", 0.98, null) → a finite Number, or null. */
export function num(value) {
  if (value === null || value === undefined || value === "" || typeof value === "boolean") {
    return null;
  }
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** An amount or price with thousands separators and at most `digits` decimals. */
export function amount(value, digits = 8) {
  const n = num(value);
  if (n === null) return DASH;
  const abs = Math.abs(n);
  const max = abs >= 1000 ? Math.min(digits, 2) : abs >= 1 ? Math.min(digits, 4) : digits;
  return n.toLocaleString("en-US", { maximumFractionDigits: max });
}

/** A signed amount: "+12.34" / "−1.5". */
export function signed(value, digits = 2) {
  const n = num(value);
  if (n === null) return DASH;
  const text = Math.abs(n).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return n > 0 ? `+${text}` : n < 0 ? `−${text}` : text;
}

/** A fraction as a percentage: 0.985 → "98.5 %". */
export function pct(value, digits = 1) {
  const n = num(value);
  return n === null ? DASH : `${(n * 100).toFixed(digits)} %`;
}

/** Seconds between now and an epoch-seconds time as "5 s", "3 min", "2 h", "4 d". */
export function age(epochSeconds, nowMs = Date.now()) {
  const t = num(epochSeconds);
  if (t === null) return DASH;
  const s = Math.max(0, Math.round(nowMs / 1000 - t));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Epoch seconds → local "HH:MM:SS". */
export function clock(epochSeconds) {
  const t = num(epochSeconds);
  return t === null ? DASH : new Date(t * 1000).toLocaleTimeString("en-GB", { hour12: false });
}

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** el("div", {class: "x", text: "y"}, ...children): a DOM element; text is never parsed as HTML. */
export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}
