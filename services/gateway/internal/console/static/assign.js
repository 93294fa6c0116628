// Booths by hand, from the map's booth panel: organisers give a free booth to an approved
// application (a producer moved on the day, a booth kept for a late approval) or take a held one
// back. The allocation places most booths; this is for the exceptions.

// boothAssignSection is the part of booth b's panel that assigns or releases it; edit is the
// map's { fairId, onSaved }. A blocked booth is given to no one, so it has none.
function boothAssignSection(b, edit) {
  const err = h("div", { class: "err", id: "booth-assign-err", role: "alert" });
  const path = `/api/fairs/${edit.fairId}/booths/${encodeURIComponent(b.code)}/assignment`;
  // then is where the keyboard goes once the panel is drawn again with the change.
  const done = (r, then) => {
    err.textContent = r.ok ? "" : failure(r);
    if (r.ok) { toast(t("saved")); focusNextDraw(then); edit.onSaved(); }
    return r;
  };
  const title = h("h3", {}, t("booth_assign_title"));
  if (b.holder) {
    // Releasing asks once more, on the button itself: the producer loses the booth.
    const sure = h("button", { type: "button", class: "danger", id: "booth-release-confirm", hidden: true, onclick: async () => {
      sure.disabled = true;
      const r = done(await api("DELETE", path), "#booth-assign-q");
      sure.disabled = false;
      if (!r.ok) sure.focus();
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
    if (!r.ok) { btn.disabled = false; btn.focus(); }
  };
  // The approved applications whose producer's or product's name holds the words typed, by name;
  // each says how many booths it holds of those it asked for.
  const find = async () => {
    const mine = ++asked;
    const p = new URLSearchParams({ status: "approved", sort: "producer_name", limit: "8" });
    if (q.value.trim()) p.set("q", q.value.trim());
    const r = await api("GET", `/api/fairs/${edit.fairId}/applications?${p}`, undefined, { quiet: true });
    if (mine !== asked || !list.isConnected) return;
    const items = (r.ok && r.data && r.data.items) || [];
    list.replaceChildren(...items.map((a) => h("li", {}, h("button", { type: "button", class: "secondary assign-to", dataset: { app: a.id }, onclick: give(a) },
      h("span", { class: "assign-name" }, a.producer_name),
      h("span", { class: "muted" }, t("booth_assign_held").replace("{n}", (a.booths || []).length).replace("{m}", a.booth_count || 1) +
        ((a.booths || []).length ? ": " + a.booths.join(", ") : ""))))));
    said.textContent = !r.ok ? failure(r) : items.length ? "" : t("booth_assign_none");
  };
  let timer;
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(find, 250); });
  find();
  return h("div", { class: "panel-assign" }, title, h("label", { for: "booth-assign-q" }, t("booth_assign_search")), q,
    h("div", { class: "hint muted", id: "booth-assign-hint" }, t("booth_assign_hint")), said, list, err);
}
