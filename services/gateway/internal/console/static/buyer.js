// The buyer's views and the meetings both sides see.
"use strict";

// ---------- buyer ----------
const buyerMarkets = ["domestic", "JP", "KR", "CN", "EU", "US", "AU"];
const buyerKinds = ["supermarket_chain", "convenience_chain", "distributor", "wholesale_market", "exporter", "ecommerce", "hotel", "restaurant", "industrial_catering", "tourism_shop", "other"];

// buyerFields are a buyer profile's fields, with b's values when it exists (the contact too).
function buyerFields(ref, b) {
  // A new profile starts from the account's own name (the token carries it), and asks for a
  // province rather than offering the first one, which a hurried save would keep.
  const provinces = opt(sortBy(ref.provinces, (p) => p.name), "code", "name");
  const fields = [
    { name: "name", label: t("name"), full: true, value: b ? b.name : (claims() || {}).name },
    { name: "kind", label: t("buyer_kind"), type: "select", options: buyerKinds.map((k) => [k, t("buyer_" + k)]), value: b && b.kind },
    { name: "province", label: t("province"), type: "select", options: b ? provinces : [["", t("choose_province")], ...provinces], value: b ? b.province_code : "" },
    { name: "markets", label: t("markets"), type: "multiselect", options: buyerMarkets.map((m) => [m, marketName(m)]), value: b ? b.markets : ["domestic"] },
  ];
  if (!b) return fields;
  return [...fields, { name: "contact_name", path: "contact.name", label: t("contact_name"), value: b.contact.name },
    { name: "contact_phone", path: "contact.phone", label: t("phone"), type: "tel", value: b.contact.phone },
    { name: "contact_email", path: "contact.email", label: t("email"), type: "email", value: b.contact.email }];
}

// buyerEdit lets the buyer correct its profile: only what changed is sent, over the profile as
// the page shows it (If-Match), so a change made on another device meanwhile is said, not lost.
function buyerEdit(b, ref) {
  return h("details", { class: "profile-edit", id: "buyer-edit" }, h("summary", {}, t("edit_profile")), form(buyerFields(ref, b), t("save"), async (v) => {
    const next = { name: v.name.trim(), kind: v.kind, province: v.province, markets: v.markets,
      contact: { name: v.contact_name.trim(), phone: v.contact_phone.trim(), email: v.contact_email.trim() } };
    const was = { name: b.name, kind: b.kind, province: b.province_code, markets: b.markets, contact: b.contact };
    const body = changedOf(next, was);
    if (!body) { toast(t("no_change")); return { ok: true }; }
    return saved(await api("PATCH", `/api/buyers/${b.id}`, body, { ifMatch: `"${b.revision}"` }), t("profile_saved"));
  }, { id: "buyer-edit-form" }));
}

// changedOf is what of next differs from was (lists and objects compared whole), null for nothing.
function changedOf(next, was) {
  const body = {};
  for (const [k, v] of Object.entries(next)) if (JSON.stringify(v) !== JSON.stringify(was[k])) body[k] = v;
  return Object.keys(body).length ? body : null;
}

// saved answers an edit sent over the version shown: done says so and redraws; a change made
// meanwhile (409) is said above the button, kept while the page shows the item as it is now.
function saved(r, done) {
  // Saved, the fold closes with its form; the keyboard goes to the page's heading, where what
  // was saved shows, not to the start of the page.
  if (r.ok) { toast(done); render(true).then(() => { const h1 = document.querySelector("#app h1"); if (h1) { h1.tabIndex = -1; h1.focus(); } }); }
  if (r.status === 409) changedMeanwhile(r);
  return r;
}

async function viewBuyer() {
  const ref = await reference();
  const me = await api("GET", "/api/buyers/me");
  if (!me.ok) {
    return h("div", {}, h("h1", {}, t("buyer_profile")), h("div", { class: "card" }, form(buyerFields(ref), t("save"), async (v) => {
      const r = await api("POST", "/api/buyers", { name: v.name, kind: v.kind, province: v.province, markets: v.markets }, { idem: idem() });
      if (r.ok) { toast(t("profile_saved")); render(true); }
      return r;
    }, { id: "buyer-profile" })));
  }
  const b = me.data;
  const [reqs, fairs] = await Promise.all([all(`/api/buyers/${b.id}/requests`), meetingFairs()]);
  // Open requests first, then the newest.
  const items = reqs.slice().sort((x, y) => (y.status === "open") - (x.status === "open") || (x.id < y.id ? 1 : -1));
  const fairOpts = [["", "—"], ...fairs.map((f) => [f.id, f.name_vi])];
  const province = ref.provinces.find((p) => p.code === b.province_code);
  const contact = [b.contact.name, b.contact.phone, b.contact.email].filter(Boolean).join(" · ");
  return h("div", {}, h("h1", {}, b.name), h("p", { class: "muted", id: "buyer-summary" }, [t("buyer_" + b.kind), province && province.name, b.markets.map(marketName).join(", ")].filter(Boolean).join(" · ")),
    contact ? h("p", { class: "muted", id: "buyer-contact" }, t("contact_name") + ": " + contact) : null,
    buyerEdit(b, ref),
    h("div", { class: "card tablewrap" }, h("h2", {}, t("requests")), items.length ? h("table", { id: "request-list", class: "stack" }, h("tbody", {}, items.map((r) => h("tr", {},
      h("td", { "data-label": t("title") }, h("a", { href: "#/request/" + r.id }, r.title), interestsLine(r, false)), h("td", { "data-label": t("volume") }, r.monthly_volume ? quantityText(r.monthly_volume, r.unit) : ""),
      h("td", { "data-label": t("target_market") }, marketName(r.target_market)), h("td", { "data-label": t("status") }, badge(t("rq_" + r.status), r.status === "open" ? "" : "grey")))))) : guide("no-request", t("empty_no_request"), h("button", { type: "button", onclick: () => goToField("#new-request-title") }, t("empty_no_request_go")))),
    h("div", { class: "card" }, h("h2", {}, t("new_request")), newRequestForm(b, ref, fairOpts)));
}

