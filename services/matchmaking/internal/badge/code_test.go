package badge

import (
	"strings"
	"testing"
)

// A code verifies only unchanged and under the key that signed it: any altered character, a
// code signed with another key and texts that are no badge code are refused.
func TestCodesVerifyOnlyUnaltered(t *testing.T) {
	key, other := NewKey(), NewKey()
	id := NewID()
	code := key.Code(id)
	if got, err := key.Verify(code); err != nil || got != id {
		t.Fatalf("Verify(Code(%q)) = %q, %v, want the ID", id, got, err)
	}
	if !strings.HasPrefix(code, "OB1.") || strings.Count(code, ".") != 2 {
		t.Errorf("Code(%q) = %q, want OB1.<id>.<sig>", id, code)
	}
	forged := map[string]string{
		"signed with another key": other.Code(id),
		"another ID, same sig":    Prefix + NewID() + code[strings.LastIndex(code, "."):],
		"no signature":            Prefix + id,
		"empty signature":         Prefix + id + ".",
		"another version":         "OB2." + code[4:],
		"empty":                   "",
		"a URL":                   "https://ocopfair.vn/v/" + id,
		"short ID":                key.Code("abc"),
	}
	for i := 4; i < len(code); i++ {
		if code[i] == '.' {
			continue
		}
		b := []byte(code)
		b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
		forged["altered at "+string(rune('0'+i%10))+"/"+string(code[i])] = string(b)
	}
	for name, c := range forged {
		if got, err := key.Verify(c); err == nil {
			t.Errorf("%s: Verify(%q) = %q, want ErrForged", name, c, got)
		}
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k, err := ParseKey(strings.Repeat("s3cr3t-", 6))
	if err != nil {
		t.Fatal(err)
	}
	if s := k.String(); strings.Contains(s, "s3cr3t") {
		t.Errorf("Key.String() = %q, shows the key", s)
	}
	if _, err := ParseKey("short"); err == nil {
		t.Error("ParseKey(a 5-character key) = nil error, want a refusal")
	}
}
