package account

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

var fast = HashParams{Memory: 1024, Time: 1, Threads: 1}

func TestNew(t *testing.T) {
	tests := []struct {
		name                         string
		email, accName, role, passwd string
		self                         bool
		field                        string
	}{
		{"producer self-registers", "HTX.TanCuong@Example.vn ", "HTX Tân Cương", auth.RoleProducer, "chè-ngon-2026", true, ""},
		{"buyer self-registers", "mua@example.vn", "Siêu thị Hà Nội", auth.RoleBuyer, "mat-khau-dai", true, ""},
		{"organiser cannot self-register", "o@example.vn", "Sở Công Thương", auth.RoleOrganiser, "mat-khau-dai", true, "role"},
		{"admin creates organiser", "o@example.vn", "Sở Công Thương", auth.RoleOrganiser, "mat-khau-dai", false, ""},
		{"bad email", "not-an-email", "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"a Cyrillic letter in the email", "pr\u043educer01@demo.ocopfair.vn", "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"an accented local part", "nguyễn@example.vn", "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"a quoted local part, the same mailbox as an unquoted one", `"pa"@example.vn`, "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"another's address quoted as a local part", `"admin@ocopfair.local"@example.vn`, "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"an address at a bracketed IP", "pa@[127.0.0.1]", "Ten", auth.RoleBuyer, "mat-khau-dai", true, "email"},
		{"a local part with a plus", "mua+hoi-cho@example.vn", "Siêu thị Hà Nội", auth.RoleBuyer, "mat-khau-dai", true, ""},
		{"short password", "a@example.vn", "Ten", auth.RoleBuyer, "short", true, "password"},
		{"short name", "a@example.vn", "A", auth.RoleBuyer, "mat-khau-dai", true, "name"},
		{"unknown role", "a@example.vn", "Ten", "root", "mat-khau-dai", false, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.email, tt.accName, tt.role, tt.passwd, tt.self, "", fast)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if a.Email != strings.ToLower(strings.TrimSpace(tt.email)) || a.ID == "" || !CheckPassword(a.PasswordHash, tt.passwd) {
					t.Errorf("New = %+v", a)
				}
				return
			}
			var e *apperr.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != tt.field {
				t.Errorf("New error = %v, want a field error on %s", err, tt.field)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật-khẩu-tiếng-việt", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q is not PHC argon2id", h)
	}
	if !CheckPassword(h, "mật-khẩu-tiếng-việt") {
		t.Error("CheckPassword(right) = false")
	}
	for _, wrong := range []string{"", "mat-khau-tieng-viet", "mật-khẩu-tiếng-việt "} {
		if CheckPassword(h, wrong) {
			t.Errorf("CheckPassword(%q) = true", wrong)
		}
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA"} {
		if CheckPassword(bad, "x") {
			t.Errorf("CheckPassword accepted hash %q", bad)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	a, _ := New("a@example.vn", "Ten", auth.RoleBuyer, "mat-khau-dai", true, "", fast)
	if err := Authenticate(a, true, "mat-khau-dai", fast); err != nil {
		t.Errorf("Authenticate(right) = %v", err)
	}
	if err := Authenticate(a, true, "wrong-password", fast); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("Authenticate(wrong) = %v", err)
	}
	if err := Authenticate(Account{}, false, "mat-khau-dai", fast); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("Authenticate(unknown) = %v", err)
	}
	// An unknown email costs what the service's own hashes cost, not a fixed default: the time
	// a refusal takes does not say whether the email has an account.
	for _, p := range []HashParams{fast, DefaultHashParams} {
		if want := fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads); !strings.Contains(dummyHash(p), "$"+want+"$") {
			t.Errorf("the unknown email's hash %q, want one made with %s", dummyHash(p), want)
		}
	}
}

// A look-alike compatibility character folds to the letter it looks like, so the address is the
// account it imitates (sign-up then meets email_taken, sign-in finds that account).
func TestNormalizeEmailFoldsLookAlikes(t *testing.T) {
	for in, want := range map[string]string{
		" Admin@OcopFair.Local ":    "admin@ocopfair.local",
		"admin@ocopfair.loca\u217c": "admin@ocopfair.local",
		"\uff41dmin@ocopfair.local": "admin@ocopfair.local",
	} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// An address with a letter outside ASCII (an accent, a Cyrillic look-alike) is told so, not
// refused as no address at all.
func TestAnAccentedEmailIsSaidToBeOne(t *testing.T) {
	for _, email := range []string{"nguyễn@example.vn", "pr\u043educer01@demo.ocopfair.vn"} {
		_, err := New(email, "Ten", auth.RoleBuyer, "mat-khau-dai", true, "", fast)
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Code != "email_not_ascii" {
			t.Errorf("New(%q) = %v, want the email refused as not ASCII", email, err)
		}
	}
}