// newRequestForm posts a sourcing request for buyer b. A draft begun from the catalogue fills it
// as if typed, so that a live update keeps it, and puts the cursor in its title.
function newRequestForm(b, ref, fairOpts) {
  const f = form(requestFields(ref, fairOpts), t("post_request"), async (v) => {
    const body = requestBody(v);
    if (saysNoGoods(body)) return refused("keywords", t("request_what"));
    const r = chooseAsked(await api("POST", `/api/buyers/${b.id}/requests`, body, { idem: idem() }), v, { unit: "choose_unit_hint" });
    if (r.ok) { toast(t("request_posted")); location.hash = "#/request/" + r.data.id; }
    return r;
  }, { id: "new-request" });
  const draft = requestDraft.value;
  requestDraft.value = null;
  if (draft) {
    f.elements.title.value = draft.title;
    f.elements.keywords.value = draft.keywords;
    f.elements.min_stars.value = draft.min_stars;
    for (const o of f.querySelectorAll("input[name=criteria_sets]")) o.checked = draft.criteria_sets.includes(o.value);
    f.prepend(h("p", { class: "full muted", id: "request-draft-note" }, t("request_draft_from").replace("{name}", draft.from)));
    setTimeout(() => goToField("#new-request-title"));
  }
  return f;
}

// requestDraft is a new request begun from a catalogue card ("Tìm nguồn hàng như thế này"): the
// buyer's page fills its form with it once, and puts the cursor in its title.
const requestDraft = { value: null };

// sectorOf names sector code in the page's language.
function sectorOf(ref, code) {
  const sec = ref.sectors.find((x) => x.code === code) || {};
  return sec["name_" + S.lang] || sec.name_vi || code;
}

// requestFields are a sourcing request's fields, with r's values when editing it.
function requestFields(ref, fairOpts, r) {
  const v = r || {};
  return [
    { name: "title", label: t("title"), full: true, value: v.title }, { name: "criteria_sets", label: t("criteria_sets_wanted"), type: "multiselect", options: ref.criteria_sets.map((c) => [String(c.number), criteriaSetName(c), sectorOf(ref, c.sector)]),
      full: true, value: (v.criteria_sets || []).map(String) },
    // What a buyer checks first beside the stars: the certificates the goods must carry.
    { name: "required_certifications", label: t("required_certs"), type: "multiselect", options: ref.certifications.map((c) => [c.code, c.name]), full: true, value: v.required_certifications, hint: t("required_certs_hint") },
    { name: "keywords", label: t("keywords"), value: (v.keywords || []).join(", ") }, { name: "min_stars", label: t("min_stars"), type: "select", options: [["3", "3★"], ["4", "4★"], ["5", "5★"]], value: v.min_stars },
    { name: "monthly_volume", label: t("volume"), type: "amount", decimals: true, value: v.monthly_volume || undefined },
    { name: "unit", label: t("unit"), type: "select", options: [["", "—"], ...opt(ref.units, "code", (u) => (S.lang === "vi" ? u.name_vi : u.name_en))], value: v.unit },
    { name: "target_market", label: t("target_market"), type: "select", options: buyerMarkets.map((m) => [m, marketName(m)]), value: v.target_market },
    { name: "max_price_vnd", label: t("max_price"), type: "amount", value: v.max_price_vnd || undefined }, { name: "fair_id", label: t("fair"), type: "select", options: fairOpts, value: v.fair_id || "" },
  ];
}

// saysNoGoods reports whether a request body names neither a criteria set nor a keyword: ranked
// on its title alone, any producer would fit it (rice for "Mật ong rừng"), so the form asks.
const saysNoGoods = (body) => !body.criteria_sets.length && !body.keywords.length;

// requestBody is what the request form sends.
const requestBody = (v) => ({ title: v.title.trim(), criteria_sets: v.criteria_sets.map(Number), required_certifications: v.required_certifications, keywords: csv(v.keywords),
  min_stars: Number(v.min_stars), monthly_volume: v.monthly_volume || 0, unit: v.unit, target_market: v.target_market, max_price_vnd: v.max_price_vnd || 0, fair_id: v.fair_id });

