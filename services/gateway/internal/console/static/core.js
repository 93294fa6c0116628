// ocopfair web console: one page, plain JavaScript, talking to the same JSON API as every other
// client. Text from the API is always inserted as text, never as HTML.
"use strict";

const S = {
  token: localStorage.getItem("ocopfair.token") || "",
  lang: localStorage.getItem("ocopfair.lang") || "vi",
  ref: null,
  me: null,
  live: null,
  due: 0, // meetings waiting for this side's answer (see countDue)
  focusNext: "", // see focusNextDraw
  refused: "", // the token the API last refused (401), see expired
};

// ---------- helpers ----------
const t = (k) => (I18N[S.lang] && I18N[S.lang][k]) || I18N.vi[k] || k;
const $ = (sel, root = document) => root.querySelector(sel);

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

// money is an amount in đồng, its digits grouped as the page's other numbers are (num).
// A no-break space: "₫" never wraps to a line of its own.
const money = (n) => num(n) + "\u00a0₫";

// Amounts (prices in đồng, contract values, quantities a month) are typed the Vietnamese way,
// 1.500.000, or as 1 500 000 or 1,500,000. A number input would take "250.000" for 250 and
// refuse "1.500.000.000" outright, so these are text fields read by amount and shown back by
// amountText. amount returns the number, undefined for an empty text and null for one that is
// not an amount: dots, spaces or commas (one kind only) separate groups of three digits. Where
// decimals are allowed (1,5 tấn), a last comma or dot followed by one or two digits is the
// decimal mark; elsewhere "2,5" is refused rather than guessed. A number may end in the word for
// its size, as people say amounts here: 250k, 150 triệu, 1,5 tỷ (see amountWords).
function amount(s, decimals) {
  s = String(s ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim().replace(/\s*(₫|đồng|vnđ|vnd)$/i, "");
  if (!s) return undefined;
  const said = /^(\d[\d.,]*)\s*([^\d\s.,]+)$/.exec(s);
  if (said) return amountWords(said[1], said[2].toLowerCase());
  let frac = "";
  const dec = decimals && /^(.*\d)[.,](\d{1,2})$/.exec(s);
  if (dec) [s, frac] = [dec[1], dec[2]];
  if (!/^\d+$/.test(s) && !/^\d{1,3}([ .,]\d{3})+$/.test(s)) return null;
  if (new Set(s.replace(/\d/g, "")).size > 1) return null;
  const whole = s.replace(/\D/g, "");
  if (!Number.isSafeInteger(Number(whole))) return null;
  return Number(whole + (frac ? "." + frac : ""));
}

// amountWords is the amount number × the size word says (nghìn, triệu, tỷ), or null: with a word
// the number may have a decimal part after a comma or a dot (1,5 tỷ, 2.75 triệu), while dots
// before groups of three are group separators (1.500 triệu); the amount must come out whole.
function amountWords(number, word) {
  const size = { k: 1e3, "nghìn": 1e3, "ngàn": 1e3, tr: 1e6, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9 }[word];
  if (!size) return null;
  let n;
  if (/^\d{1,3}(\.\d{3})+$/.test(number)) n = Number(number.replace(/\./g, ""));
  else if (/^\d+([.,]\d+)?$/.test(number)) n = Number(number.replace(",", "."));
  else return null;
  const v = Math.round(n * size);
  return Number.isSafeInteger(v) && Math.abs(v - n * size) < 1e-3 ? v : null;
}

// amountText shows an amount as people here write it (1.500.000; 2,5), "" for none.
const amountText = (n) => (n === undefined || n === null || n === "" || Number.isNaN(Number(n)) ? "" : new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }).format(Number(n)));

