// Package report sums up a fair for its organisers: booths by status and zone, exhibitors by
// province, star and sector, the subsidy total, meeting outcomes; and exports the exhibitor list
// as CSV and XLSX with headers in the caller's language. Its Routes serve both to the fair's
// organisers.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// Input is what a report is computed from.
type Input struct {
	Fair         fair.Fair
	Booths       []booth.Booth
	Assignments  []booth.Assignment
	Applications []applicants.Application
	Outcomes     []applicants.Outcome
	// Scans are the views of the exhibitors' products' verification pages during the fair.
	Scans []ScanDay
	// Attended counts the meetings marked attended from their participants' check-ins.
	Attended int
	Now      time.Time
}

// ScanDay is how often the fair's exhibitors' product pages were viewed on one day.
type ScanDay struct {
	Day   string `json:"day" format:"date"`
	Count int    `json:"count"`
}

// ZoneCount counts booths of one zone by status.
type ZoneCount struct {
	Zone      string `json:"zone"`
	Total     int    `json:"total"`
	Available int    `json:"available"`
	Reserved  int    `json:"reserved"`
	Assigned  int    `json:"assigned"`
	Blocked   int    `json:"blocked"`
}

// ProvinceCount counts exhibitors and booths of one province.
type ProvinceCount struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Exhibitors int    `json:"exhibitors"`
	Booths     int    `json:"booths"`
}

// SectorCount counts exhibitors showing products of one sector.
type SectorCount struct {
	Sector     string `json:"sector"`
	Name       string `json:"name"`
	Exhibitors int    `json:"exhibitors"`
}

// Report is a fair's summary.
type Report struct {
	FairID      string    `json:"fair_id"`
	GeneratedAt time.Time `json:"generated_at"`
	Booths      struct {
		Total            int            `json:"total"`
		ByStatus         map[string]int `json:"by_status"`
		ByZone           []ZoneCount    `json:"by_zone"`
		OccupancyPercent float64        `json:"occupancy_percent"`
	} `json:"booths"`
	Applications map[string]int `json:"applications"`
	Exhibitors   struct {
		Total      int             `json:"total"`
		ByProvince []ProvinceCount `json:"by_province"`
		ByStars    map[string]int  `json:"by_stars"`
		BySector   []SectorCount   `json:"by_sector"`
	} `json:"exhibitors"`
	Subsidy struct {
		Percent      int   `json:"percent"`
		MaxBooths    int   `json:"max_booths_per_exhibitor"`
		BoothFeesVND int64 `json:"booth_fees_vnd"`
		TotalVND     int64 `json:"total_vnd"`
	} `json:"subsidy"`
	Meetings struct {
		Held             int            `json:"held"`
		ByOutcome        map[string]int `json:"by_outcome"`
		MoUs             int            `json:"mous"`
		Contracts        int            `json:"contracts"`
		ContractValueVND int64          `json:"contract_value_vnd"`
	} `json:"meetings"`
	// ScanCount is "lượt quét QR": views of the verification pages of products shown at the
	// fair, mostly from the QR codes at the booths.
	ScanCount  int       `json:"scan_count" doc:"lượt quét QR: views of the exhibitors' product verification pages during the fair (counted in batches, up to a minute late)"`
	ScansByDay []ScanDay `json:"scans_by_day" doc:"by day in Vietnam, oldest first"`
	// MeetingsAttended counts the meetings whose two participants checked in at their table
	// within the slot: what the fair day shows, apart from the outcomes typed by hand (meetings).
	MeetingsAttended int `json:"meetings_attended" doc:"meetings whose two participants checked in at their table within their slot (from the badges scanned), counted apart from the outcomes typed by hand"`
}

// Exhibitor is an application holding booths, with its booths.
type Exhibitor struct {
	Application applicants.Application
	Booths      []booth.Booth
}

