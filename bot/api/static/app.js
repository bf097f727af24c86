// The dashboard's main loop: poll the daemon, render, and say so when it stops answering.

import { getJSON } from "./api.js";
import { lineChart } from "./charts.js";
import { control, forgetToken, storedToken } from "./controls.js";
import { age, clock, el, num, pct, signed } from "./format.js";
import { hedgeCard } from "./hedges.js";
import { accountsTable, actionsList, alertsList } from "./panels.js";

const POLL_MS = 2000;
const HISTORY_MS = 5000;
const $ = (id) => document.getElementById(id);

const view = {
  status: null, health: null, alerts: null, controls: null, history: null,
  lastOkMs: null, failingSinceMs: null, error: "", selected: null, cards: new Map(),
};

// --- header and banners ------------------------------------------------------------------
function renderHeader() {
  const s = view.status;
  $("version").textContent = s ? `v${s.version}` : "";
  $("uptime").textContent = s && s.started_at ? `up ${age(s.started_at)}` : "";
  $("updated").textContent = view.lastOkMs ? `updated ${clock(view.lastOkMs / 1000)}` : "";
  const pill = $("health");
  const offline = view.failingSinceMs !== null;
  const healthy = !offline && view.health && view.health.ok;
  pill.className = `pill ${offline ? "pill-down" : healthy ? "pill-ok" : "pill-warn"}`;
  pill.textContent = offline ? "not answering" : healthy ? "healthy" : view.health ? "unhealthy" : "connecting…";
  pill.title = view.health && view.health.reason ? view.health.reason : "";
}

function renderBanners() {
  const offline = view.failingSinceMs !== null;
  const s = view.status || {};
  $("banner-offline").hidden = !offline;
  if (offline) {
    const last = view.lastOkMs ? `last answer at ${clock(view.lastOkMs / 1000)} (${age(view.lastOkMs / 1000)} ago)` : "no answer yet";
    $("offline-text").textContent =
      `The daemon is not answering since ${clock(view.failingSinceMs / 1000)} — ${last}. ` +
      `The figures below are from that last answer. (${view.error})`;
  }
  $("banner-dry").hidden = s.dry_run !== true;
  $("banner-kill").hidden = s.kill_switch !== true;
  $("banner-paused").hidden = !(s.paused === true && s.kill_switch !== true);
  const unhealthy = !offline && view.health && !view.health.ok;
  $("banner-unhealthy").hidden = !unhealthy;
  if (unhealthy) $("unhealthy-text").textContent = view.health.reason || "the daemon reports a problem";
  document.body.classList.toggle("offline", offline);
}

// --- hedges ------------------------------------------------------------------------------
function onControl(action, hedge) {
  control(action, hedge, () => { refresh(); renderTokenLine(); });
}

function renderTokenLine() {
  const line = $("token-line");
  line.replaceChildren();
  if (!view.controls || !view.controls.enabled || !storedToken()) return;
  line.append("Token kept for this browser tab only · ",
    el("button", { type: "button", class: "link", text: "forget it",
      on: { click: () => { forgetToken(); renderTokenLine(); } } }));
}

function renderControls() {
  const enabled = Boolean(view.controls && view.controls.enabled);
  const all = $("all-controls");
  all.replaceChildren();
  if (enabled && view.status) {
    all.append(
      el("button", { type: "button", class: "btn btn-warn", id: "pause-all", text: "Pause all",
        on: { click: () => onControl("pause", null) } }),
      el("button", { type: "button", class: "btn btn-go", id: "resume-all", text: "Resume all",
        on: { click: () => onControl("resume", null) } }));
  }
  const hint = $("controls-hint");
  hint.hidden = enabled || !view.controls;
  hint.textContent = view.controls && view.controls.how_to_enable ? view.controls.how_to_enable : "";
  renderTokenLine();
}

function renderHedges() {
  const hedges = (view.status && view.status.hedges) || {};
  const names = Object.keys(hedges).sort();
  const box = $("hedges");
  const handler = view.controls && view.controls.enabled ? onControl : null;
  const tick = Math.floor(Date.now() / 30000); // "3 min ago" texts refresh twice a minute
  const cards = names.map((name) => {
    const key = JSON.stringify([hedges[name], Boolean(handler), tick]);
    const old = view.cards.get(name);
    if (old && old.key === key) return old.node; // unchanged: keep the node (and a pending click)
    const node = hedgeCard(name, hedges[name], handler);
    view.cards.set(name, { key, node });
    return node;
  });
  if (!names.length) cards.push(el("p", { class: "empty", text: view.status ? "No hedges configured." : "Waiting for the daemon…" }));
  box.replaceChildren(...cards);
}

