// A participant's agenda at a fair, as b2match shows it: by day, each meeting's time, table, the
// other party (a link to the producer's booth on the floor plan, or the buyer's details) and
// state, the free gaps between meetings and the lunch break; the calendar file, a private
// calendar feed, the agenda as a PDF, and a print view of one page per day.
"use strict";

// feedShown keeps the feed address made on this page per fair: the API gives it once (it is a
// secret), so a redraw after a live update must not lose it.
const feedShown = new Map();

// lunchText says a lunch break: "Nghỉ trưa · 11:40 – 12:40 (60 phút)".
const lunchText = (l) => `${t("lunch")} · ${time(l.starts_at)} – ${time(l.ends_at)} (${l.minutes} ${S.lang === "vi" ? "phút" : "min"})`;

async function viewAgenda(fairID) {
  const c = claims();
  const participant = c.role === "buyer" || c.role === "producer";
  let res, ref, fair, note = null;
  try {
    [res, ref, fair] = await Promise.all([api("GET", `/api/fairs/${fairID}/agenda`).then(reached), reference(), api("GET", `/api/fairs/${fairID}`, undefined, { quiet: true })]);
    if (participant && res.ok) keepFor("agenda", c, fairID, { agenda: res.data, fair: fair.ok ? fair.data : null });
    if (participant && (res.status === 403 || res.status === 404)) keepFor("agenda", c, fairID, null);
  } catch (e) {
    // No network at the fair: the agenda kept on this phone when last shown, saying since when
    // (the organisers may have moved a meeting since).
    const k = participant && networkLost(e) && keptOf("agenda", c)[fairID];
    if (!k) throw e;
    res = { ok: true, status: 200, data: k.agenda };
    fair = k.fair ? { ok: true, data: k.fair } : { ok: false };
    ref = S.ref;
    note = keptNote("agenda_offline_at", k.at);
  }
  const a = res.data;
  const items = (a && a.meetings) || [];
  const lunches = (a && a.lunch_breaks) || [];
  // Only days with a meeting are shown; each day's lunch break sits between its sessions.
  const days = [...new Set(items.map((m) => m.day))].sort();
  const cols = ["ag_time", "table", "ag_with", "ag_state"];
  // Before the organisers schedule, there is nothing to download yet: the page says what comes
  // next, and the calendar feed (which fills in once they do) stays on offer.
  const empty = participant && res.ok && !items.length;
  const next = participant ? nextMeeting(items) : null;
  // Each day's box is named by its day (scrollBoxes), so that a redraw after a day came or went
  // scrolls each box back to where that day was left, not to where the day before it was.
  return h("div", { class: "agenda-page" }, h("h1", {}, t("agenda"), fair.ok ? h("span", { class: "fair-name" }, " · " + fair.data.name_vi) : null), note,
    empty ? guide("agenda-empty", t("agenda_empty"), h("a", { href: "#/meetings", class: "button" }, t("agenda_empty_go"))) : null,
    next && nextBanner(next, c),
    participant && calendarTools(fairID, empty),
    days.length ? h("div", { id: "agenda" }, days.map((day) => h("section", { class: "card agenda-day tablewrap", dataset: { day } }, h("h2", {}, date(day), day === today() ? h("span", { class: "badge today" }, t("ag_today")) : null),
      h("table", { class: "agenda agenda-list stack" }, h("thead", {}, h("tr", {}, cols.map((k) => h("th", {}, t(k))))),
        h("tbody", {}, agendaRows(day, items, lunches, dayBounds(fair.ok ? fair.data : null, day)).map((r) => r.kind === "meeting" ? meetingRow(fairID, r.m, c, ref, cols, next)
          : h("tr", { class: r.kind }, h("td", { colspan: cols.length }, r.kind === "lunch" ? lunchText(r.l) : `${t("ag_free")} · ${time(r.start)} – ${time(r.end)}`))))))))
      : empty ? null : h("p", { class: "muted" }, res.ok ? t("none") : failure(res)));
}

// nextMeeting is the meeting going on now, or else the next to start, or null when all are over.
function nextMeeting(items, now = new Date()) {
  return items.filter((m) => m.starts_at && new Date(m.ends_at || m.starts_at) > now)
    .sort((x, y) => new Date(x.starts_at) - new Date(y.starts_at))[0] || null;
}