// requestEdit lets the buyer change an open request (only what changed is sent, over the
// version shown) or close it once the goods are found: producers no longer see it.
function requestEdit(r, ref, fairOpts) {
  const was = requestBody({ ...r, criteria_sets: r.criteria_sets.map(String), keywords: (r.keywords || []).join(","), min_stars: String(r.min_stars), fair_id: r.fair_id || "", unit: r.unit || "" });
  const close = h("button", { type: "button", class: "danger", id: "close-request" }, t("close_request"));
  close.addEventListener("click", async () => {
    if (!confirm(t("close_request_confirm"))) return;
    const x = await whilePending(close, api("POST", `/api/requests/${r.id}/close`, undefined, { ifMatch: `"${r.revision}"` }));
    if (!x.ok) toast(failure(x));
    if (x.ok || x.status === 409) saved(x, t("request_closed"));
  });
  return h("div", { class: "card", id: "request-manage" }, h("details", { class: "request-edit", id: "request-edit" }, h("summary", {}, t("edit_request")),
    form(requestFields(ref, fairOpts, r), t("save"), async (v) => {
      const asked = requestBody(v);
      const body = changedOf(asked, was);
      if (!body) { toast(t("no_change")); return { ok: true }; }
      if (saysNoGoods(asked) && !saysNoGoods(was)) return refused("keywords", t("request_what"));
      return saved(await api("PATCH", `/api/requests/${r.id}`, body, { ifMatch: `"${r.revision}"` }), t("request_saved"));
    }, { id: "request-edit-form" })),
  h("p", { class: "muted" }, t("close_request_hint")), h("div", { class: "actions" }, close));
}

// interestsRead keeps, per request, every producer interested as read by tapping "và 5 chủ thể
// khác": a redraw shows them all again while their count is unchanged.
const interestsRead = new Map();

// interestsLine says how many producers marked interest in a request ("3 chủ thể quan tâm"),
// with their names when asked; nothing when none has. The request names the first 20: "và 5 chủ
// thể khác" reads the rest when tapped.
function interestsLine(r, names) {
  const i = r.interests;
  if (!i || !i.count) return null;
  const read = interestsRead.get(r.id);
  const shown = read && read.length === i.count ? read : i.producers || [];
  const line = h("div", { class: "interests muted" }, plural(i.count, "n_interested"));
  if (!names || !shown.length) return line;
  const who = h("span", {}, ": " + shown.map((p) => p.producer_name).join(", "));
  line.append(who);
  if (i.count > shown.length) {
    const more = h("button", { type: "button", class: "link", id: "interests-more" }, plural(i.count - shown.length, "n_interested_more"));
    const tail = h("span", {}, " ", more);
    more.onclick = async () => {
      more.disabled = true;
      let every = [];
      try {
        every = await all(`/api/requests/${r.id}/interests`, 20);
      } catch (e) {
        // said below, as a read that came back short
      } finally {
        more.disabled = false;
      }
      if (every.length <= shown.length) return toast(t("failed"));
      interestsRead.set(r.id, every);
      // A redraw while they were read drew another line: that page shows them drawn again.
      if (!line.isConnected) return render(true);
      who.textContent = ": " + every.map((p) => p.producer_name).join(", ");
      tail.remove();
    };
    line.append(tail);
  }
  return line;
}

// meetingFairs lists the fairs a buyer can still meet producers at: published, closed to
// applications or live (a draft is not public; a completed or cancelled fair is over), and not
// ended before today (one its organisers never closed is over too). The API keeps to them, so
// that however many fairs are over, every one still to come is listed, the soonest first.
const meetingFairs = () => all("/api/fairs?status=published,applications_closed,live&from=" + today());

// picked are the choices made on each request's page (fair, session, only exhibitors).
const picked = {};
// fairFirst holds, per request naming no fair, the fair its page starts on ("" for the soonest).
const fairFirst = new Map();