// priceRange says a product's price (from lo to hi đồng, either may be 0 for unset) per unit.
function priceRange(lo, hi, unit) {
  if (!lo && !hi) return "";
  return (lo && hi > lo ? money(lo).replace("\u00a0₫", "") + "–" + money(hi) : lo ? money(lo) : "≤ " + money(hi)) + (unit ? "/" + unit : "");
}
const num = (n) => new Intl.NumberFormat(S.lang === "vi" ? "vi-VN" : "en-GB").format(n || 0);
// pct is a share in percent, to a tenth, with the language's decimal mark ("34,7%" in Vietnamese).
const pct = (n) => num(Math.round((n || 0) * 10) / 10) + "%";
function date(s) {
  if (!s) return "";
  const d = s.length === 10 ? new Date(s + "T00:00:00+07:00") : new Date(s);
  const p = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" }).formatToParts(d);
  const g = (type) => p.find((x) => x.type === type).value;
  return `${g("day")}/${g("month")}/${g("year")}`;
}
function time(s) {
  if (!s) return "";
  return new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" }).format(new Date(s));
}
// when is a moment as the page says it everywhere, the time and then the day ("10:33 07/12/2026"),
// as the agenda's files and the services' messages do; dayKnown leaves the day out where it goes
// without saying (it is today, or the heading above names it).
const when = (s, dayKnown) => (s ? time(s) + (dayKnown ? "" : " " + date(s)) : "");
const collator = new Intl.Collator("vi");
const sortBy = (list, key) => list.slice().sort((a, b) => collator.compare(key(a), key(b)));
const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();

// toast says a short result, under the header on a phone and at the bottom on wider screens. It never takes a tap (pointer-events: none)
// and sits clear of the page's buttons, so a tap right after it reaches the button under it.
function toast(msg) {
  const el = $("#toast");
  el.textContent = msg;
  el.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("show"), 3500);
}

function claims() {
  try {
    const bin = atob(S.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
  } catch (e) {
    return null;
  }
}

// expired reports whether the sign-in this page holds is over: past its time, or refused by the
// API (a sign-out everywhere, a password changed elsewhere) on a request that did not sign out.
function expired() {
  return !!S.token && (S.refused === S.token || ((claims() || {}).exp || Infinity) * 1000 < Date.now());
}

async function api(method, path, body, opts = {}) {
  const headers = { Accept: "application/json", "Accept-Language": S.lang };
  const sent = S.token;
  if (sent) headers.Authorization = "Bearer " + sent;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) headers["Content-Type"] = "application/json";
  if (opts.idem) headers["Idempotency-Key"] = opts.idem;
  if (opts.ifMatch) headers["If-Match"] = opts.ifMatch;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : body instanceof FormData || body instanceof Blob ? body : JSON.stringify(body) });
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (res.status === 401 && sent && sent === S.token) S.refused = sent; // see expired()
  if (res.status === 401 && sent && sent === S.token && !opts.quiet) {
    // Another tab that changed the password or signed in again holds the account's new session:
    // go on with it rather than sign that tab out too. A request sent before this tab's own new
    // token (sent !== S.token) ends nothing.
    const stored = localStorage.getItem("ocopfair.token");
    if (stored && stored !== sent) {
      S.token = stored; S.me = null;
      if (S.live) { S.live.close(); S.live = null; }
      forgetPerson();
      startLive(); render(true); countDue();
    } else logout();
  }
  // Retry-After in seconds (a full or busy server's 503 or 429), 0 when not said.
  return { ok: res.ok, status: res.status, data, retryAfter: Number(res.headers.get("Retry-After")) || 0 };
}

