package httpx

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

type exactInner struct {
	IssuedOn time.Time `json:"issued_on"`
	By       string    `json:"issued_by"`
}

type exactBase struct {
	Note string `json:"note"`
}

type exactBody struct {
	exactBase
	Name    string            `json:"name"`
	Cert    *exactInner       `json:"certificate"`
	Items   []exactInner      `json:"items"`
	Labels  map[string]string `json:"labels"`
	Extra   any               `json:"extra"`
	Skipped string            `json:"-"`
	Plain   int
}

// exactKeys finds keys in another case and repeated keys at any depth, and leaves alone what the
// decoder does not match by name (map keys, any, a type's own UnmarshalJSON).
func TestExactKeys(t *testing.T) {
	typ := reflect.TypeFor[*exactBody]()
	for _, tt := range []struct {
		body, field, code string
	}{
		{`{"name":"x","note":"n","Plain":1,"certificate":{"issued_on":"2026-01-01T00:00:00Z","issued_by":"UBND"},"items":[{"issued_by":"a"}],"labels":{"Any Key":"v"},"extra":{"A":1,"a":2}}`, "", ""},
		{`{"Name":"x"}`, "Name", "field_unknown"},
		{`{"name":"x","name":"y"}`, "name", "field_repeated"},
		{`{"certificate":{"Issued_By":"x"}}`, "certificate.Issued_By", "field_unknown"},
		{`{"certificate":{"issued_by":"x","issued_by":"y"}}`, "certificate.issued_by", "field_repeated"},
		{`{"items":[{"issued_by":"a"},{"ISSUED_BY":"b"}]}`, "items[1].ISSUED_BY", "field_unknown"},
		{`{"labels":{"k":"1","k":"2"}}`, "labels.k", "field_repeated"},
		{`{"NOTE":"n"}`, "NOTE", "field_unknown"},
		{`{"plain":1}`, "plain", "field_unknown"},
		{`{"Skipped":"x"}`, "Skipped", "field_unknown"},
	} {
		fe := exactKeys([]byte(tt.body), typ)
		switch {
		case tt.field == "" && fe != nil:
			t.Errorf("%s: %+v, want no error", tt.body, *fe)
		case tt.field != "" && (fe == nil || fe.Field != tt.field || fe.Code != tt.code):
			t.Errorf("%s: %+v, want %s on %s", tt.body, fe, tt.code, tt.field)
		}
	}
}

// Decode names an unknown key by its whole path, however it is spelled.
func TestDecodeNamesAnUnknownKeyByItsPath(t *testing.T) {
	for body, want := range map[string]string{
		`{"certificate":{"bogus":1}}`:         "certificate.bogus",
		`{"items":[{"issued_by":"a","x":1}]}`: "items[0].x",
		`{"colour":"red"}`:                    "colour",
	} {
		var dst exactBody
		err := Decode(strings.NewReader(body), &dst)
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != want || e.Code() != "unknown_field" {
			t.Errorf("%s: %v, want unknown_field on %s", body, err, want)
		}
	}
}

// A body that is not UTF-8 (a name typed in Windows-1258) is refused, saying where, instead of
// stored with U+FFFD in place of its letters; Vietnamese in UTF-8 passes.
func TestDecodeRefusesABodyThatIsNotUTF8(t *testing.T) {
	var dst struct {
		Colour string `json:"colour"`
	}
	err := Decode(strings.NewReader("{\"colour\":\"Eve \xff\xfe Co\"}"), &dst)
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code() != "body_not_utf8" || e.Kind != apperr.Malformed || !strings.Contains(e.Error(), "byte 16") {
		t.Errorf("a body with \\xff: %v (%+v), want body_not_utf8 at byte 16", err, dst)
	}
	if err := Decode(strings.NewReader(`{"colour":"Mật ong Bắc Hà"}`), &dst); err != nil || dst.Colour != "Mật ong Bắc Hà" {
		t.Errorf("a Vietnamese body: %v %q", err, dst.Colour)
	}
}