async function viewRequest(id) {
  const [req, me, fairList, ref] = await Promise.all([api("GET", "/api/requests/" + id), api("GET", "/api/buyers/me"), meetingFairs(), reference()]);
  if (!req.ok) return h("p", { class: "err" }, failure(req));
  const r = req.data;
  // A request whose own fair is no longer offered says so when that fair is over or cancelled
  // (not when the list could not be read whole).
  const own = r.fair_id && !fairList.some((f) => f.id === r.fair_id) ? await api("GET", "/api/fairs/" + r.fair_id, undefined, { quiet: true }).catch(() => null) : null;
  const gone = own && own.ok && (["completed", "cancelled"].includes(own.data.status) || own.data.end_date < today());
  // The buyer's choices outlive a refresh of the page (a live update, its own meeting request).
  const was = picked[id] || {};
  const fairSel = h("select", { id: "meeting-fair", "aria-label": t("fair") }, fairList.map((f) => h("option", { value: f.id, selected: f.id === (was.fair || r.fair_id) }, f.name_vi)));
  const sessionSel = h("select", { id: "meeting-session", "aria-label": t("session") }, ["any", "morning", "afternoon"].map((s) => h("option", { value: s, selected: s === was.session }, t("s_" + s))));
  const only = h("input", { type: "checkbox", id: "only-exhibitors", checked: !!was.only });
  // What the producer reads with the invitation: the request it is about, which the buyer may
  // add to or change (at most 300 characters).
  const about = t("ask_note_about").replace("{title}", r.title) + (r.monthly_volume ? " " + t("ask_note_volume").replace("{q}", quantityText(r.monthly_volume, r.unit)) : "");
  const noteField = h("textarea", { id: "meeting-note", maxlength: 300, rows: 2, "aria-describedby": "meeting-note-hint" });
  noteField.value = about.slice(0, 300);
  const remember = () => { picked[id] = { fair: fairSel.value, session: sessionSel.value, only: only.checked }; };
  for (const el of [fairSel, sessionSel, only]) el.addEventListener("change", remember);
  // With no fair named by the request nor chosen yet, the page starts on the fair where most of
  // the best-ranked producers exhibit (the soonest of equals), not on the soonest fair, which
  // none of them may attend.
  // It is worked out once per request (kept in fairFirst), and not over a choice made meanwhile.
  if (!was.fair && !fairList.some((f) => f.id === r.fair_id) && fairList.length > 1 && !fairFirst.has(id)) {
    const best = await api("GET", `/api/requests/${id}/matches?limit=20`);
    const ids = ((best.ok && best.data.matches) || []).map((m) => m.producer_id);
    const at = ids.length ? await Promise.all(fairList.map((f) => exhibitorsAt(f.id))) : [];
    const held = at.map((set) => (set ? ids.filter((p) => set.has(p)).length : 0));
    if (best.ok) fairFirst.set(id, Math.max(0, ...held) > 0 ? fairList[held.indexOf(Math.max(...held))].id : "");
  }
  if (!picked[id] && fairFirst.get(id)) {
    fairSel.value = fairFirst.get(id);
    remember();
  }
  const box = h("div", { id: "match-box", "aria-live": "polite" });
  let seq = 0;
  // load draws the matches for the fair chosen (only its exhibitors when asked), each card
  // knowing whether its producer exhibits there; an answer that a later choice overtook is
  // dropped, so the list always matches the controls.
  const load = async () => {
    const mine = ++seq;
    box.setAttribute("aria-busy", "true");
    // The matches are ranked for the fair chosen, naming its booths and the meeting there;
    // every producer unless only its exhibitors are asked for.
    const q = fairSel.value ? "&fair_id=" + encodeURIComponent(fairSel.value) + (only.checked ? "" : "&only_exhibitors=false") : "";
    const [res, at] = await Promise.all([api("GET", `/api/requests/${id}/matches?limit=20${q}`), exhibitorsAt(fairSel.value)]);
    if (mine !== seq) return;
    box.removeAttribute("aria-busy");
    const matches = (res.data && res.data.matches) || [];
    const fair = { id: fairSel.value, name: fairSel.selectedOptions.length ? fairSel.selectedOptions[0].textContent : "", exhibitors: at };
    // Why a producer without a booth there cannot be invited is said once, above the cards;
    // each such card says only that it has none.
    const away = me.ok && matches.some((m) => awayFrom(m, fair));
    const cards = matches.length && h("div", { id: "matches" }, matches.map((m) => matchCard(m, me, fair, { session: sessionSel, note: noteField }, load)));
    if (!res.ok) box.replaceChildren(h("p", {}, failure(res)));
    else if (!cards) box.replaceChildren(h("p", { class: "muted" }, t("none")));
    else box.replaceChildren(...[away && h("p", { class: "muted", id: "away-note" }, t("not_exhibiting_why")), cards].filter(Boolean));
  };
  only.addEventListener("change", load);
  fairSel.addEventListener("change", load);
  await load();
  // A choice made on the page shown while this one was read (a live redraw) is the one it shows.
  const now = picked[id];
  const offered = now && [...fairSel.options].some((o) => o.value === now.fair);
  if (now && ((offered && now.fair !== fairSel.value) || now.session !== sessionSel.value || now.only !== only.checked)) {
    if (offered) fairSel.value = now.fair;
    sessionSel.value = now.session;
    only.checked = now.only;
    await load();
  }
  const mine = me.ok && me.data.id === r.buyer_id;
  const fairOpts = [["", "—"], ...fairList.map((f) => [f.id, f.name_vi])];
  if (r.fair_id && !fairList.some((f) => f.id === r.fair_id)) fairOpts.push([r.fair_id, t("fair_other")]);
  // The request in one line: how much a month, the highest price per unit, where it goes, …
  return h("div", {}, h("h1", {}, r.title, " ", badge(t("rq_" + r.status), r.status === "open" ? "" : "grey")), h("p", { class: "muted", id: "request-summary" }, [
    r.monthly_volume ? t("cat_per_month").replace("{amount}", quantityText(r.monthly_volume, r.unit)) : "",
    r.max_price_vnd ? t("rq_price_at_most").replace("{price}", priceRange(r.max_price_vnd, 0, unitName(r.unit))) : "", marketName(r.target_market), (r.keywords || []).join(", "),
    (r.required_certifications || []).length ? t("required_certs") + ": " + r.required_certifications.map(certName).join(", ") : ""].filter(Boolean).join(" · ")),
    interestsLine(r, true),
    mine && r.status === "open" ? requestEdit(r, ref, fairOpts) : r.status !== "open" ? h("p", { class: "muted", id: "request-closed" }, t("request_closed_note")) : null,
    h("div", { class: "card" }, h("label", { for: "meeting-fair" }, t("fair")), fairSel,
      gone ? h("p", { class: "muted", id: "request-fair-gone" }, t("request_fair_gone")) : null, h("label", { for: "meeting-session" }, t("session")), sessionSel,
      h("label", { class: "toggle", for: "only-exhibitors" }, only, t("only_exhibitors")),
      h("label", { for: "meeting-note" }, t("ask_note")), noteField, h("div", { class: "hint muted", id: "meeting-note-hint" }, t("ask_note_hint"))),
    h("h2", {}, t("matches")), box);
}

