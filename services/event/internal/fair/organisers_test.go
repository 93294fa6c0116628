package fair

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Account IDs as the gateway makes them.
const (
	orgA = "0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f03"
	orgB = "0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f04"
)

// fieldCodes returns the field errors of err as "field code", or nil when err is no Invalid
// error with fields.
func fieldCodes(err error) []string {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+" "+f.Code)
	}
	return out
}

func TestOrganisersOnCreate(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = "x"
	}
	tests := []struct {
		name       string
		organisers []string
		editor     string
		want       []string // the organisers kept
		errs       []string // or the field errors
	}{
		{"the creator and another", []string{orgB, orgA}, orgA, []string{orgA, orgB}, nil},
		{"duplicates, upper case and spaces fold", []string{orgA, " " + strings.ToUpper(orgB) + " ", orgB, orgA}, orgA, []string{orgA, orgB}, nil},
		{"an admin lists others", []string{orgB}, "", []string{orgB}, nil},
		{"an organiser leaves itself out", []string{orgB}, orgA, nil, []string{"organisers fair_organiser_self"}},
		{"not an account ID", []string{orgA, "org1"}, orgA, nil, []string{"organisers[1] fair_organiser_id"}},
		{"empty entry and a huge one", []string{strings.Repeat("x", 100_000), ""}, orgA, nil,
			[]string{"organisers[0] fair_organiser_id", "organisers[1] fair_organiser_id"}},
		{"braces", []string{"{" + orgA + "}"}, "", nil, []string{"organisers[0] fair_organiser_id"}},
		{"no hyphens", []string{strings.ReplaceAll(orgA, "-", "")}, "", nil, []string{"organisers[0] fair_organiser_id"}},
		{"empty list", []string{}, orgA, nil, []string{"organisers fair_organisers_count"}},
		{"21 entries: one error, not 21", many, orgA, nil, []string{"organisers fair_organisers_count"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			f.Organisers, f.Editor = &tt.organisers, tt.editor
			creator := cmp.Or(tt.editor, "admin-1")
			fr, err := New("f1", creator, f, time.Now())
			if got := fieldCodes(err); !slices.Equal(got, tt.errs) {
				t.Fatalf("New(organisers %.60q, editor %q) errors = %v (%v), want %v", tt.organisers, tt.editor, got, err, tt.errs)
			}
			if err == nil && !slices.Equal(fr.Organisers, tt.want) {
				t.Errorf("New(organisers %q).Organisers = %q, want %q", tt.organisers, fr.Organisers, tt.want)
			}
		})
	}
}

// TestOrganisersOnUpdate: an organiser changing the list stays on it; an admin may set any list.
func TestOrganisersOnUpdate(t *testing.T) {
	f, err := New("f1", orgA, valid(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Update(Fields{Organisers: &[]string{orgB}, Editor: orgA}, time.Now()); !slices.Equal(fieldCodes(err), []string{"organisers fair_organiser_self"}) {
		t.Errorf("an organiser removes itself = %v, want an error on organisers", err)
	}
	g, err := f.Update(Fields{Organisers: &[]string{orgA, orgB}, Editor: orgA}, time.Now())
	if err != nil || !g.IsOrganiser(orgB) || !g.IsOrganiser(orgA) {
		t.Errorf("an organiser adds another = %q, %v", g.Organisers, err)
	}
	if g, err := g.Update(Fields{Organisers: &[]string{orgA}, Editor: orgA}, time.Now()); err != nil || !slices.Equal(g.Organisers, []string{orgA}) {
		t.Errorf("an organiser removes a co-organiser = %q, %v", g.Organisers, err)
	}
	if g, err := f.Update(Fields{Organisers: &[]string{orgB}}, time.Now()); err != nil || !slices.Equal(g.Organisers, []string{orgB}) {
		t.Errorf("an admin hands the fair over = %q, %v", g.Organisers, err)
	}
	if g, err := f.Update(Fields{Theme: ptr("Tết"), Editor: orgB}, time.Now()); err != nil || !slices.Equal(g.Organisers, []string{orgA}) {
		t.Errorf("a change without organisers = %q, %v; want the list kept", g.Organisers, err)
	}
}

// TestOrganiserMessages: the new messages read as sentences in both languages.
func TestOrganiserMessages(t *testing.T) {
	f := valid()
	f.Organisers, f.Editor = &[]string{"", orgB}, orgA
	_, err := New("f1", orgA, f, time.Now())
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 {
		t.Fatalf("New = %v, want one field error", err)
	}
	for lang, want := range map[apperr.Lang]string{
		apperr.Vietnamese: "phải là mã tài khoản của một người trong ban tổ chức, dạng UUID như 0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f03",
		apperr.English:    "must be an organiser's account ID, a UUID such as 0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f03",
	} {
		if got := e.Fields[0].Localize(lang).Message; got != want {
			t.Errorf("organisers[0] in %s = %q, want %q", lang, got, want)
		}
	}
}
