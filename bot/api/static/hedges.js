// One card per hedge from /status: figures, the ratio gauge with its band, state, controls.

import { DASH, age, amount, el, num, pct, signed, svg } from "./format.js";
import { hedgeParts } from "./hedge_parts.js";

const RISK_GRADES = ["ok", "warn", "top_up", "delever", "reduce"];
const OPERATOR_REASONS = new Set(["operator", "kill switch"]);

/** The grade's name from a name or its index 0..4. */
export function riskGrade(hedge) {
  const grade = hedge.risk_grade;
  if (typeof grade === "number") return RISK_GRADES[grade] || String(grade);
  return grade || "ok";
}

/** ok | paused | data | risk, with the label shown on the card. */
export function hedgeState(hedge) {
  const reason = hedge.pause_reason || "";
  if (hedge.paused && OPERATOR_REASONS.has(reason)) {
    return { key: "paused", label: reason === "kill switch" ? "paused · kill switch" : "paused" };
  }
  if (hedge.paused) return { key: "data", label: "data paused", detail: reason };
  if (hedge.risk_hold === true) {
    return { key: "risk", label: "risk hold",
      detail: "the short is not grown until the liquidation distance is back at restore_distance" };
  }
  return { key: "ok", label: "ok" };
}

function gaugeScale(hedge) {
  const values = [hedge.ratio, hedge.max_ratio, num(hedge.target) + num(hedge.band), 1]
    .map(num)
    .filter((v) => v !== null);
  return Math.max(...values) * 1.08;
}

/** The ratio as a bar on a 0..scale track, the target ± band shaded, max_ratio dashed. */
function gauge(hedge) {
  const ratio = num(hedge.ratio);
  const target = num(hedge.target);
  const band = num(hedge.band) || 0;
  const scale = gaugeScale(hedge);
  const x = (v) => `${Math.max(0, Math.min(100, (v / scale) * 100))}%`;
  const inBand = ratio !== null && target !== null && Math.abs(ratio - target) <= band + 1e-12;
  const parts = [svg("rect", { class: "g-track", x: 0, y: 6, width: "100%", height: 12, rx: 6 })];
  if (target !== null) {
    const lo = Math.max(0, target - band);
    parts.push(svg("rect", { class: "g-band", x: x(lo), y: 2, height: 20,
      width: `${((Math.min(target + band, scale) - lo) / scale) * 100}%` }));
  }
  if (ratio !== null) {
    parts.push(svg("rect", { class: inBand ? "g-fill in" : "g-fill out", x: 0, y: 8, height: 8,
      rx: 4, width: x(ratio) }));
  }
  if (target !== null) parts.push(svg("line", { class: "g-target", x1: x(target), x2: x(target), y1: 0, y2: 24 }));
  const max = num(hedge.max_ratio);
  if (max !== null) parts.push(svg("line", { class: "g-max", x1: x(max), x2: x(max), y1: 0, y2: 24 }));
  const label = `ratio ${pct(ratio)}, target ${pct(target)} ± ${pct(band)}`;
  return svg("svg", { class: "gauge", role: "img", "aria-label": label, height: 24, width: "100%" }, ...parts);
}

function figure(label, field, value, text, extra = {}) {
  return el("div", { class: "fig" },
    el("dt", { text: label }),
    el("dd", { "data-field": field, "data-value": value ?? "", ...extra, text }));
}

function orders(list) {
  if (!list || !list.length) return DASH;
  return list
    .map((o) => `${o.side} ${amount(o.amount)} @ ${amount(o.price)}${o.reduce_only ? " RO" : ""}`)
    .join("; ");
}

function figures(hedge) {
  const grade = riskGrade(hedge);
  const short = hedge.perp_base ?? hedge.perp;
  const shortUnit = hedge.perp_base === undefined || hedge.perp_base === null ? " ct" : "";
  return el("dl", { class: "figures" },
    figure("Spot holding", "spot", hedge.spot, amount(hedge.spot)),
    figure("Short", "short", short, short === null || short === undefined ? DASH : `${amount(short)}${shortUnit}`),
    figure("Mark", "mark", hedge.mark, amount(hedge.mark)),
    figure("Margin ratio", "margin_ratio", hedge.margin_ratio, pct(hedge.margin_ratio)),
    figure("Liq. price", "liquidation_price", hedge.liquidation_price, amount(hedge.liquidation_price)),
    figure("Liq. distance", "liquidation_distance", hedge.liquidation_distance,
      `${pct(hedge.liquidation_distance)} · ${grade.replace("_", " ")}`,
      { class: `risk risk-${grade}`, "data-grade": grade }),
    figure("Funding earned", "funding_total", hedge.funding_total, signed(hedge.funding_total)),
    figure("Open orders", "open_orders", (hedge.open_orders || []).length, orders(hedge.open_orders)),
  );
}

function lastAction(hedge) {
  const when = hedge.last_action_at ? ` · ${age(hedge.last_action_at)} ago` : "";
  return el("p", { class: "last-action" },
    el("span", { class: "label", text: "Last action" }),
    el("span", { "data-field": "last_action", text: (hedge.last_action || "none yet") + when }));
}

function controlButton(name, hedge, onControl) {
  const action = hedge.paused && hedge.pause_reason === "operator" ? "resume" : "pause";
  return el("button", {
    class: `btn ${action === "pause" ? "btn-warn" : "btn-go"}`,
    type: "button",
    "data-action": action,
    "data-hedge": name,
    text: action === "pause" ? "Pause" : "Resume",
    on: { click: () => onControl(action, name) },
  });
}

/** The card of hedge `name`; `onControl` is null when pause/resume are disabled. */
export function hedgeCard(name, hedge, onControl) {
  const state = hedgeState(hedge);
  const head = el("header", { class: "card-head" },
    el("h3", { text: name }),
    el("span", { class: `badge state-${state.key}`, "data-field": "state", "data-state": state.key,
      title: state.detail || null, text: state.label }),
    onControl ? controlButton(name, hedge, onControl) : null);
  const ratioLine = el("p", { class: "ratio-line" },
    el("span", { class: "ratio", "data-field": "ratio", "data-value": hedge.ratio ?? "", text: pct(hedge.ratio) }),
    el("span", { class: "muted", text: " of target " }),
    el("span", { "data-field": "target", "data-value": hedge.target ?? "", text: pct(hedge.target) }),
    el("span", { class: "muted", text: ` ± ${pct(hedge.band)}` }));
  const reason = el("p", { class: "reason", "data-field": "target_reason",
    text: hedge.target_reason || DASH });
  const detail = state.key === "data" ? el("p", { class: "pause-detail", text: state.detail }) : null;
  const brackets = hedge.brackets_missing === true ? el("p", { class: "pause-detail", "data-field": "brackets_missing",
    text: "Margin brackets unreadable: liquidation estimated without them; the short is not grown." }) : null;
  return el("article", { class: `card card-${state.key}`, "data-hedge": name },
    head, ratioLine, gauge(hedge), reason, detail, brackets, hedgeParts(hedge), figures(hedge),
    lastAction(hedge));
}
