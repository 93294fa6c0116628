// The organisers' application queue: status tabs with counts, filters, search, sorting, paging
// and bulk review, all answered by the exhibitor service (the page never filters by itself).
"use strict";

// queueTabs are the queue's tabs and the statuses each shows. The first, the applications still
// in play, is the default: withdrawn and cancelled ones stay out of the way in their own tab.
const queueTabs = [
  ["active", ["submitted", "waitlisted", "approved"]], ["submitted", ["submitted"]], ["approved", ["approved"]],
  ["waitlisted", ["waitlisted"]], ["rejected", ["rejected"]], ["withdrawn", ["withdrawn", "cancelled"]],
];
const queueSorts = ["submitted", "-submitted", "producer_name", "-stars", "ineligible"];
// queuePage is how many applications one page of the queue shows before "Xem thêm".
const queuePage = { size: 20 };
// queueState keeps each fair's tab, filters, choices and last bulk result across the redraws a
// live update causes, so an organiser does not lose what they picked.
const queueState = new Map();

function queueOf(fairID) {
  if (!queueState.has(fairID)) {
    // rejecting: the applications (and "bulk") whose reject form is open; drafts: what is typed there
    queueState.set(fairID, { tab: "active", province: "", sector: "", stars: "", eligible: "", q: "", sort: "submitted", picked: new Set(), result: null, view: null, rows: 0,
      rejecting: new Set(), drafts: new Map() });
  }
  return queueState.get(fairID);
}

// queueQuery is the list's filters as a query string (without status, which the tabs set).
function queueQuery(st) {
  const p = new URLSearchParams();
  for (const k of ["province", "sector", "stars", "eligible", "q"]) if (st[k]) p.set(k, st[k]);
  return p;
}

// queueKey names the list a load asks for: the tab, the filters and the order.
function queueKey(st) {
  return [st.tab, st.sort, queueQuery(st)].join("|");
}

