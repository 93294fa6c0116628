// Package msgcheck holds the checks that keep ocopfair's user-facing messages in both languages:
// Catalogue checks every message defined with apperr.M, BareStrings finds the errors still made
// from a bare one-language string. Each module's tests call them on what it links and holds.
package msgcheck

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_.]*$`)

// englishWords are common English words that have no place in a Vietnamese text.
var englishWords = wordSet("the must is are was were this that with your you and not please again cannot " +
	"has have been for from try should does only")

// vietnameseWords are Vietnamese words as they look written without diacritics, which an English
// text has no reason to hold.
var vietnameseWords = wordSet("khong duoc phai hoac nguoi cua nay mot nhung chua hay")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Catalogue checks msgs (usually apperr.Messages()): every code is well formed and unique, both
// texts are set, they take the same parameters, the Vietnamese text has diacritics and no English
// words, and the English text is plain ASCII with no Vietnamese words. It returns every problem
// found, joined.
func Catalogue(msgs []apperr.Msg) error {
	var errs []error
	seen := map[string]apperr.Msg{}
	for _, m := range msgs {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("message %q: %s", m.Code, fmt.Sprintf(format, args...)))
		}
		if !codePattern.MatchString(m.Code) {
			bad("the code must be lower-case letters, digits, _ and .")
		}
		if prev, dup := seen[m.Code]; dup {
			bad("defined twice (%q and %q)", prev.EN, m.EN)
		}
		seen[m.Code] = m
		if strings.TrimSpace(m.VI) == "" || strings.TrimSpace(m.EN) == "" {
			bad("both texts must be set (vi %q, en %q)", m.VI, m.EN)
			continue
		}
		viParams, err := Params(m.VI)
		if err != nil {
			bad("vi: %v", err)
		}
		enParams, err := Params(m.EN)
		if err != nil {
			bad("en: %v", err)
		}
		if !maps.Equal(viParams, enParams) {
			bad("the texts take different parameters (vi %v, en %v)", viParams, enParams)
		}
		for _, p := range checkVietnamese(m.VI) {
			bad("vi %q: %s", m.VI, p)
		}
		for _, p := range checkEnglish(m.EN) {
			bad("en %q: %s", m.EN, p)
		}
	}
	return errors.Join(errs...)
}

// Params returns the parameters a fmt format takes: the verb for each argument index (from 1),
// following fmt's rules for explicit indexes such as %[2]s.
func Params(format string) (map[int]string, error) {
	params := map[int]string{}
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '%' {
			continue
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("an unclosed argument index in %q", format)
			}
			n, err := strconv.Atoi(format[i+1 : i+end])
			if err != nil || n < 1 {
				return nil, fmt.Errorf("a bad argument index in %q", format)
			}
			next = n
			i += end + 1
		}
		if i >= len(format) {
			return nil, fmt.Errorf("a verb is missing at the end of %q", format)
		}
		params[next] = string(format[i])
		next++
	}
	return params, nil
}

// words returns the letters-only words of s, with its fmt verbs left out.
func words(s string) []string {
	s = verbPattern.ReplaceAllString(s, " ")
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

var verbPattern = regexp.MustCompile(`%[-+# 0-9.]*(\[[0-9]+\])?[a-zA-Z%]`)

func checkVietnamese(s string) []string {
	var out []string
	ws := words(s)
	marked := false
	for _, w := range ws {
		if englishWords[strings.ToLower(w)] {
			out = append(out, fmt.Sprintf("the English word %q", w))
		}
		for _, r := range w {
			marked = marked || r > unicode.MaxASCII
		}
	}
	if len(ws) > 0 && !marked {
		out = append(out, "no letter has a diacritic: is it Vietnamese?")
	}
	return out
}

func checkEnglish(s string) []string {
	var out []string
	for _, r := range verbPattern.ReplaceAllString(s, "") {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			out = append(out, fmt.Sprintf("the letter %q is not English: pass names as parameters", r))
			break
		}
	}
	for _, w := range words(s) {
		if vietnameseWords[strings.ToLower(w)] {
			out = append(out, fmt.Sprintf("the Vietnamese word %q", w))
		}
	}
	return out
}

// NotVietnamese returns what makes s, a text shown to a reader of Vietnamese, not Vietnamese:
// English words, or no letter with a diacritic at all. Tests use it on answers read through the
// API, as Catalogue does on the messages' Vietnamese texts.
func NotVietnamese(s string) []string { return checkVietnamese(s) }

// NotEnglish returns what makes s, a text shown to a reader of English, not English: a letter
// English does not write, or a Vietnamese word written without diacritics. Names are Vietnamese
// in English texts too: leave them out of s first.
func NotEnglish(s string) []string { return checkEnglish(s) }
