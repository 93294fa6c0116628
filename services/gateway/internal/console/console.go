// Package console serves the web console: a single page in plain JavaScript (no build step, no
// CDN: every file is embedded in the gateway) that organisers, producers and buyers use in
// Vietnamese or English, and the reference data its forms need. The page follows changes through
// the live stream (package live).
package console

import (
	"embed"

	"github.com/ocopfair/ocopfair/pkg/ocop"
)

//go:embed static
var static embed.FS

// Reference is the data the console's forms offer.
type Reference struct {
	Provinces      []ocop.Province      `json:"provinces"`
	Regions        []ocop.Region        `json:"regions"`
	Sectors        []ocop.Sector        `json:"sectors"`
	CriteriaSets   []ocop.CriteriaSet   `json:"criteria_sets"`
	Certifications []ocop.Certification `json:"certifications"`
	Units          []ocop.Unit          `json:"units"`
	BoothKinds     []string             `json:"booth_kinds"`
}

// reference returns the reference data, all of it fixed.
func reference() Reference {
	return Reference{Provinces: ocop.Provinces(), Regions: ocop.Regions(), Sectors: ocop.Sectors(), CriteriaSets: ocop.CriteriaSets(),
		Certifications: ocop.Certifications(), Units: ocop.Units(), BoothKinds: []string{"standard", "corner", "double", "premium"}}
}
