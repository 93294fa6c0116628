// Package fair is the organisers' fair: a hội chợ, tuần hàng, regional promotion or B2B
// conference with its dates, application window, eligibility rules, fees, B2B session settings
// and lifecycle.
package fair

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kinds of fair.
const (
	KindFair              = "fair"               // hội chợ
	KindTradeWeek         = "trade_week"         // tuần hàng
	KindRegionalPromotion = "regional_promotion" // xúc tiến vùng miền
	KindB2BConference     = "b2b_conference"     // hội nghị kết nối cung cầu
)

// Kinds lists the fair kinds.
var Kinds = []string{KindFair, KindTradeWeek, KindRegionalPromotion, KindB2BConference}

// Status is where a fair is in its lifecycle.
type Status string

// The statuses.
const (
	Draft              Status = "draft"
	Published          Status = "published"
	ApplicationsClosed Status = "applications_closed"
	Live               Status = "live"
	Completed          Status = "completed"
	Cancelled          Status = "cancelled"
)

// Action is a lifecycle move.
type Action string

// The actions.
const (
	Publish           Action = "publish"
	CloseApplications Action = "close-applications"
	Start             Action = "start"
	Complete          Action = "complete"
	Cancel            Action = "cancel"
)

// moves is the lifecycle: from a status, which action leads where.
var moves = map[Status]map[Action]Status{
	Draft:              {Publish: Published, Cancel: Cancelled},
	Published:          {CloseApplications: ApplicationsClosed, Cancel: Cancelled},
	ApplicationsClosed: {Start: Live, Cancel: Cancelled},
	Live:               {Complete: Completed, Cancel: Cancelled},
	Completed:          {},
	Cancelled:          {},
}

// Allowed returns the actions possible from status, sorted.
func Allowed(s Status) []Action {
	out := slices.Collect(maps.Keys(moves[s]))
	slices.Sort(out)
	return out
}

// Booth kinds.
const (
	BoothStandard = "standard" // 3 × 3 m
	BoothCorner   = "corner"
	BoothDouble   = "double" // 3 × 6 m
	BoothPremium  = "premium"
)

// BoothKinds lists the booth kinds.
var BoothKinds = []string{BoothStandard, BoothCorner, BoothDouble, BoothPremium}

// Venue is where the fair takes place.
type Venue struct{ Name, Address string }

// Eligibility are the rules an application is checked against.
type Eligibility struct {
	MinStars             int
	AllowedSectors       []string
	AllowedProvinces     []string
	AllowedRegions       []string
	MaxBoothsPerProducer int
	// ProvinceQuotas caps the booths exhibitors of a province may hold.
	ProvinceQuotas map[string]int
}

// Fees are booth prices and the OCOP subsidy.
type Fees struct {
	BoothPrices         map[string]int64
	SubsidyPercent      int
	MaxSubsidisedBooths int
}

// Contact is the organiser's contact for exhibitors.
type Contact struct{ Name, Phone, Email string }

