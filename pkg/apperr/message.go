package apperr

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Lang is a language users read ocopfair's messages in.
type Lang string

// The languages every message is written in. Vietnamese is the default: it is what users get when
// they ask for nothing or for a language ocopfair does not speak.
const (
	Vietnamese Lang = "vi"
	English    Lang = "en"
)

// Msg is one user-facing message: a stable machine code that clients map, and its text in
// Vietnamese and in English. The texts are fmt formats; a message with parameters uses the same
// verbs in both (an explicit index such as %[2]s lets a language put them in another order). A
// message is said in a language only at the edge (Text.In), never stored rendered.
type Msg struct {
	Code string
	VI   string
	EN   string
}

// catalogue holds every message defined with M, in the order they were defined, so that a test
// can check them all (msgcheck.Catalogue). It is written only while package variables are
// initialised and read by tests.
var catalogue struct {
	sync.RWMutex
	msgs   []Msg
	byCode map[string]Msg
}

// M defines a message and records it in the catalogue. Define each message once, as a package
// variable next to the code that uses it:
//
//	var errAlreadyApplied = apperr.M("application_exists",
//		"Bạn đã có đơn đăng ký tham gia hội chợ này; hãy rút đơn trước khi đăng ký lại.",
//		"You already have an application to this fair; withdraw it before applying again.")
func M(code, vi, en string) Msg {
	m := Msg{Code: code, VI: vi, EN: en}
	catalogue.Lock()
	catalogue.msgs = append(catalogue.msgs, m)
	if catalogue.byCode == nil {
		catalogue.byCode = map[string]Msg{}
	}
	if _, dup := catalogue.byCode[code]; !dup {
		catalogue.byCode[code] = m
	}
	catalogue.Unlock()
	return m
}

// Lookup returns the message defined with code, for a code read back from data (Stored).
func Lookup(code string) (Msg, bool) {
	catalogue.RLock()
	defer catalogue.RUnlock()
	m, ok := catalogue.byCode[code]
	return m, ok
}

// Stored is a message kept as data, in a document or an event: its code and its arguments,
// said in the reader's language when read (In), never stored rendered and never as a bilingual
// string.
type Stored struct {
	Code string      `json:"code" bson:"code"`
	Args []StoredArg `json:"args,omitempty" bson:"args,omitempty"`
}

// StoredArg is one argument of a Stored message: its kind and its value as text.
type StoredArg struct {
	Kind  string `json:"kind" bson:"kind"`
	Value string `json:"value" bson:"value"`
}

// Kinds of a stored argument: words and a number are said as they are, a message (kept by its
// code) in the reader's language.
const (
	ArgText    = "text"
	ArgNumber  = "number"
	ArgMessage = "message"
)

// Store returns m with params (names, numbers and codes, not words to translate), to keep as
// data.
func (m Msg) Store(params ...string) Stored {
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	return m.With(args...).Store()
}

// Store returns t to keep as data. A whole number stays a number, a Msg is kept by its code, and
// any other argument as the text it prints as.
func (t Text) Store() Stored {
	s := Stored{Code: t.Msg.Code}
	for _, a := range t.Args {
		switch v := a.(type) {
		case int:
			s.Args = append(s.Args, StoredArg{Kind: ArgNumber, Value: strconv.Itoa(v)})
		case int64:
			s.Args = append(s.Args, StoredArg{Kind: ArgNumber, Value: strconv.FormatInt(v, 10)})
		case Msg:
			s.Args = append(s.Args, StoredArg{Kind: ArgMessage, Value: v.Code})
		default:
			s.Args = append(s.Args, StoredArg{Kind: ArgText, Value: fmt.Sprint(a)})
		}
	}
	return s
}

// Text is s as a message with its arguments again. A code this program does not define is a
// message that says the code itself, so that a reason stored by a newer version still reads as
// something a client can map; so is an argument naming such a message.
func (s Stored) Text() Text {
	m, ok := Lookup(s.Code)
	if !ok {
		return Msg{Code: s.Code, VI: s.Code, EN: s.Code}.With()
	}
	args := make([]any, len(s.Args))
	for i, a := range s.Args {
		args[i] = a.arg()
	}
	return m.With(args...)
}

func (a StoredArg) arg() any {
	switch a.Kind {
	case ArgNumber:
		if n, err := strconv.Atoi(a.Value); err == nil {
			return n
		}
	case ArgMessage:
		if m, ok := Lookup(a.Value); ok {
			return m
		}
	}
	return a.Value
}

// In says s in lang.
func (s Stored) In(lang Lang) string { return s.Text().In(lang) }

// Messages returns every message defined so far in this program, in definition order.
func Messages() []Msg {
	catalogue.RLock()
	defer catalogue.RUnlock()
	return append([]Msg(nil), catalogue.msgs...)
}

// Localized is what can be said in a language. A message argument that implements it (a Msg, a
// Text, Or) is said in the language of the message it is part of.
type Localized interface {
	In(lang Lang) string
}

// In says m, which has no parameters, in lang: for messages used as words, such as the name of a
// kind of record passed to another message.
func (m Msg) In(lang Lang) string { return m.With().In(lang) }

// With returns m with its arguments, to be said later in the caller's language.
func (m Msg) With(args ...any) Text { return Text{Msg: m, Args: args} }

// Format returns m's text in lang (Vietnamese for any other language).
func (m Msg) Format(lang Lang) string {
	if lang == English {
		return m.EN
	}
	return m.VI
}

// Text is a message with its arguments: what an error carries until the edge knows which language
// to say it in.
type Text struct {
	Msg  Msg
	Args []any
}

// IsZero reports whether t holds no message (an error made by a deprecated string constructor).
func (t Text) IsZero() bool { return t.Msg.Code == "" }

// In renders t in lang. Localized arguments are said in lang too. A text that starts with a
// parameter gets its first letter in upper case, as a sentence does.
func (t Text) In(lang Lang) string {
	format := t.Msg.Format(lang)
	args := t.Args
	if len(args) > 0 {
		args = make([]any, len(t.Args))
		for i, a := range t.Args {
			if l, ok := a.(Localized); ok {
				a = l.In(lang)
			}
			args[i] = a
		}
	}
	s := format
	if len(args) > 0 || strings.Contains(format, "%") {
		s = fmt.Sprintf(format, args...)
	}
	if strings.HasPrefix(format, "%") {
		r, n := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	return s
}

// Or is a list of alternatives said as "a, b hoặc c" or "a, b or c"; its items may be Localized.
type Or []any

// OrOf is the alternatives vs, as they are written in requests (enum values).
func OrOf(vs ...string) Or {
	o := make(Or, len(vs))
	for i, v := range vs {
		o[i] = v
	}
	return o
}

// In joins the alternatives with the language's word for "or".
func (o Or) In(lang Lang) string {
	parts := make([]string, len(o))
	for i, a := range o {
		if l, ok := a.(Localized); ok {
			parts[i] = l.In(lang)
		} else {
			parts[i] = fmt.Sprint(a)
		}
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	or := " hoặc "
	if lang == English {
		or = " or "
	}
	return strings.Join(parts[:len(parts)-1], ", ") + or + parts[len(parts)-1]
}
