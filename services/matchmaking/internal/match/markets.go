package match

import (
	_ "embed"
	"encoding/json"
)

// Market is an export market and the certifications its buyers expect.
type Market struct {
	NameVI    string   `json:"name_vi"`
	NameEN    string   `json:"name_en"`
	Expects   []string `json:"expects"`
	Trademark bool     `json:"trademark"`
}

//go:embed markets.json
var marketsJSON []byte

// Markets loads the market table.
func Markets() map[string]Market {
	var m map[string]Market
	if err := json.Unmarshal(marketsJSON, &m); err != nil {
		panic("match: markets.json: " + err.Error()) // embedded at build time; a test decodes it
	}
	return m
}
