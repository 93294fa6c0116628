// Package verify is what a visitor sees after scanning a product's QR code at a fair: the
// public verification of its OCOP certificate (status computed at the time of asking, an expired
// certificate shown as expired), its producer and where to buy it, served from memory; the QR
// codes themselves; and the count of views per product, fair and day, kept in memory and stored
// and published in batches.
package verify

import (
	"cmp"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// SoonDays is how far ahead a fair counts as "soon" for where to buy a product.
const SoonDays = 30

// Booth is a booth a producer holds at a fair.
type Booth struct {
	Code string
	Zone string
}

// Place is a fair where a producer holds booths, as the applications model knows it.
type Place struct {
	FairID    string
	FairName  string
	Status    string
	StartDate time.Time // first day, midnight in Vietnam
	EndDate   time.Time // last day, midnight in Vietnam
	Booths    []Booth
}

// fairStatuses are the statuses of a fair a visitor can still go to.
var fairStatuses = []string{"published", "applications_closed", "live"}

// day is the Vietnamese date of t at midnight in Vietnam.
func day(t time.Time) time.Time {
	y, m, d := t.In(vntext.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, vntext.Zone)
}

// Upcoming returns the places of fairs running on now's day or starting within SoonDays, by
// start date: where a visitor can find the producer. Cancelled and completed fairs, and fairs
// that ended, are left out.
func Upcoming(places []Place, now time.Time) []Place {
	today := day(now)
	horizon := today.AddDate(0, 0, SoonDays)
	var out []Place
	for _, p := range places {
		if len(p.Booths) == 0 || !slices.Contains(fairStatuses, p.Status) || day(p.EndDate).Before(today) || day(p.StartDate).After(horizon) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Place) int {
		return cmp.Or(a.StartDate.Compare(b.StartDate), cmp.Compare(a.FairID, b.FairID))
	})
	return out
}

// Running returns the ID of the first of places whose fair runs on now's day ("" for none): the
// fair a view at now is counted for.
func Running(places []Place, now time.Time) string {
	today := day(now)
	for _, p := range Upcoming(places, now) {
		if !day(p.StartDate).After(today) { // Upcoming left out the fairs that ended
			return p.FairID
		}
	}
	return ""
}

// Producer is what the verification page shows of a producer: who it is, where, and its
// business contact.
type Producer struct {
	ID       string
	Name     string
	Kind     string
	Commune  string
	Province string // province code
	Phone    string
	Email    string
	Revision int64
}

// Level says who recognises a rating: the province for 3★ and 4★, the central ministry for 5★
// (since July 2025).
func Level(stars int) string {
	if stars >= 5 {
		return "central"
	}
	return "province"
}

// Answer is the public verification of one product at a time, in one language.
type Answer struct {
	Code          string       `json:"code"`
	Name          string       `json:"name" doc:"in the asked language where the producer gave one, else Vietnamese"`
	NameVI        string       `json:"name_vi"`
	ImageURL      string       `json:"image_url,omitempty" doc:"the product's uploaded photo on this site (320 px), never an address of elsewhere"`
	Stars         int          `json:"stars" enum:"3,4,5"`
	PotentialFive bool         `json:"potential_five_star"`
	StarsText     string       `json:"stars_text"`
	Certificate   certificate  `json:"certificate"`
	Producer      producerBody `json:"producer"`
	CriteriaSet   criteriaSet  `json:"criteria_set"`
	WhereToBuy    []placeBody  `json:"where_to_buy"`
	StarsMeaning  string       `json:"stars_meaning" doc:"what OCOP stars mean, in a few sentences"`
	CheckedOn     string       `json:"checked_on" format:"date" doc:"the day in Vietnam the status holds for (it changes only at midnight)"`
	Language      string       `json:"language" enum:"vi,en"`
}

type certificate struct {
	DecisionNo string `json:"decision_no"`
	IssuedBy   string `json:"issued_by"`
	Level      string `json:"level" enum:"province,central"`
	LevelText  string `json:"level_text"`
	IssuedOn   string `json:"issued_on" format:"date"`
	ExpiresOn  string `json:"expires_on" format:"date" doc:"first day no longer valid"`
	Status     string `json:"status" enum:"valid,expiring,expired" doc:"at checked_at; expiring: under 90 days left"`
	StatusText string `json:"status_text"`
	DaysLeft   int    `json:"days_left" doc:"whole days until expires_on; 0 once expired"`
}

