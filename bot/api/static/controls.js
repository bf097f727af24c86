// Pause / resume: asks for the API token once per browser tab (sessionStorage only, never
// sent anywhere but this daemon) and shows the daemon's answer.

import { postControl } from "./api.js";

const KEY = "hedgebot.token";
let toastTimer = null;

export function storedToken() {
  return sessionStorage.getItem(KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/** Show `text` in the status line for a few seconds; kind is "ok" or "error". */
export function toast(text, kind = "ok") {
  const node = document.getElementById("toast");
  node.textContent = text;
  node.className = `toast show toast-${kind}`;
  node.dataset.kind = kind;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.className = "toast"; }, 8000);
}

/** Ask for the token in the modal dialog; resolves to it, or null when cancelled. */
function askToken(action, hedge) {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  document.getElementById("token-purpose").textContent =
    `${action === "pause" ? "Pause" : "Resume"} ${hedge || "every hedge"}: enter the daemon's API token.`;
  input.value = "";
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener("close", done);
      const token = dialog.returnValue === "ok" ? input.value.trim() : "";
      input.value = "";
      resolve(token || null);
    };
    dialog.addEventListener("close", done);
    dialog.showModal();
    input.focus();
  });
}

function describe(action, hedge, answer) {
  const what = `${action} ${hedge || "all hedges"}`;
  if (answer.ok) return `${what}: done — the daemon answered ok`;
  const reason = answer.body && answer.body.error ? answer.body.error : `HTTP ${answer.status}`;
  return `${what} refused (HTTP ${answer.status}): ${reason}`;
}

/** Run `action` ("pause" | "resume") on `hedge` (null = all); `after()` refreshes the page. */
export async function control(action, hedge, after) {
  let token = storedToken();
  if (!token) {
    token = await askToken(action, hedge);
    if (!token) return;
    sessionStorage.setItem(KEY, token);
  }
  let answer;
  try {
    answer = await postControl(action, hedge, token);
  } catch (error) {
    toast(`${action} ${hedge || "all hedges"}: ${error.message}`, "error");
    return;
  }
  if (answer.status === 401) forgetToken(); // a wrong token is asked for again next time
  toast(describe(action, hedge, answer), answer.ok ? "ok" : "error");
  after();
}