async function fairApps(f, ref) {
  const st = queueOf(f.id);
  // A live update draws the queue again while this view may still be loading; only the newest
  // view forgets picks that its list no longer shows (an older one's late answer lists others).
  const me = (st.view = {});
  const tabsBox = h("div", { class: "tabs queue-tabs", role: "tablist", id: "queue-tabs" });
  const listBox = h("div", { id: "queue-list" });
  const more = h("div", { class: "actions" });
  const resultBox = h("div", { id: "bulk-result", role: "status" });
  const bulkBar = h("div", { class: "actions bulk", id: "bulk-bar" });
  const bulkReject = h("div", { id: "bulk-reject" });
  let items = [];
  // "Xem thêm" adds the next page's rows; the keyboard goes to the first new row's box, where a
  // keyboard user picks it or goes on to its review buttons.
  const pages = pager(more, "queue-more", (page) => { items = items.concat(page); drawList(); }, () => listBox.querySelectorAll("#app-queue tr[data-app]"));
  // drawTabs draws the status tabs, each with its count when by (counts by status) is known.
  const drawTabs = (by) => tabsBox.replaceChildren(...queueTabs.map(([key, sts]) => h("button", { type: "button", role: "tab", class: "tab" + (key === st.tab ? " active" : ""),
    "aria-selected": String(key === st.tab), dataset: { tab: key }, onclick: () => { st.tab = key; st.picked.clear(); st.rows = 0; load(); } },
    t("qt_" + key), by ? [" ", h("span", { class: "count" }, num(sts.reduce((n, s) => n + (by[s] || 0), 0)))] : null)));

  // load draws the tabs and the first page; an answer that a later choice has overtaken is dropped,
  // and one asked before a choice made in another view of the queue (a live redraw drawn while
  // this one loaded) is asked again.
  const load = async () => {
    const fresh = pages.load();
    const filters = queueQuery(st);
    const asked = queueKey(st);
    const statuses = queueTabs.find((x) => x[0] === st.tab)[1];
    const lp = new URLSearchParams(filters);
    lp.set("status", statuses.join(","));
    lp.set("sort", st.sort);
    // A redraw lists as many rows as were shown ("Xem thêm" included), so none picked is lost.
    lp.set("limit", String(Math.min(100, Math.max(queuePage.size, st.rows))));
    // get reads the counts or a page; a network error answers like a failed request.
    const get = (path) => api("GET", path).catch(() => null);
    const [counts, list] = await Promise.all([get(`/api/fairs/${f.id}/applications/counts?${filters}`), get(`/api/fairs/${f.id}/applications?${lp}`)]);
    if (!fresh()) return;
    if (queueKey(st) !== asked) return load();
    const read = (r) => r && r.ok && r.data;
    // Counts that could not be read are left out, never shown as 0.
    drawTabs(read(counts) ? counts.data.by_status || {} : null);
    if (!read(counts) || !read(list)) {
      // Nothing shown may be acted on: the rows shown before belong to other filters.
      items = [];
      drawBulk();
      readFailed(listBox, read(list) ? counts : list, "queue-retry", load);
      return;
    }
    items = list.data.items || [];
    drawList();
    pages.offer(list.data.next_cursor, (cursor) => { lp.set("cursor", cursor); lp.set("limit", String(queuePage.size)); return get(`/api/fairs/${f.id}/applications?${lp}`); });
  };

  const drawBulk = () => {
    const n = items.filter((a) => st.picked.has(a.id)).length;
    // Choosing every listed application sits with the bulk actions, where a phone (whose table
    // is a stack of cards without a header row) shows it too.
    const all = h("input", { type: "checkbox", id: "pick-all", disabled: !items.length, onchange: (ev) => {
      items.forEach((a) => (ev.target.checked ? st.picked.add(a.id) : st.picked.delete(a.id)));
      listBox.querySelectorAll("input.pick").forEach((x) => { x.checked = ev.target.checked; });
      drawBulk();
    } });
    all.checked = items.length > 0 && items.every((a) => st.picked.has(a.id));
    bulkBar.replaceChildren(h("label", { class: "pick pick-all" }, all, t("pick_all")),
      h("span", { class: "muted", id: "picked-count" }, t("picked").replace("{n}", num(n))),
      h("button", { type: "button", id: "bulk-approve", disabled: !n, onclick: () => bulk("approve") }, t("approve")),
      h("button", { type: "button", class: "secondary", id: "bulk-waitlist", disabled: !n, onclick: () => bulk("waitlist") }, t("waitlist")),
      h("button", { type: "button", class: "danger", id: "bulk-reject-open", disabled: !n, "aria-expanded": String(st.rejecting.has("bulk")), "aria-controls": "bulk-reject",
        onclick: () => { st.rejecting.add("bulk"); drawBulk(); bulkReject.querySelector("textarea").focus(); } }, t("reject")));
    resultBox.replaceChildren(...bulkResult(st.result));
    // The bulk's reject form stays open while applications are chosen; none chosen closes it.
    if (!n) st.rejecting.delete("bulk");
    const chosen = items.filter((a) => st.picked.has(a.id) && a.status !== "rejected");
    const holding = chosen.filter((a) => a.booths.length);
    bulkReject.replaceChildren(st.rejecting.has("bulk") ? rejectBox(st, "bulk", t("bulk_reject_names").replace("{names}", () => chosen.map((a) => a.producer_name).join(", ")) +
      (holding.length ? " " + t("bulk_reject_releases").replace("{names}", () => withBooths(holding)) : ""),
    (reason) => bulk("reject", reason), drawBulk, "#bulk-reject-open") : "");
  };

  const drawList = () => {
    if (st.view === me) {
      for (const id of [...st.picked]) if (!items.some((a) => a.id === id)) st.picked.delete(id);
      st.rows = items.length;
    } else st.rows = Math.max(st.rows, items.length); // rows added on a page shown while a newer one loads
    listBox.replaceChildren(items.length ? h("div", { class: "tablewrap" }, h("table", { id: "app-queue", class: "stack" },
      h("thead", {}, h("tr", {}, h("th", {}, t("legal_name")), h("th", {}, t("products")), h("th", {}, t("eligibility")), h("th", {}, t("status")), h("th", {}, t("actions")))),
      h("tbody", {}, items.map((a) => queueRow(a, st, drawBulk, drawList))))) : h("p", { class: "muted empty" }, t("queue_empty")));
    drawBulk();
  };

  // bulk moves the chosen applications in one request; each is answered on its own, and those
  // not moved are listed with the reason. Approving ones that fail a rule is asked first.
  const bulk = async (action, reason) => {
    const chosen = items.filter((a) => st.picked.has(a.id));
    const ineligible = chosen.filter((a) => !a.eligible && a.status !== "approved");
    if (action === "approve" && ineligible.length && !confirm(t("bulk_ineligible").replace("{names}", ineligible.map((a) => a.producer_name).join(", ")))) return;
    // Moving approved applications away takes their booths back, and so their meetings: asked first.
    const holding = chosen.filter((a) => a.booths.length);
    if (action === "waitlist" && holding.length &&
      !confirm(t("bulk_waitlist_releases").replace("{names}", () => withBooths(holding)))) return;
    const r = await api("POST", `/api/fairs/${f.id}/applications/review`, { action, ids: chosen.map((a) => a.id), reason });
    // A refused reason is said under its field, in the bulk's reject form.
    if (!r.ok && reason !== undefined) return r;
    if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
    const names = new Map(chosen.map((a) => [a.id, a.producer_name]));
    st.result = { action, moved: r.data.moved, failed: r.data.results.filter((x) => !x.moved).map((x) => ({ name: names.get(x.id) || x.id, why: (x.error && (x.error.detail || x.error.title)) || t("failed") })) };
    st.picked.clear();
    closeReject(st, "bulk");
    await load();
    // The button pressed is disabled now (nothing is chosen): the keyboard goes to what was done.
    const done = resultBox.querySelector("p");
    if (done) done.focus();
    return r;
  };

  await load();
  // Drawn once the list is in: a choice made meanwhile (in the view then shown) is the one shown.
  const filters = queueFilters(st, ref, load);
  return h("div", { class: "card", id: "queue" }, filters, tabsBox, bulkBar, bulkReject, resultBox, listBox, more);
}