// exhibitorsAt is the set of producers holding a booth at a fair, read from its public floor
// plan; null when there is no fair or the plan could not be read (the API then decides).
async function exhibitorsAt(fairID) {
  if (!fairID) return null;
  const r = await api("GET", `/api/fairs/${encodeURIComponent(fairID)}/booths`, undefined, { quiet: true }).catch(() => null);
  if (!r || !r.ok || !r.data) return null;
  return new Set((r.data.booths || []).filter((b) => b.holder).map((b) => b.holder.producer_id));
}

// matchCard is one matching producer: its products with their photos, why it matches, whether
// it marked interest, and the meeting already asked for (a new one only when there is none or
// it ended). A meeting is asked for at the fair chosen (fair: id, name, exhibitors), and only
// its exhibitors can be met there: for another producer the card says so instead of offering
// a button the API would refuse.
// asking holds, by producer, the Idempotency-Key of an ask whose answer was lost, with what it
// asked (sig): asked again the same, it is the same ask.
const asking = new Map();

function matchCard(m, me, fair, ask, reload) {
  const meeting = m.meeting;
  const away = awayFrom(m, fair);
  // A producer that declined the buyer's request is asked again only after a rest: the card says
  // from when, instead of a button the API would refuse.
  const resting = meeting && meeting.status === "declined" && meeting.ask_again_at && Date.parse(meeting.ask_again_at) > Date.now();
  const canAsk = (!meeting || ["declined", "cancelled"].includes(meeting.status)) && !resting && exhibitsAt(m, fair);
  return h("div", { class: "card", dataset: { producer: m.producer_id } },
    h("h2", {}, h("span", { class: "score" }, Math.round(m.score * 100) + "%"), " ", m.producer_name, " ",
      m.interested ? badge(t("interested"), "interest-tag") : null, meeting ? h("span", { class: "meeting-status" }, meeting.proposed ? badge(t("m_proposed"), "warn") : statusBadge("mb_", meeting.status)) : null),
    h("div", { class: "match-products muted" }, m.products.map((p) => h("span", {}, thumb(p.photo_url, p.name), p.name + " " + p.stars + "★"))),
    // The card says it has no booth there, once: the ranking's own "not at this fair" goes.
    factors(away ? { ...m, factors: (m.factors || []).filter((f) => f.name !== "fair") } : m),
    me.ok && away && h("p", { class: "muted not-exhibiting" }, t("not_exhibiting").replace("{fair}", fair.name)),
    me.ok && resting && h("p", { class: "muted ask-again" }, t("ask_again_at").replace("{at}", when(meeting.ask_again_at))),
    me.ok && canAsk && h("div", { class: "actions" }, h("button", { type: "button", class: "request-meeting", onclick: async (ev) => {
      if (!fair.id) { toast(t("fair")); return; }
      // One ask, however often it is tapped: the button waits for the answer, and a tap again
      // after a lost answer sends the same key, so it is answered with the meeting already asked.
      const btn = ev.currentTarget;
      const had = document.activeElement === btn; // a disabled button loses the keyboard
      const body = { buyer_id: me.data.id, producer_id: m.producer_id, session: ask.session.value, note: ask.note.value.trim().slice(0, 300) };
      // The same key only for the same ask: one with another session or note is another request.
      const path = `/api/fairs/${fair.id}/meetings`, sig = path + JSON.stringify(body);
      const was = asking.get(m.producer_id);
      const key = was && was.sig === sig ? was.key : idem();
      asking.set(m.producer_id, { sig, key });
      btn.disabled = true;
      const x = await whilePending(btn, api("POST", path, body, { idem: key })).catch(offline);
      btn.disabled = false;
      // An answer lost on the way (no network, or a gateway that gave up) may hide an ask stored.
      if (!x.offline && x.status < 500) asking.delete(m.producer_id);
      toast(x.ok ? t("meeting_asked").replace("{name}", m.producer_name) : failure(x));
      if (!x.ok) return;
      // The button goes with the redraw: the keyboard goes to what took its place, the card's
      // "Đã gửi yêu cầu".
      await reload();
      const said = document.querySelector(`#matches .card[data-producer="${m.producer_id}"] .meeting-status`);
      if (had && said) { said.setAttribute("tabindex", "-1"); said.focus(); }
    } }, t("request_meeting"))));
}

