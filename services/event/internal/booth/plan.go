package booth

import (
	"context"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// StatusOf returns a booth's status on the map.
func StatusOf(b Booth, assigned bool) string {
	switch {
	case assigned:
		return Assigned
	case b.Hold != "":
		return b.Hold
	}
	return Available
}

// PriceOf returns what a booth costs: its own price, or the fair's price for its kind.
func PriceOf(f fair.Fair, b Booth) int64 {
	if b.Price > 0 {
		return b.Price
	}
	return f.Fees.BoothPrices[b.Kind]
}

type holderBody struct {
	ApplicationID string   `json:"application_id"`
	ProducerID    string   `json:"producer_id"`
	ProducerName  string   `json:"producer_name"`
	Province      string   `json:"province_code"`
	Products      []string `json:"products"`
	CriteriaSets  []int    `json:"criteria_sets"`
	Sectors       []string `json:"sectors"`
	Pinned        bool     `json:"pinned"`
}

type boothBody struct {
	Code   string      `json:"code"`
	Zone   string      `json:"zone"`
	Kind   string      `json:"kind"`
	X      float64     `json:"x"`
	Y      float64     `json:"y"`
	W      float64     `json:"w"`
	H      float64     `json:"h"`
	Price  int64       `json:"price"`
	Status string      `json:"status"`
	Holder *holderBody `json:"holder,omitempty"`
}

type mapResponse struct {
	FairID    string         `json:"fair_id"`
	Zones     []string       `json:"zones"`
	Width     float64        `json:"width" doc:"metres: the extent of all booths and landmarks"`
	Height    float64        `json:"height"`
	Booths    []boothBody    `json:"booths"`
	Landmarks []landmarkBody `json:"landmarks" doc:"entrances, aisles, stages... drawn under the booths"`
}

// load reads what the floor plan shows of a fair: its booths, their active assignments and the
// applications to it (whose producers hold the booths), from the model once it is ready.
func (rt *Routes) load(ctx context.Context, fairID string) ([]Booth, []Assignment, []applicants.Application, error) {
	if rt.Plans.Ready() {
		booths, held, apps := rt.Plans.Plan(fairID)
		return booths, held, apps, nil
	}
	booths, err := rt.Booths.Booths(ctx, fairID)
	if err != nil {
		return nil, nil, nil, err
	}
	held, err := rt.Booths.ActiveForFair(ctx, fairID)
	if err != nil {
		return nil, nil, nil, err
	}
	apps, err := rt.Applicants.ForFair(ctx, fairID)
	if err != nil {
		return nil, nil, nil, err
	}
	return booths, held, apps, nil
}

// floorPlan returns the map of f's floor plan.
func (rt *Routes) floorPlan(ctx context.Context, f fair.Fair) (mapResponse, error) {
	booths, held, apps, err := rt.load(ctx, f.ID)
	if err != nil {
		return mapResponse{}, err
	}
	landmarks, err := rt.planLandmarks(ctx, f.ID)
	if err != nil {
		return mapResponse{}, err
	}
	return withLandmarks(toMap(f, booths, held, apps), landmarks), nil
}

// toMap draws the floor plan: every booth with its status and price, and who holds it.
func toMap(f fair.Fair, booths []Booth, assignments []Assignment, applications []applicants.Application) mapResponse {
	apps := map[string]applicants.Application{}
	for _, a := range applications {
		apps[a.ID] = a
	}
	held := map[string]Assignment{}
	for _, a := range assignments {
		held[a.Code] = a
	}
	m := mapResponse{FairID: f.ID, Zones: []string{}, Booths: make([]boothBody, 0, len(booths))}
	zones := map[string]bool{}
	for _, b := range booths {
		as, assigned := held[b.Code]
		body := boothBody{Code: b.Code, Zone: b.Zone, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Price: PriceOf(f, b), Status: StatusOf(b, assigned)}
		if assigned {
			body.Holder = toHolder(as, apps[as.ApplicationID])
		}
		if !zones[b.Zone] {
			zones[b.Zone] = true
			m.Zones = append(m.Zones, b.Zone)
		}
		m.Width, m.Height = max(m.Width, b.X+b.W), max(m.Height, b.Y+b.H)
		m.Booths = append(m.Booths, body)
	}
	return m
}

func toHolder(as Assignment, a applicants.Application) *holderBody {
	h := &holderBody{ApplicationID: as.ApplicationID, ProducerID: as.ProducerID, ProducerName: a.ProducerName, Province: a.Province,
		Products: []string{}, CriteriaSets: a.CriteriaSets(), Sectors: a.Sectors(), Pinned: as.Pinned}
	for _, p := range a.Products {
		h.Products = append(h.Products, p.Name)
	}
	return h
}

// PlanTable lists f's floor plan for download in lang: each booth with its price, status and
// holder.
func PlanTable(f fair.Fair, booths []Booth, assignments []Assignment, applications []applicants.Application, lang apperr.Lang) sheet.Table {
	t := sheet.Table{Title: msgPlanTitle.In(lang), Lang: lang, Money: []int{7}}
	for _, h := range msgPlanHead {
		if m, ok := h.(apperr.Msg); ok {
			h = m.In(lang)
		}
		t.Header = append(t.Header, h.(string))
	}
	holder := map[string]string{}
	names := map[string]string{}
	for _, a := range applications {
		names[a.ID] = a.ProducerName
	}
	for _, as := range assignments {
		holder[as.Code] = names[as.ApplicationID]
	}
	for _, b := range booths {
		_, assigned := holder[b.Code]
		kind := b.Kind
		if m, ok := planKind[b.Kind]; ok {
			kind = m.In(lang)
		}
		t.Rows = append(t.Rows, []any{b.Code, b.Zone, kind, b.X, b.Y, b.W, b.H, PriceOf(f, b), planStatus[StatusOf(b, assigned)].In(lang), holder[b.Code]})
	}
	return t
}