// bulkResult says what a bulk review did: how many moved, and each one that did not, with why.
// A bulk that moved every application has no list of failures: it is left out, never passed on
// as null, which the DOM's replaceChildren (unlike h()) would write out as the text "null".
function bulkResult(res) {
  if (!res) return [];
  // Said by what was asked (approved, or moved to the waitlist), not as a bare "moved".
  const said = (key) => (I18N.vi[key + "_" + res.action] ? t(key + "_" + res.action) : t(key));
  // The line is where the keyboard goes after a bulk (an ID, so a live redraw keeps it there).
  return [h("p", { id: "bulk-said", tabindex: -1 }, said("bulk_moved").replace("{n}", plural(res.moved, "n_apps"))),
    res.failed.length ? h("div", { class: "bulk-failed" }, h("p", {}, said("bulk_failed").replace("{n}", plural(res.failed.length, "n_apps"))),
      h("ul", {}, res.failed.map((x) => h("li", {}, h("strong", {}, x.name), ": ", x.why)))) : null].filter(Boolean);
}

// queueFilters draws the search box and the filters; each change reloads the queue. A new
// filter or search also forgets the picked applications: they may no longer be listed.
function queueFilters(st, ref, load) {
  const refilter = () => { st.picked.clear(); st.rows = 0; load(); };
  const sel = (key, label, options) => filterSelect(st, "qf-", key, label, options, refilter);
  return h("div", { class: "queue-filters", role: "search" },
    searchField(st, "qf-q", t("queue_search_hint"), refilter).field,
    sel("province", t("province"), opt(sortBy(ref.provinces, (p) => p.name), "code", "name")),
    sel("sector", t("by_sector"), ref.sectors.map((s) => [s.code, s["name_" + S.lang] || s.name_vi])),
    sel("stars", t("stars"), [["3", "3★"], ["4", "4★"], ["5", "5★"]]),
    sel("eligible", t("eligibility"), [["true", t("eligible")], ["false", t("not_eligible")]]),
    filterSelect(st, "qf-", "sort", t("sort"), queueSorts.map((s) => [s, t("sort_" + s)]), load, ""));
}

// queueRow is one application: its box to pick it, the products, each rule, the status and the
// single review buttons; with its reject form open, a second row holds it. redraw draws the list.
function queueRow(a, st, changed, redraw) {
  const pick = h("input", { type: "checkbox", class: "pick", value: a.id, "aria-label": a.producer_name, onchange: (ev) => {
    if (ev.target.checked) st.picked.add(a.id); else st.picked.delete(a.id);
    changed();
  } });
  pick.checked = st.picked.has(a.id);
  const row = h("tr", { dataset: { app: a.id } },
    h("td", { "data-label": t("legal_name") }, h("label", { class: "pick" }, pick, a.producer_name), h("div", { class: "muted" }, a.province_name)),
    h("td", { "data-label": t("products") }, a.products.map((p) => h("div", {}, p.name, " ", p.stars + "★")), h("div", { class: "muted asked" }, askedFor(a))),
    h("td", { "data-label": t("eligibility") }, badge(a.eligible ? t("eligible") : t("not_eligible"), a.eligible ? "" : "bad"), rulesList(a.eligibility)),
    h("td", { "data-label": t("status") }, statusBadge("a_", a.status), a.booths.length ? h("div", {}, t("booth") + ": " + a.booths.join(", ")) : null, a.reason ? h("div", { class: "muted" }, a.reason) : null),
    h("td", { class: "actions" }, ["submitted", "waitlisted"].includes(a.status) && h("button", { type: "button", dataset: { act: "approve" }, onclick: reviewOne(a, "approve") }, t("approve")),
      ["submitted", "approved"].includes(a.status) && h("button", { type: "button", class: "secondary", dataset: { act: "waitlist" }, onclick: reviewOne(a, "waitlist") }, t("waitlist")),
      ["submitted", "waitlisted", "approved"].includes(a.status) && h("button", { type: "button", class: "danger", dataset: { act: "reject" },
        "aria-expanded": String(st.rejecting.has(a.id)), onclick: () => { st.rejecting.add(a.id); redraw(); $(`#reject-${CSS.escape(a.id)} textarea`).focus(); } }, t("reject"))));
  if (!st.rejecting.has(a.id) || a.status === "rejected") return row;
  const releases = a.booths.length ? t("reject_releases").replace("{name}", () => a.producer_name).replace("{booths}", a.booths.join(", ")) : "";
  return [row, h("tr", { class: "reject-row", dataset: { rejecting: a.id } }, h("td", { colspan: 5 }, rejectBox(st, a.id, releases, async (reason) => {
    const r = await api("POST", `/api/applications/${a.id}/reject`, { reason });
    if (r.ok) {
      closeReject(st, a.id);
      reviewed(a, "reject");
    }
    return r;
  }, redraw, `tr[data-app="${a.id}"] [data-act=reject]`)))];
}