// nextBanner says, above everything on the page, the meeting going on now or coming next: when,
// at which table, with whom; a tap shows its row in the day's list (past days come first there).
function nextBanner(m, c, now = new Date()) {
  const going = new Date(m.starts_at) <= now;
  const other = c.role === "producer" ? m.buyer_name : m.producer_name;
  const show = () => {
    const row = document.querySelector(`#agenda tr[data-meeting="${m.id}"]`);
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    row.setAttribute("tabindex", "-1");
    row.focus({ preventScroll: true });
  };
  return h("div", { class: "card next-meeting", id: "next-meeting", role: "note" },
    h("strong", {}, t(going ? "ag_now" : "ag_next") + ": "),
    `${when(m.starts_at, m.day === today())} · ${t("table")} ${m.table} · `, h("strong", {}, other),
    h("div", {}, h("button", { type: "button", class: "link", onclick: show }, t("ag_show_in_list"))));
}

// dayBounds is when a fair's B2B day begins and ends (its slots and lunch break), as times, or
// null when the fair does not say.
function dayBounds(f, day) {
  const d = ((f && f.b2b_days) || []).find((x) => x.date === day);
  if (!d || !d.start_time || !d.slots || !d.slot_minutes) return null;
  const start = new Date(`${d.date}T${d.start_time}:00+07:00`);
  const lunch = d.lunch_minutes && d.morning_slots && d.morning_slots < d.slots ? d.lunch_minutes : 0;
  return { start: start.toISOString(), end: new Date(start.getTime() + (d.slots * d.slot_minutes + lunch) * 60000).toISOString() };
}

// agendaRows puts a day's meetings and lunch break in time order, with a free ("Trống") row
// wherever time passes between the end of one and the start of the next, and, when the day's
// bounds are known, before the first and after the last: the whole day shows, the afternoon
// session too when every meeting is in the morning.
function agendaRows(day, items, lunches, bounds) {
  const rows = items.filter((m) => m.day === day).map((m) => ({ kind: "meeting", m, start: m.starts_at, end: m.ends_at || m.starts_at }))
    .concat(lunches.filter((l) => l.day === day).map((l) => ({ kind: "lunch", l, start: l.starts_at, end: l.ends_at })));
  rows.sort((x, y) => new Date(x.start) - new Date(y.start));
  const out = [];
  rows.forEach((r, i) => {
    if (i > 0 && new Date(rows[i - 1].end) < new Date(r.start)) out.push({ kind: "free", start: rows[i - 1].end, end: r.start });
    out.push(r);
  });
  if (bounds && rows.length) {
    if (new Date(bounds.start) < new Date(rows[0].start)) out.unshift({ kind: "free", start: bounds.start, end: rows[0].start });
    const last = rows[rows.length - 1];
    if (new Date(last.end) < new Date(bounds.end)) out.push({ kind: "free", start: last.end, end: bounds.end });
  }
  return out;
}

// buyerFacts keeps the buyers' details a producer opened on its agenda, by buyer ID, with when
// they were read.
const buyerFacts = new Map();

// meetingRow is one meeting of the agenda: its time, its table, the other party (a buyer sees
// the producer with a link to its booth on the floor plan; a producer opens the buyer's details)
// and its state (attended, the outcome recorded).
function meetingRow(fairID, m, c, ref, cols, next) {
  const buyerSide = c.role !== "producer";
  let who;
  if (buyerSide) {
    const booth = (m.producer_booths || [])[0];
    who = h("div", {}, c.role === "buyer" ? null : h("div", {}, m.buyer_name, " –"), booth ? h("a", { href: `#/fair/${fairID}/map?booth=${encodeURIComponent(booth)}`, class: "other-party" }, m.producer_name) : h("strong", { class: "other-party" }, m.producer_name),
      booth ? h("div", { class: "muted" }, t("booth") + " " + m.producer_booths.join(", ")) : null);
  } else {
    const body = h("div", { class: "buyer-facts" });
    let loaded = false;
    const show = (b) => {
      const prov = ((ref && ref.provinces) || []).find((p) => p.code === b.province_code);
      body.replaceChildren(h("dl", {}, h("dt", {}, t("buyer_kind")), h("dd", {}, t("buyer_" + b.kind)),
        h("dt", {}, t("province")), h("dd", {}, prov ? prov.name : b.province_code || "–"),
        h("dt", {}, t("markets")), h("dd", {}, (b.markets || []).map(marketName).join(", ") || "–")));
    };
    // Named by its meeting, the fold stays open through a live update's redraw, its facts shown
    // again from what was read a moment ago rather than asked for at each update.
    who = h("details", { class: "buyer-detail", id: "buyer-of-" + m.id, ontoggle: async (ev) => {
      if (!ev.target.open || loaded) return;
      loaded = true;
      const kept = buyerFacts.get(m.buyer_id);
      if (kept && Date.now() - kept.at < 5 * 60 * 1000) { show(kept.b); return; }
      body.replaceChildren(h("span", { class: "muted" }, t("loading")));
      const r = await api("GET", `/api/buyers/${m.buyer_id}`);
      if (!r.ok) { loaded = false; body.replaceChildren(h("span", { class: "muted" }, (r.data && r.data.detail) || t("failed"))); return; }
      buyerFacts.set(m.buyer_id, { b: r.data, at: Date.now() });
      show(r.data);
    } }, h("summary", { class: "other-party" }, m.buyer_name), body);
  }
  const state = [];
  if (m.attended) state.push(h("span", { class: "badge attended" }, "✔ " + t("ci_attended")));
  if (m.outcome) state.push(h("span", { class: "badge grey" }, t("o_" + m.outcome)));
  return h("tr", { class: "meeting" + (next && next.id === m.id ? " next" : ""), dataset: { meeting: m.id } },
    h("td", { class: "slot", "data-label": t(cols[0]) }, time(m.starts_at) + (m.ends_at ? " – " + time(m.ends_at) : "")),
    h("td", { "data-label": t(cols[1]) }, t("table") + " " + m.table),
    h("td", { class: "who", "data-label": t(cols[2]) }, who),
    h("td", { class: "state", "data-label": t(cols[3]) }, state.length ? state : h("span", { class: "muted" }, "–")));
}