// every item of a paginated list, following next_cursor (at most `pages` pages of 100)
async function all(path, pages = 10, opts = {}) {
  const items = [];
  let cursor = "";
  for (let i = 0; i < pages; i++) {
    const r = await api("GET", path + (path.includes("?") ? "&" : "?") + "limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""), undefined, opts);
    if (!r.ok || !r.data) break;
    items.push(...(r.data.items || []));
    if (!(cursor = r.data.next_cursor)) break;
  }
  return items;
}

const idem = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

const opt = (list, vkey, lkey) => list.map((x) => [x[vkey], typeof lkey === "function" ? lkey(x) : x[lkey]]);
const num0 = (v) => (v === "" || v === undefined ? undefined : Number(v));
const csv = (v) => (v || "").split(",").map((s) => s.trim()).filter(Boolean);
// today is the date, plus days, on Vietnam's calendar (UTC+7, no summer time), as YYYY-MM-DD.
const today = (plus = 0) => new Date(Date.now() + 7 * 3600000 + plus * 86400000).toISOString().slice(0, 10);

// thumb is a product's small photo (the 320 px version the API makes), loaded only when it
// scrolls into view: a list of many products stays light on a phone's data plan.
function thumb(url, alt) {
  return url ? h("img", { class: "thumb", src: url + "&size=thumb", loading: "lazy", alt: alt || "", width: 64, height: 64 }) : null;
}

function badge(text, kind) { return h("span", { class: "badge " + (kind || "") }, text); }
function statusBadge(prefix, s) {
  const kind = { rejected: "bad", cancelled: "bad", expired: "bad", declined: "bad", waitlisted: "warn", expiring: "warn", requested: "warn", submitted: "grey", draft: "grey", withdrawn: "grey" }[s] || "";
  return badge(t(prefix + s), kind);
}

// ---------- session ----------
function logout() {
  S.token = "";
  S.me = null;
  forgetPerson();
  forgetKept();
  localStorage.removeItem("ocopfair.token");
  clearTimeout(retryLive.timer);
  if (S.live) { S.live.close(); S.live = null; }
  location.hash = "#/login";
  render();
}

async function signedIn(token) {
  S.token = token;
  localStorage.setItem("ocopfair.token", token);
  // Another account's kept badge or agenda (a session left to lapse without signing out on a
  // shared phone) goes as someone else signs in.
  forgetKept((claims() || {}).sub);
  startLive();
  location.hash = "#/";
  await render();
}

// startLive opens the live stream with a single-use ticket: an EventSource cannot send the token
// in a header, and a token in a URL ends up in logs. A ticket opens one stream only, so when the
// stream drops it is closed and a new one opened with a new ticket.
async function startLive() {
  if (!S.token || S.live || !window.EventSource) return;
  const opening = { closed: false, close() { this.closed = true; } };
  S.live = opening;
  let r = null;
  try {
    r = await api("POST", "/api/live/ticket", undefined, { quiet: true });
  } catch (e) {
    // No network (a venue's Wi-Fi dropped): ask again soon, or the page never follows again.
  }
  if (opening.closed || S.live !== opening) return;
  if (!r || !r.ok || !r.data || !r.data.ticket) {
    S.live = null;
    // A full replica says when to ask again (Retry-After).
    if (!r || r.status !== 401) retryLive(r ? Math.max(15, r.retryAfter) * 1000 : 5000);
    return;
  }
  const es = new EventSource("/api/live?ticket=" + encodeURIComponent(r.data.ticket));
  S.live = es;
  es.onmessage = (ev) => {
    redrawWhenFree(250);
    // Only a meeting's change can change the count of meetings awaiting an answer.
    let n = {};
    try { n = JSON.parse(ev.data) || {}; } catch (e) { /* a notice without data */ }
    if (!n.meeting_id) return;
    clearTimeout(countDue.timer);
    countDue.timer = setTimeout(() => countDue(), 300);
  };
  es.onerror = () => {
    es.close();
    if (S.live === es) { S.live = null; retryLive(3000); }
  };
}

// retryLive opens the live stream again after ms and a random part of it: a replica restarted on
// a fair's opening day has thousands of phones asking again, not all within the same moment.
function retryLive(ms) {
  clearTimeout(retryLive.timer);
  retryLive.timer = setTimeout(startLive, ms * (1 + Math.random() / 2));
}

// redrawWhenFree redraws the page after ms for a live update, once nothing typed or being edited
// would be lost: an update heard while a form is filled or a panel is open is kept until then
// (looked at every second), not dropped.
function redrawWhenFree(ms) {
  clearTimeout(redrawWhenFree.timer);
  redrawWhenFree.timer = setTimeout(() => {
    if (formsDirty()) redrawWhenFree(1000);
    else render(true, true);
  }, ms);
}

// whilePending marks el data-pending until promise p settles (see formsDirty) and returns p's
// outcome: a live update waits for an answer to be said where it was asked.
function whilePending(el, p) {
  el.dataset.pending = "1";
  return p.finally(() => delete el.dataset.pending);
}

// changedMeanwhile answers a save refused because the item changed (or went) since the page
// showed it: the refusal is said, and kept above the form's button (keep) while the page is
// redrawn with the item as it is now (see sayAgain).
function changedMeanwhile(r, keep = true) {
  r.keepErr = keep;
  toast((r.data && r.data.detail) || t("failed"));
  setTimeout(() => render(true));
}

// formsDirty reports whether the person has started filling a form on the page: a live update
// must not wipe what they typed.
function formsDirty() {
  // A view marks unsaved work that is not a form (a floor plan being edited) with data-dirty;
  // a form whose save awaits its answer is data-pending.
  if (document.querySelector("#app [data-dirty], #app [data-pending]")) return true;
  return typedFields($("#app")).length > 0;
}

// typedFields are the fields of root's forms that hold what the person typed or chose; a form
// being saved, or saved and left as it is (its values now stored), holds nothing to keep.
function typedFields(root) {
  return [...root.querySelectorAll("form:not([data-sending]) input, form:not([data-sending]) textarea, form:not([data-sending]) select")]
    .filter((el) => (el.type === "file" ? el.files.length > 0 : changed(el)));
}

// changed reports whether a field holds other than what the page put in it. A select that marks
// no option shows its first one, which is not a change.
function changed(el) {
  if (el.tagName === "SELECT") {
    if (el.multiple) return [...el.options].some((o) => o.selected !== o.defaultSelected);
    const shown = [...el.options].findIndex((o) => o.defaultSelected);
    return el.selectedIndex !== Math.max(shown, 0);
  }
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  return el.value !== el.defaultValue;
}

// ---------- layout ----------
const navs = {
  organiser: [["#/fairs", "fairs"], ["#/catalogue", "catalogue"], ["#/import", "import"], ["#/checkin", "checkin"], ["#/account", "account"]],
  admin: [["#/fairs", "fairs"], ["#/catalogue", "catalogue"], ["#/admin", "admin"], ["#/import", "import"], ["#/checkin", "checkin"], ["#/account", "account"]],
  producer: [["#/producer", "profile"], ["#/producer/fairs", "my_fairs"], ["#/producer/apps", "my_apps"], ["#/meetings", "meetings"], ["#/producer/opportunities", "opportunities"], ["#/badge", "my_badge"], ["#/account", "account"]],
  buyer: [["#/buyer", "buyer_profile"], ["#/catalogue", "catalogue"], ["#/meetings", "meetings"], ["#/badge", "my_badge"], ["#/account", "account"]],
};

// activeNav is the menu entry of the page shown: the longest entry the address starts with, so
// "#/producer/apps" highlights "Đơn của tôi", not "Hồ sơ" too.
function activeNav(items, hash) {
  const fits = items.filter(([href]) => hash === href || hash.startsWith(href + "/"));
  return fits.reduce((best, x) => (!best || x[0].length > best[0].length ? x : best), null);
}

function layout() {
  const c = claims();
  const nav = $("#nav");
  const items = c ? navs[c.role] || [] : [];
  const active = activeNav(items, location.hash);
  // The meetings entry, and the phone's folded menu, say how many wait for this side's answer
  // (see countDue).
  const due = (id) => (S.due ? h("span", { class: "nav-count", id, title: plural(S.due, "n_due") }, h("span", { "aria-hidden": "true" }, num(S.due)), h("span", { class: "sr-only" }, " (" + plural(S.due, "n_due") + ")")) : null);
  nav.replaceChildren(...items.map((x) => h("a", { href: x[0], class: x === active ? "active" : "", "aria-current": x === active ? "page" : undefined }, t(x[1]), x[0] === "#/meetings" ? due("nav-due") : null)));
  $("#menu").hidden = !items.length;
  $("#menu").replaceChildren(...[t("menu"), items.some((x) => x[0] === "#/meetings") && due("menu-due")].filter(Boolean));
  $("#who").textContent = c ? (c.name || c.email || "") : "";
  $("#logout").hidden = !c;
  $("#logout").textContent = t("logout");
  $("#lang").textContent = S.lang === "vi" ? "EN" : "VI";
  $("#lang").setAttribute("aria-label", t("lang_switch"));
  document.documentElement.lang = S.lang;
}

// forgetPerson drops what the console holds of the person signed in before (another account may
// sign in on the same phone next): the meetings count, the private calendar feed addresses shown,
// the fair chosen for invitations and a request begun from the catalogue.
function forgetPerson() {
  S.due = 0;
  countDue.seq = (countDue.seq || 0) + 1; // a count still being read is dropped
  feedShown.clear();
  oppFair.id = "";
  requestDraft.value = null;
}

// countDue counts the meetings that wait for the signed-in buyer's or producer's answer, for the
// menu: on each new page and after a live update. list, when the page has just read them, saves
// asking again. An older count finishing late changes nothing.
async function countDue(list) {
  const c = claims();
  if (!c || !["buyer", "producer"].includes(c.role)) { S.due = 0; return; }
  const mine = (countDue.seq = (countDue.seq || 0) + 1);
  const items = list || (await all("/api/meetings", 10, { quiet: true }));
  if (mine !== countDue.seq) return;
  const n = items.filter((m) => m.awaiting === c.role).length;
  if (n === S.due) return;
  S.due = n;
  layout();
}

// expiryText says when a certificate ends, and how far off that is: "Hết hạn 12/03/2027 · còn
// 45 ngày", "Đã hết hạn từ 10/01/2026". The expiry is the first day it is no longer valid (as the
// API's status counts it); days are counted in Vietnam's calendar.
function expiryText(iso) {
  if (!iso) return "";
  const days = Math.round((Date.parse(iso.slice(0, 10)) - Date.parse(today())) / 86400000);
  if (days <= 0) return t("expired_on").replace("{date}", date(iso));
  return t("expires_on").replace("{date}", date(iso)) + " · " + plural(days, "n_days_left");
}

// closeMenu folds the phone menu away (after a choice, or a tap elsewhere).
function closeMenu() {
  $(".top").classList.remove("open");
  $("#menu").setAttribute("aria-expanded", "false");
}

// Names of reference values in the page's language: the API sends codes (litre, standard,
// domestic, JP); people read names.
const certName = (code) => { const c = ((S.ref && S.ref.certifications) || []).find((x) => x.code === code); return c ? c.name : code; };
const unitName = (code) => { const u = ((S.ref && S.ref.units) || []).find((x) => x.code === code); return u ? u["name_" + S.lang] || u.name_vi : code || ""; };
// quantityText is n of the unit of code: 1.500 lít; in English 1,500 litres, 40 boxes, 1 litre, 12 kg.
function quantityText(n, code) {
  const u = ((S.ref && S.ref.units) || []).find((x) => x.code === code);
  return num(n) + " " + ((S.lang === "en" && n !== 1 && u && u.name_en_plural) || unitName(code));
}
const boothKindName = (k) => t("bk_" + k);
// askedFor is what an application asked for: its booths, and the zone it prefers when it named one.
const askedFor = (a) => (a.booth_count || 1) + " × " + boothKindName(a.booth_kind || "standard") +
  (a.preferred_zone ? " · " + t("preferred_zone") + ": " + a.preferred_zone : "");
function marketName(code) {
  // The browser's own names are not always how Vietnamese writes them ("Liên Minh Châu Âu").
  if (I18N.vi["mk_" + code]) return t("mk_" + code);
  try { return new Intl.DisplayNames([S.lang], { type: "region" }).of(code) || code; } catch (e) { return code; }
}
// criteriaSetName is the set's group and sub-group, in English from the console's own table
// until the reference data carries English names.
function criteriaSetName(c) {
  const en = S.lang === "en" && (c.name_en || I18N.en["cs_" + c.number]);
  return `${c.number}. ` + (en || c.group + (c.sub_group ? " — " + c.sub_group : ""));
}

async function reference() {
  if (!S.ref) {
    const r = await api("GET", "/api/reference");
    S.ref = r.data;
  }
  return S.ref;
}


// plural says a count with its noun in the page's language ("1 booth", "2 booths", "2 gian"):
// the key's _one or _other form, by the language's plural rules.
function plural(n, key) {
  const form = new Intl.PluralRules(S.lang).select(n);
  const word = (I18N[S.lang] && (I18N[S.lang][key + "_" + form] || I18N[S.lang][key + "_other"])) || I18N.vi[key + "_other"] || "{n}";
  return word.replace("{n}", num(n));
}

// guide is an empty state that says what to do next, with the action that does it.
function guide(id, text, action) {
  return h("div", { class: "card guide", id: "guide-" + id }, h("p", {}, text), action ? h("div", { class: "actions" }, action) : null);
}

// goToField brings a form's first field into view and puts the cursor in it.
function goToField(sel) {
  const el = $(sel);
  if (!el) return;
  el.scrollIntoView({ block: "center" });
  el.focus();
}

// focusNextDraw names what gets the keyboard when the page is next drawn (see render): the item
// just added or saved, instead of the form's button, gone with the redraw.
function focusNextDraw(sel) {
  S.focusNext = sel;
}

// focusAfterRender is a link's click handler that, once the page it opens is drawn, puts the
// cursor in the field named by sel.
function focusAfterRender(sel) {
  return () => {
    const until = Date.now() + 5000;
    const wait = () => { if ($(sel) && !$("#app").hasAttribute("aria-busy")) goToField(sel); else if (Date.now() < until) setTimeout(wait, 100); };
    setTimeout(wait, 0);
  };
}

// ---------- lists with filters and "Xem thêm" ----------
// The catalogue and the application queue are the same kind of list: filters kept in a state
// object, a search box, and pages read with a cursor. These pieces keep them behaving alike.

// filterSelect is a labelled <select> (id prefix + key) showing st[key]; a choice sets st[key]
// and calls changed. all names the "any value" choice listed first; "" leaves it out.
function filterSelect(st, prefix, key, label, options, changed, all = t("all")) {
  return h("div", { class: "field" }, h("label", { for: prefix + key }, label),
    h("select", { id: prefix + key, onchange: (ev) => { st[key] = ev.target.value; changed(); } },
      [...(all ? [["", all]] : []), ...options].map(([v, l]) => h("option", { value: v, selected: st[key] === v }, l))));
}

// searchField is a labelled search box showing st.q. Typing sets st.q and calls changed once
// the typing pauses for 300 ms: a word is one request, not one a letter. now() runs a waiting
// search at once (Enter in a search form).
function searchField(st, id, hint, changed) {
  let timer;
  const input = h("input", { type: "search", id, value: st.q, placeholder: hint, autocomplete: "off",
    oninput: (ev) => { st.q = ev.target.value.trim(); clearTimeout(timer); timer = setTimeout(search, 300); } });
  // A box that a redraw replaced meanwhile leaves the search to the one shown (its view's list).
  const search = () => {
    if (input.isConnected) { changed(); return; }
    const shown = document.getElementById(id);
    if (shown) shown.dispatchEvent(new Event("input"));
  };
  return { field: h("div", { class: "field full" }, h("label", { for: id }, t("search")), input), now: () => { clearTimeout(timer); changed(); } };
}

// focusFirst puts the keyboard on el's first control, or on what el made focusable with
// tabindex (a card's heading), so a keyboard user goes on from the first of the items just added.
function focusFirst(el) {
  const to = el && el.querySelector("a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]");
  if (to) to.focus();
}

// failure is what a failed request says: the API's own words when it gave some, or else
// t("failed"). r is api()'s answer, or null when the network failed. A refusal naming fields
// says each field's error: its title alone ("Một số trường chưa hợp lệ…") tells nothing when the
// field has no input on the page (a match card's "Mời gặp").
function failure(r) {
  const d = (r && r.data) || {};
  const fields = (d.errors || []).map((e) => e.message).filter(Boolean);
  return fields.length ? fields.join(" ") : d.detail || d.title || t(r ? "failed" : "no_network");
}

// offline is the answer a save that met no network is given (api() throws then): it says so, in
// the page's language, wherever a refusal is said.
const offline = () => ({ ok: false, status: 0, offline: true, data: { detail: t("no_network_not_saved") } });

// A request that met no network and that nothing else answered (a button's save) is said, not
// left in the browser's console with the page silent.
// A read that failed so (a page, a live refresh) is said the same neutral way. Browsers word it
// "Failed to fetch" (Chromium), "NetworkError when attempting to fetch resource." (Firefox) and
// "Load failed" (Safari); another TypeError is a fault of the page, not the network.
const networkLost = (err) => err instanceof TypeError && /fetch|network|load failed/i.test(err.message || "");
// reached returns answer r, or throws as a lost network does when r is the gateway's saying that
// the service behind it cannot be reached: for what is kept on the phone (below), the same.
function reached(r) {
  if (r.status === 502 || r.status === 503 || r.status === 504) throw new TypeError("network: " + r.status);
  return r;
}

// What a participant needs at the fair without network, its badge and its agenda, is kept in this
// browser when last shown, per account, kind and fair, and shown when the network is lost (the
// offline shell, sw.js, opens the page itself). Signing out forgets it all: a shared phone keeps
// no one's.
const keptPrefix = "ocopfair.kept.";
const keptKey = (kind, c) => keptPrefix + kind + "." + c.sub;
function keptOf(kind, c) {
  try { return JSON.parse(localStorage.getItem(keptKey(kind, c)) || "{}") || {}; } catch (e) { return {}; }
}
function keepFor(kind, c, id, value) {
  const all = keptOf(kind, c);
  if (value) all[id] = { ...value, at: new Date().toISOString() }; else delete all[id];
  try {
    if (Object.keys(all).length) localStorage.setItem(keptKey(kind, c), JSON.stringify(all));
    else localStorage.removeItem(keptKey(kind, c));
  } catch (e) { /* storage full: shown, not kept */ }
}
// forgetKept forgets what was kept, but for the account sub when one is named.
function forgetKept(sub) {
  for (const k of Object.keys(localStorage)) if (k.startsWith(keptPrefix) && !(sub && k.endsWith("." + sub))) localStorage.removeItem(k);
}
// keptNote says the page shows what this phone kept, and since when if at is given (key: its
// words, with %s for when).
const keptNote = (key, at) => h("p", { class: "card warn-line kept-note", role: "status" }, at ? t(key).replace("%s", when(at)) : t(key));
window.addEventListener("unhandledrejection", (ev) => {
  if (networkLost(ev.reason)) toast(t("no_network"));
});

// readFailed puts in box what a list says when its first page could not be read: the failure
// as an alert, with a "Thử lại" button (id) that calls retry. It is never "no match": nothing was
// read. After a retry that answered, the keyboard goes to the list's first item (or to the
// button of a retry that failed again) instead of falling back to the top of the page.
function readFailed(box, r, id, retry) {
  box.replaceChildren(h("p", { class: "err", role: "alert" }, failure(r), " ",
    h("button", { type: "button", class: "secondary", id, onclick: async (ev) => {
      const button = ev.currentTarget;
      await retry();
      if (button.isConnected) return; // a newer load is still on its way
      const again = document.getElementById(id);
      if (again) again.focus(); else focusFirst(box);
    } }, t("retry"))));
}

// pagesOf reads the list at path, size a page, until at least want are read or none are left (at
// most 40 pages), so that a page drawn again shows as many as were shown: the items, the next
// page's cursor, and the last answer (to say a failure).
async function pagesOf(path, want, size = 50) {
  const sep = path.includes("?") ? "&" : "?";
  let items = [], cursor = "", r, pages = 0;
  do {
    r = await api("GET", path + sep + "limit=" + size + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!r.ok || !r.data) break;
    items = items.concat(r.data.items || []);
    cursor = r.data.next_cursor || "";
  } while (cursor && items.length < want && ++pages < 40);
  return { items, cursor, r };
}

// pager numbers a list's loads and offers its next page behind a "Xem thêm" button (id) in box.
// A page, first or next, that a newer load overtook is dropped: it belongs to a list no longer
// shown. add(items) appends a page's items to the list; shown() lists the elements of the items
// the list shows, in order.
function pager(box, id, add, shown) {
  let loads = 0;
  const pg = {
    // load starts a new list (a filter or the search changed) and takes its button away. It
    // returns fresh(), which says whether no newer load has started since.
    load() {
      const mine = ++loads;
      box.replaceChildren();
      return () => mine === loads;
    },
    // offer shows the button when cursor names a next page; read(cursor) answers it as api()
    // does. While it reads the button is disabled; a failed read enables it again and says so.
    offer(cursor, read) {
      box.replaceChildren(cursor ? h("button", { type: "button", class: "secondary", id, onclick: async (ev) => {
        const button = ev.currentTarget;
        button.disabled = true;
        const mine = loads;
        // A live redraw waits for the page being read (formsDirty): drawn before it, it would
        // show the list without the page the person asked for. A read that hangs (a venue's
        // Wi-Fi) is given up after 20 s, as no network, so live updates are not held for ever.
        const gaveUp = new Promise((res) => setTimeout(() => res(null), 20000));
        const r = await whilePending(button, Promise.race([read(cursor).catch(() => null), gaveUp]));
        if (mine !== loads) return;
        if (!r || !r.ok || !r.data) { button.disabled = false; toast(failure(r)); return; }
        const before = shown().length;
        add(r.data.items || []);
        pg.offer(r.data.next_cursor, read);
        // The keyboard goes on from the first new item. A page with none (the list ended just
        // at the last page) leaves it on the new button, or on the last item once the button is
        // gone, never on a removed button (which drops it to the top of the page).
        const now = shown();
        const next = box.querySelector("button");
        if (now.length > before) focusFirst(now[before]);
        else if (next) next.focus();
        else focusFirst(now[now.length - 1]);
      } }, t("show_more")) : "");
    },
  };
  return pg;
}