// exhibitsAt is false when the fair chosen is known not to have m's producer among its
// exhibitors; awayFrom when the card must say so (no meeting there that still stands).
function exhibitsAt(m, fair) {
  return !(fair.exhibitors && !fair.exhibitors.has(m.producer_id));
}

function awayFrom(m, fair) {
  return !exhibitsAt(m, fair) && (!m.meeting || ["declined", "cancelled"].includes(m.meeting.status));
}

// ---------- meetings (both sides) ----------
// outcomeForm records a meeting's outcome only on its own button: choosing in the list changes
// nothing yet, so a slip of the finger saves nothing. The contract's value is typed as an amount
// (1.500.000.000); a refusal, the form's own or the API's, is said under it and keeps what was
// chosen and typed (a form changed is not redrawn by live updates either). act(m, "outcome",
// body)() sends it over the meeting as the page shows it (If-Match), so an outcome the other
// side recorded meanwhile is said, not replaced unseen, and answers as api() does.
function outcomeForm(m, act) {
  const id = "outcome-" + m.id;
  const sel = h("select", { id: id + "-outcome", class: "outcome", "aria-label": t("outcome") }, h("option", { value: "" }, t("outcome") + "…"),
    ["no_interest", "negotiating", "sample_requested", "mou_signed", "contract_signed"].map((o) => h("option", { value: o, selected: m.outcome === o }, t("o_" + o))));
  const err = h("div", { class: "err", id: id + "-err", role: "alert" });
  const value = h("input", { id: id + "-value", type: "text", inputmode: "numeric", autocomplete: "off", class: "outcome-value",
    value: amountText(m.value_vnd || undefined), hidden: m.outcome !== "contract_signed", "aria-describedby": id + "-err" });
  // The value is named by a label one sees, not by a placeholder gone once typing starts.
  const valueBox = h("label", { class: "outcome-value-box", hidden: value.hidden }, h("span", { class: "outcome-value-label" }, t("contract_value_vnd")), value);
  const other = (claims() || {}).role === "producer" ? m.buyer_name : m.producer_name;
  const save = h("button", { type: "submit", class: "save-outcome", disabled: true }, t("save_outcome"), other ? h("span", { class: "sr-only" }, ": " + other) : null);
  const say = (message) => {
    err.textContent = message;
    if (message) value.setAttribute("aria-invalid", "true"); else value.removeAttribute("aria-invalid");
  };
  const typed = () => amount(value.value);
  const changed = () => {
    valueBox.hidden = value.hidden = sel.value !== "contract_signed";
    save.disabled = !sel.value || (sel.value === m.outcome && typed() === (m.value_vnd || undefined));
  };
  sel.addEventListener("change", () => { say(""); changed(); });
  value.addEventListener("input", changed);
  value.addEventListener("blur", () => {
    const n = typed();
    if (n === null) { say(t("amount_invalid")); return; }
    say("");
    if (n !== undefined) value.value = amountText(n);
  });
  const f = h("form", { class: "outcome-form", novalidate: true, id }, sel, valueBox, save, err);
  // A redraw puts back what was chosen and typed (typeAgain): the value and button follow it.
  f.addEventListener("restored", changed);
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const n = sel.value === "contract_signed" ? typed() : 0;
    if (n === null) { say(t("amount_invalid")); value.focus(); return; }
    say("");
    save.disabled = true;
    const r = await act(m, "outcome", { outcome: sel.value, value_vnd: n || 0 })().catch(offline);
    save.disabled = false;
    if (r && r.ok === false) {
      say(failure(r));
      if (!value.hidden) value.focus();
    }
  });
  return f;
}

// outcomeLine says a meeting's recorded outcome, with the contract's value in đồng, and who
// recorded it when (either side may: the other sees that it is not its own word).
function outcomeLine(m) {
  if (!m.outcome) return null;
  const by = m.outcome_by && (m.outcome_by === (claims() || {}).role ? t("outcome_by_you") : t("outcome_by_" + m.outcome_by));
  return h("div", { class: "outcome-said" }, h("strong", {}, t("outcome") + ": "), t("o_" + m.outcome),
    m.value_vnd ? [" · ", t("contract_value") + ": ", h("span", { class: "outcome-vnd" }, money(m.value_vnd))] : null,
    by ? h("span", { class: "outcome-by muted" }, " · " + t("outcome_recorded_by").replace("{by}", by).replace("{at}", when(m.outcome_at))) : null);
}

// inbox is the meetings page's state that outlives a redraw: the tab shown (picked: chosen by
// the person rather than by what the lists hold) and the answer panel open (a live update must
// not close what someone is filling in).
const inbox = { tab: "", picked: false, open: null };

// meetingBadge is a meeting's state as its inbox says it: waiting, another time proposed,
// accepted, declined or cancelled.
function meetingBadge(m) {
  if (m.status === "requested" && m.proposal) return badge(t("m_proposed"), "warn");
  return statusBadge("m_", m.status);
}

// proposalLine says the other time proposed: its session, day and note.
function proposalLine(m) {
  const p = m.proposal;
  return h("div", { class: "proposal" }, h("strong", {}, t("proposal_label") + ": "), [t("s_" + p.session), p.day ? date(p.day) : t("any_day")].join(" · "),
    p.note ? h("blockquote", { class: "note muted" }, p.note) : null);
}

