// Booths by hand, from the map's booth panel: organisers give a free booth to an approved
// application (a producer moved on the day, a booth kept for a late approval) or take a held one
// back. The allocation places most booths; this is for the exceptions.

// boothAssignSection is the part of booth b's panel that assigns or releases it; edit is the
// map's { fairId, onSaved, most } (most: the fair's most booths per producer). A blocked booth is
// given to no one, so it has none.
function boothAssignSection(b, edit) {
  const err = h("div", { class: "err", id: "booth-assign-err", role: "alert" });
  const path = `/api/fairs/${edit.fairId}/booths/${encodeURIComponent(b.code)}/assignment`;
  // done answers an assignment or release: then is where the keyboard goes once the panel is
  // drawn again with the change. A refusal because the booth changed meanwhile (another
  // organiser assigned, released or blocked it) is said, and the panel drawn again as the booth
  // now is;
  // any other is said under the search, in sight.
  const done = (r, then) => {
    const code = r.data && r.data.code;
    if (r.ok || r.status === 404 || ["booth_taken", "booth_blocked", "booth_changed_meanwhile"].includes(code)) {
      if (r.ok) toast(t("saved")); else toast(failure(r));
      focusNextDraw(r.ok ? then : "#booth-panel-title");
      edit.onSaved();
      r.redrawn = true; // the panel is drawn again: its buttons are gone
      return r;
    }
    err.textContent = failure(r);
    err.scrollIntoView({ block: "nearest" });
    return r;
  };
  const title = h("h3", {}, t("booth_assign_title"));
  if (b.holder) {
    // Releasing asks once more, on the button itself: the producer loses the booth.
    const sure = h("button", { type: "button", class: "danger", id: "booth-release-confirm", hidden: true, onclick: async () => {
      sure.disabled = true;
      const r = done(await api("DELETE", path), "#booth-assign-q");
      sure.disabled = false;
      if (!r.ok && !r.redrawn) sure.focus();
    } }, t("booth_release_confirm").replace("{code}", b.code));
    const ask = h("button", { type: "button", class: "secondary", id: "booth-release", onclick: () => { ask.hidden = true; sure.hidden = false; sure.focus(); } }, t("booth_release"));
    return h("div", { class: "panel-assign" }, title, h("div", { class: "actions" }, ask, sure), err);
  }
  if (b.status === "blocked") return null;
  const q = h("input", { type: "search", id: "booth-assign-q", autocomplete: "off", "aria-describedby": "booth-assign-hint", enterkeyhint: "search" });
  const list = h("ul", { class: "assign-list", id: "booth-assign-list" });
  const said = h("p", { class: "muted", id: "booth-assign-said", "aria-live": "polite" });
  let asked = 0;
  const give = (a) => async (ev) => {
    const btn = ev.currentTarget;
    btn.disabled = true;
    const r = done(await api("PUT", path, { application_id: a.id }), "#booth-release");
    if (!r.ok && !r.redrawn) { btn.disabled = false; btn.focus(); }
  };
  // An approved application as a button that gives it the booth, saying how many booths it holds
  // of those it asked for; one holding the fair's most is shown, and cannot be given more.
  const choice = (a) => {
    const held = (a.booths || []).length;
    const full = edit.most > 0 && held >= edit.most;
    return h("li", {}, h("button", { type: "button", class: "secondary assign-to", dataset: { app: a.id }, disabled: full, onclick: give(a) },
      h("span", { class: "sr-only" }, t("booth_assign_to").replace("{code}", b.code)),
      h("span", { class: "assign-name" }, a.producer_name),
      h("span", { class: "muted" }, t("booth_assign_held").replace("{n}", held).replace("{m}", a.booth_count || 1) +
        (held ? ": " + a.booths.join(", ") : "") + (a.preferred_zone ? " · " + t("preferred_zone") + ": " + a.preferred_zone : "") +
        (full ? " · " + t("booth_assign_full") : ""))));
  };
  // The approved applications whose producer's or product's name holds the words typed, by name.
  const find = async () => {
    const mine = ++asked;
    const typed = q.value.trim();
    const p = new URLSearchParams({ status: "approved", sort: "producer_name", limit: "8" });
    if (typed) p.set("q", typed);
    const r = await api("GET", `/api/fairs/${edit.fairId}/applications?${p}`, undefined, { quiet: true });
    if (mine !== asked || !list.isConnected) return;
    const items = (r.ok && r.data && r.data.items) || [];
    list.replaceChildren(...items.map(choice));
    said.textContent = !r.ok ? failure(r) : items.length && r.data.next_cursor ? t("booth_assign_more").replace("{n}", items.length)
      : items.length ? "" : t(typed ? "booth_assign_none" : "booth_assign_no_approved");
    // On a desktop the panel scrolls within the map: what a search found is brought into it,
    // under the box being typed in.
    if (typed && document.activeElement === q) (list.firstElementChild || said).scrollIntoView({ block: "nearest" });
  };
  let timer;
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(find, 250); });
  q.addEventListener("restored", () => { clearTimeout(timer); find(); }); // typed before a redraw
  find();
  // A search form: what is typed in it is kept when the page is drawn again (typedIn).
  const search = h("form", { role: "search", class: "assign-search", onsubmit: (ev) => { ev.preventDefault(); clearTimeout(timer); find(); } },
    h("label", { for: "booth-assign-q" }, t("booth_assign_search")), q, h("div", { class: "hint muted", id: "booth-assign-hint" }, t("booth_assign_hint")));
  return h("div", { class: "panel-assign" }, title, search, err, said, list);
}