// Exhibitors returns the applications that hold booths, by first booth code.
func Exhibitors(in Input) []Exhibitor {
	byCode := map[string]booth.Booth{}
	for _, b := range in.Booths {
		byCode[b.Code] = b
	}
	apps := map[string]applicants.Application{}
	for _, a := range in.Applications {
		apps[a.ID] = a
	}
	held := map[string][]booth.Booth{}
	var order []string
	for _, as := range in.Assignments {
		if _, seen := held[as.ApplicationID]; !seen {
			order = append(order, as.ApplicationID)
		}
		held[as.ApplicationID] = append(held[as.ApplicationID], byCode[as.Code])
	}
	out := make([]Exhibitor, 0, len(order))
	for _, id := range order {
		a, ok := apps[id]
		if !ok {
			a = applicants.Application{ID: id}
		}
		bs := held[id]
		slices.SortFunc(bs, func(x, y booth.Booth) int { return cmp.Compare(x.Code, y.Code) })
		out = append(out, Exhibitor{Application: a, Booths: bs})
	}
	slices.SortFunc(out, func(x, y Exhibitor) int { return cmp.Compare(x.Booths[0].Code, y.Booths[0].Code) })
	return out
}

// Build computes the report.
func Build(in Input) Report {
	var r Report
	r.FairID = in.Fair.ID
	r.GeneratedAt = in.Now.In(vntext.Zone)
	coll := vntext.NewCollator()
	r.countBooths(in, coll)
	r.Applications = map[string]int{}
	for _, a := range in.Applications {
		r.Applications[a.Status]++
	}
	r.countExhibitors(in, coll)
	r.countMeetings(in.Outcomes)
	r.countScans(in.Scans)
	r.MeetingsAttended = in.Attended
	return r
}

// countScans sums the views by day.
func (r *Report) countScans(scans []ScanDay) {
	byDay := map[string]int{}
	for _, s := range scans {
		r.ScanCount += s.Count
		byDay[s.Day] += s.Count
	}
	r.ScansByDay = make([]ScanDay, 0, len(byDay)) // [] rather than null
	for d, n := range byDay {
		r.ScansByDay = append(r.ScansByDay, ScanDay{Day: d, Count: n})
	}
	slices.SortFunc(r.ScansByDay, func(a, b ScanDay) int { return cmp.Compare(a.Day, b.Day) })
}

// countBooths counts the booths by status and by zone, and the share of usable booths assigned.
func (r *Report) countBooths(in Input, coll *vntext.Collator) {
	assigned := map[string]bool{}
	for _, a := range in.Assignments {
		assigned[a.Code] = true
	}
	r.Booths.ByStatus = map[string]int{booth.Available: 0, booth.Reserved: 0, booth.Assigned: 0, booth.Blocked: 0}
	zones := map[string]*ZoneCount{}
	for _, b := range in.Booths {
		st := booth.StatusOf(b, assigned[b.Code])
		r.Booths.Total++
		r.Booths.ByStatus[st]++
		z := zones[b.Zone]
		if z == nil {
			z = &ZoneCount{Zone: b.Zone}
			zones[b.Zone] = z
		}
		z.count(st)
	}
	r.Booths.ByZone = make([]ZoneCount, 0, len(zones)) // [] rather than null for a fair without booths
	for _, z := range zones {
		r.Booths.ByZone = append(r.Booths.ByZone, *z)
	}
	slices.SortFunc(r.Booths.ByZone, func(a, b ZoneCount) int { return coll.Compare(a.Zone, b.Zone) })
	if usable := r.Booths.Total - r.Booths.ByStatus[booth.Blocked]; usable > 0 {
		r.Booths.OccupancyPercent = occupancy(r.Booths.ByStatus[booth.Assigned], usable)
	}
}

// occupancy is assigned of usable as a percentage rounded to one decimal (1 of 15 is 6.7, not
// the 6.6 a truncation shows).
func occupancy(assigned, usable int) float64 {
	return math.Round(float64(assigned)*1000/float64(usable)) / 10
}

func (z *ZoneCount) count(status string) {
	z.Total++
	switch status {
	case booth.Available:
		z.Available++
	case booth.Reserved:
		z.Reserved++
	case booth.Assigned:
		z.Assigned++
	case booth.Blocked:
		z.Blocked++
	}
}

