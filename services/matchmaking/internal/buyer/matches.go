package buyer

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// MeetingRef is what a buyer's matches show of one of its meetings: the meeting service's model
// hands them over (see Service.Meetings), so that a match card says whether a meeting was asked
// and where it stands.
type MeetingRef struct {
	ID, FairID, ProducerID, Status string
	// Active is a meeting requested or accepted, which a card shows before older ones.
	Active bool
	// Proposed is a requested meeting the producer answered with another time, which waits for
	// the buyer.
	Proposed  bool
	CreatedAt time.Time
	// AskAgainAt is, for a request of the buyer's that the producer declined, when the buyer may
	// ask the producer there again; zero otherwise.
	AskAgainAt time.Time
}

type matchMeeting struct {
	ID     string `json:"id" format:"uuid"`
	FairID string `json:"fair_id"`
	Status string `json:"status" doc:"requested, accepted, declined or cancelled"`
	// Proposed says the producer answered the request with another time, for the buyer to take.
	Proposed bool `json:"proposed" doc:"requested, and the producer proposed another time that waits for the buyer's answer"`
	// AskAgainAt is when a buyer whose request the producer declined may ask again.
	AskAgainAt *time.Time `json:"ask_again_at,omitempty" doc:"a request of the buyer's that the producer declined: the buyer may ask the producer there again from this time (409 meeting_declined_lately before)"`
}

type matchItem struct {
	match.Result
	Meeting    *matchMeeting `json:"meeting" doc:"the buyer's meeting with the producer at the fair in question (fair_id, else the request's fair; without either, the newest at any fair), an active one before an ended one; null without one"`
	Interested bool          `json:"interested" doc:"the producer marked interest (quan tâm) in this request"`
}

type matchesResponse struct {
	RequestID string      `json:"request_id"`
	Matches   []matchItem `json:"matches"`
	// NextCursor asks for the producers ranked below these; none after the list's end, or
	// past the first maxMatchDepth.
	NextCursor string `json:"next_cursor,omitempty"`
}

// maxMatchDepth is the deepest position a page of matches starts at: far beyond what a buyer
// reads, it bounds what one read ranks.
const maxMatchDepth = 1000

// matchState is what a buyer's matches carry beside the ranking: the meeting per producer and
// the producers interested, read from memory on every call, and a stamp of it for the memo.
type matchState struct {
	meetings   map[string]matchMeeting
	interested map[string]bool
	stamp      string
}

// stateOf gathers the meetings of the request's buyer at fairID ("" for any fair) and the
// interests in the request.
func (s *Service) stateOf(r Request, fairID string) matchState {
	st := matchState{meetings: map[string]matchMeeting{}, interested: map[string]bool{}}
	h := fnv.New64a()
	if s.Meetings != nil {
		best := map[string]MeetingRef{}
		for _, m := range s.Meetings(r.BuyerID) {
			if fairID != "" && m.FairID != fairID {
				continue
			}
			if have, ok := best[m.ProducerID]; ok && newerFirst(have, m) <= 0 {
				continue
			}
			best[m.ProducerID] = m
		}
		for p, m := range best {
			mm := matchMeeting{ID: m.ID, FairID: m.FairID, Status: m.Status, Proposed: m.Proposed}
			if !m.AskAgainAt.IsZero() {
				at := m.AskAgainAt.In(vntext.Zone)
				mm.AskAgainAt = &at
			}
			st.meetings[p] = mm
		}
	}
	if s.Interests != nil {
		for _, in := range s.Interests.InRequest(r.ID) {
			st.interested[in.ProducerID] = true
		}
	}
	keys := make([]string, 0, len(st.meetings)+len(st.interested))
	for p, m := range st.meetings {
		keys = append(keys, "m"+p+"="+m.ID+":"+m.Status+":"+strconv.FormatBool(m.Proposed))
	}
	for p := range st.interested {
		keys = append(keys, "i"+p)
	}
	slices.Sort(keys)
	for _, k := range keys {
		_, _ = h.Write([]byte(k + "\n"))
	}
	st.stamp = strconv.FormatUint(h.Sum64(), 36)
	return st
}

// newerFirst orders the meetings a card may show: active before ended, then the newest.
func newerFirst(a, b MeetingRef) int {
	if a.Active != b.Active {
		if a.Active {
			return -1
		}
		return 1
	}
	return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
}

func (st matchState) items(res []match.Result) []matchItem {
	out := make([]matchItem, len(res))
	for i, r := range res {
		out[i] = matchItem{Result: r, Interested: st.interested[r.ProducerID]}
		if m, ok := st.meetings[r.ProducerID]; ok {
			out[i].Meeting = &m
		}
	}
	return out
}

func (rt *Routes) matches(c *gin.Context) {
	page, from, err := rankPageOf(c, maxMatchDepth)
	limit := page.Limit
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	r, ok := rt.visibleRequest(c, false)
	if !ok {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	if p.Role == auth.RoleProducer {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgMatchesNotProducers))
		return
	}
	if err := rt.Index.Ready(c.Request.Context()); err != nil {
		httpx.RespondError(c, apperr.WrapMsg(apperr.Unavailable, err, msgWarmingUp))
		return
	}
	need := Need(r)
	if f := c.Query("fair_id"); f != "" {
		// A draft is not public: no buyer meets anyone at it yet.
		if fair, ok := rt.Index.Fair(f); !ok || fair.Private() {
			httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairUnknown))
			return
		}
		// The fair chosen is the one the ranking, the booths and the meeting shown speak of;
		// only its exhibitors unless only_exhibitors=false asks for every producer.
		only, err := onlyExhibitors(c)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		need.FairID, need.OnlyExhibitors = f, only
	}
	// A buyer's page polls its matches, and organisers open them, many times between two changes
	// of the index: an unchanged request on an unchanged index, with the same meetings and
	// interests, is ranked once a minute (scores follow certificate dates). The version is read
	// before the ranking.
	now := rt.Now()
	st := rt.stateOf(r, need.FairID)
	version := strconv.FormatUint(rt.Index.Version(), 10) + "/" + strconv.FormatInt(r.Revision, 10) + "/" + now.UTC().Format("2006-01-02T15:04") + "/" + st.stamp
	c.Header("Vary", "Accept-Language")
	lang := httpx.Lang(c)
	key := r.ID + "/" + strconv.Itoa(from.At) + "/" + strconv.Itoa(limit) + "/" + string(lang)
	if c.Query("fair_id") != "" {
		key += "/" + need.FairID + "/" + strconv.FormatBool(need.OnlyExhibitors)
	}
	rt.memo.JSON(c, key, version, func() any {
		res, more := rt.Matcher.RankPage(need, from.At, limit, now)
		match.Localize(res, lang)
		out := matchesResponse{RequestID: r.ID, Matches: st.items(res)}
		if more && from.At+limit <= maxMatchDepth {
			out.NextCursor = httpx.EncodeCursor(rankCursor{At: from.At + limit})
		}
		return out
	})
}

// onlyExhibitors reads only_exhibitors: true (the default, with a fair_id) or false.
func onlyExhibitors(c *gin.Context) (bool, error) {
	switch c.DefaultQuery("only_exhibitors", "true") {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, apperr.InvalidField("only_exhibitors", apperr.OneOf, apperr.OrOf("true", "false"))
}