// rejectBox asks why before rejecting, in a form under the application (or the bulk bar): the
// producer reads the reason, so it gets a labelled field whose refusal is said under it, where a
// browser prompt checked nothing and lost the text when dismissed. key is the application's ID
// or "bulk"; said, what the rejection does besides (booths taken back); send posts the reason and
// answers as api() does. Closing it draws again with redraw and gives the keyboard to back.
// While it is open, live updates wait (data-dirty), and what is typed is kept in st.drafts.
function rejectBox(st, key, said, send, redraw, back) {
  const f = form([{ name: "reason", label: t("reject_reason"), type: "textarea", full: true, maxlength: 1000, value: st.drafts.get(key), hint: t("reject_hint") }],
    t("reject_confirm"), (v) => send(v.reason), { id: "reject-" + key });
  f.addEventListener("input", (ev) => st.drafts.set(key, ev.target.value));
  f.querySelector("button[type=submit]").classList.add("danger");
  f.querySelector(".actions").append(h("button", { type: "button", class: "secondary", dataset: { act: "keep" }, onclick: () => {
    closeReject(st, key);
    redraw();
    const b = $(back);
    if (b) b.focus();
  } }, t("reject_keep")));
  return h("div", { class: "reject-box", dataset: { dirty: "1" } }, said ? h("p", { class: "warn-line" }, said) : null, f);
}

// closeReject closes the reject form key of a queue (st) and forgets what was typed in it.
function closeReject(st, key) {
  st.rejecting.delete(key);
  st.drafts.delete(key);
}

// withBooths names applications with the booths each holds: "HTX A (A01, A02); HTX B (B03)".
const withBooths = (list) => list.map((a) => `${a.producer_name} (${a.booths.join(", ")})`).join("; ");

// reviewOne approves one application or moves it to the waitlist (rejecting asks why first: see
// rejectBox). Approving one that fails a rule is allowed (organisers make exceptions), but never
// by a slip: the rules it fails are named first. Moving one that holds booths to the waitlist
// takes the booths back, and the producer's meetings with them: that is said first too.
function reviewOne(a, action) {
  return async () => {
    if (action === "approve" && !a.eligible) {
      const failed = (a.eligibility || []).filter((r) => !r.pass).map((r) => "✘ " + r.reason).join("\n");
      if (!confirm(t("approve_ineligible").replace("{name}", a.producer_name) + "\n" + failed)) return;
    }
    if (action === "waitlist" && a.booths.length &&
      !confirm(t("waitlist_releases").replace("{name}", () => a.producer_name).replace("{booths}", a.booths.join(", ")))) return;
    const r = await api("POST", `/api/applications/${a.id}/${action}`);
    if (r.ok) reviewed(a, action);
    else { toast(failure(r)); render(true); }
  };
}

// reviewed says what a review of a did, naming the producer (and the booths it took back), and
// draws the queue again with the keyboard on the next application's first button: an organiser
// goes down the list without starting again from the top of the page each time.
function reviewed(a, action) {
  const booths = action !== "approve" ? a.booths.join(", ") : "";
  // A function puts the name in as it is ("$&" in a name stays as typed).
  toast(t("reviewed_" + action).replace("{name}", () => a.producer_name) + (booths ? " " + t("booths_taken_back").replace("{booths}", booths) : ""));
  const rows = [...document.querySelectorAll("#app-queue tr[data-app]")];
  const at = rows.findIndex((r) => r.dataset.app === a.id);
  const next = rows[at + 1] || rows[at - 1];
  focusNextDraw(next ? `#app-queue tr[data-app="${CSS.escape(next.dataset.app)}"] td.actions button` : "#queue-tabs .tab.active");
  render(true);
}