// countExhibitors counts the exhibitors (applications holding booths) by province, best star
// rating and sector, and sums their booth fees and the subsidy.
func (r *Report) countExhibitors(in Input, coll *vntext.Collator) {
	r.Exhibitors.ByStars = map[string]int{"5": 0, "potential_5": 0, "4": 0, "3": 0}
	provinces := map[string]*ProvinceCount{}
	sectors := map[string]int{}
	r.Subsidy.Percent, r.Subsidy.MaxBooths = in.Fair.Fees.SubsidyPercent, in.Fair.Fees.MaxSubsidisedBooths
	for _, ex := range Exhibitors(in) {
		a := ex.Application
		r.Exhibitors.Total++
		p := provinces[a.Province]
		if p == nil {
			prov, _ := ocop.ProvinceByCode(a.Province)
			p = &ProvinceCount{Code: a.Province, Name: prov.Name}
			provinces[a.Province] = p
		}
		p.Exhibitors++
		p.Booths += len(ex.Booths)
		r.countStars(a.Best())
		for _, s := range a.Sectors() {
			sectors[s]++
		}
		r.addFees(in.Fair, ex.Booths)
	}
	r.Exhibitors.ByProvince = make([]ProvinceCount, 0, len(provinces)) // [] rather than null
	r.Exhibitors.BySector = make([]SectorCount, 0, len(sectors))
	for _, p := range provinces {
		r.Exhibitors.ByProvince = append(r.Exhibitors.ByProvince, *p)
	}
	slices.SortFunc(r.Exhibitors.ByProvince, func(a, b ProvinceCount) int {
		return cmp.Or(cmp.Compare(b.Exhibitors, a.Exhibitors), coll.Compare(a.Name, b.Name))
	})
	for code, n := range sectors {
		s, _ := ocop.SectorByCode(code)
		r.Exhibitors.BySector = append(r.Exhibitors.BySector, SectorCount{Sector: code, Name: s.NameVI, Exhibitors: n})
	}
	slices.SortFunc(r.Exhibitors.BySector, func(a, b SectorCount) int {
		return cmp.Or(cmp.Compare(b.Exhibitors, a.Exhibitors), cmp.Compare(a.Sector, b.Sector))
	})
}

func (r *Report) countStars(best ocop.Rating) {
	switch {
	case best.Stars >= 5:
		r.Exhibitors.ByStars["5"]++
	case best.PotentialFive:
		r.Exhibitors.ByStars["potential_5"]++
	case best.Stars == 4:
		r.Exhibitors.ByStars["4"]++
	case best.Stars == 3:
		r.Exhibitors.ByStars["3"]++
	}
}

// addFees adds an exhibitor's booth fees, and the subsidy on its dearest booths up to the fair's
// maximum of subsidised booths.
func (r *Report) addFees(f fair.Fair, booths []booth.Booth) {
	prices := make([]int64, len(booths))
	for i, b := range booths {
		prices[i] = booth.PriceOf(f, b)
		r.Subsidy.BoothFeesVND += prices[i]
	}
	slices.Sort(prices)
	slices.Reverse(prices)
	for i := 0; i < len(prices) && i < f.Fees.MaxSubsidisedBooths; i++ {
		r.Subsidy.TotalVND += prices[i] * int64(f.Fees.SubsidyPercent) / 100
	}
}

// countMeetings counts the meetings held by outcome, and the contracts' value.
func (r *Report) countMeetings(outcomes []applicants.Outcome) {
	r.Meetings.ByOutcome = map[string]int{}
	for _, o := range outcomes {
		r.Meetings.Held++
		r.Meetings.ByOutcome[o.Outcome]++
		switch o.Outcome {
		case "mou_signed":
			r.Meetings.MoUs++
		case "contract_signed":
			r.Meetings.Contracts++
			r.Meetings.ContractValueVND += o.ValueVND
		}
	}
}