// Fair is a fair.
type Fair struct {
	ID                string
	NameVI            string
	NameEN            string
	Kind              string
	Theme             string
	Region            string
	HostProvince      string
	Venue             Venue
	StartDate         time.Time // midnight in Vietnam
	EndDate           time.Time // midnight in Vietnam, inclusive
	ApplicationsOpen  time.Time
	ApplicationsClose time.Time
	Eligibility       Eligibility
	Fees              Fees
	Contact           Contact
	Organisers        []string
	Status            Status
	CancelReason      string
	// Discarded is set on a draft cancelled before it was ever published: it stays as private as
	// a draft (Private), to its organisers and admins only.
	Discarded bool
	B2BDays   []B2BDay
	Revision  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Fields are the editable fields; nil means "not given".
type Fields struct {
	NameVI            *string
	NameEN            *string
	Kind              *string
	Theme             *string
	Region            *string
	HostProvince      *string
	Venue             *Venue
	StartDate         *time.Time
	EndDate           *time.Time
	ApplicationsOpen  *time.Time
	ApplicationsClose *time.Time
	Eligibility       *Eligibility
	Fees              *Fees
	Contact           *Contact
	Organisers        *[]string
	// Editor is the organiser account that creates or changes the fair, which must stay on a
	// given Organisers list; empty when an admin does, who may set any list.
	Editor string
}

// New validates f as a new draft fair organised by organiserID, or by the organisers f lists.
func New(id, organiserID string, f Fields, now time.Time) (Fair, error) {
	fr := Fair{ID: id, Status: Draft, Organisers: []string{organiserID}, Revision: 1, CreatedAt: now, UpdatedAt: now,
		Eligibility: Eligibility{MinStars: 3, MaxBoothsPerProducer: 2, ProvinceQuotas: map[string]int{}},
		Fees:        Fees{BoothPrices: map[string]int64{}}}
	if err := fr.apply(f, true); err != nil {
		return Fair{}, err
	}
	return fr, nil
}

// Update returns the fair with f applied. Once applications are closed the dates, window and
// eligibility rules can no longer change, since producers applied under them.
func (fr Fair) Update(f Fields, now time.Time) (Fair, error) {
	if fr.Status == Completed || fr.Status == Cancelled {
		return Fair{}, apperr.New(apperr.Conflict, msgFrozen, StatusName(fr.Status))
	}
	if fr.Status != Draft && fr.Status != Published && (f.StartDate != nil || f.EndDate != nil || f.ApplicationsOpen != nil || f.ApplicationsClose != nil || f.Eligibility != nil) {
		return Fair{}, apperr.New(apperr.Conflict, msgTermsFixed)
	}
	next := fr.clone()
	if err := next.apply(f, false); err != nil {
		return Fair{}, err
	}
	next.Revision = fr.Revision + 1
	next.UpdatedAt = now
	return next, nil
}

func (fr Fair) clone() Fair {
	c := fr
	c.Organisers = slices.Clone(fr.Organisers)
	c.B2BDays = slices.Clone(fr.B2BDays)
	c.Eligibility.AllowedSectors = slices.Clone(fr.Eligibility.AllowedSectors)
	c.Eligibility.AllowedProvinces = slices.Clone(fr.Eligibility.AllowedProvinces)
	c.Eligibility.AllowedRegions = slices.Clone(fr.Eligibility.AllowedRegions)
	c.Eligibility.ProvinceQuotas = maps.Clone(fr.Eligibility.ProvinceQuotas)
	c.Fees.BoothPrices = maps.Clone(fr.Fees.BoothPrices)
	return c
}

// Move applies a lifecycle action at time now. An illegal move is a Conflict that names the moves
// allowed from the current status. Cancelling needs a reason; publishing needs the application
// window to close in the future.
func (fr Fair) Move(a Action, reason string, now time.Time) (Fair, error) {
	to, ok := moves[fr.Status][a]
	if !ok {
		allowed := Allowed(fr.Status)
		if len(allowed) == 0 {
			return Fair{}, apperr.New(apperr.Conflict, msgNoMoves, StatusName(fr.Status))
		}
		names := make(apperr.Or, len(allowed))
		for i, x := range allowed {
			names[i] = actionName(x)
		}
		return Fair{}, apperr.New(apperr.Conflict, msgMoveNotAllowed, actionName(a), StatusName(fr.Status), names)
	}
	next := fr.clone()
	switch a {
	case Cancel:
		var v apperr.Validation
		if reason = v.Text("reason", reason, 500); reason == "" {
			return Fair{}, apperr.InvalidField("reason", msgCancelReason)
		}
		if v.Failed() {
			return Fair{}, v.Err()
		}
		next.CancelReason = reason
		next.Discarded = fr.Status == Draft
	case Publish:
		if !fr.ApplicationsClose.After(now) {
			return Fair{}, apperr.New(apperr.Conflict, msgWindowClosed)
		}
	case Start, Complete:
		if err := fr.timely(a, now); err != nil {
			return Fair{}, err
		}
	}
	next.Status = to
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// timely tells whether action a (Start or Complete) may be taken at now: a fair opens from the
// day before its first (for setting up) and ends once it has begun (early, in a storm, say);
// one that has not begun is cancelled instead. A mistaken move of either cannot be undone.
func (fr Fair) timely(a Action, now time.Time) error {
	day := vntext.FormatDate(fr.StartDate)
	switch {
	case a == Start && now.Before(fr.StartDate.AddDate(0, 0, -1)):
		return apperr.New(apperr.Conflict, msgStartEarly, day)
	case a == Complete && now.Before(fr.StartDate):
		return apperr.New(apperr.Conflict, msgCompleteEarly, day)
	}
	return nil
}

// AllowedAt returns the actions possible on the fair at now, sorted: those of its status that
// its dates allow.
func (fr Fair) AllowedAt(now time.Time) []Action {
	var out []Action
	for _, a := range Allowed(fr.Status) {
		if (a != Start && a != Complete) || fr.timely(a, now) == nil {
			out = append(out, a)
		}
	}
	return out
}

// Private reports whether only the fair's organisers and admins may see it: a draft, or a draft
// cancelled before it was published (Discarded).
func (fr Fair) Private() bool { return events.FairPrivate(string(fr.Status), fr.Discarded) }

// AcceptsApplications reports whether producers may apply at time t.
func (fr Fair) AcceptsApplications(t time.Time) bool {
	return fr.Status == Published && !t.Before(fr.ApplicationsOpen) && t.Before(fr.ApplicationsClose)
}

// AssignsBooths reports whether booths may be assigned to exhibitors, by hand or by committing an
// allocation: from publication until the fair ends, never in a draft, completed or cancelled fair
// (a cancelled fair's booths are all released, and nothing may take them again).
func (fr Fair) AssignsBooths() bool {
	return fr.Status == Published || fr.Status == ApplicationsClosed || fr.Status == Live
}

// LastDay returns the end of the fair's last day.
func (fr Fair) LastDay() time.Time { return fr.EndDate.AddDate(0, 0, 1).Add(-time.Nanosecond) }

// Stamp returns t as the service stores times it sets: in Vietnam's zone, to the millisecond,
// which is what the database keeps, so that a response shows what a later read returns.
func Stamp(t time.Time) time.Time { return t.In(vntext.Zone).Truncate(time.Millisecond) }

// IsOrganiser reports whether account organises the fair.
func (fr Fair) IsOrganiser(account string) bool { return slices.Contains(fr.Organisers, account) }

// fieldCheck collects a change's field errors; when required is set (a new fair), a field that
// is not given is one of them.
type fieldCheck struct {
	apperr.Validation
	required bool
}

// given reports whether a field was given, and records it as missing when it is required.
func (v *fieldCheck) given(given bool, field string) bool {
	if !given && v.required {
		v.Fail(field, apperr.Required)
	}
	return given
}

// apply validates the given fields and sets them on fr; with required, every required field
// must be given.
func (fr *Fair) apply(f Fields, required bool) error {
	v := &fieldCheck{required: required}
	fr.applyIdentity(v, f)
	fr.applySchedule(v, f)
	fr.applyTerms(v, f)
	if !v.Failed() {
		fr.checkSchedule(v)
		if f.StartDate != nil || f.EndDate != nil {
			fr.checkB2BDays(v)
		}
	}
	return v.Err()
}

// applyIdentity sets what the fair is and where: names, kind, theme, region, host and venue.
func (fr *Fair) applyIdentity(v *fieldCheck, f Fields) {
	if v.given(f.NameVI != nil, "name_vi") {
		n := vntext.Clean(*f.NameVI)
		if v.Expect(utf8.RuneCountInString(n) >= 5 && utf8.RuneCountInString(n) <= 200, "name_vi", apperr.LengthBetween, 5, 200) &&
			v.Expect(vntext.Readable(n), "name_vi", apperr.Unreadable) {
			fr.NameVI = n
		}
	}
	if f.NameEN != nil {
		fr.NameEN = v.Text("name_en", *f.NameEN, 200)
	}
	if v.given(f.Kind != nil, "kind") {
		if v.Expect(slices.Contains(Kinds, *f.Kind), "kind", apperr.OneOf, apperr.OrOf(Kinds...)) {
			fr.Kind = *f.Kind
		}
	}
	if f.Theme != nil {
		fr.Theme = v.Text("theme", *f.Theme, 300)
	}
	if v.given(f.Region != nil, "region") {
		if _, ok := ocop.RegionByCode(*f.Region); v.Expect(ok, "region", msgRegion) {
			fr.Region = *f.Region
		}
	}
	if v.given(f.HostProvince != nil, "host_province") {
		p, ok := ocop.LookupProvince(*f.HostProvince)
		if v.Expect(ok, "host_province", msgProvince) {
			fr.HostProvince = p.Code
		}
	}
	if v.given(f.Venue != nil, "venue") {
		ven := Venue{Name: v.Text("venue.name", f.Venue.Name, 200), Address: v.Text("venue.address", f.Venue.Address, 300)}
		v.Expect(ven.Name != "", "venue.name", apperr.Required)
		fr.Venue = ven
	}
}

// applySchedule sets the fair's dates and its application window.
func (fr *Fair) applySchedule(v *fieldCheck, f Fields) {
	if v.given(f.StartDate != nil, "start_date") {
		fr.StartDate = *f.StartDate
	}
	if v.given(f.EndDate != nil, "end_date") {
		fr.EndDate = *f.EndDate
	}
	if v.given(f.ApplicationsOpen != nil, "applications_open") {
		fr.ApplicationsOpen = *f.ApplicationsOpen
	}
	if v.given(f.ApplicationsClose != nil, "applications_close") {
		fr.ApplicationsClose = *f.ApplicationsClose
	}
}

// applyTerms sets the terms producers apply under and who runs the fair: eligibility, fees,
// contact and organisers.
func (fr *Fair) applyTerms(v *fieldCheck, f Fields) {
	if f.Eligibility != nil {
		fr.Eligibility = checkEligibility(&v.Validation, *f.Eligibility)
	}
	if f.Fees != nil {
		fr.Fees = checkFees(&v.Validation, *f.Fees)
	}
	if f.Contact != nil {
		c := Contact{Name: v.Text("contact.name", f.Contact.Name, 120), Email: strings.TrimSpace(strings.ToLower(f.Contact.Email))}
		if f.Contact.Phone != "" {
			phone, ok := ocop.NormalizePhone(f.Contact.Phone)
			v.Expect(ok, "contact.phone", msgPhone)
			c.Phone = phone
		}
		if c.Email != "" {
			v.Expect(ocop.ValidEmail(c.Email), "contact.email", msgEmail)
		}
		fr.Contact = c
	}
	if f.Organisers != nil {
		fr.Organisers = checkOrganisers(v, *f.Organisers, f.Editor)
	}
}

// checkSchedule checks the dates against one another once each is valid on its own.
func (fr *Fair) checkSchedule(v *fieldCheck) {
	if fr.EndDate.Before(fr.StartDate) {
		v.Fail("end_date", msgEndBeforeStart)
	}
	if fr.EndDate.Sub(fr.StartDate) > 30*24*time.Hour {
		v.Fail("end_date", msgTooLongFair, 31)
	}
	if !fr.ApplicationsOpen.Before(fr.ApplicationsClose) {
		v.Fail("applications_close", msgCloseAfterOpen)
	}
	if !fr.ApplicationsClose.Before(fr.StartDate) {
		v.Fail("applications_close", msgCloseBeforeStart)
	}
}

// checkB2BDays checks that new dates keep the B2B days set for the fair, which agendas, badges and
// the schedule use: a day left outside is moved or removed in the B2B settings first. Other
// changes are not held to it, so a fair stored with a day outside stays editable.
func (fr *Fair) checkB2BDays(v *fieldCheck) {
	for _, d := range fr.B2BDays {
		day := vntext.FormatDate(d.Date)
		if d.Date.Before(fr.StartDate) {
			v.Fail("start_date", msgLeavesB2BDay, day)
		}
		if d.Date.After(fr.EndDate) {
			v.Fail("end_date", msgLeavesB2BDay, day)
		}
	}
}

func checkEligibility(v *apperr.Validation, e Eligibility) Eligibility {
	if e.MinStars == 0 {
		e.MinStars = 3
	}
	v.Expect(e.MinStars >= 3 && e.MinStars <= 5, "eligibility.min_stars", apperr.OneOf, apperr.OrOf("3", "4", "5"))
	if e.MaxBoothsPerProducer == 0 {
		e.MaxBoothsPerProducer = 2
	}
	v.Expect(e.MaxBoothsPerProducer >= 1 && e.MaxBoothsPerProducer <= 10, "eligibility.max_booths_per_producer", apperr.Between, 1, 10)
	e.AllowedSectors = checkCodes(v, "eligibility.allowed_sectors", e.AllowedSectors, len(ocop.Sectors()), func(s string) (string, bool) {
		_, ok := ocop.SectorByCode(s)
		return s, ok
	}, apperr.OneOf, apperr.OrOf("food", "beverage", "medicinal", "handicraft", "ornamental", "tourism"))
	e.AllowedProvinces = checkCodes(v, "eligibility.allowed_provinces", e.AllowedProvinces, len(ocop.Provinces()), func(s string) (string, bool) {
		p, ok := ocop.LookupProvince(s)
		return p.Code, ok
	}, msgProvince)
	e.AllowedRegions = checkCodes(v, "eligibility.allowed_regions", e.AllowedRegions, len(ocop.Regions()), func(s string) (string, bool) {
		_, ok := ocop.RegionByCode(s)
		return s, ok
	}, msgRegion)
	if !v.Expect(len(e.ProvinceQuotas) <= len(ocop.Provinces()), "eligibility.province_quotas", apperr.TooMany, len(ocop.Provinces())) {
		e.ProvinceQuotas = nil
	}
	quotas := map[string]int{}
	for k, n := range e.ProvinceQuotas {
		p, ok := ocop.LookupProvince(k)
		if v.Expect(ok, "eligibility.province_quotas."+k, msgProvince) && v.Expect(n >= 0 && n <= 1000, "eligibility.province_quotas."+k, msgBoothsBetween, 0, 1000) {
			quotas[p.Code] = n
		}
	}
	e.ProvinceQuotas = quotas
	return e
}

// checkCodes checks a list of codes, each as code reads it (false for none), at most max: a
// longer list is one error, not one per entry. A code listed twice is kept once.
func checkCodes(v *apperr.Validation, field string, list []string, max int, code func(string) (string, bool), bad apperr.Msg, args ...any) []string {
	if !v.Expect(len(list) <= max, field, apperr.TooMany, max) {
		return nil
	}
	out := make([]string, 0, len(list))
	for i, s := range list {
		c, ok := code(s)
		if v.Expect(ok, fmt.Sprintf("%s[%d]", field, i), bad, args...) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func checkFees(v *apperr.Validation, f Fees) Fees {
	prices := map[string]int64{}
	for k, p := range f.BoothPrices {
		if v.Expect(slices.Contains(BoothKinds, k), "fees.booth_prices."+k, apperr.OneOf, apperr.OrOf(BoothKinds...)) &&
			v.Expect(p >= 0 && p <= 10_000_000_000, "fees.booth_prices."+k, msgVND, 0, 10) {
			prices[k] = p
		}
	}
	f.BoothPrices = prices
	v.Expect(f.SubsidyPercent >= 0 && f.SubsidyPercent <= 100, "fees.subsidy_percent", apperr.Between, 0, 100)
	v.Expect(f.MaxSubsidisedBooths >= 0 && f.MaxSubsidisedBooths <= 10, "fees.max_subsidised_booths", apperr.Between, 0, 10)
	return f
}