// answerPanel is the form under a meeting that proposes another time, declines with a reason or
// cancels it (an accepted meeting, or a request this side sent); sending it answers the meeting,
// "Hủy" ("Giữ cuộc gặp" beside a cancellation) closes it.
function answerPanel(m, kind, days) {
  // "Hủy" gives the keyboard back to the button that opened the panel.
  const close = async () => {
    inbox.open = null;
    await render(true);
    const opener = document.querySelector(`#app .inbox-item[data-meeting="${m.id}"] button.${kind}`);
    if (opener) opener.focus(); else focusMeeting(m.id);
  };
  const send = async (v) => {
    const body = kind === "propose" ? { session: v.session, day: v.day || undefined, note: v.note.trim() }
      : kind === "decline" ? { reason_code: v.reason_code, reason: v.reason.trim() } : { reason: v.reason.trim() };
    const r = await api("POST", `/api/meetings/${m.id}/${kind}`, body);
    if (r.ok) {
      inbox.open = null;
      toast(t({ propose: "proposal_sent", decline: "declined_sent", cancel: "meeting_cancelled_sent" }[kind]));
      render(true).then(() => focusMeeting(m.id));
    }
    return r;
  };
  const fields = kind === "propose"
    ? [{ name: "session", label: t("session"), type: "select", options: ["morning", "afternoon", "any"].map((s) => [s, t("s_" + s)]), value: m.session === "morning" ? "afternoon" : "morning" },
      { name: "day", label: t("day"), type: "select", options: [["", t("any_day")], ...days.map((d) => [d.date, date(d.date)])] },
      { name: "note", label: t("proposal_note"), type: "textarea", full: true, hint: t("max_300") }]
    : kind === "decline" ? [{ name: "reason_code", label: t("decline_why"), type: "select", options: ["no_time", "not_relevant", "other"].map((c) => [c, t("dr_" + c)]), full: true },
      { name: "reason", label: t("decline_words"), type: "textarea", full: true, hint: t("max_300") }]
      : [{ name: "reason", label: t("cancel_words"), type: "textarea", full: true, hint: t("max_300") }];
  const words = { propose: ["proposal_send", "proposal_hint"], decline: ["decline_confirm", "decline_hint"], cancel: ["cancel_meeting_confirm", "cancel_meeting_hint"] }[kind];
  const f = form(fields, t(words[0]), send, { id: kind + "-" + m.id });
  f.querySelector(".actions").append(h("button", { type: "button", class: "secondary close-panel", onclick: close }, t(kind === "cancel" ? "keep_meeting" : "cancel")));
  if (kind !== "propose") f.querySelector("button[type=submit]").classList.add("danger");
  // Escape closes it, as "Hủy" does.
  return h("div", { class: "answer-panel " + kind + "-panel", dataset: { dirty: "1" }, onkeydown: (ev) => { if (ev.key === "Escape") { ev.stopPropagation(); close(); } } },
    h("p", { class: "muted" }, t(words[1])), f);
}

// inboxItem is one meeting in the inbox: the other side, the fair it is at (fairName), its state
// and place, and the answers this side may give now.
function inboxItem(m, side, days, act, fairName) {
  const mine = m.awaiting === side;
  const open = inbox.open && inbox.open.id === m.id ? inbox.open.kind : "";
  // The panel opened takes the keyboard: its first field, where the answer starts.
  const toggle = (kind) => async () => {
    inbox.open = { id: m.id, kind };
    await render(true);
    const first = document.querySelector(`#app .inbox-item[data-meeting="${m.id}"] .answer-panel select, #app .inbox-item[data-meeting="${m.id}"] .answer-panel textarea`);
    if (first) first.focus();
  };
  const answers = mine && !open && h("div", { class: "actions" },
    h("button", { type: "button", class: "accept", onclick: act(m, "accept") }, t(m.proposal ? "accept_proposal" : "accept")),
    !m.proposal && h("button", { type: "button", class: "secondary propose", onclick: toggle("propose") }, t("propose_other")),
    h("button", { type: "button", class: "secondary decline", onclick: toggle("decline") }, t("decline")));
  // An accepted meeting not held yet, or a request this side sent, may be called off: the other
  // side is told, and a scheduled table goes back to the organisers.
  const cancellable = !open && !m.held && !m.attended && (m.status === "accepted" || m.status === "requested" && m.requested_by === side);
  const cancel = cancellable && h("div", { class: "actions" }, h("button", { type: "button", class: "secondary cancel", onclick: toggle("cancel") }, t("cancel_meeting")));
  return h("li", { class: "card inbox-item" + (mine ? " awaiting" : ""), dataset: { meeting: m.id } },
    h("div", { class: "inbox-head" }, h("strong", { class: "who" }, side === "buyer" ? m.producer_name : m.buyer_name), " ", meetingBadge(m)),
    fairName ? h("div", { class: "fair-name" }, fairName) : null,
    // Once it has a time and table, the session asked for says nothing more (and "Cả ngày" beside
    // a time of day read as a contradiction).
    m.slot ? null : h("div", { class: "muted" }, t("session") + ": " + t("s_" + m.session) + (m.preferred_day ? " · " + date(m.preferred_day) : "")),
    // The note as written, set off as a quote (its own “…” around a request's title stay single).
    m.note ? h("blockquote", { class: "note muted" }, m.note) : null,
    m.proposal && m.status === "requested" ? proposalLine(m) : null,
    m.reason ? h("div", { class: "reason" }, h("strong", {}, t("reason") + ": "), m.reason) : null,
    m.slot ? h("div", { class: "place" }, when(m.starts_at) + " · " + t("table") + " " + m.table)
      : m.status === "accepted" ? h("div", { class: "place muted" }, t("awaiting_slot")) : null,
    m.status === "requested" && !mine ? h("div", { class: "muted waiting" }, t(m.proposal ? "waiting_them_proposal" : "waiting_them")) : null,
    answers, cancel, open ? answerPanel(m, open, days) : null,
    outcomeLine(m), m.status === "accepted" && m.starts_at && new Date(m.starts_at) <= new Date() && outcomeForm(m, act));
}

