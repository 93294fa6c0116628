package badge

import (
	"context"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// Kinds of badge holders.
const (
	KindProducer = "producer"
	KindBuyer    = "buyer"
)

// Scan limits: how far in the future a scan's time may be (phones' clocks drift) and how old a
// scan queued offline may be when it arrives.
const (
	maxAhead = 2 * time.Minute
	maxAge   = 24 * time.Hour
)

// Service issues badges and records check-ins; the meetings it reads come from the agenda model,
// and those it marks attended are written through the meetings' service (with their event).
type Service struct {
	Key      Key
	Store    *Store
	Index    *index.Index
	Agendas  *meeting.Agendas
	Buyers   *buyer.Store
	Meetings *meeting.Service
	Now      func() time.Time
}

func (s *Service) now() time.Time { return s.Now().In(vntext.Zone).Truncate(time.Millisecond) }

// organiser reports whether the caller organises the fair (or is an admin).
func (s *Service) organiser(p auth.Principal, f index.Fair) bool {
	if p.Role == auth.RoleAdmin {
		return true
	}
	if p.Role != auth.RoleOrganiser {
		return false
	}
	for _, o := range f.Organisers {
		if o == p.AccountID {
			return true
		}
	}
	return false
}

// holder is a participant who may hold a badge at a fair; Revision is the producer profile's
// that names Account (0 for a buyer).
type holder struct {
	ID, Kind, Account string
	Revision          int64
}

// holderOf returns the producer or buyer the caller acts as; NotFound (badge_none) without a
// profile.
func (s *Service) holderOf(p auth.Principal) (holder, error) {
	switch p.Role {
	case auth.RoleProducer:
		if prod, ok := s.Index.ProducerByAccount(p.AccountID); ok {
			return holder{ID: prod.ID, Kind: KindProducer, Account: p.AccountID, Revision: prod.Revision}, nil
		}
	case auth.RoleBuyer:
		if id, ok := s.Agendas.BuyerOf(p.AccountID); ok {
			return holder{ID: id, Kind: KindBuyer, Account: p.AccountID}, nil
		}
	}
	return holder{}, apperr.New(apperr.NotFound, msgBadgeNone)
}

// Own returns the caller's badge at fair f, issued on first ask: NotFound (badge_none) for a
// caller without an accepted meeting there, or for a producer without a booth there either (an
// exhibitor comes to its booth every day, meetings or not).
func (s *Service) Own(ctx context.Context, f index.Fair, p auth.Principal) (Badge, error) {
	h, err := s.holderOf(p)
	if err != nil {
		return Badge{}, err
	}
	if !s.entitled(f, h.Kind, h.ID) {
		return Badge{}, apperr.New(apperr.NotFound, msgBadgeNone)
	}
	if ok, err := s.Store.Enabled(ctx, p.AccountID, p.IssuedAt); err != nil {
		return Badge{}, err
	} else if !ok { // disabled after its token was issued
		return Badge{}, apperr.New(apperr.NotFound, msgBadgeNone)
	}
	return s.issue(ctx, f, h)
}

// entitled reports whether participant id, of kind, may hold a badge at fair f now: a producer
// with a booth there (an exhibitor comes to its booth every day, meetings or not), or anyone with
// an accepted meeting there.
func (s *Service) entitled(f index.Fair, kind, id string) bool {
	if kind == KindProducer && s.Index.Exhibiting(f.ID, id) {
		return true
	}
	_, ms := s.Agendas.Scheduled(f.ID, id)
	return len(ms) > 0
}

// All returns the badges of every exhibitor (a producer holding a booth) and everyone with an
// accepted meeting at fair f, producers first, each group by name, issuing those not issued yet;
// none for an account disabled still. Badges issued
// before are read in one go, as they were last printed or shown: printing a large fair's badges
// again costs one read. A producer's names are those its profile has now (held in memory): a
// badge printed before a renamed profile was opened again kept the old name.
func (s *Service) All(ctx context.Context, f index.Fair) ([]Badge, error) {
	issued, err := s.Store.Valid(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	disabled, err := s.Store.DisabledAccounts(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var hs []holder
	add := func(h holder) {
		if !seen[h.Kind+"/"+h.ID] && !disabled[h.Account] {
			seen[h.Kind+"/"+h.ID] = true
			hs = append(hs, h)
		}
	}
	for _, id := range s.Index.Exhibitors(f.ID) {
		if prod, ok := s.Index.ProducerByID(id); ok {
			add(holder{ID: id, Kind: KindProducer, Account: prod.AccountID, Revision: prod.Revision})
		}
	}
	_, ms := s.Agendas.Scheduled(f.ID, "")
	for _, m := range ms {
		producer := holder{ID: m.ProducerID, Kind: KindProducer}
		producer.Account, producer.Revision = meeting.ProducerAccount(s.Index, m) // it may have been handed over
		add(producer)
		add(holder{ID: m.BuyerID, Kind: KindBuyer, Account: m.BuyerAccount})
	}
	out := make([]Badge, 0, len(hs))
	for _, h := range hs {
		if b, ok := issued[h.ID]; ok && b.Kind == h.Kind && (b.AccountID == h.Account || b.AccountID == "" || h.Account == "") {
			if prod, ok := s.Index.ProducerByID(h.ID); ok && h.Kind == KindProducer {
				b.Name, b.Organisation, b.Province = prod.Name, prod.Name, provinceName(prod.Province)
			}
			out = append(out, b)
			continue
		}
		b, err := s.issue(ctx, f, h)
		if err == errDisabled || err == errNotHolder { // disabled, or handed over, while the badges were being printed
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	coll := vntext.NewCollator()
	sortBadges(out, coll)
	return out, nil
}

// issue returns h's badge at f with its names as the profiles hold them now.
func (s *Service) issue(ctx context.Context, f index.Fair, h holder) (Badge, error) {
	b := Badge{FairID: f.ID, ParticipantID: h.ID, Kind: h.Kind, AccountID: h.Account, OwnerRevision: h.Revision}
	switch h.Kind {
	case KindProducer:
		prod, _ := s.Index.ProducerByID(h.ID)
		b.Name, b.Organisation, b.Province = prod.Name, prod.Name, provinceName(prod.Province)
	case KindBuyer:
		by, err := s.Buyers.Buyer(ctx, h.ID)
		if err != nil {
			return Badge{}, err
		}
		b.Name, b.Organisation, b.Province = by.Name, by.Name, provinceName(by.Province)
		if by.Contact.Name != "" {
			b.Name = by.Contact.Name
		}
	}
	b, err := s.Store.Issue(ctx, b)
	if err != nil || h.Account == "" {
		return b, err
	}
	// The account may have been disabled while this badge was made, after its check and after
	// the revocation ended the badges it found: read again, after the write, so that one of the
	// two always sees the other.
	if still, err := s.Store.StillDisabled(ctx, h.Account); err != nil {
		return Badge{}, err
	} else if still {
		if _, err := s.Store.Revoke(ctx, f.ID, h.ID); err != nil {
			return Badge{}, err
		}
		return Badge{}, errDisabled
	}
	return b, nil
}

// errDisabled refuses a badge to an account disabled still: none is shown or printed.
var errDisabled = apperr.New(apperr.NotFound, msgBadgeNone)

// errNotHolder refuses a producer's badge to an account its profile no longer names, as a
// replica behind a hand-over may still believe it does.
var errNotHolder = apperr.New(apperr.NotFound, msgBadgeNone)

// provinceName names a province by its code; text that is no code is kept.
func provinceName(code string) string {
	if p, ok := ocop.ProvinceByCode(code); ok {
		return p.Name
	}
	return code
}

// Scan is a badge scanned by the fair's staff.
type Scan struct {
	ScanID    string
	Code      string
	Place     string
	Table     int
	ScannedAt time.Time // zero: now
	By        string
}

// Result is a check-in as recorded, and whether it repeats a scan recorded before.
type Result struct {
	CheckIn CheckIn
	Repeat  bool
}

// CheckIn records a scan at fair f once (a scan ID seen before returns the stored check-in as a
// repeat) and, at a table, marks the participant's meeting there attended when the other
// participant checked in there within its slot too, whichever scan arrives first. Invalid
// (badge_invalid) for a code forged, altered, unknown or revoked, Invalid (badge_other_fair)
// for another fair's badge, Conflict for a scan ID recorded at another fair, Invalid
// (checkin_scan_reused) for a scan ID recorded before with another badge, place, table or time.
func (s *Service) CheckIn(ctx context.Context, f index.Fair, in Scan) (Result, error) {
	// A code typed by hand from the badge (its manual code) stands for the badge's full code.
	code, err := s.expandManual(ctx, f.ID, in.Code)
	if err != nil {
		return Result{}, err
	}
	in.Code = code
	if stored, err := s.Store.CheckIn(ctx, in.ScanID); err == nil {
		return s.repeat(ctx, f, stored, in)
	} else if !apperr.Is(err, apperr.NotFound) {
		return Result{}, err
	}
	b, err := s.verify(ctx, in.Code)
	if err != nil {
		if looksManual(in.Code) { // typed by hand: most likely a character mistyped
			e := apperr.New(apperr.Invalid, msgManualUnknown)
			e.Fields = []apperr.FieldError{apperr.Field("code", msgManualUnknown)}
			return Result{}, e
		}
		return Result{}, err
	}
	if b.FairID != f.ID {
		name := b.FairID
		if other, ok := s.Index.Fair(b.FairID); ok {
			name = other.Name
		}
		e := apperr.New(apperr.Invalid, msgBadgeOtherFair, name)
		e.Fields = []apperr.FieldError{apperr.Field("code", msgBadgeOtherFair, name)}
		return Result{}, e
	}
	// A badge is issued to whom exhibits or meets someone at the fair; one whose holder no longer
	// does (its application withdrawn or rejected, its meetings cancelled) lets no one in. A scan
	// queued offline (made a minute or more before it arrived) let its holder in when it was made:
	// it is recorded as it happened.
	now := s.now()
	if queued := !in.ScannedAt.IsZero() && now.Sub(in.ScannedAt) >= time.Minute; !queued && !s.entitled(f, b.Kind, b.ParticipantID) {
		e := apperr.New(apperr.Invalid, msgBadgeLapsed, b.Name)
		e.Fields = []apperr.FieldError{apperr.Field("code", msgBadgeLapsedField)}
		return Result{}, e
	}
	at := in.ScannedAt
	if at.IsZero() {
		at = now
	}
	c := CheckIn{ScanID: in.ScanID, FairID: f.ID, BadgeID: b.ID, ParticipantID: b.ParticipantID, Kind: b.Kind, Name: b.Name,
		Organisation: b.Organisation, Place: in.Place, Table: in.Table, ScannedAt: at.In(vntext.Zone).Truncate(time.Millisecond), ReceivedAt: now, By: in.By}
	stored, fresh, err := s.Store.Record(ctx, c)
	if err != nil {
		return Result{}, err
	}
	if !fresh {
		return s.repeat(ctx, f, stored, in)
	}
	return Result{CheckIn: stored}, s.attend(ctx, f, stored)
}

// repeat answers a scan ID recorded before as c, sent again as in, and runs its attendance
// check again: the first request may have failed after storing the check-in. Conflict for a scan
// ID recorded at another fair; Invalid (checkin_scan_reused) when in is another scan than c, so
// that a reused ID never answers ✔ with the first scan's person (or for a forged code).
func (s *Service) repeat(ctx context.Context, f index.Fair, c CheckIn, in Scan) (Result, error) {
	if c.FairID != f.ID {
		return Result{}, apperr.New(apperr.Conflict, msgScanOtherFair)
	}
	if !s.sameScan(c, in) {
		e := apperr.New(apperr.Invalid, msgScanReused)
		e.Fields = []apperr.FieldError{apperr.Field("scan_id", msgScanReusedField)}
		return Result{}, e
	}
	return Result{CheckIn: c, Repeat: true}, s.attend(ctx, f, c)
}

// sameScan reports whether in is the scan recorded as c sent again: the same badge (told by its
// code's signature alone, so that a badge revoked since still repeats its scan), place, table
// and, when the page sent one, time of scanning.
func (s *Service) sameScan(c CheckIn, in Scan) bool {
	// A manual code names the recorded badge as its full code does, revoked since or not.
	code := in.Code
	if s.Key.namesBadge(typedManual(code), c.BadgeID) {
		code = s.Key.Code(c.BadgeID)
	}
	id, err := s.Key.Verify(code)
	if err != nil || id != c.BadgeID || in.Place != c.Place || in.Table != c.Table {
		return false
	}
	return in.ScannedAt.IsZero() || in.ScannedAt.Truncate(time.Millisecond).Equal(c.ScannedAt)
}

// verify returns the valid badge a code names: Invalid (badge_invalid) otherwise.
func (s *Service) verify(ctx context.Context, code string) (Badge, error) {
	invalid := func() error {
		e := apperr.New(apperr.Invalid, msgBadgeInvalid)
		e.Fields = []apperr.FieldError{apperr.Field("code", msgBadgeInvalidField)}
		return e
	}
	id, err := s.Key.Verify(code)
	if err != nil {
		return Badge{}, invalid()
	}
	b, err := s.Store.Get(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && b.Revoked) {
		return Badge{}, invalid()
	}
	return b, err
}

// MeetingAt returns the participant's meeting at the check-in's table nearest the scan (by its
// slot's start), if a table check-in has one.
func (s *Service) MeetingAt(f index.Fair, c CheckIn) (meeting.Meeting, bool) {
	if c.Place != PlaceTable {
		return meeting.Meeting{}, false
	}
	_, ms := s.Agendas.Scheduled(f.ID, c.ParticipantID)
	var best meeting.Meeting
	var bestGap time.Duration = -1
	for _, m := range ms {
		if m.Table != c.Table || m.Slot == 0 {
			continue
		}
		start := meeting.SlotStart(f, m.Day, m.Slot)
		if start.IsZero() {
			continue
		}
		gap := start.Sub(c.ScannedAt)
		if gap < 0 {
			gap = -gap
		}
		if bestGap < 0 || gap < bestGap {
			best, bestGap = m, gap
		}
	}
	return best, bestGap >= 0
}

// attend marks the check-in's meeting attended when the scan falls in its slot (from
// meeting.EarlyCheckIn before it to its end) and the other participant checked in at the same
// table in that time too, and the meeting is still there as stored; the later of the two scans
// is when it was attended.
func (s *Service) attend(ctx context.Context, f index.Fair, c CheckIn) error {
	m, ok := s.MeetingAt(f, c)
	if !ok || !m.AttendedAt.IsZero() {
		return nil
	}
	from, to := meeting.SlotWindow(f, m.Day, m.Slot)
	if c.ScannedAt.Before(from) || c.ScannedAt.After(to) {
		return nil
	}
	other := m.BuyerID
	if c.Kind == KindBuyer {
		other = m.ProducerID
	}
	theirs, found, err := s.Store.AtTable(ctx, f.ID, other, c.Table, from, to)
	if err != nil || !found {
		return err
	}
	// The agenda may not have heard yet of a move made on another replica: the meeting's place
	// as stored must still be the one both scans were at.
	stored, err := s.Meetings.Store.Get(ctx, m.ID)
	if err != nil {
		return err
	}
	if stored.Day != m.Day || stored.Slot != m.Slot || stored.Table != m.Table {
		return nil
	}
	at := c.ScannedAt
	if theirs.ScannedAt.After(at) {
		at = theirs.ScannedAt
	}
	_, err = s.Meetings.Attend(ctx, m.ID, at, stored.Place())
	if apperr.Is(err, apperr.Conflict) {
		// Cancelled or moved meanwhile: nothing to mark.
		return nil
	}
	return err
}

// AttendedCount counts a fair's accepted meetings marked attended.
func (s *Service) AttendedCount(fairID string) int {
	_, ms := s.Agendas.Scheduled(fairID, "")
	n := 0
	for _, m := range ms {
		if !m.AttendedAt.IsZero() {
			n++
		}
	}
	return n
}