// --- history -----------------------------------------------------------------------------
function renderTabs() {
  const names = Object.keys((view.status && view.status.hedges) || {}).sort();
  if (!names.includes(view.selected)) view.selected = names[0] || null;
  $("history-tabs").replaceChildren(...names.map((name) => el("button", {
    type: "button", role: "tab", class: `tab${name === view.selected ? " active" : ""}`,
    "aria-selected": name === view.selected ? "true" : "false", "data-hedge": name, text: name,
    on: { click: () => { view.selected = name; view.history = null; renderTabs(); loadHistory(); } },
  })));
}

const money = (v) => signed(v, Math.abs(v) >= 100 ? 0 : 2);

function renderCharts() {
  const doc = view.history;
  const slots = ["chart-ratio", "chart-liq", "chart-pnl"].map($);
  if (!doc || doc.hedge !== view.selected) {
    slots.forEach((slot) => slot.replaceChildren(el("p", { class: "empty", text: view.selected ? "Loading…" : "" })));
    $("actions").replaceChildren();
    return;
  }
  const s = doc.series;
  const band = num(((view.status || {}).hedges || {})[doc.hedge]?.band) || 0;
  const target = s.target.map(num);
  const p = doc.pnl;
  const width = (slot) => {
    const css = getComputedStyle(slot);
    return slot.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) || 320;
  };
  slots[0].replaceChildren(lineChart({ id: "ratio-chart", title: "Hedge ratio vs target", t: s.t,
    width: width(slots[0]), format: (v) => pct(v, 0),
    band: { lo: target.map((v) => (v === null ? null : v - band)), hi: target.map((v) => (v === null ? null : v + band)) },
    series: [{ label: "ratio", values: s.ratio, cls: "s-ratio" },
      { label: "target", values: s.target, cls: "s-target", dashed: true }] }));
  slots[1].replaceChildren(lineChart({ id: "liq-chart", title: "Liquidation distance", t: s.t,
    width: width(slots[1]), format: (v) => pct(v, 0),
    series: [{ label: "distance", values: s.liquidation_distance, cls: "s-liq" },
      { label: "margin ratio", values: s.margin_ratio, cls: "s-margin", dashed: true }] }));
  slots[2].replaceChildren(lineChart({ id: "pnl-chart", title: `P&L${p.currency ? ` (${p.currency})` : ""}`,
    t: s.t, width: width(slots[2]), format: money,
    series: [{ label: "spot", values: p.spot, cls: "s-spot" }, { label: "perp", values: p.perp, cls: "s-perp" },
      { label: "funding", values: p.funding, cls: "s-funding" },
      { label: "fees paid", values: p.fees, cls: "s-fees", dashed: true },
      { label: "total", values: p.total, cls: "s-total" }] }));
  const sampled = `${doc.snapshots} snapshots` + (doc.sampled_every > 1 ? `, one point every ${doc.sampled_every}.` : ".");
  $("pnl-basis").textContent = p.problem ? `P&L unavailable: ${p.problem}. ${sampled}` : `P&L ${p.basis}. ${sampled}`;
  $("actions").replaceChildren(actionsList(doc.actions));
}

async function loadHistory() {
  if (!view.selected) return;
  const hedge = view.selected;
  const since = $("history-window").value;
  try {
    const doc = await getJSON(`/history?hedge=${encodeURIComponent(hedge)}&since=${encodeURIComponent(since)}&points=400`);
    if (hedge === view.selected) view.history = doc;
  } catch (error) {
    $("pnl-basis").textContent = `History unavailable: ${error.message}`;
  }
  renderCharts();
}

// --- polling -----------------------------------------------------------------------------
async function refresh() {
  try {
    const [status, health, alerts] = await Promise.all([
      getJSON("/status"), getJSON("/healthz", { allow: [503] }), getJSON("/alerts"),
    ]);
    if (view.failingSinceMs !== null || !view.controls) view.controls = await getJSON("/controls");
    Object.assign(view, { status, health, alerts, lastOkMs: Date.now(), failingSinceMs: null, error: "" });
  } catch (error) {
    if (view.failingSinceMs === null) view.failingSinceMs = Date.now();
    view.error = error.message;
  }
  render();
}

function render() {
  renderHeader();
  renderBanners();
  renderControls();
  renderHedges();
  renderTabs();
  if (view.status) {
    $("accounts").replaceChildren(accountsTable(view.status.accounts));
  }
  if (view.alerts) $("alerts").replaceChildren(alertsList(view.alerts));
  document.body.dataset.ready = view.status ? "yes" : "no";
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(renderCharts, 150);
});
$("history-window").addEventListener("change", () => { view.history = null; loadHistory(); });

async function start() {
  await refresh();
  await loadHistory();
  setInterval(refresh, POLL_MS);
  setInterval(loadHistory, HISTORY_MS);
}

start();