// focusMeeting gives the keyboard to a meeting's card once its answer's buttons or panel are gone
// with the answer, where its new state is said, not to the start of the page; a focus the redraw
// kept (a button still there) stays.
function focusMeeting(id) {
  const card = document.querySelector(`#app .inbox-item[data-meeting="${id}"]`);
  const at = document.activeElement;
  if (!card || (at && at !== document.body && at !== $("#app") && document.contains(at))) return;
  card.tabIndex = -1;
  card.focus();
}

// meetingAct(m, path, body)() answers a meeting and redraws the page. A refused outcome is said in
// its own form, which keeps what was chosen, so the page is not redrawn under it; but one refused
// because an outcome was recorded meanwhile (by the other side, or on another device) is drawn
// again with that outcome, and the toast says why nothing was saved.
const meetingAct = (m, path, body) => async () => {
  const r = await api("POST", `/api/meetings/${m.id}/${path}`, body, path === "outcome" ? { ifMatch: `"${m.revision}"` } : {});
  const stale = path === "outcome" && r.status === 409 && /^meeting_outcome_(changed|other_side)$/.test((r.data || {}).code);
  if (r.ok || path !== "outcome" || stale) {
    toast(r.ok ? t("saved") : failure(r));
    await render(true);
    focusMeeting(m.id);
  }
  return r;
};

// viewMeetings is the request inbox of a buyer or a producer: the requests received and those
// sent, each with its state, and the answers due: accept, propose another time, or decline with
// a reason.
async function viewMeetings() {
  const list = await all("/api/meetings");
  countDue(list);
  const c = claims();
  const side = c.role;
  const fairsSeen = [...new Set(list.map((m) => m.fair_id))];
  const fairs = await Promise.all(fairsSeen.map((id) => api("GET", "/api/fairs/" + id)));
  const daysOf = Object.fromEntries(fairsSeen.map((id, i) => [id, (fairs[i].ok && fairs[i].data.b2b_days) || []]));
  const nameOf = Object.fromEntries(fairsSeen.map((id, i) => [id, fairs[i].ok ? fairs[i].data.name_vi : ""]));
  const received = list.filter((m) => m.requested_by !== side);
  const sent = list.filter((m) => m.requested_by === side);
  if (!inbox.picked) inbox.tab = received.length || !sent.length ? "received" : "sent";
  // What awaits this side's answer comes first, then the newest.
  const order = (ms) => ms.slice().sort((a, b) => (b.awaiting === side) - (a.awaiting === side) || (a.id < b.id ? 1 : -1));
  const shown = order(inbox.tab === "received" ? received : sent);
  const due = (ms) => ms.filter((m) => m.awaiting === side).length;
  const tab = (key, ms) => h("button", { type: "button", role: "tab", id: "inbox-tab-" + key, class: "tab" + (inbox.tab === key ? " active" : ""), "aria-selected": String(inbox.tab === key),
    "aria-controls": "inbox-panel", onclick: () => { inbox.tab = key; inbox.picked = true; inbox.open = null; render(true); } },
    t("inbox_" + key) + " ", h("span", { class: "count" }, num(ms.length)), due(ms) ? h("span", { class: "due" }, " · " + plural(due(ms), "n_due")) : null);
  return h("div", {}, h("h1", {}, t("meetings")), h("ul", { class: "agenda-links" }, fairsSeen.map((f) => h("li", {}, h("a", { href: "#/agenda/" + f, class: "agenda-link" }, t("agenda") + " · " + (nameOf[f] || t("fair")) + " ›")))),
    list.length ? [h("div", { class: "tabs queue-tabs", role: "tablist", "aria-label": t("meetings") }, tab("received", received), tab("sent", sent)),
      h("div", { id: "inbox-panel", role: "tabpanel", "aria-labelledby": "inbox-tab-" + inbox.tab },
        shown.length ? h("ul", { id: "meeting-list", class: "inbox" }, shown.map((m) => inboxItem(m, side, daysOf[m.fair_id], meetingAct, nameOf[m.fair_id]))) : h("p", { class: "muted" }, t("none")))]
      : h("p", { class: "muted" }, t("none")));
}
