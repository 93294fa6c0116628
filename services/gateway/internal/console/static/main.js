// The router, the sign-in views and the start of the page; loaded last, after every view.
"use strict";

// ---------- router ----------
const routes = [
  [/^#\/login$/, viewLogin],
  [/^#\/register$/, viewRegister],
  [/^#\/reset$/, viewReset],
  [/^#\/fairs(\/all)?$/, viewFairs],
  [/^#\/fair\/([^/?]+)(?:\/(\w+))?(?:\?.*)?$/, viewFair],
  [/^#\/import$/, viewImport],
  [/^#\/admin$/, viewAdmin],
  [/^#\/producer$/, viewProducer],
  [/^#\/producer\/fairs$/, viewOpenFairs],
  [/^#\/producer\/apps$/, viewMyApps],
  [/^#\/producer\/opportunities$/, viewOpportunities],
  [/^#\/buyer$/, viewBuyer],
  [/^#\/catalogue$/, viewCatalogue],
  [/^#\/request\/([^/]+)$/, viewRequest],
  [/^#\/meetings$/, viewMeetings],
  [/^#\/agenda\/([^/]+)$/, viewAgenda],
  [/^#\/checkin(?:\/([^/]+))?$/, viewCheckin],
  [/^#\/badge(?:\/([^/]+))?$/, viewBadge],
  [/^#\/account$/, viewAccount],
];

let rendering = 0;
// asked is the newest render asked for by the person (a save, a choice: not a live update), and
// drawn the newest drawn: a live render that overtook one asked for draws as it would have.
let asked = 0, drawn = 0;
// A live redraw (live: a server-sent update) that finds the page busy once its data is read
// (a form typed in, being saved, or an editor opened meanwhile) is not drawn but held again.
async function render(refresh, live) {
  const mine = ++rendering;
  if (!live) asked = mine;
  // A new page is drawn fresh: a live update held for the page before is not drawn again on it.
  if (!refresh) {
    clearTimeout(redrawWhenFree.timer);
    S.focusNext = ""; // meant for the page left
    cancelAsked.clear(); // a cancel form left open is not opened again on coming back
    for (const st of queueState.values()) for (const key of [...st.rejecting]) closeReject(st, key); // nor a reject form
    if (location.hash !== "#/meetings") countDue();
  }
  layout();
  const c = claims();
  let hash = location.hash || "#/";
  if (!c && !/^#\/(login|register|reset)$/.test(hash)) hash = "#/login";
  if (hash === "#/" && c) hash = { producer: "#/producer", buyer: "#/buyer", admin: "#/admin" }[c.role] || "#/fairs";
  if (hash !== location.hash) history.replaceState(null, "", hash);
  const app = $("#app");
  // A new page says it is loading at once, instead of leaving the old one under the new menu
  // entry; a live refresh of the same page keeps it until the fresh one is ready.
  if (!refresh) {
    app.setAttribute("aria-busy", "true");
    app.replaceChildren(h("div", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), t("loading")));
  }
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    let node;
    try {
      node = await view(...m.slice(1));
    } catch (e) {
      // A page that met no network (a venue's Wi-Fi dropping) says so with a way to try again,
      // and tries by itself once the phone is back online, instead of loading for ever; a live
      // refresh that failed keeps the page as it was.
      if (mine !== rendering || refresh) return;
      node = loadFailed(e);
    }
    if (mine !== rendering) return; // a newer render won
    if (live && asked <= drawn && formsDirty()) { redrawWhenFree(1000); return; }
    drawn = mine;
    // A refresh (a live update, or after one form is saved) keeps what was typed in the other
    // forms, and where the person was: the focus, the open folds, sideways scroll.
    const kept = refresh ? typedIn(app) : [];
    const where = refresh ? placeIn(app) : null;
    if (refresh) sayAgain(node, app);
    app.replaceChildren(node);
    // The map's booth panel opens once the map is laid out: what was typed in it goes back then.
    const missed = typeAgain(kept);
    S.typeLater = missed.length && app.querySelector("#booth-map") ? missed : null;
    if (where) placeAgain(app, where);
    // An item gone by this draw is not focused on a later one, where it would take the keyboard
    // unasked; the map's booth panel, drawn once the map is laid out, gives it then (map.js).
    if (S.focusNext && app.querySelector(S.focusNext)) { goToField(S.focusNext); S.focusNext = ""; }
    if (!app.querySelector("#booth-map")) S.focusNext = "";
    app.removeAttribute("aria-busy");
    layout();
    if (!refresh) {
      // A new page is read from its start, with the header (the menu, signing out) in sight:
      // focusing the page alone scrolled the header away.
      app.focus({ preventScroll: true });
      window.scrollTo(0, 0);
      // With a keyboard, signing in starts in its first field; a phone's keyboard is not opened
      // over the page unasked.
      if (hash === "#/login" && !matchMedia("(pointer: coarse)").matches) $("#login-email").focus();
    }
    return;
  }
  app.replaceChildren(h("p", {}, "404"));
  app.removeAttribute("aria-busy");
}

// typedIn lists what the person typed in root's forms (see typedFields), by field ID. The folds
// around them open again as they were, with the others (see placeIn).
function typedIn(root) {
  return typedFields(root).filter((el) => el.id && el.type !== "file")
    .map((el) => [el.id, el.tagName === "SELECT" ? [...el.selectedOptions].map((o) => o.value) : el.type === "checkbox" || el.type === "radio" ? el.checked : el.value]);
}

// sayAgain keeps what a form marked data-keep-err said above its button (a save refused because
// another phone changed the item, shown with the item as it is now) in the same form of the
// redrawn page, until the person sends it again: a toast alone is gone before a hurried reader
// looks up. The kept words are not announced again (the box is no alert until the next send).
function sayAgain(node, old) {
  for (const f of old.querySelectorAll("form[id][data-keep-err]")) {
    const err = f.querySelector(".form-err");
    const again = node.querySelector("#" + CSS.escape(f.id));
    if (!again || !err.textContent) continue;
    again.dataset.keepErr = "1";
    const box = again.querySelector(".form-err");
    box.removeAttribute("role");
    box.replaceChildren(...[...err.childNodes].map((n) => n.cloneNode(true)));
  }
}

// typeAgain puts kept values back into the fields of the same IDs, and returns those whose field
// is not (yet) on the page.
function typeAgain(kept) {
  const missed = [];
  for (const [id, v] of kept) {
    const el = document.getElementById(id);
    if (!el) { missed.push([id, v]); continue; }
    if (el.tagName === "SELECT") for (const o of el.options) o.selected = v.includes(o.value);
    else if (typeof v === "boolean") el.checked = v;
    else el.value = v;
    // A form that shows or enables parts by what is chosen listens for this (see outcomeForm).
    el.dispatchEvent(new Event("restored", { bubbles: true }));
  }
  return missed;
}

// keyOf names an element so that the same one can be found in a redrawn page: by its ID, its
// booth, its meeting or request and its class, or its link; "" when it has none of them.
function keyOf(el) {
  if (el.id) return "#" + CSS.escape(el.id);
  const tag = el.tagName.toLowerCase();
  if (tag === "summary" && el.parentElement.id) return "#" + CSS.escape(el.parentElement.id) + " > summary";
  if (el.dataset.code) return `${tag}[data-code="${CSS.escape(el.dataset.code)}"]`;
  // A meeting's own item (the inbox's, the agenda's row) is found by its meeting alone (its
  // classes say its state, "awaiting", which a redraw may change); what is inside a meeting's
  // item, a request's card (each card's link goes to the same page) or a producer's match card,
  // by the item and its classes but "secondary" (a toggle's look when not pressed).
  if (el.dataset.meeting) return `${tag}[data-meeting="${CSS.escape(el.dataset.meeting)}"]`;
  if (el.dataset.tab) return `${tag}[data-tab="${CSS.escape(el.dataset.tab)}"]`;
  // An application's review button, by the application and what the button does.
  const app = el.dataset.act && el.closest("tr[data-app]");
  if (app) return `tr[data-app="${CSS.escape(app.dataset.app)}"] ${tag}[data-act="${CSS.escape(el.dataset.act)}"]`;
  const m = el.closest("[data-meeting], [data-request], [data-producer]");
  if (m && el.classList.length) {
    const [attr, id] = m.dataset.meeting ? ["data-meeting", m.dataset.meeting] : m.dataset.request ? ["data-request", m.dataset.request] : ["data-producer", m.dataset.producer];
    const named = [...el.classList].filter((c) => c !== "secondary");
    return `[${attr}="${CSS.escape(id)}"] ${tag}${(named.length ? named : ["secondary"]).map((c) => "." + CSS.escape(c)).join("")}`;
  }
  if (tag === "a" && el.getAttribute("href")) return `a[href="${CSS.escape(el.getAttribute("href"))}"]`;
  return "";
}

// placeIn notes where the person is on the page: the focused element (and a text field's text
// and caret, unless its form is being saved), the open folds, tables scrolled in their boxes
// (sideways, and down where a box is no taller than the screen, as the B2B grid's: scrollBoxes),
// and what they read on the screen (readingPlace).
function placeIn(root) {
  const at = document.activeElement;
  const focus = at && at !== root && root.contains(at) ? keyOf(at) : "";
  const text = focus && (at.tagName === "INPUT" || at.tagName === "TEXTAREA") && !at.closest("form[data-sending]") && at.type !== "file"
    ? { value: at.value, start: at.selectionStart, end: at.selectionEnd } : null;
  // A fold whose form was just saved closes, its work done.
  const folds = [...root.querySelectorAll("details[open]")].filter((d) => !d.querySelector("form[data-sending]")).map((d) => (d.id ? "#" + CSS.escape(d.id) : d.querySelector("[id]") ? "#" + CSS.escape(d.querySelector("[id]").id) : "")).filter(Boolean);
  const scrolls = scrollsIn(root);
  // An element given the keyboard by the page (a meeting focused after its answer) takes it again.
  const tab = focus && at.getAttribute("tabindex");
  return { focus, text, folds, scrolls, tab, read: readingPlace(root), shown: !!focus && onScreen(at) };
}

// onScreen is whether some of el is in the window.
function onScreen(el) {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
}

// The elements a page names for good (a meeting, a day, a request, a product, ...: anchorKey).
const anchored = "[id], [data-meeting], [data-day], [data-request], [data-producer], [data-product], [data-app], [data-code], [data-scan]";

// anchorKey names el by its ID or what it shows (the first of its data-* in anchored), or "".
function anchorKey(el) {
  if (el.id) return "#" + CSS.escape(el.id);
  const k = ["meeting", "day", "request", "producer", "product", "app", "code", "scan"].find((d) => el.dataset[d]);
  return k ? `${el.tagName.toLowerCase()}[data-${k}="${CSS.escape(el.dataset[k])}"]` : "";
}

// readingPlace notes what the person reads in root, scrolled down the page: the first few named
// elements (anchorKey) whose tops are on the screen, top down, each with how far below the
// screen's top it is, then the innermost across the screen's top. A live update may add or take
// away what is above them (a meeting moved or cancelled, a whole day gone): the redrawn page is
// scrolled so that the first of them still there is where it was (readAgain), where keeping the
// page's offset moved the text under the reader's eyes. At the page's top there is nothing to
// keep: the page stays at its top, and what comes above is seen. Elements the page shows more
// than once under one name, and those stuck to the screen (position sticky or fixed), tell
// nothing of the place.
function readingPlace(root) {
  if (window.scrollY <= 0) return [];
  const below = [], across = [];
  for (const el of root.querySelectorAll(anchored)) {
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.bottom > 0 && r.top < innerHeight) (r.top >= 0 ? below : across).push([el, r.top]);
  }
  below.sort((x, y) => x[1] - y[1]);
  across.sort((x, y) => y[1] - x[1]);
  const out = [];
  for (const [el, top] of below.concat(across)) {
    const key = anchorKey(el);
    if (key && root.querySelector(key) === el && !stuck(el, root)) out.push({ key, top });
    if (out.length === 4) break;
  }
  return out;
}

// stuck is whether el, or a box around it in root, stays put on the screen as the page scrolls.
function stuck(el, root) {
  for (let e = el; e && e !== root; e = e.parentElement) if (/sticky|fixed/.test(getComputedStyle(e).position)) return true;
  return false;
}

// readAgain scrolls the window so that the first element of place (readingPlace) found in root
// is as far below the screen's top as it was; with none of them found the page keeps its offset.
function readAgain(root, place) {
  for (const { key, top } of place) {
    const el = root.querySelector(key);
    if (!el || !el.getBoundingClientRect().height) continue;
    window.scrollBy(0, el.getBoundingClientRect().top - top);
    return;
  }
}

// scrollBoxes names root's scrolling table boxes so that the same box is found in a redrawn
// page: a day's box (the B2B grid's, an agenda's) by its day, as days come and go; the others by
// their order.
function scrollBoxes(root) {
  let n = 0;
  return [...root.querySelectorAll(".tablewrap")].map((w) => [w.dataset.day ? "day " + w.dataset.day : "at " + n++, w]);
}

// scrollsIn notes where each of root's table boxes is scrolled, by its name (scrollBoxes).
const scrollsIn = (root) => new Map(scrollBoxes(root).map(([key, w]) => [key, [w.scrollLeft, w.scrollTop]]));

// scrollAgain scrolls root's table boxes back to where scrollsIn found the boxes of their names.
function scrollAgain(root, scrolls) {
  for (const [key, w] of scrollBoxes(root)) if (scrolls.has(key)) [w.scrollLeft, w.scrollTop] = scrolls.get(key);
}

// placeAgain puts the person back where placeIn found them, in the redrawn page.
function placeAgain(root, p) {
  for (const key of p.folds) {
    const el = root.querySelector(key);
    const fold = el && (el.tagName === "DETAILS" ? el : el.closest("details"));
    if (fold) fold.open = true;
  }
  scrollAgain(root, p.scrolls);
  readAgain(root, p.read);
  const el = p.focus && root.querySelector(p.focus);
  // The map's booth panel opens once the map is laid out, after the page is drawn: a place in it
  // gets the keyboard then (focusNextDraw).
  if (!el) { if (p.focus && !S.focusNext && root.querySelector("#booth-map")) S.focusNext = p.focus; return; }
  if (p.text && el.value !== p.text.value) el.value = p.text.value;
  if (p.tab && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", p.tab);
  el.focus({ preventScroll: true });
  // The place read kept, the element with the keyboard is still in sight if it was (what was
  // added between them may have taken it off the screen).
  if (p.shown && !onScreen(el) && el.getClientRects().length) el.scrollIntoView({ block: "nearest" });
  if (p.text && typeof el.setSelectionRange === "function" && p.text.start !== null) {
    try { el.setSelectionRange(p.text.start, p.text.end); } catch (e) { /* not a text field */ }
  }
}

// ---------- auth views ----------
function viewLogin() {
  return h("div", { class: "card", style: "max-width:28rem;margin:2rem auto" }, h("h1", {}, t("login")),
    form([{ name: "email", label: t("email"), type: "email", autocomplete: "username", full: true },
      { name: "password", label: t("password"), type: "password", autocomplete: "current-password", full: true }], t("login"), async (v) => {
      const r = await api("POST", "/api/auth/login", v, { quiet: true });
      if (r.ok) await signedIn(r.data.access_token);
      return r;
    }, { id: "login" }),
    // The email typed here goes with the person to the reset page.
    h("p", {}, h("a", { href: "#/reset", id: "to-reset", onclick: () => { resetEmail.value = ($("#login-email") || {}).value || ""; } }, t("forgot_password"))),
    h("p", {}, t("no_account"), " ", h("a", { href: "#/register", id: "to-register" }, t("register"))));
}

// viewReset sets a new password with the code the organisers read out by phone (no email is
// needed: most producers sign in with a phone and call the office), and signs in.
const resetEmail = { value: "" };

function viewReset() {
  return h("div", { class: "card", style: "max-width:28rem;margin:2rem auto" }, h("h1", {}, t("forgot_password")), h("p", {}, t("reset_how")),
    form([{ name: "email", label: t("email"), type: "email", autocomplete: "username", full: true, value: resetEmail.value },
      { name: "code", label: t("reset_code"), autocomplete: "one-time-code", full: true, hint: t("reset_code_hint") },
      { name: "new_password", label: t("new_password"), type: "password", autocomplete: "new-password", full: true, hint: t("password_rule") }], t("reset_set"), async (v) => {
      const r = await api("POST", "/api/auth/password-reset", v, { quiet: true });
      if (r.ok) {
        await signedIn(r.data.access_token);
        toast(t("password_changed"));
      }
      return r;
    }, { id: "reset" }),
    h("p", {}, h("a", { href: "#/login" }, t("login"))));
}

function viewRegister() {
  return h("div", { class: "card", style: "max-width:28rem;margin:2rem auto" }, h("h1", {}, t("register")),
    form([{ name: "name", label: t("name"), autocomplete: "name", full: true }, { name: "email", label: t("email"), type: "email", autocomplete: "email", full: true },
      { name: "password", label: t("password"), type: "password", autocomplete: "new-password", full: true, hint: t("password_rule") },
      // Who signs up chooses what it is: a buyer who skipped the last field became a seller.
      { name: "role", label: t("role"), type: "select", value: "", options: [["", t("choose_role")], ["producer", t("role_producer")], ["buyer", t("role_buyer")]], full: true }],
    t("register"), async (v) => {
      const r = chooseAsked(await api("POST", "/api/auth/register", v, { idem: idem(), quiet: true }), v, { role: "choose_role_hint" });
      // An email with an account already is said under it, with the ways in below the form.
      if (r.status === 409 && r.data && r.data.code === "email_taken") {
        $("#register-have").hidden = false;
        return refused("email", r.data.detail);
      }
      if (!r.ok) return r;
      if (r.data && r.data.access_token) {
        await signedIn(r.data.access_token);
        return r;
      }
      // A replayed sign-up carries no token (the server never keeps one): sign in instead.
      const l = await api("POST", "/api/auth/login", { email: v.email, password: v.password }, { quiet: true });
      if (l.ok) await signedIn(l.data.access_token);
      return l;
    }, { id: "register" }),
    h("p", {}, t("have_account"), " ", h("a", { href: "#/login" }, t("login"))),
    h("p", { id: "register-have", hidden: true }, h("a", { href: "#/reset", onclick: () => { resetEmail.value = ($("#register-email") || {}).value || ""; } }, t("forgot_password"))));
}

// viewAccount: the signed-in person changes the password (the other devices are signed out; this
// one goes on with the new token) or signs out everywhere (a lost phone).
function viewAccount() {
  const c = claims() || {};
  const everywhere = h("button", { type: "button", class: "danger", id: "sign-out-everywhere" }, t("sign_out_everywhere"));
  everywhere.addEventListener("click", async () => {
    if (!confirm(t("sign_out_everywhere_confirm"))) return;
    const r = await api("POST", "/api/auth/sign-out-everywhere", undefined, { quiet: true });
    if (r.ok || r.status === 401) logout();
    else toast((r.data && r.data.detail) || t("failed"));
  });
  return h("div", {}, h("h1", {}, t("account")), h("p", { class: "muted" }, [c.name, c.email].filter(Boolean).join(" · ")),
    h("div", { class: "card", style: "max-width:32rem" }, h("h2", {}, t("change_password")), form([
      { name: "current_password", label: t("current_password"), type: "password", autocomplete: "current-password", full: true },
      { name: "new_password", label: t("new_password"), type: "password", autocomplete: "new-password", full: true, hint: t("password_rule") },
    ], t("change_password"), async (v) => {
      const r = await api("POST", "/api/auth/password", v, { quiet: true });
      if (r.ok) {
        S.token = r.data.access_token;
        localStorage.setItem("ocopfair.token", S.token);
        // The old stream ends with the old session: open the new one's now.
        if (S.live) { S.live.close(); S.live = null; }
        startLive();
        toast(t("password_changed"));
        render(true);
      }
      return r;
    }, { id: "change-password" })),
    h("div", { class: "card", style: "max-width:32rem" }, h("h2", {}, t("sign_out_everywhere")), h("p", {}, t("sign_out_everywhere_hint")), everywhere));
}

// ---------- start ----------
// The page is drawn again in the other language as a refresh: what was typed, chosen and opened
// stays, as for a live update.
$("#lang").addEventListener("click", () => { S.lang = S.lang === "vi" ? "en" : "vi"; localStorage.setItem("ocopfair.lang", S.lang); render(true); });
// Signing out with check-in scans still waiting for the network asks first: they go with it,
// not to the next person who signs in on this phone (see ciQueue). A sign-in that expired keeps
// them, unasked: signing out and in again is how they are sent.
$("#logout").addEventListener("click", () => {
  // Scans too old to send are asked about too: signing out lets their badge codes go unread.
  const n = ciQueue().length + ciLapsedMine("").length;
  const over = expired();
  if (n && !over && !confirm(t("ci_logout_unsent").replace("{n}", n))) return;
  if (!over) ciForget();
  logout();
});
$("#menu").addEventListener("click", () => {
  const open = $(".top").classList.toggle("open");
  $("#menu").setAttribute("aria-expanded", String(open));
});
$("#nav").addEventListener("click", closeMenu);
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && $(".top").classList.contains("open")) { closeMenu(); $("#menu").focus(); }
});
// Tab past the open phone menu's last entry closes it, as Escape does: it would cover the page
// the keyboard moved on to.
$(".top").addEventListener("focusout", (ev) => {
  if ($(".top").classList.contains("open") && ev.relatedTarget && !$(".top").contains(ev.relatedTarget)) closeMenu();
});
window.addEventListener("hashchange", () => { closeMenu(); render(); });
if (S.token && !claims()) logout();
startLive();
render();
// The offline shell (sw.js): the console opens without network, with what the phone kept (keptOf).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});

// loadFailed is the page drawn when its data could not be read: for want of a network (err a
// fetch's TypeError), or for a fault of the page itself (said as such, and kept in the console).
function loadFailed(err) {
  const network = networkLost(err);
  if (!network) console.error(err);
  return h("div", { class: "card", id: "load-failed" }, h("p", { class: "err", role: "alert" }, t(network ? "load_failed" : "failed")),
    h("button", { type: "button", id: "load-retry", onclick: () => render() }, t("retry")),
    network ? keptLinks() : null);
}

// keptLinks leads, without network, to what this phone kept for the person: its badges and
// agendas, by fair.
function keptLinks() {
  const c = claims();
  if (!c) return null;
  const links = [];
  for (const [id, k] of Object.entries(keptOf("badge", c))) links.push(h("li", {}, h("a", { href: "#/badge/" + id }, t("my_badge") + " · " + k.badge.fair_name)));
  for (const [id, k] of Object.entries(keptOf("agenda", c))) links.push(h("li", {}, h("a", { href: "#/agenda/" + id }, t("agenda") + (k.fair ? " · " + k.fair.name_vi : ""))));
  return links.length ? h("div", { id: "kept-links" }, h("p", {}, t("kept_offline")), h("ul", {}, links)) : null;
}

// Back online, a page that could not load loads.
window.addEventListener("online", () => { if (document.querySelector("#load-failed")) render(); });
