// The card lines for what later features add to a hedge in /status: where the holding is,
// the proxy beta, the basket sharing the perp, and a dated future's roll. Each line is shown
// only when /status carries its fields, so a plain hedge's card is unchanged.

import { amount, el, num, pct, signed } from "./format.js";

/** One "LABEL value" row; `after` (a badge) follows the value in its column. */
function line(label, field, text, extra = {}, ...after) {
  return el("p", { class: "part", "data-part": field },
    el("span", { class: "label", text: label }),
    el("span", { class: "part-value" }, el("span", { "data-field": field, ...extra, text }), ...after));
}

/** "1 BTC main spot + 2.5 BTC cold wallet" when the coins are in several places or a wallet. */
function holdingLine(hedge) {
  const sources = Object.keys(hedge.holding_parts || {});
  const plain = sources.length === 1 && sources[0] === "spot";
  if (!hedge.holding || !sources.length || plain) return null;
  return line("Holding", "holding", hedge.holding, { "data-value": JSON.stringify(hedge.holding_parts) });
}

/** "β 1.42 · R² 0.93 · n=47 · fitted", "β 0.8 · fixed", "unreliable" when the last fit was refused. */
function betaLine(hedge) {
  const source = hedge.beta_source;
  if (source !== "fitted" && source !== "fixed") return null;
  const beta = num(hedge.beta);
  const said = [beta === null ? "β not estimated yet" : `β ${amount(hedge.beta, 4)}`];
  if (source === "fitted" && num(hedge.beta_r2) !== null) {
    said.push(`R² ${amount(hedge.beta_r2, 2)}`, `n=${hedge.beta_samples ?? 0}`);
  }
  if (beta !== null) said.push(source); // "fitted" / "fixed" qualify a beta in use
  const refused = hedge.beta_refused || null;
  const flag = refused ? el("span", { class: "badge beta-unreliable", "data-field": "beta_unreliable",
    title: `latest fit refused: ${refused}`, text: "unreliable" }) : null;
  return line("Beta", "beta", said.join(" · "), { "data-value": hedge.beta ?? "", title: hedge.beta_text || null },
    flag ? " " : null, flag);
}

/** "shares its perp with SOL, XRP · 27.3 % of the position" for a basket member. */
function basketLine(hedge) {
  const basket = hedge.basket;
  if (!basket || !basket.partners || !basket.partners.length) return null;
  const text = `shares its perp with ${basket.partners.join(", ")} · ${pct(basket.share)} of the position`;
  return line("Basket", "basket", text, { "data-value": basket.share ?? "" });
}

/** "rolling A → B (x of y moved) · cost +1.20" while a dated future rolls. */
function rollLine(hedge) {
  if (!hedge.roll) return null;
  const cost = num(hedge.roll_cost) === null ? "" : ` · cost ${signed(hedge.roll_cost)}`;
  return line("Roll", "roll", `${hedge.roll}${cost}`, { "data-value": hedge.roll });
}

/** The block of extra lines for `hedge`, or null when it has none. */
export function hedgeParts(hedge) {
  const lines = [holdingLine(hedge), betaLine(hedge), basketLine(hedge), rollLine(hedge)].filter(Boolean);
  return lines.length ? el("div", { class: "parts" }, ...lines) : null;
}
