package meeting

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

type gridCell struct {
	Table        int    `json:"table"`
	MeetingID    string `json:"meeting_id"`
	BuyerName    string `json:"buyer_name"`
	ProducerName string `json:"producer_name"`
}

type gridSlot struct {
	Slot   int        `json:"slot"`
	Starts string     `json:"starts_at"`
	Cells  []gridCell `json:"cells"`
}

type gridDay struct {
	Day    string      `json:"day"`
	Tables int         `json:"tables"`
	Slots  []gridSlot  `json:"slots"`
	Lunch  *lunchBreak `json:"lunch,omitempty" doc:"the pause between the morning and the afternoon, when the day has one"`
}

// lunchBreak is a B2B day's pause between its sessions: no meeting takes place in it, and it is
// no one's break.
type lunchBreak struct {
	Day       string `json:"day" format:"date"`
	AfterSlot int    `json:"after_slot" doc:"the morning's last slot"`
	Starts    string `json:"starts_at" format:"date-time" doc:"when the morning's last slot ends"`
	Ends      string `json:"ends_at" format:"date-time" doc:"when the afternoon's first slot starts"`
	Minutes   int    `json:"minutes"`
}

type agendaResponse struct {
	FairID      string       `json:"fair_id"`
	Version     int64        `json:"schedule_version" doc:"the version of the schedule shown (0: never scheduled)"`
	Participant string       `json:"participant,omitempty"`
	Meetings    []response   `json:"meetings"`
	LunchBreaks []lunchBreak `json:"lunch_breaks,omitempty" doc:"the pauses between the sessions of the fair's B2B days, by day"`
	Grid        []gridDay    `json:"grid,omitempty" doc:"slots × tables, for organisers"`
	// A pointer, so that the organisers' grid always has the list, empty or not, and a
	// participant's agenda never has it.
	Unscheduled *[]unscheduledItem `json:"unscheduled,omitempty" doc:"with the grid, for organisers: the accepted meetings that the schedule's run could not place and why (a meeting since cancelled, declined or placed by a move or a later run is left out); absent for a schedule saved before runs kept them"`
}

// agenda answers with one schedule version's meetings: a participant's own, or for the fair's
// organisers all of them with the slots × tables grid. It reads the agenda model when the
// service has one (phones poll it on the fair day), with an ETag, and the database otherwise.
func (rt *Routes) agenda(c *gin.Context) {
	ctx := c.Request.Context()
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	organiser := rt.fairOrganiser(p, fairID)
	who := c.Query("participant")
	lang := answerLang(c)
	if !organiser {
		if p.Role != auth.RoleBuyer && p.Role != auth.RoleProducer {
			if _, ok := rt.seenFair(c, p); !ok { // another organiser's draft is not found, as the fair is not
				return
			}
			httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAgendaOrganisersOnly))
			return
		}
		me, err := rt.participant(ctx, p)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if who != "" && who != me {
			httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAgendaOwnOnly))
			return
		}
		who = me
	}
	f, ok := rt.seenFair(c, p)
	if !ok {
		return
	}
	var out agendaResponse
	if rt.Agendas != nil {
		out = rt.agendaFromModel(fairID, who, organiser, lang)
	} else {
		var err error
		if out, err = rt.agendaFromDatabase(ctx, fairID, who, organiser, lang); err != nil {
			httpx.RespondError(c, err)
			return
		}
	}
	switch format := c.DefaultQuery("format", "json"); {
	case format != "json":
		// Its rows: the scheduled meetings, with attendance and outcomes, for the report a
		// fair's organisers send after it (sheet.Send refuses a format it does not write).
		sheet.Send(c, agendaTable(out, httpx.Lang(c)), format, sheet.FileName("lich-gap-b2b", f.Name, fairID))
	case rt.Agendas != nil:
		httpx.JSONWithETag(c, out)
	default:
		c.JSON(http.StatusOK, out)
	}
}

// participant returns the buyer or producer ID the caller acts as, from the agenda model and
// the index when the service has them: never a read of the database by account.
func (rt *Routes) participant(ctx context.Context, p auth.Principal) (string, error) {
	if rt.Agendas == nil || p.Role != auth.RoleBuyer {
		return rt.participantOf(ctx, p)
	}
	id, ok := rt.Agendas.BuyerOf(p.AccountID)
	if !ok {
		return "", apperr.New(apperr.Conflict, msgBuyerProfileFirst)
	}
	return id, nil
}

// agendaFromModel is the agenda as the model holds it, its reasons said in lang.
func (rt *Routes) agendaFromModel(fairID, who string, organiser bool, lang apperr.Lang) agendaResponse {
	if _, ok := rt.Index.Fair(fairID); ok {
		rt.Agendas.Recheck(fairID)
	}
	t, ms := rt.Agendas.Scheduled(fairID, who)
	out, _ := rt.agendaOf(fairID, who, organiser, t, ms, lang, func(m Meeting) (response, error) {
		return rt.shape(m, rt.Agendas.BuyerName(m.BuyerID), agendaLang), nil
	})
	return out
}