type producerBody struct {
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	KindText     string `json:"kind_text"`
	Commune      string `json:"commune,omitempty"`
	ProvinceCode string `json:"province_code"`
	ProvinceName string `json:"province_name"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
}

type criteriaSet struct {
	Number     int    `json:"number"`
	Name       string `json:"name" doc:"the set's group and sub-group, in the asked language"`
	NameVI     string `json:"name_vi" doc:"as Decision 148/QĐ-TTg names it"`
	NameEN     string `json:"name_en"`
	Sector     string `json:"sector"`
	SectorName string `json:"sector_name" doc:"in the asked language"`
}

type placeBody struct {
	FairID    string      `json:"fair_id"`
	FairName  string      `json:"fair_name"`
	StartDate string      `json:"start_date" format:"date"`
	EndDate   string      `json:"end_date" format:"date"`
	Now       bool        `json:"running_now"`
	Booths    []boothBody `json:"booths"`
}

type boothBody struct {
	Code string `json:"code"`
	Zone string `json:"zone,omitempty"`
}

// Build is the verification of product l made by producer p, found at places, at now, in lang.
func Build(l product.Listed, p Producer, places []Place, now time.Time, lang apperr.Lang) Answer {
	now = now.In(vntext.Zone)
	c := l.Certificate
	status := c.Status(now)
	days := 0
	if status != ocop.CertificateExpired {
		days = int(day(c.ExpiresOn).Sub(day(now)).Hours() / 24)
	}
	cs, _ := ocop.CriteriaSetByNumber(l.CriteriaSet)
	sector, _ := ocop.SectorByCode(cs.Sector)
	prov, _ := ocop.ProvinceByCode(p.Province)
	if p.Province == "" {
		prov = l.Owner.Province
	}
	a := Answer{
		Code: l.Code, Name: l.NameVI, NameVI: l.NameVI, Stars: l.Rating.Stars, PotentialFive: l.Rating.PotentialFive,
		StarsText: starsText(l.Rating, lang), StarsMeaning: msgStarsMeaning.In(lang), CheckedOn: now.Format(time.DateOnly), Language: string(lang),
		Certificate: certificate{DecisionNo: c.DecisionNo, IssuedBy: c.IssuedBy, Level: Level(l.Rating.Stars), LevelText: levelText(l.Rating.Stars, lang),
			IssuedOn: c.IssuedOn.In(vntext.Zone).Format(time.DateOnly), ExpiresOn: c.ExpiresOn.In(vntext.Zone).Format(time.DateOnly),
			Status: string(status), StatusText: statusText[status].In(lang), DaysLeft: days},
		Producer: producerBody{Name: cmp.Or(p.Name, l.Owner.Name), Kind: p.Kind, KindText: kindText(p.Kind, lang), Commune: p.Commune,
			ProvinceCode: prov.Code, ProvinceName: prov.Name, Phone: p.Phone, Email: p.Email},
		CriteriaSet: criteriaSet{Number: cs.Number, Name: cs.NameVI, NameVI: cs.NameVI, NameEN: cs.NameEN, Sector: sector.Code, SectorName: sector.NameVI},
		WhereToBuy:  []placeBody{},
	}
	if lang == apperr.English {
		a.Name = cmp.Or(l.NameEN, l.NameVI)
		a.CriteriaSet.SectorName = sector.NameEN
		a.CriteriaSet.Name = cmp.Or(cs.NameEN, cs.NameVI)
	}
	// Only the photo uploaded here, re-encoded and served from this site: a visitor who scans the
	// code loads nothing from an address the producer typed (which would learn who scanned,
	// from where and when).
	if l.Photo != "" {
		a.ImageURL = product.PhotoURL(l.ID, l.Photo) + "&size=" + product.SizeThumb
	}
	running := Running(places, now)
	for _, pl := range Upcoming(places, now) {
		b := placeBody{FairID: pl.FairID, FairName: pl.FairName, StartDate: pl.StartDate.In(vntext.Zone).Format(time.DateOnly),
			EndDate: pl.EndDate.In(vntext.Zone).Format(time.DateOnly), Now: pl.FairID == running, Booths: make([]boothBody, len(pl.Booths))}
		for i, bo := range pl.Booths {
			b.Booths[i] = boothBody(bo)
		}
		a.WhereToBuy = append(a.WhereToBuy, b)
	}
	return a
}

func starsText(r ocop.Rating, lang apperr.Lang) string {
	if r.PotentialFive {
		return msgStarsPotential.With(r.Stars).In(lang)
	}
	return msgStars.With(r.Stars).In(lang)
}

func levelText(stars int, lang apperr.Lang) string {
	if Level(stars) == "central" {
		return msgLevelCentral.In(lang)
	}
	return msgLevelProvince.In(lang)
}

func kindText(kind string, lang apperr.Lang) string {
	if m, ok := kindMsgs[kind]; ok {
		return m.In(lang)
	}
	return kind
}
