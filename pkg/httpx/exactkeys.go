package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Go's JSON decoder matches a key to a field ignoring case ("SLOT" sets slot) and keeps the last
// of a key given twice ({"slot":1,"slot":2} reads 2): a client's typo or a smuggled second value
// would then pass the check for unknown fields. Decode refuses both with exactKeys.

var msgFieldTwice = apperr.M("field_repeated",
	"trường này xuất hiện hai lần trong cùng một đối tượng",
	"appears twice in the same object")

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// exactKeys checks raw, which decoded into a value of type t, and returns the field error of its
// first key that no field of t's structs names exactly, or that an object repeats; nil when
// there is none. Values decoded by their own UnmarshalJSON, maps' keys and values of type any
// are not looked into (maps' and any's objects are still checked for repeated keys).
func exactKeys(raw []byte, t reflect.Type) *apperr.FieldError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	fe, _ := walkKeys(dec, t, "")
	return fe
}

// walkKeys reads one value from dec, meant for type t (nil: any), at path.
func walkKeys(dec *json.Decoder, t reflect.Type, path string) (*apperr.FieldError, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)) {
		t = nil // decoded by its own method: its keys are its own business
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if fe, err := walkKeys(dec, elem, path+"["+strconv.Itoa(i)+"]"); fe != nil || err != nil {
				return fe, err
			}
		}
		_, err := dec.Token()
		return nil, err
	}
	return nil, nil
}

// walkObject reads an object's keys and values from dec, its '{' read already.
func walkObject(dec *json.Decoder, t reflect.Type, path string) (*apperr.FieldError, error) {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t != nil && t.Kind() == reflect.Struct:
		fields = map[string]reflect.Type{}
		jsonFields(t, fields)
	case t != nil && t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		if seen[key] {
			fe := apperr.Field(at, msgFieldTwice)
			return &fe, nil
		}
		seen[key] = true
		next := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				fe := apperr.Field(at, msgFieldUnknown)
				return &fe, nil
			}
			next = ft
		}
		if fe, err := walkKeys(dec, next, at); fe != nil || err != nil {
			return fe, err
		}
	}
	_, err := dec.Token()
	return nil, err
}

// jsonFields adds the JSON names of struct t's fields to out, with their types, those of
// embedded structs without a name of their own included, as encoding/json reads them.
func jsonFields(t reflect.Type, out map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			jsonFields(ft, out)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := out[name]; !taken {
			out[name] = f.Type
		}
	}
}