// agendaFromDatabase is the agenda as the database holds it: the fair's accepted meetings and
// newest schedule, and each buyer by ID, its reasons said in lang. Every read but the buyers'
// reads the whole collection on FerretDB.
func (rt *Routes) agendaFromDatabase(ctx context.Context, fairID, who string, organiser bool, lang apperr.Lang) (agendaResponse, error) {
	t, ms, err := rt.Store.Scheduled(ctx, fairID, who)
	if err != nil {
		return agendaResponse{}, err
	}
	names := map[string]string{}
	return rt.agendaOf(fairID, who, organiser, t, ms, lang, func(m Meeting) (response, error) { return rt.toResponse(ctx, m, names, agendaLang) })
}

// agendaOf shapes a schedule's meetings (by ID) into the agenda: those with a slot, in time
// order, and for organisers who ask for no participant the grid and the meetings left
// unscheduled, why said in lang.
func (rt *Routes) agendaOf(fairID, who string, organiser bool, t Timetable, ms []Meeting, lang apperr.Lang, shape func(Meeting) (response, error)) (agendaResponse, error) {
	grid := organiser && who == ""
	f, _ := rt.Index.Fair(fairID)
	gone := unplaceGone(f, ms, rt.now())
	var left []unscheduledItem
	if grid {
		byID := make(map[string]Meeting, len(ms))
		for _, m := range ms {
			byID[m.ID] = m
		}
		var err error
		if left, err = unscheduledOf(t, byID, shape, lang); err != nil {
			return agendaResponse{}, err
		}
		if left, err = unfitOf(left, gone, t, shape, lang); err != nil {
			return agendaResponse{}, err
		}
	}
	ms = slices.DeleteFunc(ms, func(m Meeting) bool { return m.Slot == 0 })
	slices.SortFunc(ms, func(a, b Meeting) int {
		if a.Day != b.Day {
			return cmpString(a.Day, b.Day)
		}
		if a.Slot != b.Slot {
			return a.Slot - b.Slot
		}
		return a.Table - b.Table
	})
	out := agendaResponse{FairID: fairID, Version: t.Version, Participant: who, Meetings: []response{}}
	booths := map[string][]string{}
	rt.Index.Read(func(v index.View) {
		for _, m := range ms {
			if _, ok := booths[m.ProducerID]; !ok {
				booths[m.ProducerID] = nil
				for _, b := range v.BoothsOf(fairID, m.ProducerID) {
					booths[m.ProducerID] = append(booths[m.ProducerID], b.Code)
				}
			}
		}
	})
	for _, m := range ms {
		r, err := shape(m)
		if err != nil {
			return agendaResponse{}, err
		}
		r.Ends, r.Booths = slotEnd(f, m.Day, m.Slot), booths[m.ProducerID]
		out.Meetings = append(out.Meetings, r)
	}
	for _, d := range f.B2BDays {
		if l, ok := lunchOf(f, d); ok {
			out.LunchBreaks = append(out.LunchBreaks, l)
		}
	}
	if grid {
		// A schedule saved before runs kept what they left unplaced says nothing of it.
		if t.UnplacedKnown || t.Version == 0 || len(gone) > 0 {
			out.Unscheduled = &left
		}
		for _, d := range f.B2BDays {
			g := gridDay{Day: d.Date, Tables: d.Tables}
			if l, ok := lunchOf(f, d); ok {
				g.Lunch = &l
			}
			for s := 1; s <= d.Slots; s++ {
				gs := gridSlot{Slot: s, Starts: slotStart(f, d.Date, s), Cells: []gridCell{}}
				for _, r := range out.Meetings {
					if r.Day == d.Date && r.Slot == s {
						gs.Cells = append(gs.Cells, gridCell{Table: r.Table, MeetingID: r.ID, BuyerName: r.BuyerName, ProducerName: r.ProducerName})
					}
				}
				g.Slots = append(g.Slots, gs)
			}
			out.Grid = append(out.Grid, g)
		}
	}
	return out, nil
}

// unplaceGone takes their place from the meetings of ms placed where fair f's B2B settings,
// changed since the run, have no slot or table (but for settled ones: see placedStill), and
// returns them as they were placed: they have no place until the next run, listed as
// unscheduled, never shown at a table that is gone.
func unplaceGone(f index.Fair, ms []Meeting, now time.Time) []Meeting {
	var gone []Meeting
	for i, m := range ms {
		if m.Slot > 0 && !placedStill(f, m, now) {
			gone = append(gone, m)
			ms[i].Day, ms[i].Slot, ms[i].Table = "", 0, 0
		}
	}
	return gone
}

// slotEnd is when a day's slot ends (RFC 3339), "" for a day or slot the fair does not have.
func slotEnd(f index.Fair, day string, slot int) string {
	t := slotTime(f, day, slot)
	for _, d := range f.B2BDays {
		if d.Date == day && !t.IsZero() {
			return t.Add(time.Duration(d.SlotMinutes) * time.Minute).Format(time.RFC3339)
		}
	}
	return ""
}