// calendarTools offers the agenda as a file (fetched with the token: a plain link would carry no
// Authorization header) and as a private feed address for calendar apps, and prints it.
function calendarTools(fairID, empty) {
  const feedBox = h("div", { id: "calendar-feed" });
  const showFeed = (url) => {
    const input = h("input", { type: "text", readonly: true, id: "feed-url", value: url, "aria-describedby": "feed-hint", onfocus: (ev) => ev.target.select() });
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(url);
      } catch (e) {
        input.select();
        document.execCommand("copy");
      }
      toast(t("copied"));
    };
    feedBox.replaceChildren(h("label", { for: "feed-url" }, t("feed_url")), input, h("p", { class: "muted", id: "feed-hint" }, t("feed_hint")),
      h("div", { class: "actions" }, h("button", { type: "button", id: "feed-copy", onclick: copy }, t("copy")),
        h("button", { type: "button", class: "secondary", id: "feed-new", onclick: () => makeFeed(true) }, t("feed_new")),
        h("button", { type: "button", class: "danger", id: "feed-stop", onclick: stopFeed }, t("feed_stop"))));
  };
  // stopFeed ends the address (a calendar app that has it stops getting updates).
  const stopFeed = async () => {
    if (!confirm(t("feed_stop_confirm"))) return;
    // A live update waits for the answer, said in this box (see formsDirty).
    const r = await whilePending(feedBox, api("DELETE", `/api/fairs/${fairID}/agenda/feed`));
    if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
    feedShown.delete(fairID);
    feedBox.replaceChildren(h("p", { class: "muted" }, t("feed_stopped")));
  };
  // makeFeed asks for a new address; the one before stops at once, so changing it is asked first.
  const makeFeed = async (again) => {
    if (again && !confirm(t("feed_new_confirm"))) return;
    const r = await whilePending(feedBox, api("POST", `/api/fairs/${fairID}/agenda/feed`));
    if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
    const url = location.origin + r.data.path;
    feedShown.set(fairID, url);
    showFeed(url);
  };
  if (feedShown.has(fairID)) showFeed(feedShown.get(fairID));
  // The hint is the sync button's alone: it names it, and the button points to it.
  else feedBox.append(h("p", { class: "muted", id: "feed-sync-hint" }, "«" + t("feed_sync") + "»: " + t("feed_sync_hint")));
  return h("div", { class: "card no-print" }, h("div", { class: "actions" },
    !empty && h("a", { href: `/api/fairs/${fairID}/agenda/calendar.ics`, id: "ics-download", class: "button", onclick: download }, t("ics_download")),
    !empty && h("a", { href: `/api/fairs/${fairID}/agenda.pdf`, id: "agenda-pdf", class: "button secondary", onclick: download }, t("agenda_pdf")),
    h("button", { type: "button", class: "secondary", id: "feed-sync", "aria-describedby": feedShown.has(fairID) ? null : "feed-sync-hint", onclick: () => makeFeed(feedShown.has(fairID)) }, t("feed_sync")),
    !empty && h("button", { type: "button", class: "secondary", id: "agenda-print", onclick: () => window.print() }, t("print"))), feedBox);
}

// lunchRow is the organiser's grid row of a lunch break, across every table.
function lunchRow(l, tables) {
  // The words stay at the left of the screen while the wide grid scrolls sideways on a phone.
  return h("tr", { class: "lunch" }, h("td", { colspan: tables + 1 }, h("span", { class: "lunch-label" }, lunchText(l))));
}
