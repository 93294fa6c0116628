package apperr_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

var (
	msgBooth = apperr.M("test.booth_taken", "Gian hàng %[2]s đã thuộc về %[1]s.", "%[1]s already holds booth %[2]s.")
	msgNoun  = apperr.M("test.noun_fair", "hội chợ", "fair")
	msgOf    = apperr.M("test.of", "%s đã kín chỗ.", "The %s is full.")
)

func TestTextIn(t *testing.T) {
	tests := []struct {
		name string
		text apperr.Text
		lang apperr.Lang
		want string
	}{
		{"reordered, vi", msgBooth.With("HTX Tân Cương", "A-12"), apperr.Vietnamese, "Gian hàng A-12 đã thuộc về HTX Tân Cương."},
		{"reordered, en", msgBooth.With("HTX Tân Cương", "A-12"), apperr.English, "HTX Tân Cương already holds booth A-12."},
		{"a localized argument, vi, sentence case", msgOf.With(msgNoun), apperr.Vietnamese, "Hội chợ đã kín chỗ."},
		{"a localized argument, en", msgOf.With(msgNoun), apperr.English, "The fair is full."},
		{"alternatives, vi", apperr.OneOf.With(apperr.Or{"json", "csv", "xlsx"}), apperr.Vietnamese, "phải là json, csv hoặc xlsx"},
		{"alternatives, en", apperr.OneOf.With(apperr.Or{"json", "csv", "xlsx"}), apperr.English, "must be json, csv or xlsx"},
		{"an unknown language is Vietnamese", apperr.Required.With(), apperr.Lang("fr"), "bắt buộc phải có"},
		{"a percent sign without parameters", apperr.M("test.percent", "Giảm 50%% phí.", "50%% off.").With(), apperr.English, "50% off."},
	}
	for _, tt := range tests {
		if got := tt.text.In(tt.lang); got != tt.want {
			t.Errorf("%s: In(%s) = %q, want %q", tt.name, tt.lang, got, tt.want)
		}
	}
}

func TestErrorsCarryCodes(t *testing.T) {
	err := apperr.WrapMsg(apperr.Conflict, errors.New("E11000"), msgBooth, "HTX Tân Cương", "A-12")
	if got := err.Code(); got != "test.booth_taken" {
		t.Errorf("Code() = %q, want test.booth_taken", got)
	}
	if got := err.Detail(apperr.Vietnamese); got != "Gian hàng A-12 đã thuộc về HTX Tân Cương." {
		t.Errorf("Detail(vi) = %q", got)
	}
	if got := err.Message; got != "HTX Tân Cương already holds booth A-12." {
		t.Errorf("Message = %q, want the English text", got)
	}
	if !errors.Is(err, err.Err) || apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("the wrapped error or the kind is lost: %v", err)
	}
	legacy := apperr.E(apperr.NotFound, "no fair %s", "f-1")
	if legacy.Code() != "not_found" || legacy.Detail(apperr.English) != "no fair f-1" {
		t.Errorf("a bare-string error = %q, %q; want not_found, its text", legacy.Code(), legacy.Detail(apperr.English))
	}
}

func TestValidationKeepsCodes(t *testing.T) {
	var inner apperr.Validation
	inner.Fail("name", apperr.TooLong, 120)
	var v apperr.Validation
	v.Expect(false, "email", apperr.Required)
	v.Expect(true, "ignored", apperr.Required)
	v.Merge("products.0", inner.Err())
	v.Merge("rating", apperr.New(apperr.Invalid, apperr.OneOf, apperr.Or{3, 4, 5}))
	v.Add("legacy", "must be set")
	var e *apperr.Error
	if !errors.As(v.Err(), &e) || e.Code() != "invalid_fields" {
		t.Fatalf("Err() = %v, want an invalid_fields error", v.Err())
	}
	var got []apperr.FieldError
	for _, f := range e.Fields {
		got = append(got, f.Localize(apperr.Vietnamese))
	}
	want := []apperr.FieldError{
		{Field: "email", Code: "required", Message: "bắt buộc phải có"},
		{Field: "products.0.name", Code: "too_long", Message: "dài tối đa 120 ký tự"},
		{Field: "rating", Code: "one_of", Message: "phải là 3, 4 hoặc 5"},
		{Field: "legacy", Code: "invalid", Message: "must be set"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
}

// A text kept as data and read back says the same in each language: a number stays a number
// (%d), a message argument is said in the reader's language, and a code or a message argument
// this program does not define reads as the code.
func TestStoredTextReadsBackTyped(t *testing.T) {
	slot := apperr.M("test.slot_of", "Khung %d của %s bị %s.", "Slot %d of %s is %s.")
	text := slot.With(7, "HTX Tân Cương", msgNoun)
	kept := text.Store()
	want := apperr.Stored{Code: "test.slot_of", Args: []apperr.StoredArg{
		{Kind: apperr.ArgNumber, Value: "7"}, {Kind: apperr.ArgText, Value: "HTX Tân Cương"}, {Kind: apperr.ArgMessage, Value: "test.noun_fair"}}}
	if diff := cmp.Diff(want, kept); diff != "" {
		t.Fatalf("Store (-want +got):\n%s", diff)
	}
	for _, lang := range []apperr.Lang{apperr.Vietnamese, apperr.English} {
		if got, want := kept.In(lang), text.In(lang); got != want {
			t.Errorf("read back in %s: %q, want %q", lang, got, want)
		}
	}
	if got := kept.Text().In(apperr.English); got != "Slot 7 of HTX Tân Cương is fair." {
		t.Errorf("Text().In(en) = %q", got)
	}
	newer := apperr.Stored{Code: "test.slot_of", Args: []apperr.StoredArg{
		{Kind: apperr.ArgNumber, Value: "7"}, {Kind: "colour", Value: "đỏ"}, {Kind: apperr.ArgMessage, Value: "test.from_a_newer_version"}}}
	if got := newer.In(apperr.English); got != "Slot 7 of đỏ is test.from_a_newer_version." {
		t.Errorf("arguments of unknown kinds read %q, want their values", got)
	}
	if got := (apperr.Stored{Code: "test.from_a_newer_version", Args: []apperr.StoredArg{{Kind: apperr.ArgText, Value: "x"}}}).Text().In(apperr.Vietnamese); got != "test.from_a_newer_version" {
		t.Errorf("an unknown code reads %q, want the code", got)
	}
}

func TestStoredReadsInEachLanguage(t *testing.T) {
	s := msgBooth.Store("HTX Tân Cương", "A-12")
	if s.Code != "test.booth_taken" || len(s.Args) != 2 {
		t.Fatalf("Store = %+v", s)
	}
	if got := s.In(apperr.Vietnamese); got != "Gian hàng A-12 đã thuộc về HTX Tân Cương." {
		t.Errorf("In(vi) = %q", got)
	}
	if got := s.In(apperr.English); got != "HTX Tân Cương already holds booth A-12." {
		t.Errorf("In(en) = %q", got)
	}
	if got := (apperr.Stored{Code: "rule_from_a_newer_version"}).In(apperr.English); got != "rule_from_a_newer_version" {
		t.Errorf("an unknown code reads %q, want the code", got)
	}
	if m, ok := apperr.Lookup("required"); !ok || m != apperr.Required {
		t.Errorf("Lookup(required) = %v, %v", m, ok)
	}
}
